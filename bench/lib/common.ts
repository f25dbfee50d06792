/**
 * Shared plumbing for the benchmarks: flags, machine info, child processes with peak RSS, result
 * files and tables. Every figure a bench prints is compared only with figures from the same run
 * (the machines are shared and absolute times move between runs; ratios move much less).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const REPO_DIR = dirname(BENCH_DIR);
export const OUT_DIR = join(BENCH_DIR, 'out');

export interface Flags {
  quick: boolean;
  /** Other `--name value` / `--name` flags as given. */
  values: Map<string, string | true>;
}

export function parseFlags(argv: string[]): Flags {
  const values = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) values.set(a.slice(2, eq), a.slice(eq + 1));
    else if (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('--')) values.set(a.slice(2), argv[++i] as string);
    else values.set(a.slice(2), true);
  }
  return { quick: values.has('quick'), values };
}

export function intFlag(flags: Flags, name: string, fallback: number): number {
  const v = flags.values.get(name);
  if (v === undefined || v === true) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name}: expected a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

/** Is an executable on PATH (or at an absolute path)? */
export function have(bin: string): boolean {
  if (bin.startsWith('/')) return existsSync(bin);
  return (process.env.PATH ?? '/usr/bin:/usr/sbin:/bin:/sbin').split(':').some((d) => existsSync(join(d, bin)));
}

/** First line of `bin args` (a version banner), or undefined when the tool is missing. */
export function toolVersion(bin: string, args: string[] = ['--version']): string | undefined {
  if (!have(bin)) return undefined;
  try {
    const out = execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
    return out.split('\n').find((l) => l.trim() !== '')?.trim();
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return `${err.stdout ?? ''}${err.stderr ?? ''}`.split('\n').find((l) => l.trim() !== '')?.trim();
  }
}

export interface MachineInfo {
  os: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  loadAverage: number[];
  node: string;
  tools: Record<string, string>;
}

export function machineInfo(tools: Record<string, string | undefined> = {}): MachineInfo {
  const c = cpus();
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(tools)) if (v !== undefined) kept[k] = v;
  return {
    os: `${platform()} ${release()}`,
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    freeMemoryGiB: round(freemem() / 2 ** 30, 1),
    loadAverage: loadavg().map((l) => round(l, 2)),
    node: process.version,
    tools: kept,
  };
}

export function printMachine(m: MachineInfo): void {
  console.log(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB (free ${m.freeMemoryGiB}), ${m.os}, node ${m.node}, load ${m.loadAverage.join(' ')}`);
  for (const [k, v] of Object.entries(m.tools)) console.log(`  ${k}: ${v}`);
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** A plain table: first row is the header; numbers right-aligned. */
export function printTable(rows: (string | number)[][]): void {
  const text = rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c)));
  const widths: number[] = [];
  for (const r of text) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  text.forEach((r, ri) => {
    const line = r.map((c, i) => (typeof rows[ri]?.[i] === 'number' ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ');
    console.log(line.trimEnd());
    if (ri === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  });
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n) || Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  if (Math.abs(n) >= 10) return n.toFixed(1);
  // Small ratios keep two significant digits (0.0047, not 0.00).
  return Math.abs(n) >= 0.1 ? n.toFixed(2) : n.toPrecision(2);
}

export function writeResult(name: string, result: unknown): string {
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, `${name}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  return file;
}

export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** Peak resident set of the process tree as the kernel counts it (GNU time), when measurable. */
  peakRssMiB?: number;
}

const GNU_TIME = '/usr/bin/time';

/**
 * Run a command to completion, measuring wall time and (through GNU time, when installed) peak RSS.
 * Output is kept in memory: the peers' outputs here are counts and short lists.
 */
export function runChild(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<ChildRun> {
  mkdirSync(OUT_DIR, { recursive: true });
  const timeFile = existsSync(GNU_TIME) ? join(OUT_DIR, `.time-${process.pid}-${Math.random().toString(36).slice(2)}`) : undefined;
  const [bin, argv] = timeFile ? [GNU_TIME, ['-f', '%M', '-o', timeFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(bin, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env, cwd: opts.cwd ?? REPO_DIR });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.once('error', reject);
    child.once('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      let peakRssMiB: number | undefined;
      if (timeFile && existsSync(timeFile)) {
        // GNU time reports ru_maxrss in KiB (its last line; earlier lines are its own notes).
        const kb = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop());
        if (Number.isFinite(kb) && kb > 0) peakRssMiB = round(kb / 1024, 1);
        rmSync(timeFile, { force: true });
      }
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), wallMs, ...(peakRssMiB !== undefined ? { peakRssMiB } : {}) });
    });
  });
}

/**
 * Run this same bench file as a fresh Node process in worker mode (`--worker <json>`), so that each
 * measured variant starts from a clean heap and its peak RSS is its own. The worker prints one JSON
 * line (its last stdout line) with what it measured.
 */
export async function runWorker<T>(benchFile: string, task: unknown): Promise<{ result: T; run: ChildRun }> {
  const run = await runChild(process.execPath, ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', benchFile, '--worker', JSON.stringify(task)]);
  if (run.code !== 0) throw new Error(`worker ${JSON.stringify(task)} failed (${run.code}):\n${run.stderr.slice(-4000)}`);
  const last = run.stdout.trim().split('\n').pop() ?? '';
  return { result: JSON.parse(last) as T, run };
}

/** What a worker reports about its own memory: peak RSS, and RSS/heap after a full GC once the work is done. */
export interface MemoryReport {
  peakRssMiB: number;
  rssAfterMiB: number;
  heapUsedAfterMiB: number;
}

export function memoryAfter(): MemoryReport {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return {
    peakRssMiB: round(process.resourceUsage().maxRSS / 1024, 1),
    rssAfterMiB: round(m.rss / 2 ** 20, 1),
    heapUsedAfterMiB: round(m.heapUsed / 2 ** 20, 1),
  };
}

/** A tiny deterministic PRNG (mulberry32): the corpora are the same on every run and machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)] as T;
}
