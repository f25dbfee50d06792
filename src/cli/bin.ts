#!/usr/bin/env node
import { packageJson } from './version.js';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Answered before any command module loads: a cold start costs what it imports.
  process.stdout.write(`${packageJson().version}\n`);
} else {
  const { quietOnEpipe } = await import('./failures.js');
  quietOnEpipe(process.stdout);
  process.exitCode = await run(args);
}

/** A run naming one command loads that command alone (command-modules.ts); any other, the whole program. */
async function run(argv: string[]): Promise<number> {
  const single = (await import('./command-modules.js')).singleCommand(argv);
  if (!single) return (await import('./main.js')).main(argv);
  const [{ baseProgram, runProgram }, register] = await Promise.all([import('./program.js'), single()]);
  const program = baseProgram();
  register(program);
  return runProgram(program, argv);
}
