/**
 * detect/throughput — runDetect over generated sshd, VPC flow and Kubernetes audit logs, against
 *   floor:    reading + splitting lines (64 KiB reads, each chunk decoded once, lines sliced), nothing else
 *   splitter: the engine's own fileChunks + LineSplitter (what runDetect pays before decoding)
 *   peers:    fail2ban-regex with the stock sshd filter, mawk on the VPC flow log, jq on the audit log
 * Every variant runs in a fresh process (clean heap, its own peak RSS). Ratios compare figures from
 * this run only. Usage: npx tsx bench/detect-throughput.ts [--quick] [--keep] [--dir <path>]
 *   [--sshd-lines N] [--vpc-lines N] [--k8s-lines N] [--fail2ban-lines N]
 */
import { mkdirSync, mkdtempSync, openSync, readSync, closeSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { intFlag, machineInfo, memoryAfter, parseFlags, printMachine, printTable, round, runChild, runWorker, toolVersion, writeResult, have, type MemoryReport } from './lib/common.js';
import { LOG_NOW, writeK8sAuditLog, writeSshdLog, writeVpcFlowLog, type Corpus } from './lib/logs.js';

const SELF = fileURLToPath(import.meta.url);
const CHUNK = 64 * 1024;
const FAIL2BAN_FILTER = '/etc/fail2ban/filter.d/sshd.conf';

type Store = 'sqlite' | 'memory';
type Task = { kind: 'floor'; file: string } | { kind: 'splitter'; file: string } | { kind: 'detect'; file: string; store: Store; stateDir: string };

interface WorkerResult {
  lines: number;
  ms: number;
  memory: MemoryReport;
  events?: number;
  rejected?: number;
  alerts?: number;
  /** What the bench's counting detector saw (cross-checked against the peers' answers). */
  counts?: { failedAuth: number; mgmtPairs: number; privilegedPodCreates: number };
}

// ---------------------------------------------------------------- worker side

/** The floor: 64 KiB reads, one string per chunk, lines sliced and touched; nothing kept. */
function floor(file: string): WorkerResult {
  const t0 = performance.now();
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  let carry = '';
  let lines = 0;
  let chars = 0;
  for (;;) {
    const n = readSync(fd, buf, 0, CHUNK, null);
    if (n === 0) break;
    // A chunk may end inside a multi-byte character; the bench corpora are ASCII, like real logs mostly are.
    const text = carry + buf.toString('latin1', 0, n);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const line = text.slice(start, nl);
      chars += line.length;
      lines++;
      start = nl + 1;
    }
    carry = text.slice(start);
  }
  if (carry.length > 0) lines++;
  closeSync(fd);
  const ms = performance.now() - t0;
  if (chars < 0) console.error('unreachable');
  return { lines, ms, memory: memoryAfter() };
}

async function splitter(file: string): Promise<WorkerResult> {
  const { fileChunks, LineSplitter, DEFAULT_CHUNK } = await import('../src/io/sources/lines.js');
  const t0 = performance.now();
  const s = new LineSplitter();
  let lines = 0;
  for await (const chunk of fileChunks(file, 0, DEFAULT_CHUNK)) lines += s.push(chunk).length;
  lines += s.end().length;
  return { lines, ms: performance.now() - t0, memory: memoryAfter() };
}

async function detect(file: string, store: Store, stateDir: string): Promise<WorkerResult> {
  const { runDetect } = await import('../src/detect/pipeline/index.js');
  const { DETECTORS } = await import('../src/detect/detectors/index.js');
  const { MemoryStateStore } = await import('../src/detect/state/memory.js');
  const { ConfigSchema } = await import('../src/config/schema.js');
  const { servicesByPort } = await import('../src/catalog/services.js');
  const { networkOf } = await import('../src/intel/ranges.js');
  type Detector = (typeof DETECTORS)[number];
  const config = ConfigSchema.parse({ stateDir, organisation: { allowedRanges: ['192.0.2.0/24'], asns: [64500] }, detect: { learningPeriod: '7d' } });
  const mgmt = servicesByPort(config.managementPorts);
  const counts = { failedAuth: 0, mgmtPairs: 0, privilegedPodCreates: 0 };
  const pairs = new Set<string>();
  // Counts what each peer computes, from the decoded events (the peers' answers must match these).
  const counter: Detector = {
    id: 'bench-counter',
    control: 'DS0029',
    description: 'bench: counts events for cross-checks',
    handle(ev) {
      if (ev.kind === 'auth' && !ev.success) counts.failedAuth++;
      else if (ev.kind === 'flow' && ev.action === 'accept' && mgmt.has(ev.dstPort)) {
        const key = `${ev.dstPort} ${networkOf(ev.src, 24, 48) ?? ev.src}`;
        if (!pairs.has(key)) pairs.add(key);
      } else if (ev.kind === 'api' && ev.verb === 'create' && ev.resource === 'pods' && ev.privileged?.includes('privileged')) counts.privilegedPodCreates++;
      return [];
    },
  };
  const t0 = performance.now();
  const r = await runDetect([file], {
    config,
    now: LOG_NOW,
    deadLetter: false,
    detectors: [...DETECTORS, counter],
    ...(store === 'memory' ? { store: new MemoryStateStore() } : {}),
  });
  const ms = performance.now() - t0;
  counts.mgmtPairs = pairs.size;
  pairs.clear();
  const memory = memoryAfter();
  return { lines: r.stats.records, ms, memory, events: r.stats.events, rejected: r.stats.rejected, alerts: r.alerts.length, counts };
}

