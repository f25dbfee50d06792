/**
 * Measurements of the parsing side of detect, as functions another bench can call:
 *   - threadScaling: the built CLI's `detect` over one file with --threads 1 and 2, whole processes,
 *     alternated run by run (a shared machine drifts), medians and the speed-up;
 *   - coldStart: `node -e 0` (the floor), `drawbridge --version`, a detect of a 10-line log, an audit of
 *     the sample sshd_config and `probe --help`, whole processes, alternated, medians and the ratio to the floor;
 *   - decodeOnly: one decoder over a file's lines in this process, no pipeline (what a pre-check saves).
 * Each needs `npm run build` first (dist/); nothing here asserts a time.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, printTable, REPO_DIR, round, runChild } from './common.js';

export const CLI = join(REPO_DIR, 'dist/cli/bin.js');

export interface TimedVariant {
  variant: string;
  runs: number;
  medianMs: number;
  peakRssMiB?: number;
}

/** Run each command `runs` times, alternating between them, each run in a fresh state folder. */
async function alternate(commands: { variant: string; args: (stateDir: string) => string[] }[], runs: number): Promise<TimedVariant[]> {
  const times = new Map<string, number[]>(commands.map((c) => [c.variant, []]));
  const rss = new Map<string, number>();
  for (let r = 0; r < runs; r++) {
    for (const c of commands) {
      const state = mkdtempSync(join(tmpdir(), 'drawbridge-bench-state-'));
      try {
        const run = await runChild(process.execPath, c.args(state));
        if (run.code !== 0 && run.code !== 1) throw new Error(`${c.variant} failed (${run.code}): ${run.stderr.slice(-2000)}`);
        times.get(c.variant)!.push(run.wallMs);
        if (run.peakRssMiB !== undefined) rss.set(c.variant, Math.max(rss.get(c.variant) ?? 0, run.peakRssMiB));
      } finally {
        rmSync(state, { recursive: true, force: true });
      }
    }
  }
  return commands.map((c) => ({ variant: c.variant, runs, medianMs: round(median(times.get(c.variant)!), 1), ...(rss.has(c.variant) ? { peakRssMiB: rss.get(c.variant) } : {}) }));
}

/** detect over `file` with 1 and 2 threads; `learningPeriod` as the CLI takes it (e.g. "31h"). */
export async function threadScaling(file: string, learningPeriod: string, runs = 3): Promise<{ rows: TimedVariant[]; speedup: number }> {
  const detect = (threads: number) => (state: string) => [CLI, 'detect', file, '--state-dir', state, '--learning-period', learningPeriod, '--threads', String(threads), '--format', 'json'];
  const rows = await alternate(
    [
      { variant: 'detect --threads 1', args: detect(1) },
      { variant: 'detect --threads 2', args: detect(2) },
    ],
    runs,
  );
  return { rows, speedup: round(rows[0]!.medianMs / rows[1]!.medianMs) };
}

/** What a cold start of the built CLI should stay under, whole process, on the 2-core bench machine. */
export const COLD_START_TARGET_MS = 150;

export type ColdStartRow = TimedVariant & { overFloor: number; underTarget?: boolean };

/**
 * Cold starts of the built CLI against `node -e 0` in the same run: `--version`, a detect of a 10-line
 * log into a fresh state folder, an audit of the sample sshd_config, and `probe --help`.
 */
export async function coldStart(tenLines: string, runs = 11): Promise<{ targetMs: number; rows: ColdStartRow[] }> {
  const rows = await alternate(
    [
      { variant: 'node -e 0', args: () => ['-e', '0'] },
      { variant: 'drawbridge --version', args: () => [CLI, '--version'] },
      { variant: 'drawbridge detect (10 lines)', args: (state) => [CLI, 'detect', tenLines, '--state-dir', state] },
      { variant: 'drawbridge audit sshd_config', args: () => [CLI, 'audit', join(REPO_DIR, 'samples/sshd/sshd_config')] },
      { variant: 'drawbridge probe --help', args: () => [CLI, 'probe', '--help'] },
    ],
    runs,
  );
  const floor = rows[0]!.medianMs;
  return {
    targetMs: COLD_START_TARGET_MS,
    rows: rows.map((r, i) => ({ ...r, overFloor: round(r.medianMs / floor), ...(i > 0 ? { underTarget: r.medianMs < COLD_START_TARGET_MS } : {}) })),
  };
}

/** The cold-start table: median ms, ratio to `node -e 0`, and whether each command is under the target. */
export function printColdStart(cold: { targetMs: number; rows: ColdStartRow[] }): void {
  console.log(`\ncold start (median ms, whole process; target < ${cold.targetMs} ms)`);
  printTable([
    ['command', 'runs', 'ms', '× node -e 0', `< ${cold.targetMs} ms`],
    ...cold.rows.map((r) => [r.variant, r.runs, r.medianMs, r.overFloor, r.underTarget === undefined ? '-' : r.underTarget ? 'yes' : 'no']),
  ]);
}

/** A 10-line auth log (what a cold detect reads). */
export function writeTenLineLog(dir: string): string {
  const file = join(dir, 'ten.log');
  const lines = Array.from({ length: 10 }, (_, i) => `Mar  5 06:00:0${i} bastion-1 sshd[${100 + i}]: Failed password for invalid user test from 198.51.100.${i + 1} port ${40000 + i} ssh2`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Lines per second of one decoder over a file's lines, best of `runs` passes in this process (dist build). */
export async function decodeOnly(file: string, decoderId: string, runs = 5): Promise<{ linesPerSec: number; events: number; rejected: number }> {
  const { decoderById } = (await import(join(REPO_DIR, 'dist/detect/decoders/index.js'))) as typeof import('../../src/detect/decoders/index.js');
  const lines = readFileSync(file, 'latin1').split('\n');
  let best = 0;
  let events = 0;
  let rejected = 0;
  for (let r = 0; r < runs; r++) {
    const d = decoderById(decoderId)!.open(file, { defaultYear: 2025, referenceTime: () => Date.UTC(2025, 5, 1) });
    events = 0;
    rejected = 0;
    const t0 = performance.now();
    for (let i = 0; i < lines.length; i++) {
      const res = d.line(lines[i]!, { source: file, offset: 0, line: i + 1 });
      if (Array.isArray(res)) events += res.length;
      else rejected++;
    }
    const end = d.end?.({ source: file, offset: 0, line: lines.length + 1 });
    if (Array.isArray(end)) events += end.length;
    best = Math.max(best, lines.length / ((performance.now() - t0) / 1000));
  }
  return { linesPerSec: Math.round(best), events, rejected };
}
