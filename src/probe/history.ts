import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createStateFile } from '../io/state-files.js';
import { compareFindings } from '../model/finding.js';
import { isSeverity, type Severity } from '../model/severity.js';
import type { AuthState, Observation, ProbeOutcome } from './types.js';

/*
 * Probe history: each run's observations in SQLite (<stateDir>/probe.db), so a run can say what changed
 * since the last run over the same scope: endpoints newly open, newly closed, and those whose exposure
 * got worse (auth state, or findings that were not there before).
 */

/** What one endpoint looked like in one run. Keyed by host:port/service. */
export interface EndpointState {
  key: string;
  host: string;
  port: number;
  service: string | null;
  product: string | null;
  version: string | null;
  auth: AuthState;
  outcome: ProbeOutcome | null;
  findings: { id: string; rule: string; severity: Severity }[];
}

export interface ChangedEndpoint {
  key: string;
  host: string;
  port: number;
  service: string | null;
  /** Present when the auth state got worse, e.g. login → open. */
  auth?: { before: AuthState; after: AuthState };
  /** Findings this run that the previous run did not have. */
  newFindings: EndpointState['findings'];
}

export interface ProbeChanges {
  /** The run compared against; null when no earlier run covered this scope. */
  since: { run: number; time: string } | null;
  opened: EndpointState[];
  closed: EndpointState[];
  changed: ChangedEndpoint[];
}

/** What a run was asked to cover; runs are compared only with runs over the same scope. */
export interface ScopeDescriptor {
  targets: readonly string[];
  ports: readonly number[];
  exclude?: readonly string[];
}

export function historyPath(stateDir: string): string {
  return join(stateDir, 'probe.db');
}

/** Order-insensitive fingerprint of a scope. */
export function scopeKey(s: ScopeDescriptor): string {
  const canon = {
    targets: [...new Set(s.targets.map((t) => t.trim().toLowerCase()))].sort(),
    ports: [...new Set(s.ports)].sort((a, b) => a - b),
    exclude: [...new Set((s.exclude ?? []).map((t) => t.trim().toLowerCase()))].sort(),
  };
  return `scope-${createHash('sha256').update(JSON.stringify(canon)).digest('hex').slice(0, 16)}`;
}

export function endpointKey(host: string, port: number, service: string | null | undefined): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return `${h}:${port}/${service ?? 'unknown'}`;
}

export function endpointStates(observations: readonly Observation[]): EndpointState[] {
  return observations.map((o) => ({
    key: endpointKey(o.endpoint.host, o.endpoint.port, o.service),
    host: o.endpoint.host,
    port: o.endpoint.port,
    service: o.service ?? null,
    product: o.product ?? null,
    version: o.version ?? null,
    auth: o.auth,
    outcome: o.outcome ?? null,
    findings: [...o.findings].sort(compareFindings).map((f) => ({ id: f.id, rule: f.rule, severity: f.severity })),
  }));
}

/** refused < (login, info, unknown) < open: only a move up is "worse". */
const AUTH_RANK: Record<AuthState, number> = { refused: 0, login: 1, info: 1, unknown: 1, open: 2 };

const byKey = (a: { key: string }, b: { key: string }): number => a.key.localeCompare(b.key, 'en', { numeric: true });

