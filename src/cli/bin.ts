#!/usr/bin/env node
import { packageJson } from './version.js';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Answered before any command module loads: a cold start costs what it imports.
  process.stdout.write(`${packageJson().version}\n`);
} else {
  const [{ main }, { quietOnEpipe }] = await Promise.all([import('./main.js'), import('./failures.js')]);
  quietOnEpipe(process.stdout);
  process.exitCode = await main(args);
}