async function worker(task: Task): Promise<void> {
  const out = task.kind === 'floor' ? floor(task.file) : task.kind === 'splitter' ? await splitter(task.file) : await detect(task.file, task.store, task.stateDir);
  process.stdout.write(JSON.stringify(out) + '\n');
}

// ---------------------------------------------------------------- driver side

interface Row {
  corpus: string;
  variant: string;
  lines: number;
  seconds: number;
  linesPerSec: number;
  /** Whole-process wall time (node + module load for our variants; the peer's process otherwise). */
  processSeconds: number;
  peakRssMiB?: number;
  rssAfterMiB?: number;
  note?: string;
}

function mgmtPortsAwk(ports: number[]): string {
  // Same question as the counting detector: the first (management port, source /24) pair of accepted flows.
  return `BEGIN { split("${ports.join(' ')}", p, " "); for (i in p) m[p[i]] = 1 }
$13 == "ACCEPT" && ($7 in m) { split($4, a, "."); k = $7 " " a[1] "." a[2] "." a[3]; if (!(k in seen)) { seen[k] = 1; print k } }`;
}

const JQ_PRIVILEGED =
  'select(.verb == "create" and .objectRef.resource == "pods" and (.stage // "ResponseComplete") == "ResponseComplete" and ([.requestObject.spec.containers[]?.securityContext.privileged] | any)) | .auditID';

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const workerArg = flags.values.get('worker');
  if (typeof workerArg === 'string') return worker(JSON.parse(workerArg) as Task);

  const q = flags.quick;
  const sizes = {
    sshd: intFlag(flags, 'sshd-lines', q ? 100_000 : 500_000),
    vpc: intFlag(flags, 'vpc-lines', q ? 50_000 : 300_000),
    k8s: intFlag(flags, 'k8s-lines', q ? 10_000 : 50_000),
    fail2ban: intFlag(flags, 'fail2ban-lines', q ? 10_000 : 50_000),
  };
  const machine = machineInfo({ 'fail2ban-regex': toolVersion('fail2ban-regex'), mawk: toolVersion('mawk', ['-W', 'version']), jq: toolVersion('jq') });
  printMachine(machine);

  const dirFlag = flags.values.get('dir');
  const dir = typeof dirFlag === 'string' ? resolve(dirFlag) : mkdtempSync(join(tmpdir(), 'drawbridge-bench-detect-'));
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const corpora: Record<string, Corpus> = {
    sshd: writeSshdLog(join(dir, 'auth.log'), sizes.sshd),
    'sshd-subset': writeSshdLog(join(dir, 'auth-subset.log'), sizes.fail2ban),
    vpc: writeVpcFlowLog(join(dir, 'vpc-flow.log'), sizes.vpc),
  };
  const k8s = writeK8sAuditLog(join(dir, 'k8s-audit.jsonl'), sizes.k8s);
  corpora.k8s = k8s;
  console.log(`generated in ${round((performance.now() - t0) / 1000, 1)} s in ${dir}:`);
  for (const [k, c] of Object.entries(corpora)) console.log(`  ${k}: ${c.lines.toLocaleString('en-US')} lines, ${round(c.bytes / 2 ** 20, 1)} MiB`);

  const rows: Row[] = [];
  const checks: Record<string, unknown> = {};
  const ours = async (corpus: string, variant: string, task: Task): Promise<WorkerResult> => {
    const { result, run } = await runWorker<WorkerResult>(SELF, task);
    rows.push({
      corpus,
      variant,
      lines: result.lines,
      seconds: result.ms / 1000,
      linesPerSec: result.lines / (result.ms / 1000),
      processSeconds: run.wallMs / 1000,
      peakRssMiB: result.memory.peakRssMiB,
      rssAfterMiB: result.memory.rssAfterMiB,
      ...(result.alerts !== undefined ? { note: `${result.events} events, ${result.rejected} rejected, ${result.alerts} alerts` } : {}),
    });
    console.log(`  ${corpus} / ${variant}: ${round(result.ms / 1000, 2)} s`);
    return result;
  };
  const peer = async (corpus: string, variant: string, lines: number, cmd: string, args: string[]): Promise<string | undefined> => {
    if (!have(cmd)) {
      console.log(`  ${corpus} / ${variant}: skipped (${cmd} not installed)`);
      return undefined;
    }
    const run = await runChild(cmd, args);
    if (run.code !== 0) throw new Error(`${cmd} failed (${run.code}): ${run.stderr.slice(-2000)}`);
    const s = run.wallMs / 1000;
    rows.push({ corpus, variant, lines, seconds: s, linesPerSec: lines / s, processSeconds: s, ...(run.peakRssMiB !== undefined ? { peakRssMiB: run.peakRssMiB } : {}) });
    console.log(`  ${corpus} / ${variant}: ${round(s, 2)} s`);
    return run.stdout + run.stderr;
  };
  const state = (name: string): string => join(dir, `state-${name}`);

  console.log('running:');
  // sshd
  await ours('sshd', 'floor', { kind: 'floor', file: corpora.sshd!.file });
  await ours('sshd', 'splitter', { kind: 'splitter', file: corpora.sshd!.file });
  await ours('sshd', 'runDetect (sqlite)', { kind: 'detect', file: corpora.sshd!.file, store: 'sqlite', stateDir: state('sshd') });
  await ours('sshd', 'runDetect (memory)', { kind: 'detect', file: corpora.sshd!.file, store: 'memory', stateDir: state('sshd-mem') });
  const sub = corpora['sshd-subset']!;
  const subOurs = await ours('sshd-subset', 'runDetect (sqlite)', { kind: 'detect', file: sub.file, store: 'sqlite', stateDir: state('sshd-sub') });
  if (existsFilter()) {
    const out = await peer('sshd-subset', 'fail2ban-regex (stock sshd filter)', sub.lines, 'fail2ban-regex', [sub.file, FAIL2BAN_FILTER]);
    const m = out ? /Lines: (\d+) lines, (\d+) ignored, (\d+) matched, (\d+) missed/.exec(out) : null;
    if (m) checks.fail2ban = { lines: Number(m[1]), ignored: Number(m[2]), matched: Number(m[3]), missed: Number(m[4]), drawbridgeFailedAuthEvents: subOurs.counts?.failedAuth, drawbridgeEvents: subOurs.events };
  } else console.log(`  sshd-subset / fail2ban-regex: skipped (${FAIL2BAN_FILTER} missing; apt-get install fail2ban)`);

  // VPC flow
  await ours('vpc-flow', 'floor', { kind: 'floor', file: corpora.vpc!.file });
  await ours('vpc-flow', 'splitter', { kind: 'splitter', file: corpora.vpc!.file });
  const vpcOurs = await ours('vpc-flow', 'runDetect (sqlite)', { kind: 'detect', file: corpora.vpc!.file, store: 'sqlite', stateDir: state('vpc') });
  await ours('vpc-flow', 'runDetect (memory)', { kind: 'detect', file: corpora.vpc!.file, store: 'memory', stateDir: state('vpc-mem') });
  const { servicesByPort } = await import('../src/catalog/services.js');
  const ports = [...servicesByPort().keys()].sort((a, b) => a - b);
  const awkOut = await peer('vpc-flow', 'mawk (first mgmt port, /24 pairs)', corpora.vpc!.lines, 'mawk', [mgmtPortsAwk(ports), corpora.vpc!.file]);
  if (awkOut !== undefined) checks.mawk = { pairs: awkOut.split('\n').filter((l) => l !== '').length, drawbridgePairs: vpcOurs.counts?.mgmtPairs };

  // Kubernetes audit
  await ours('k8s-audit', 'floor', { kind: 'floor', file: k8s.file });
  await ours('k8s-audit', 'splitter', { kind: 'splitter', file: k8s.file });
  const k8sOurs = await ours('k8s-audit', 'runDetect (sqlite)', { kind: 'detect', file: k8s.file, store: 'sqlite', stateDir: state('k8s') });
  await ours('k8s-audit', 'runDetect (memory)', { kind: 'detect', file: k8s.file, store: 'memory', stateDir: state('k8s-mem') });
  const jqOut = await peer('k8s-audit', 'jq (privileged pod creations)', k8s.lines, 'jq', ['-r', JQ_PRIVILEGED, k8s.file]);
  if (jqOut !== undefined) checks.jq = { privilegedPodCreates: jqOut.split('\n').filter((l) => l !== '').length, drawbridge: k8sOurs.counts?.privilegedPodCreates, generated: k8s.privilegedCreates };

  // Ratios, from this run only.
  const rate = (corpus: string, variant: string): number | undefined => rows.find((r) => r.corpus === corpus && r.variant.startsWith(variant))?.linesPerSec;
  const procRate = (corpus: string, variant: string): number | undefined => {
    const r = rows.find((x) => x.corpus === corpus && x.variant.startsWith(variant));
    return r ? r.lines / r.processSeconds : undefined;
  };
  const ratio = (a: number | undefined, b: number | undefined): number | undefined => (a !== undefined && b !== undefined ? round(a / b, 4) : undefined);
  const ratios = {
    'sshd: runDetect(sqlite) / floor': ratio(rate('sshd', 'runDetect (sqlite)'), rate('sshd', 'floor')),
    'sshd: runDetect(memory) / floor': ratio(rate('sshd', 'runDetect (memory)'), rate('sshd', 'floor')),
    'sshd: splitter / floor': ratio(rate('sshd', 'splitter'), rate('sshd', 'floor')),
    'sshd: runDetect(sqlite) / fail2ban-regex (whole process, same subset)': ratio(procRate('sshd-subset', 'runDetect (sqlite)'), procRate('sshd-subset', 'fail2ban')),
    'sshd: runDetect(sqlite) measured section / fail2ban-regex whole process': ratio(rate('sshd-subset', 'runDetect (sqlite)'), procRate('sshd-subset', 'fail2ban')),
    'vpc-flow: runDetect(sqlite) / floor': ratio(rate('vpc-flow', 'runDetect (sqlite)'), rate('vpc-flow', 'floor')),
    'vpc-flow: runDetect(memory) / floor': ratio(rate('vpc-flow', 'runDetect (memory)'), rate('vpc-flow', 'floor')),
    'vpc-flow: runDetect(sqlite) / mawk (whole process)': ratio(procRate('vpc-flow', 'runDetect (sqlite)'), procRate('vpc-flow', 'mawk')),
    'vpc-flow: runDetect(sqlite) measured section / mawk whole process': ratio(rate('vpc-flow', 'runDetect (sqlite)'), procRate('vpc-flow', 'mawk')),
    'k8s-audit: runDetect(sqlite) / floor': ratio(rate('k8s-audit', 'runDetect (sqlite)'), rate('k8s-audit', 'floor')),
    'k8s-audit: runDetect(memory) / floor': ratio(rate('k8s-audit', 'runDetect (memory)'), rate('k8s-audit', 'floor')),
    'k8s-audit: runDetect(sqlite) / jq (whole process)': ratio(procRate('k8s-audit', 'runDetect (sqlite)'), procRate('k8s-audit', 'jq')),
    'k8s-audit: runDetect(sqlite) measured section / jq whole process': ratio(rate('k8s-audit', 'runDetect (sqlite)'), procRate('k8s-audit', 'jq')),
  };

  console.log('');
  printTable([
    ['corpus', 'variant', 'lines', 's (measured)', 'lines/s', 's (process)', 'peak RSS MiB', 'RSS after MiB', 'note'],
    ...rows.map((r) => [r.corpus, r.variant, r.lines, r.seconds, r.linesPerSec, r.processSeconds, r.peakRssMiB ?? '-', r.rssAfterMiB ?? '-', r.note ?? '']),
  ]);
  console.log('\nratios (higher is better for Drawbridge; x/floor is the fraction of the floor reached):');
  printTable([['ratio', 'value'], ...Object.entries(ratios).map(([k, v]) => [k, v ?? 'n/a'])]);
  console.log('\ncross-checks (the peers and Drawbridge answering the same question):');
  for (const [k, v] of Object.entries(checks)) console.log(`  ${k}: ${JSON.stringify(v)}`);

  const file = writeResult('detect-throughput', { bench: 'detect-throughput', date: new Date().toISOString(), quick: q, machine, sizes, corpora, rows, ratios, checks });
  console.log(`\nwrote ${file}`);
  if (!flags.values.has('keep') && typeof dirFlag !== 'string') rmSync(dir, { recursive: true, force: true });
}

function existsFilter(): boolean {
  try {
    return statSync(FAIL2BAN_FILTER).isFile() && have('fail2ban-regex');
  } catch {
    return false;
  }
}

await main();