/** Pure comparison of two runs' endpoint states. */
export function diffStates(before: readonly EndpointState[], after: readonly EndpointState[]): Omit<ProbeChanges, 'since'> {
  const prev = new Map(before.map((s) => [s.key, s]));
  const next = new Map(after.map((s) => [s.key, s]));
  const opened = after.filter((s) => !prev.has(s.key)).sort(byKey);
  const closed = before.filter((s) => !next.has(s.key)).sort(byKey);
  const changed: ChangedEndpoint[] = [];
  for (const s of after) {
    const p = prev.get(s.key);
    if (!p) continue;
    const worse = AUTH_RANK[s.auth] > AUTH_RANK[p.auth];
    const had = new Set(p.findings.map((f) => f.id));
    const newFindings = s.findings.filter((f) => !had.has(f.id));
    if (!worse && newFindings.length === 0) continue;
    changed.push({
      key: s.key,
      host: s.host,
      port: s.port,
      service: s.service,
      ...(worse ? { auth: { before: p.auth, after: s.auth } } : {}),
      newFindings,
    });
  }
  return { opened, closed, changed: changed.sort(byKey) };
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY AUTOINCREMENT, scope TEXT NOT NULL, time TEXT NOT NULL, targets TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS runs_scope ON runs (scope, id);
CREATE TABLE IF NOT EXISTS endpoints (
  run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key TEXT NOT NULL, host TEXT NOT NULL, port INTEGER NOT NULL, service TEXT, product TEXT, version TEXT,
  auth TEXT NOT NULL, outcome TEXT, findings TEXT NOT NULL,
  PRIMARY KEY (run, key)
) WITHOUT ROWID;
`;

interface EndpointRow {
  key: string;
  host: string;
  port: number;
  service: string | null;
  product: string | null;
  version: string | null;
  auth: string;
  outcome: string | null;
  findings: string;
}

const AUTH_STATES: readonly string[] = ['open', 'login', 'refused', 'info', 'unknown'];
const OUTCOMES: readonly string[] = ['identified', 'unrecognised', 'timeout', 'error'];

/** Runs kept per scope; older ones are dropped. */
const KEEP_RUNS = 100;

export class ProbeHistory {
  private readonly db: Database.Database;
  /** Stored rows that could not be read back, each with the run, key and field at fault. */
  readonly problems: string[] = [];

  constructor(readonly path: string) {
    if (path !== ':memory:') createStateFile(path);
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
  }

  /** The latest run over this scope and its endpoints. */
  lastRun(scope: string): { run: number; time: string; states: EndpointState[] } | undefined {
    const run = this.db.prepare<[string], { id: number; time: string }>('SELECT id, time FROM runs WHERE scope = ? ORDER BY id DESC LIMIT 1').get(scope);
    if (!run) return undefined;
    const rows = this.db.prepare<[number], EndpointRow>('SELECT key, host, port, service, product, version, auth, outcome, findings FROM endpoints WHERE run = ? ORDER BY key').all(run.id);
    return { run: run.id, time: run.time, states: rows.map((r) => this.fromRow(run.id, r)) };
  }

  private fromRow(run: number, r: EndpointRow): EndpointState {
    const where = `probe.db run ${run} endpoint ${r.key}`;
    let auth = r.auth as AuthState;
    if (!AUTH_STATES.includes(r.auth)) {
      this.problems.push(`${where}: field auth: unknown value "${r.auth}" (read as unknown)`);
      auth = 'unknown';
    }
    let findings: EndpointState['findings'] = [];
    try {
      const parsed: unknown = JSON.parse(r.findings);
      if (!Array.isArray(parsed)) throw new Error('not an array');
      for (const f of parsed as unknown[]) {
        const x = f as Partial<Record<'id' | 'rule' | 'severity', unknown>>;
        if (typeof x?.id === 'string' && typeof x.rule === 'string' && typeof x.severity === 'string' && isSeverity(x.severity)) findings.push({ id: x.id, rule: x.rule, severity: x.severity });
        else this.problems.push(`${where}: field findings: entry ${JSON.stringify(f)?.slice(0, 80)} skipped (needs id, rule, severity)`);
      }
    } catch (e) {
      this.problems.push(`${where}: field findings: ${(e as Error).message} (read as none)`);
      findings = [];
    }
    return {
      key: r.key,
      host: r.host,
      port: r.port,
      service: r.service,
      product: r.product,
      version: r.version,
      auth,
      outcome: r.outcome !== null && OUTCOMES.includes(r.outcome) ? (r.outcome as ProbeOutcome) : null,
      findings,
    };
  }

  /**
   * Compare this run with the last run over the same scope, then store it — in one transaction, so two
   * runs finishing together each compare with a complete run.
   */
  record(scope: ScopeDescriptor, observations: readonly Observation[], time: Date): ProbeChanges {
    const key = scopeKey(scope);
    const states = endpointStates(observations);
    const insertRun = this.db.prepare<[string, string, string]>('INSERT INTO runs (scope, time, targets) VALUES (?, ?, ?)');
    const insertEndpoint = this.db.prepare<[number, string, string, number, string | null, string | null, string | null, string, string | null, string]>(
      'INSERT OR REPLACE INTO endpoints (run, key, host, port, service, product, version, auth, outcome, findings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const prune = this.db.prepare<[string, string, number]>('DELETE FROM runs WHERE scope = ? AND id NOT IN (SELECT id FROM runs WHERE scope = ? ORDER BY id DESC LIMIT ?)');
    return this.db.transaction((): ProbeChanges => {
      const last = this.lastRun(key);
      const diff = last ? diffStates(last.states, states) : { opened: [], closed: [], changed: [] };
      const run = Number(insertRun.run(key, time.toISOString(), JSON.stringify({ targets: scope.targets, ports: scope.ports, exclude: scope.exclude ?? [] })).lastInsertRowid);
      for (const s of states) insertEndpoint.run(run, s.key, s.host, s.port, s.service, s.product, s.version, s.auth, s.outcome, JSON.stringify(s.findings));
      prune.run(key, key, KEEP_RUNS);
      return { since: last ? { run: last.run, time: last.time } : null, ...diff };
    })();
  }

  close(): void {
    this.db.close();
  }
}

export type RecordOutcome = { changes: ProbeChanges; problems: string[] } | { error: string };

/** For the CLI: record a run in <stateDir>/probe.db; a history that cannot be used is reported, never fatal. */
export function recordProbeRun(stateDir: string, scope: ScopeDescriptor, observations: readonly Observation[], time = new Date()): RecordOutcome {
  const path = historyPath(stateDir);
  let h: ProbeHistory | undefined;
  try {
    h = new ProbeHistory(path);
    const changes = h.record(scope, observations, time);
    return { changes, problems: [...h.problems] };
  } catch (e) {
    return { error: `${path}: probe history not updated: ${(e as Error).message}` };
  } finally {
    h?.close();
  }
}

function label(s: { key: string; auth?: AuthState; product?: string | null; version?: string | null }): string {
  const what = [s.product, s.version].filter(Boolean).join(' ');
  return `${s.key}${what ? ` (${what})` : ''}${s.auth ? ` auth=${s.auth}` : ''}`;
}

/** Human summary, one line each, for stderr. */
export function formatChanges(c: ProbeChanges): string[] {
  if (!c.since) return ['changes: first run over this scope; later runs report what opened, closed or got worse'];
  const out = [`changes since run ${c.since.run} (${c.since.time}): ${c.opened.length} opened, ${c.closed.length} closed, ${c.changed.length} worse`];
  for (const s of c.opened) out.push(`  + opened  ${label(s)}`);
  for (const s of c.closed) out.push(`  - closed  ${label(s)}`);
  for (const s of c.changed) {
    const parts = [
      ...(s.auth ? [`auth ${s.auth.before} → ${s.auth.after}`] : []),
      ...(s.newFindings.length > 0 ? [`new: ${s.newFindings.map((f) => `${f.rule} (${f.severity})`).join(', ')}`] : []),
    ];
    out.push(`  ! worse   ${s.key}: ${parts.join('; ')}`);
  }
  return out;
}
