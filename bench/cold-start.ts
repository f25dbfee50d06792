/**
 * cold-start — how long the built CLI takes to answer, whole processes, against `node -e 0` in the same
 * run (bench/lib/parse-speed.ts coldStart): `--version`, detect of a 10-line sshd log into a fresh state
 * folder, audit of the sample sshd_config, `probe --help`. Runs alternate command by command (a shared
 * machine drifts); medians. Needs `npm run build`.
 * Usage: npx tsx bench/cold-start.ts [--quick] [--runs N]
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { intFlag, machineInfo, parseFlags, printMachine, writeResult } from './lib/common.js';
import { CLI, coldStart, printColdStart, writeTenLineLog } from './lib/parse-speed.js';

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const runs = intFlag(flags, 'runs', flags.quick ? 5 : 15);
  const machine = machineInfo();
  printMachine(machine);
  const dir = mkdtempSync(join(tmpdir(), 'drawbridge-bench-cold-'));
  try {
    const cold = await coldStart(writeTenLineLog(dir), runs);
    printColdStart(cold);
    const out = writeResult('cold-start', { machine, ...cold });
    console.log(`\nwritten to ${out}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
