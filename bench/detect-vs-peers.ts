/**
 * detect/vs-peers: the built CLI (`node dist/cli/bin.js detect`) as a whole process on three seeded
 * corpora, against the tool a user would run instead, in the same run:
 *
 *   sshd auth.log        fail2ban-regex with Debian's stock sshd filter (first 200,000 lines, per line)
 *   AWS VPC flow v2      mawk: first sighting of each (management port, source /24)  (peers/vpc-mgmt-pairs.awk)
 *   Kubernetes audit     jq: privileged pod creations per user                        (peers/k8s-privileged.jq)
 *                        and the floor: Node reading the file and JSON.parse of every line (peers/json-parse-floor.mjs)
 *
 * Each detect run learns for the first half of its corpus's event time and detects in the second
 * (`--learning-period` set to half the span), with a fresh state folder. Throughput is records over the
 * process's wall time (Node start-up included); peak RSS is the kernel's, through GNU time. Memory
 * lines: the VPC run on the corpus's first million records against all of it (flat peak RSS over input
 * size), and the bytes each baseline key costs in the state store's working set.
 *
 *   npx tsx bench/detect-vs-peers.ts [--quick] [--seed 42] [--dir DIR] [--no-build]
 *                                    [--sshd N] [--vpc N] [--k8s N] [--fail2ban-lines N]
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_DIR, have, intFlag, machineInfo, parseFlags, printMachine, printTable, REPO_DIR, round, runChild, toolVersion, writeResult, type ChildRun } from './lib/common.js';
import { writeAuthLog, writeK8sAuditLog, writeVpcFlowLog, type CorpusFile } from './lib/perf-corpora.js';

const SELF = fileURLToPath(import.meta.url);
const CLI = join(REPO_DIR, 'dist', 'cli', 'bin.js');
const FAIL2BAN_FILTER = '/etc/fail2ban/filter.d/sshd.conf';
const PEERS = join(BENCH_DIR, 'peers');

interface Measured {
  what: string;
  records: number;
  seconds: number;
  perSecond: number;
  peakRssMiB?: number;
  note?: string;
}

/** The first `records` records of a file (after `skip` header lines), for the subset runs. */
function head(src: string, dst: string, records: number, skip = 0): string {
  const fd = openSync(src, 'r');
  const out = openSync(dst, 'w');
  const buf = Buffer.allocUnsafe(1 << 20);
  let want = records + skip;
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    let end = 0;
    while (end < n && want > 0) {
      const nl = buf.indexOf(10, end);
      if (nl < 0 || nl >= n) {
        end = n;
        break;
      }
      end = nl + 1;
      want--;
    }
    writeSync(out, buf, 0, end);
    if (want === 0) break;
  }
  closeSync(fd);
  closeSync(out);
  return dst;
}

/** Half the corpus's event time, as a --learning-period value (whole seconds, rounded up). */
function halfSpan(c: CorpusFile): string {
  return `${Math.ceil((c.lastMs - c.firstMs) / 2000)}s`;
}

async function detect(what: string, file: string, records: number, learning: string, stateDir: string): Promise<Measured & { alerts: number; events: number }> {
  rmSync(stateDir, { recursive: true, force: true });
  const run = await runChild(process.execPath, [CLI, 'detect', file, '--state-dir', stateDir, '--learning-period', learning, '-f', 'json', '--fail-on', 'critical']);
  // Exit 1 means an alert reached --fail-on: a finding, not a failure.
  if (run.code !== 0 && run.code !== 1) throw new Error(`drawbridge detect ${file} failed (${run.code}): ${run.stderr.slice(-2000)}`);
  const m = /(\d+) records, (\d+) events, (\d+) alerts/.exec(run.stderr);
  const s = run.wallMs / 1000;
  return { what, records, seconds: s, perSecond: records / s, ...rss(run), alerts: Number(m?.[3] ?? NaN), events: Number(m?.[2] ?? NaN), note: m ? `${m[2]} events, ${m[3]} alerts` : run.stderr.trim().split('\n').pop() };
}

function rss(run: ChildRun): { peakRssMiB?: number } {
  return run.peakRssMiB !== undefined ? { peakRssMiB: run.peakRssMiB } : {};
}

