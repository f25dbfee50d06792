/**
 * Run detection over an emulated folder and score it: the detect engine with a fresh in-memory state
 * (an evaluation never touches stateDir), configured by the folder's drawbridge.yaml.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../config/load.js';
import type { DrawbridgeConfig } from '../config/schema.js';
import { runDetect } from '../detect/pipeline/index.js';
import { MemoryStateStore } from '../detect/state/memory.js';
import { emulate, type EmulateOptions } from '../emulate/index.js';
import type { Labels } from '../emulate/labels.js';
import type { Alert } from '../model/finding.js';
import { scoreAlerts, type EvaluationReport } from './score.js';

/** Runs detection over files (paths as given) with a configuration; returns every alert raised. */
export type DetectRunner = (files: readonly string[], config: DrawbridgeConfig) => Promise<DetectOutcome>;

export interface DetectOutcome {
  alerts: Alert[];
  /** Records the decoders rejected (reported, not scored). */
  rejected?: number;
  events?: number;
}

export interface EvaluateOptions {
  /** Default: the detect engine with a fresh in-memory state. */
  run?: DetectRunner;
  /** Slack around a label's window when matching alert times (default 5 minutes). */
  toleranceMs?: number;
  /** Rewrites the folder's drawbridge.yaml before it is used (e.g. to add a section the emulation does not write). */
  configure?: (yaml: string, labels: Labels) => string;
}

export const engineRunner: DetectRunner = async (files, config) => {
  const store = new MemoryStateStore();
  try {
    const r = await runDetect([...files], { config, store, deadLetter: false });
    return { alerts: r.alerts, rejected: r.stats.rejected, events: r.stats.events };
  } finally {
    store.close();
  }
};

export async function readLabels(dir: string): Promise<Labels> {
  const path = join(dir, 'labels.json');
  const v = JSON.parse(await readFile(path, 'utf8')) as Labels;
  if (v.version !== 1 || !Array.isArray(v.procedures) || !Array.isArray(v.files)) throw new Error(`${path}: not a labels file of version 1`);
  return v;
}

/** Run detection over DIR (configured by DIR/drawbridge.yaml) and score it against DIR/labels.json. */
export async function evaluate(dir: string, opts: EvaluateOptions = {}): Promise<EvaluationReport> {
  const labels = await readLabels(dir);
  const configFile = join(dir, 'drawbridge.yaml');
  const yaml = await readFile(configFile, 'utf8');
  const config = parseConfig(opts.configure ? opts.configure(yaml, labels) : yaml, configFile);
  const outcome = await (opts.run ?? engineRunner)(labels.files.map((f) => join(dir, f.path)), config);
  const report = scoreAlerts(labels, outcome.alerts, dir, opts.toleranceMs);
  if (outcome.events !== undefined) report.events = outcome.events;
  if (outcome.rejected !== undefined) report.rejected = outcome.rejected;
  return report;
}

/**
 * Emulate (realistic profile unless told otherwise) into a temporary folder, evaluate it, remove it.
 * The measure the precision targets are held to: `evaluateScenario(seed, scale)`.
 */
export async function evaluateScenario(seed: number, scale = 1, opts: EvaluateOptions & Partial<Pick<EmulateOptions, 'profile' | 'historyDays' | 'liveDays'>> = {}): Promise<EvaluationReport> {
  const dir = await mkdtemp(join(tmpdir(), 'drawbridge-evaluate-'));
  try {
    await emulate({ seed, outDir: dir, profile: opts.profile ?? 'realistic', scale, ...(opts.historyDays !== undefined ? { historyDays: opts.historyDays } : {}), ...(opts.liveDays !== undefined ? { liveDays: opts.liveDays } : {}) });
    return await evaluate(dir, opts);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
