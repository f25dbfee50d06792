/**
 * `drawbridge emulate`: write an emulated environment's logs, drawbridge.yaml and labels.json
 * into a directory. All content comes from the pure scenario builder; this file only writes.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildScenario, type Scenario } from './scenario.js';
import type { Labels, Profile } from './labels.js';
import { buildRealisticScenario } from './realistic/scenario.js';

export interface EmulateOptions {
  seed: number;
  outDir: string;
  /** Default basic (a week in every format); realistic is a month of an organisation's logs with real noise. */
  profile?: Profile;
  /** Basic profile: days of telemetry. */
  days?: number;
  /** Realistic profile: volume factor (default 1), days of history (21) and live days (7). */
  scale?: number;
  historyDays?: number;
  liveDays?: number;
}

export interface EmulationSummary {
  outDir: string;
  seed: number;
  profile: Profile;
  days: number;
  learningPeriod: string;
  files: { path: string; kind: string; records: number; bytes: number }[];
  records: number;
  procedures: { id: string; subTechnique: string; source: string; start: string }[];
  benign: { id: string; kind: string; source: string; start: string }[];
  configPath: string;
  labelsPath: string;
}

export const LABELS_FILE = 'labels.json';
export const CONFIG_FILE = 'drawbridge.yaml';

/** The scenario of a profile (pure; the same options give the same bytes). */
export function buildProfileScenario(opts: Omit<EmulateOptions, 'outDir'>): Scenario {
  if ((opts.profile ?? 'basic') === 'realistic') {
    return buildRealisticScenario({
      seed: opts.seed,
      ...(opts.scale !== undefined ? { scale: opts.scale } : {}),
      ...(opts.historyDays !== undefined ? { historyDays: opts.historyDays } : {}),
      ...(opts.liveDays !== undefined ? { liveDays: opts.liveDays } : {}),
    });
  }
  return buildScenario(opts.days === undefined ? { seed: opts.seed } : { seed: opts.seed, days: opts.days });
}

export async function emulate(opts: EmulateOptions): Promise<EmulationSummary> {
  const scenario = buildProfileScenario(opts);
  await prepareOutDir(opts.outDir);
  const files: EmulationSummary['files'] = [];
  for (const f of scenario.files) {
    const path = join(opts.outDir, f.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, f.text);
    files.push({ path: f.path, kind: f.kind, records: f.records, bytes: Buffer.byteLength(f.text) });
  }
  const configPath = join(opts.outDir, CONFIG_FILE);
  const labelsPath = join(opts.outDir, LABELS_FILE);
  await writeFile(configPath, scenario.config);
  await writeFile(labelsPath, JSON.stringify(scenario.labels, null, 2) + '\n');
  return summarise(opts.outDir, scenario.labels, files, configPath, labelsPath);
}

/**
 * The directory must be new, empty, or a previous emulation (it has labels.json): then its logs/
 * tree is removed so no file of an older run (another seed, other hours) lingers beside the new ones.
 */
async function prepareOutDir(dir: string): Promise<void> {
  if (existsSync(dir)) {
    const entries = await readdir(dir);
    if (entries.length > 0 && !entries.includes(LABELS_FILE)) throw new Error(`${dir} is not empty and holds no earlier emulation (${LABELS_FILE}); choose a new directory`);
    await rm(join(dir, 'logs'), { recursive: true, force: true });
  }
  await mkdir(dir, { recursive: true });
}

function summarise(outDir: string, labels: Labels, files: EmulationSummary['files'], configPath: string, labelsPath: string): EmulationSummary {
  return {
    outDir,
    seed: labels.seed,
    profile: labels.profile ?? 'basic',
    days: labels.days,
    learningPeriod: labels.learningPeriod,
    files,
    records: files.reduce((n, f) => n + f.records, 0),
    procedures: labels.procedures.map((p) => ({ id: p.id, subTechnique: p.subTechnique, source: p.source, start: p.window.start })),
    benign: (labels.benign ?? []).map((b) => ({ id: b.id, kind: b.kind, source: b.source, start: b.window.start })),
    configPath,
    labelsPath,
  };
}

export function renderEmulationSummary(s: EmulationSummary): string {
  const lines = [
    `emulated ${s.days} days (${s.profile} profile, seed ${s.seed}, learning period ${s.learningPeriod}) into ${s.outDir}`,
    `${s.records} records in ${s.files.length} files; ${s.procedures.length} planted procedures:`,
    ...s.procedures.map((p) => `  ${p.start}  ${p.id.padEnd(40)} ${p.subTechnique.padEnd(32)} from ${p.source}`),
    ...(s.benign.length > 0 ? [`${s.benign.length} benign new events:`, ...s.benign.map((b) => `  ${b.start}  ${b.id.padEnd(40)} ${b.kind.padEnd(32)} from ${b.source}`)] : []),
    `labels: ${s.labelsPath}`,
    `config: ${s.configPath}`,
  ];
  return lines.join('\n') + '\n';
}