async function peer(what: string, records: number, cmd: string, args: string[]): Promise<(Measured & { out: string }) | undefined> {
  if (!have(cmd)) {
    console.log(`  ${what}: skipped (${cmd} not installed)`);
    return undefined;
  }
  const run = await runChild(cmd, args);
  if (run.code !== 0) throw new Error(`${cmd} failed (${run.code}): ${run.stderr.slice(-2000)}`);
  const s = run.wallMs / 1000;
  return { what, records, seconds: s, perSecond: records / s, ...rss(run), out: run.stdout + run.stderr };
}

/** Worker: bytes per baseline key in the SQLite store's working set (heap after loading it, over keys). */
async function keysWorker(db: string): Promise<void> {
  const { SqliteStateStore } = await import('../src/detect/state/sqlite.js');
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const store = new SqliteStateStore(db);
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  // The first lookup of each table loads it whole (as a run's first event does, up to the load bound).
  store.peek('bench', 'x');
  store.marked('bench', 'x', 0);
  gc();
  gc();
  const bytes = process.memoryUsage().heapUsed - before;
  const keys = store.cacheStats().cached;
  store.close();
  process.stdout.write(JSON.stringify({ keys, bytes, perKey: keys > 0 ? bytes / keys : NaN }) + '\n');
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const keysDb = flags.values.get('keys-worker');
  if (typeof keysDb === 'string') return keysWorker(keysDb);

  const q = flags.quick;
  const seed = intFlag(flags, 'seed', 42);
  const sizes = {
    sshd: intFlag(flags, 'sshd', q ? 200_000 : 2_000_000),
    vpc: intFlag(flags, 'vpc', q ? 500_000 : 5_000_000),
    k8s: intFlag(flags, 'k8s', q ? 50_000 : 500_000),
    fail2ban: intFlag(flags, 'fail2ban-lines', q ? 20_000 : 200_000),
  };
  const vpcSmall = Math.max(1, Math.floor(sizes.vpc / 5));
  const machine = machineInfo({ 'fail2ban-regex': toolVersion('fail2ban-regex'), mawk: toolVersion('mawk', ['-W', 'version']), jq: toolVersion('jq') });
  printMachine(machine);

  const dirFlag = flags.values.get('dir');
  const dir = typeof dirFlag === 'string' ? resolve(dirFlag) : join(tmpdir(), `drawbridge-bench-peers-${seed}`);
  mkdirSync(dir, { recursive: true });
  // Corpora are kept between runs in their folder, keyed by seed and size (generating 5 M records takes a while).
  const manifestFile = join(dir, 'corpora.json');
  const wanted = { seed, sshd: sizes.sshd, vpc: sizes.vpc, k8s: sizes.k8s, version: 1 };
  type Corpora = { sshd: CorpusFile; vpc: CorpusFile; k8s: CorpusFile & { privileged: Record<string, number> } };
  let corpora: Corpora | undefined;
  if (existsSync(manifestFile)) {
    const m = JSON.parse(readFileSync(manifestFile, 'utf8')) as { wanted: typeof wanted; corpora: Corpora };
    if (JSON.stringify(m.wanted) === JSON.stringify(wanted) && Object.values(m.corpora).every((c) => existsSync(c.file) && statSync(c.file).size === c.bytes)) corpora = m.corpora;
  }
  if (!corpora) {
    const t0 = performance.now();
    corpora = {
      sshd: writeAuthLog(join(dir, 'auth.log'), sizes.sshd, seed),
      vpc: writeVpcFlowLog(join(dir, 'vpcflow.log'), sizes.vpc, seed),
      k8s: writeK8sAuditLog(join(dir, 'k8s-audit.jsonl'), sizes.k8s, seed),
    };
    writeFileSync(manifestFile, JSON.stringify({ wanted, corpora }, null, 2));
    console.log(`generated in ${round((performance.now() - t0) / 1000, 1)} s`);
  }
  for (const [k, c] of Object.entries(corpora)) {
    console.log(`  ${k}: ${c.records.toLocaleString('en-US')} records, ${round(c.bytes / 2 ** 20, 1)} MiB, ${round((c.lastMs - c.firstMs) / 3_600_000, 2)} h of event time, in ${c.file}`);
  }
  const f2bFile = head(corpora.sshd.file, join(dir, 'auth-head.log'), Math.min(sizes.fail2ban, corpora.sshd.records));
  const vpcSmallFile = head(corpora.vpc.file, join(dir, 'vpcflow-head.log'), vpcSmall, 1);

  if (!flags.values.has('no-build')) {
    console.log('npm run build …');
    const b = await runChild('npm', ['run', 'build']);
    if (b.code !== 0) throw new Error(`npm run build failed: ${b.stderr.slice(-2000)}`);
  }
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: run npm run build`);

  const state = (name: string): string => join(dir, `state-${name}`);
  const rows: Measured[] = [];
  const keep = <T extends Measured | undefined>(m: T): T => {
    if (m) {
      rows.push({ what: m.what, records: m.records, seconds: round(m.seconds, 3), perSecond: Math.round(m.perSecond), ...(m.peakRssMiB !== undefined ? { peakRssMiB: m.peakRssMiB } : {}), ...(m.note ? { note: m.note } : {}) });
      console.log(`  ${m.what}: ${round(m.seconds, 2)} s`);
    }
    return m;
  };

  console.log('running:');
  const sshd = keep(await detect('drawbridge detect sshd', corpora.sshd.file, corpora.sshd.records, halfSpan(corpora.sshd), state('sshd')));
  const f2bLines = Math.min(sizes.fail2ban, corpora.sshd.records);
  const f2b = existsSync(FAIL2BAN_FILTER) ? keep(await peer(`fail2ban-regex (first ${f2bLines.toLocaleString('en-US')} lines)`, f2bLines, 'fail2ban-regex', [f2bFile, FAIL2BAN_FILTER])) : undefined;
  const f2bMatched = f2b ? /Lines: \d+ lines, \d+ ignored, (\d+) matched/.exec(f2b.out)?.[1] : undefined;

  const vpc = keep(await detect('drawbridge detect vpc', corpora.vpc.file, corpora.vpc.records, halfSpan(corpora.vpc), state('vpc')));
  const awk = keep(await peer('mawk first (mgmt port, /24)', corpora.vpc.records, 'mawk', ['-f', join(PEERS, 'vpc-mgmt-pairs.awk'), corpora.vpc.file]));
  const smallSpan = halfSpan({ ...corpora.vpc, lastMs: corpora.vpc.firstMs + ((corpora.vpc.lastMs - corpora.vpc.firstMs) * vpcSmall) / corpora.vpc.records });
  const vpcHead = keep(await detect(`drawbridge detect vpc, first ${vpcSmall.toLocaleString('en-US')}`, vpcSmallFile, vpcSmall, smallSpan, state('vpc-head')));
  const keysRun = await runChild(process.execPath, ['--expose-gc', '--import', 'tsx', SELF, '--keys-worker', join(state('vpc'), 'state.db')]);
  if (keysRun.code !== 0) throw new Error(`keys worker failed: ${keysRun.stderr.slice(-2000)}`);
  const keys = JSON.parse(keysRun.stdout.trim().split('\n').pop() ?? '{}') as { keys: number; bytes: number; perKey: number };

  const k8s = keep(await detect('drawbridge detect k8s-audit', corpora.k8s.file, corpora.k8s.records, halfSpan(corpora.k8s), state('k8s')));
  const jq = keep(await peer('jq privileged creates per user', corpora.k8s.records, 'jq', ['-n', '-c', '-S', '-f', join(PEERS, 'k8s-privileged.jq'), corpora.k8s.file]));
  const floor = keep(await peer('node JSON.parse every line', corpora.k8s.records, process.execPath, [join(PEERS, 'json-parse-floor.mjs'), corpora.k8s.file]));

  const ratio = (a: Measured | undefined, b: Measured | undefined): number | undefined => (a && b ? round(a.perSecond / b.perSecond, 3) : undefined);
  const mib = (m: Measured | undefined): string => (m?.peakRssMiB !== undefined ? `${Math.round(m.peakRssMiB)} MB` : '-');
  const rate = (m: Measured | undefined, unit: string): string => (m ? `${(m.perSecond / 1000).toFixed(m.perSecond >= 100_000 ? 0 : 1)} k ${unit}/s` : 'skipped');
  const verdict = (r: number | undefined, target: number): string => (r === undefined ? 'n/a' : r >= target ? 'holds' : `misses (${round(r / target, 2)} of target)`);
  const table = [
    {
      corpus: `sshd, ${corpora.sshd.records.toLocaleString('en-US')} lines`,
      detect: `${rate(sshd, 'lines')}, ${mib(sshd)}`,
      peer: `fail2ban-regex ${rate(f2b, 'lines')}, ${mib(f2b)}`,
      ratio: ratio(sshd, f2b),
      target: 50,
    },
    {
      corpus: `AWS VPC flow v2, ${corpora.vpc.records.toLocaleString('en-US')} records`,
      detect: `${rate(vpc, 'records')} (${round(vpc.seconds, 1)} s), ${mib(vpc)}`,
      peer: `mawk ${rate(awk, 'records')} (${awk ? round(awk.seconds, 1) : '-'} s), ${mib(awk)}`,
      ratio: ratio(vpc, awk),
      target: 1.2,
    },
    {
      corpus: `Kubernetes audit, ${corpora.k8s.records.toLocaleString('en-US')} events`,
      detect: `${rate(k8s, 'events')}, ${mib(k8s)}`,
      peer: `jq ${rate(jq, 'events')}, ${mib(jq)}; JSON.parse floor ${rate(floor, 'events')}, ${mib(floor)}`,
      ratio: ratio(k8s, floor),
      target: 1.0,
    },
  ];
  const memory = {
    vpcPeakRssMiB: { [`${vpcSmall} records`]: vpcHead.peakRssMiB, [`${corpora.vpc.records} records`]: vpc.peakRssMiB },
    flatness: vpcHead.peakRssMiB && vpc.peakRssMiB ? round(vpc.peakRssMiB / vpcHead.peakRssMiB, 2) : undefined,
    baselineKeys: keys.keys,
    bytesPerKey: Math.round(keys.perKey),
  };

  console.log('');
  printTable([['what', 'records', 's', 'records/s', 'peak RSS MiB', 'note'], ...rows.map((r) => [r.what, r.records, r.seconds, r.perSecond, r.peakRssMiB ?? '-', r.note ?? ''])]);
  console.log('');
  printTable([
    ['corpus', 'drawbridge detect', 'peer / floor (same run)', 'ratio', 'target', ''],
    ...table.map((t) => [t.corpus, t.detect, t.peer, t.ratio ?? 'n/a', `≥ ${t.target}×`, verdict(t.ratio, t.target)]),
  ]);
  console.log(`\nratios: sshd vs fail2ban-regex per line; VPC vs mawk; Kubernetes audit vs the JSON.parse floor (vs jq: ${ratio(k8s, jq) ?? 'n/a'}×)`);
  console.log(`memory: VPC peak RSS ${vpcSmall.toLocaleString('en-US')} records ${mib(vpcHead)}, ${corpora.vpc.records.toLocaleString('en-US')} records ${mib(vpc)} (×${memory.flatness ?? 'n/a'}; flat is ×1.0)`);
  console.log(`        ${keys.keys.toLocaleString('en-US')} baseline keys (seen + marks) after the VPC run: ${memory.bytesPerKey} bytes each in the store's working set (target < 100)`);
  console.log(`cross-checks: fail2ban matched ${f2bMatched ?? '-'} of its lines; mawk printed ${awk ? awk.out.split('\n').filter(Boolean).length : '-'} pairs; jq ${jq ? jq.out.trim() : '-'} vs generated ${JSON.stringify(corpora.k8s.privileged)}`);

  const file = writeResult('detect-vs-peers', { bench: 'detect-vs-peers', date: new Date().toISOString(), quick: q, seed, machine, sizes, corpora, rows, table, memory, checks: { fail2banMatched: f2bMatched, drawbridge: { sshd: sshd.note, vpc: vpc.note, k8s: k8s.note } } });
  console.log(`\nwrote ${file}`);
}

await main();
