/**
 * detect/vs-commit — the same `drawbridge detect` CLI run over the same generated logs at two revisions
 * of this repository: the working tree (HEAD plus uncommitted changes, or `--head REV`) and `--base REV`
 * (default HEAD~1), each other revision checked out into a temporary git worktree that shares this
 * checkout's node_modules.
 * The logs are the perf corpora (the seeded generator of bench/lib/perf-corpora.ts, as detect-vs-peers
 * uses), each run learning for the first half of the corpus's event time and detecting in the second.
 * Runs alternate base/head so that a change of machine load hits both sides alike; each side's
 * figure is the median of `--runs`. Target: head keeps at least 90 % of base's throughput.
 * Usage: npx tsx bench/detect-vs-commit.ts [--base REV] [--head REV] [--runs N] [--quick] [--keep]
 *   [--seed N] [--sshd-lines N] [--vpc-lines N] [--k8s-lines N]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { intFlag, machineInfo, median, parseFlags, printMachine, printTable, REPO_DIR, round, runChild, writeResult } from './lib/common.js';
import { writeAuthLog, writeK8sAuditLog, writeVpcFlowLog, type CorpusFile } from './lib/perf-corpora.js';

const TARGET = 0.9;

interface Side {
  name: 'base' | 'head';
  tree: string;
  rev: string;
}

interface Sample {
  wallMs: number;
  peakRssMiB?: number;
  alerts: number;
}

function git(args: string[], cwd = REPO_DIR): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

/** One whole CLI process: detect over `file` with a fresh state folder; alerts counted from the JSON output. */
async function detectOnce(side: Side, corpus: CorpusFile, work: string, config: string): Promise<Sample> {
  const state = mkdtempSync(join(work, `state-${side.name}-`));
  const learning = `${Math.ceil((corpus.lastMs - corpus.firstMs) / 2000)}s`;
  const run = await runChild(
    process.execPath,
    ['--import', 'tsx', join(side.tree, 'src/cli/bin.ts'), 'detect', corpus.file, '--config', config, '--state-dir', state, '--learning-period', learning, '--format', 'json'],
    { cwd: side.tree },
  );
  rmSync(state, { recursive: true, force: true });
  // Exit 1 means "alerts at or above the threshold": a normal outcome here.
  if (run.code !== 0 && run.code !== 1) throw new Error(`${side.name} (${side.rev}) detect ${corpus.file} exited ${run.code}:\n${run.stderr.slice(-3000)}`);
  const alerts = (JSON.parse(run.stdout) as { alerts?: unknown[] }).alerts?.length ?? 0;
  return { wallMs: run.wallMs, alerts, ...(run.peakRssMiB !== undefined ? { peakRssMiB: run.peakRssMiB } : {}) };
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const quick = flags.quick;
  const runs = intFlag(flags, 'runs', quick ? 1 : 3);
  const given = flags.values.get('base');
  const baseRef = typeof given === 'string' ? given : 'HEAD~1';
  const sizes = {
    sshd: intFlag(flags, 'sshd-lines', quick ? 50_000 : 400_000),
    vpc: intFlag(flags, 'vpc-lines', quick ? 50_000 : 400_000),
    k8s: intFlag(flags, 'k8s-lines', quick ? 10_000 : 100_000),
  };
  const work = mkdtempSync(join(tmpdir(), 'drawbridge-bench-vs-commit-'));
  const baseTree = join(work, 'base');
  const baseRev = git(['rev-parse', '--short', baseRef]);
  const headGiven = flags.values.get('head');
  const headRev = typeof headGiven === 'string' ? git(['rev-parse', '--short', headGiven]) : `${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain', '--untracked-files=no']) ? '+changes' : ''}`;
  const headTree = typeof headGiven === 'string' ? join(work, 'head') : REPO_DIR;
  const trees = headTree === REPO_DIR ? [[baseTree, baseRev]] : [[baseTree, baseRev], [headTree, headRev]];
  for (const [tree, rev] of trees as [string, string][]) {
    git(['worktree', 'add', '--detach', '--quiet', tree, rev]);
    symlinkSync(join(REPO_DIR, 'node_modules'), join(tree, 'node_modules'));
  }
  const m = machineInfo({});
  printMachine(m);
  console.log(`base ${baseRev} (${baseRef}), head ${headRev}, ${runs} run(s) per side, alternating\n`);
  try {
    const config = join(work, 'drawbridge.yaml');
    // Only keys every revision of the config schema knows.
    writeFileSync(config, 'organisation:\n  allowedRanges: [192.0.2.0/24]\n');
    const seed = intFlag(flags, 'seed', 42);
    const corpora = [
      { name: 'sshd', corpus: writeAuthLog(join(work, 'auth.log'), sizes.sshd, seed) },
      { name: 'aws-vpc-flow', corpus: writeVpcFlowLog(join(work, 'vpc.log'), sizes.vpc, seed) },
      { name: 'k8s-audit', corpus: writeK8sAuditLog(join(work, 'audit.jsonl'), sizes.k8s, seed) },
    ].map((c) => ({ ...c, lines: c.corpus.records }));
    const sides: Side[] = [
      { name: 'base', tree: baseTree, rev: baseRev },
      { name: 'head', tree: headTree, rev: headRev },
    ];
    const rows: (string | number)[][] = [['corpus', 'lines', 'base lines/s', 'head lines/s', 'head / base', 'base alerts', 'head alerts', 'base peak MiB', 'head peak MiB', 'target']];
    const results = [];
    let allMet = true;
    for (const c of corpora) {
      const samples: Record<Side['name'], Sample[]> = { base: [], head: [] };
      for (let i = 0; i < runs; i++) {
        // Alternate the order too, so neither side always runs on a warm page cache.
        const order = i % 2 === 0 ? sides : [...sides].reverse();
        for (const s of order) samples[s.name].push(await detectOnce(s, c.corpus, work, config));
      }
      const rate = (xs: Sample[]): number => c.lines / (median(xs.map((x) => x.wallMs)) / 1000);
      const peak = (xs: Sample[]): number | string => median(xs.map((x) => x.peakRssMiB ?? Number.NaN)) || '–';
      const ratio = rate(samples.head) / rate(samples.base);
      const met = ratio >= TARGET;
      allMet &&= met;
      rows.push([c.name, c.lines, Math.round(rate(samples.base)), Math.round(rate(samples.head)), round(ratio, 2), samples.base[0]?.alerts ?? 0, samples.head[0]?.alerts ?? 0, peak(samples.base), peak(samples.head), met ? `met (≥ ${TARGET})` : `NOT met (≥ ${TARGET})`]);
      results.push({ corpus: c.name, lines: c.lines, ratio, samples });
    }
    printTable(rows);
    console.log(`\nwhole CLI processes (start-up included); ${allMet ? 'every corpus within' : 'NOT every corpus within'} ${Math.round((1 - TARGET) * 100)} % of base`);
    console.log(`wrote ${writeResult('detect-vs-commit', { machine: m, base: { ref: baseRef, rev: baseRev }, head: headRev, runs, sizes, results })}`);
  } finally {
    if (!flags.values.has('keep')) {
      for (const [tree] of trees) git(['worktree', 'remove', '--force', tree as string]);
      rmSync(work, { recursive: true, force: true });
    } else console.log(`kept ${work}`);
  }
}

await main();
