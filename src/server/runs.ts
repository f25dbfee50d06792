/**
 * Audits and probes the server runs itself, of what drawbridge.yaml `serve.audit` / `serve.probe` names
 * and nothing else (a request cannot point the server at another target): on a schedule, or on an
 * admin's POST. Their findings are stored like posted ones; each run is recorded in the admin log.
 */
import type { DrawbridgeConfig } from '../config/schema.js';
import type { Finding } from '../model/finding.js';
import type { ServerDb } from './server-db.js';

export type RunLens = 'audit' | 'probe';

export interface RunOutcome {
  lens: RunLens;
  started: string;
  finished: string;
  findings: number;
  /** Inputs or targets that could not be read or reached, with why. */
  problems: string[];
}

/** A run of the same lens is in progress: the request is refused rather than queued. */
export class RunBusyError extends Error {}
/** Nothing is configured for this lens. */
export class RunUnconfiguredError extends Error {}

export interface RunnerOptions {
  config: DrawbridgeConfig;
  db: ServerDb;
  /** A run finished (the caller records it). */
  onRun?: (outcome: RunOutcome, actor: string) => void;
  onError?: (lens: RunLens, error: unknown) => void;
}

async function auditFindings(config: DrawbridgeConfig): Promise<{ findings: Finding[]; problems: string[] }> {
  const { auditPaths } = await import('../audit/engine.js');
  const r = await auditPaths(config.serve.audit.paths, { config });
  return { findings: r.findings, problems: r.problems.map((p) => `${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`) };
}

async function probeFindings(config: DrawbridgeConfig): Promise<{ findings: Finding[]; problems: string[] }> {
  const { runProbe } = await import('../probe/scheduler.js');
  const { ports, targets } = config.serve.probe;
  const r = await runProbe([...targets], { config, ...(ports.length > 0 ? { ports: [...ports] } : {}) });
  return { findings: r.findings, problems: r.problems.map((p) => `${p.target}: ${p.message}`) };
}

export class ServerRunner {
  private readonly running = new Map<RunLens, Promise<unknown>>();
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly opts: RunnerOptions) {}

  configured(lens: RunLens): boolean {
    const s = this.opts.config.serve;
    return lens === 'audit' ? s.audit.paths.length > 0 : s.probe.targets.length > 0;
  }

  /** Run one lens now; refused while one of the same lens runs. */
  async run(lens: RunLens, actor: string): Promise<RunOutcome> {
    if (!this.configured(lens)) throw new RunUnconfiguredError(`nothing to ${lens}: set serve.${lens}.${lens === 'audit' ? 'paths' : 'targets'} (or --${lens})`);
    if (this.running.has(lens)) throw new RunBusyError(`a ${lens} run is in progress`);
    const started = new Date().toISOString();
    const work = lens === 'audit' ? auditFindings(this.opts.config) : probeFindings(this.opts.config);
    this.running.set(lens, work.catch(() => undefined));
    try {
      const r = await work;
      const finished = new Date().toISOString();
      this.opts.db.putFindings(lens, r.findings, finished);
      const outcome: RunOutcome = { lens, started, finished, findings: r.findings.length, problems: r.problems };
      this.opts.onRun?.(outcome, actor);
      return outcome;
    } finally {
      this.running.delete(lens);
    }
  }

  /** Start the schedules (`serve.audit.every`, `serve.probe.every`); the first run is at once. */
  start(): void {
    for (const lens of ['audit', 'probe'] as const) {
      const every = this.opts.config.serve[lens].every;
      if (every <= 0 || !this.configured(lens)) continue;
      const tick = (): void => {
        if (this.running.has(lens)) return;
        this.run(lens, 'schedule').catch((e: unknown) => this.opts.onError?.(lens, e));
      };
      tick();
      const t = setInterval(tick, every);
      t.unref();
      this.timers.push(t);
    }
  }

  /** Stop the schedules; resolves when the runs in progress are done (their findings stored). */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    await Promise.all(this.running.values());
  }
}
