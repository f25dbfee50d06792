/**
 * audit/corpus — auditPaths over a generated corpus of Terraform resources and Kubernetes objects,
 * against the parse floor: walking the same tree, reading every file and parsing it with the same
 * parsers called the same way (@cdktf/hcl2json's WebAssembly function for .tf, yaml's parseAllDocuments
 * for YAML) and doing nothing else.
 * audit/floor = the fraction of the parse-only throughput that the full audit keeps (target ≥ 0.7).
 * Each variant runs in a fresh process; with --runs N they alternate floor and audit and medians are reported.
 * Scaling: one GCP firewall export with 20,000 and with 200,000 source ranges (half allowed, half
 * denied at a lower priority, in one network): seconds for 200k / seconds for 20k, ≈ 10 when the work
 * grows linearly (pairwise deny matching made it ≈ 100).
 * Usage: npx tsx bench/audit-corpus.ts [--quick] [--runs N] [--keep] [--tf-modules N] [--k8s-files N] [--k8s-per-file N] [--no-scaling]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { intFlag, machineInfo, median, memoryAfter, parseFlags, printMachine, printTable, round, runWorker, writeResult, type MemoryReport } from './lib/common.js';
import { RESOURCES_PER_MODULE, writeKubernetesCorpus, writeTerraformCorpus, type ConfigCorpus } from './lib/configs.js';

const SELF = fileURLToPath(import.meta.url);

type Kind = 'terraform' | 'kubernetes';
type Task = { kind: 'floor' | 'audit'; corpus: Kind; dir: string } | { kind: 'file'; file: string };

interface WorkerResult {
  files: number;
  ms: number;
  memory: MemoryReport;
  findings?: number;
  problems?: number;
  /** Parse errors seen by the floor (the corpus must parse cleanly for the comparison to hold). */
  parseErrors?: number;
}

// ---------------------------------------------------------------- worker side

function walk(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p, ext));
    else if (ext.test(e.name)) out.push(p);
  }
  return out.sort();
}

async function floor(corpus: Kind, dir: string): Promise<WorkerResult> {
  let parseErrors = 0;
  let files = 0;
  if (corpus === 'terraform') {
    // The parser exactly as the auditors call it: @cdktf/hcl2json's WebAssembly function, synchronously
    // (without the package's promise wrapper), output read with JSON.parse. It loads once per process,
    // before the timing here and in the audit worker alike.
    const { loadHcl, parseHcl } = await import('../src/audit/terraform/hcl.js');
    await loadHcl();
    const t0 = performance.now();
    for (const f of walk(dir, /\.tf$/)) {
      if (!parseHcl(f, readFileSync(f, 'utf8')).ok) parseErrors++;
      files++;
    }
    return { files, ms: performance.now() - t0, memory: memoryAfter(), parseErrors };
  }
  // The auditors' parse options; their line bookkeeping (a LineCounter) is audit work, left out here.
  const options = { prettyErrors: false, uniqueKeys: false };
  const t0 = performance.now();
  for (const f of walk(dir, /\.ya?ml$/)) {
    const docs = parseAllDocuments(readFileSync(f, 'utf8'), options);
    for (const d of Array.isArray(docs) ? docs : []) parseErrors += d.errors.length;
    files++;
  }
  return { files, ms: performance.now() - t0, memory: memoryAfter(), parseErrors };
}

async function audit(corpus: Kind, dir: string): Promise<WorkerResult> {
  const { auditPaths } = await import('../src/audit/engine.js');
  const { ConfigSchema } = await import('../src/config/schema.js');
  const config = ConfigSchema.parse({});
  // The same untimed set-up as the floor's: the WebAssembly HCL parser loads once per process.
  if (corpus === 'terraform') await (await import('../src/audit/terraform/hcl.js')).loadHcl();
  const t0 = performance.now();
  const r = await auditPaths([dir], { config });
  const ms = performance.now() - t0;
  return { files: r.audited.length, ms, memory: memoryAfter(), findings: r.findings.length, problems: r.problems.length };
}

