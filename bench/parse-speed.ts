/**
 * parse-speed — the parsing side of detect (bench/lib/parse-speed.ts): decoders alone, detect with 1 and
 * 2 threads, and the CLI's cold start against `node -e 0`, all in this run. Needs `npm run build`.
 * Usage: npx tsx bench/parse-speed.ts [--quick] [--sshd-lines N] [--k8s-lines N] [--runs N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { intFlag, machineInfo, parseFlags, printMachine, printTable, writeResult } from './lib/common.js';
import { writeK8sAuditLog, writeSshdLog } from './lib/logs.js';
import { coldStart, decodeOnly, printColdStart, threadScaling, writeTenLineLog } from './lib/parse-speed.js';

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const q = flags.quick;
  const sizes = { sshd: intFlag(flags, 'sshd-lines', q ? 100_000 : 500_000), k8s: intFlag(flags, 'k8s-lines', q ? 10_000 : 50_000) };
  const runs = intFlag(flags, 'runs', q ? 1 : 3);
  const machine = machineInfo();
  printMachine(machine);
  const dir = mkdtempSync(join(tmpdir(), 'drawbridge-bench-parse-'));
  try {
    const sshd = writeSshdLog(join(dir, 'auth.log'), sizes.sshd);
    const k8s = writeK8sAuditLog(join(dir, 'k8s-audit.jsonl'), sizes.k8s);
    // The generated logs span 30 days: learn for the first half, detect in the second.
    const learn = '15d';

    const decode = { sshd: await decodeOnly(sshd.file, 'sshd'), k8s: await decodeOnly(k8s.file, 'k8s-audit') };
    console.log('\ndecoders alone (lines/s, best of 5, this process)');
    printTable([['decoder', 'lines/s', 'events'], ...Object.entries(decode).map(([k, v]) => [k, v.linesPerSec, v.events])]);

    const threads = { sshd: await threadScaling(sshd.file, learn, runs), k8s: await threadScaling(k8s.file, learn, runs) };
    console.log('\ndetect, whole process, 1 → 2 threads (median ms)');
    printTable([
      ['corpus', 'lines', '1 thread ms', '2 threads ms', 'speed-up', 'peak RSS 2 threads MiB'],
      ...Object.entries(threads).map(([k, v]) => [k, k === 'sshd' ? sshd.lines : k8s.lines, v.rows[0]!.medianMs, v.rows[1]!.medianMs, v.speedup, v.rows[1]!.peakRssMiB ?? '-']),
    ]);

    const cold = await coldStart(writeTenLineLog(dir), q ? 5 : 11);
    printColdStart(cold);

    const out = writeResult('parse-speed', { machine, sizes, decode, threads, cold });
    console.log(`\nwritten to ${out}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