async function worker(task: Task): Promise<void> {
  const out = task.kind === 'file' ? await audit('kubernetes', task.file) : task.kind === 'floor' ? await floor(task.corpus, task.dir) : await audit(task.corpus, task.dir);
  process.stdout.write(JSON.stringify(out) + '\n');
}

// ---------------------------------------------------------------- driver side

interface Measured {
  corpus: Kind;
  variant: 'parse floor' | 'auditPaths';
  runs: WorkerResult[];
}

/** A GCP firewall export with `ranges` source ranges in one network: half on an allow, half on an earlier deny. */
function writeFirewallExport(file: string, ranges: number): void {
  const n = Math.floor(ranges / 2);
  const cidr = (i: number, first: number): string => `${first + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24`;
  const rules = [
    // Keys in gcloud's (alphabetical) order: what the format is recognised by comes before the long list.
    { allowed: [{ IPProtocol: 'tcp', ports: ['22'] }], direction: 'INGRESS', name: 'allow-ssh', network: 'default', priority: 1000, sourceRanges: Array.from({ length: n }, (_, i) => cidr(i, 20)) },
    // Every other allowed range is denied again, so that the deny matching has work to do.
    { denied: [{ IPProtocol: 'tcp', ports: ['22'] }], direction: 'INGRESS', name: 'deny-ssh', network: 'default', priority: 900, sourceRanges: Array.from({ length: n }, (_, i) => cidr(i % 2 === 0 ? i : i + n, 20)) },
  ];
  writeFileSync(file, JSON.stringify(rules));
}

async function scaling(dir: string, sizes: number[]): Promise<{ ranges: number; seconds: number; findings: number }[]> {
  const out = [];
  for (const ranges of sizes) {
    const file = join(dir, `firewall-${ranges}.json`);
    writeFirewallExport(file, ranges);
    const { result } = await runWorker<WorkerResult>(SELF, { kind: "file", file } satisfies Task);
    console.log(`  firewall export, ${ranges.toLocaleString('en-US')} ranges: ${round(result.ms / 1000, 2)} s, ${result.findings} findings`);
    out.push({ ranges, seconds: result.ms / 1000, findings: result.findings ?? 0 });
  }
  return out;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const workerArg = flags.values.get('worker');
  if (typeof workerArg === 'string') return worker(JSON.parse(workerArg) as Task);

  const q = flags.quick;
  const modules = intFlag(flags, 'tf-modules', q ? 50 : 500);
  const k8sFiles = intFlag(flags, 'k8s-files', q ? 50 : 500);
  const perFile = intFlag(flags, 'k8s-per-file', 20);
  const runs = intFlag(flags, 'runs', 1);
  const machine = machineInfo();
  printMachine(machine);

  const dir = mkdtempSync(join(tmpdir(), 'drawbridge-bench-audit-'));
  const t0 = performance.now();
  const corpora: Record<Kind, ConfigCorpus> = {
    terraform: writeTerraformCorpus(join(dir, 'terraform'), modules),
    kubernetes: writeKubernetesCorpus(join(dir, 'kubernetes'), k8sFiles, perFile),
  };
  console.log(`generated in ${round((performance.now() - t0) / 1000, 1)} s in ${dir}:`);
  console.log(`  terraform: ${corpora.terraform.resources.toLocaleString('en-US')} resources (${RESOURCES_PER_MODULE} per module) in ${corpora.terraform.files} files, ${round(corpora.terraform.bytes / 2 ** 20, 1)} MiB`);
  console.log(`  kubernetes: ${corpora.kubernetes.resources.toLocaleString('en-US')} objects in ${corpora.kubernetes.files} files, ${round(corpora.kubernetes.bytes / 2 ** 20, 1)} MiB`);

  const measured: Measured[] = [];
  for (const corpus of ['terraform', 'kubernetes'] as const) {
    const floorM: Measured = { corpus, variant: 'parse floor', runs: [] };
    const auditM: Measured = { corpus, variant: 'auditPaths', runs: [] };
    for (let i = 0; i < runs; i++) {
      // Alternate the order so that drift in machine load does not favour one side.
      const order = i % 2 === 0 ? [floorM, auditM] : [auditM, floorM];
      for (const m of order) {
        const { result } = await runWorker<WorkerResult>(SELF, { kind: m.variant === 'parse floor' ? 'floor' : 'audit', corpus, dir: corpora[corpus].dir } satisfies Task);
        m.runs.push(result);
        console.log(`  ${corpus} / ${m.variant} #${i + 1}: ${round(result.ms / 1000, 2)} s`);
      }
    }
    measured.push(floorM, auditM);
  }

  const rows = measured.map((m) => {
    const s = median(m.runs.map((r) => r.ms)) / 1000;
    const c = corpora[m.corpus];
    const last = m.runs[m.runs.length - 1] as WorkerResult;
    return {
      corpus: m.corpus,
      variant: m.variant,
      files: last.files,
      seconds: s,
      filesPerSec: last.files / s,
      resourcesPerSec: c.resources / s,
      peakRssMiB: Math.max(...m.runs.map((r) => r.memory.peakRssMiB)),
      rssAfterMiB: last.memory.rssAfterMiB,
      note: m.variant === 'auditPaths' ? `${last.findings} findings, ${last.problems} problems` : `${last.parseErrors} parse errors`,
      runsSeconds: m.runs.map((r) => round(r.ms / 1000, 3)),
    };
  });
  const rate = (corpus: Kind, variant: string): number => rows.find((r) => r.corpus === corpus && r.variant === variant)?.resourcesPerSec ?? NaN;
  const ratios = {
    'terraform: auditPaths / parse floor': round(rate('terraform', 'auditPaths') / rate('terraform', 'parse floor'), 3),
    'kubernetes: auditPaths / parse floor': round(rate('kubernetes', 'auditPaths') / rate('kubernetes', 'parse floor'), 3),
  };

  console.log('');
  printTable([
    ['corpus', 'variant', 'files', 's (median)', 'files/s', 'resources/s', 'peak RSS MiB', 'RSS after MiB', 'note'],
    ...rows.map((r) => [r.corpus, r.variant, r.files, r.seconds, r.filesPerSec, r.resourcesPerSec, r.peakRssMiB, r.rssAfterMiB, r.note]),
  ]);
  console.log('\nratios (auditPaths throughput / parse-only throughput; target ≥ 0.7):');
  printTable([['ratio', 'value', 'target met'], ...Object.entries(ratios).map(([k, v]) => [k, v, v >= 0.7 ? 'yes' : 'no'])]);

  let scaled: Awaited<ReturnType<typeof scaling>> = [];
  if (!flags.values.has('no-scaling')) {
    console.log('\nscaling (one firewall export, half its ranges allowed and half denied):');
    scaled = await scaling(dir, q ? [2_000, 20_000] : [20_000, 200_000]);
    const [small, large] = scaled as [(typeof scaled)[0], (typeof scaled)[0]];
    printTable([
      ['ranges', 's', 'findings'],
      ...scaled.map((r) => [r.ranges, round(r.seconds, 2), r.findings]),
      [`${large.ranges / small.ranges}× the ranges`, `${round(large.seconds / small.seconds, 1)}× the time`, 'linear ≈ 10×, quadratic ≈ 100×'],
    ]);
  }

  const file = writeResult('audit-corpus', { bench: 'audit-corpus', date: new Date().toISOString(), quick: q, runs, machine, corpora, rows, ratios, target: 0.7, scaling: scaled });
  console.log(`\nwrote ${file}`);
  if (!flags.values.has('keep')) rmSync(dir, { recursive: true, force: true });
  else console.log(`corpus kept in ${dir}`);
}

await main();
