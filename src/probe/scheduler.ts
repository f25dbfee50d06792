import type { Socket } from 'node:net';
import { servicesByPort } from '../catalog/services.js';
import type { DrawbridgeConfig } from '../config/schema.js';
import { compareFindings, type Finding } from '../model/finding.js';
import { tcpOpen } from './net.js';
import { TokenBucket } from './rate.js';
import { FINGERPRINTERS, selectFingerprinters } from './registry.js';
import { buildScope } from './scope.js';
import { screenNames, type NameLookup } from './resolve-names.js';
import { NotThisProtocol, ProbeTimeout, type Endpoint, type Fingerprinter, type Observation, type ProbeOptions } from './types.js';

export interface RunProbeOptions {
  config: DrawbridgeConfig;
  /** Ports for targets without one; the catalogue's management ports by default. */
  ports?: number[];
  exclude?: string[];
  fingerprinters?: Fingerprinter[];
  onProgress?: (done: number, total: number) => void;
  /** Notable steps (each authentication question asked); nothing by default. */
  log?: (message: string) => void;
  /** Host-name resolution (the system resolver by default); names are resolved once, before any connection. */
  lookup?: NameLookup;
  /** Passed to fingerprinters: try the catalogue's vendor default credentials (explicit opt-in). */
  tryDefaultCredentials?: boolean;
}

export interface ProbeProblem {
  target: string;
  message: string;
}

export interface RunProbeResult {
  observations: Observation[];
  findings: Finding[];
  problems: ProbeProblem[];
}

/** Catalogue ports (plus drawbridge.yaml managementPorts), ascending. */
export function catalogPorts(config: DrawbridgeConfig): number[] {
  return [...servicesByPort(config.managementPorts).keys()].sort((a, b) => a - b);
}

type Discovery = { state: 'open' } | { state: 'closed' | 'filtered' } | { state: 'unreachable'; message: string };

async function discover(ep: Endpoint, connect: (ep: Endpoint) => Promise<Socket>): Promise<Discovery> {
  try {
    const s = await connect(ep);
    s.destroy();
    return { state: 'open' };
  } catch (e) {
    if (e instanceof ProbeTimeout) return { state: 'filtered' };
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET') return { state: 'closed' };
    return { state: 'unreachable', message: `${code ?? 'error'}: ${(e as Error).message}` };
  }
}

/** A fingerprinter that never settles must not stall the run. */
function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** Try fingerprinters in order; the first that recognises the endpoint wins. Never throws. */
export async function fingerprint(ep: Endpoint, candidates: readonly Fingerprinter[], opts: ProbeOptions): Promise<Observation> {
  const notes: string[] = [];
  let timeouts = 0;
  let errors = 0;
  for (const f of candidates) {
    try {
      const obs = await withDeadline(f.probe(ep, opts), opts.timeoutMs * 4 + 1000, `fingerprinter ${f.id}`);
      if (obs) return { ...obs, outcome: obs.outcome ?? 'identified', ...(notes.length > 0 ? { notes: [...notes, ...(obs.notes ?? [])] } : {}) };
      notes.push(`${f.id}: not recognised`);
    } catch (e) {
      if (e instanceof ProbeTimeout) timeouts++;
      else if (!(e instanceof NotThisProtocol)) errors++;
      notes.push(`${f.id}: ${(e as Error).message}`);
    }
  }
  if (candidates.length === 0) notes.push('no fingerprinter for this port');
  const outcome = candidates.length > 0 && timeouts === candidates.length ? 'timeout' : errors > 0 && errors + timeouts === candidates.length ? 'error' : 'unrecognised';
  return { endpoint: ep, outcome, notes, auth: 'unknown', facts: { open: true }, findings: [] };
}

/**
 * Probe targets (hosts, host:port, [v6]:port, CIDR ranges) for management services: TCP connect
 * discovery, then fingerprinting of each open port. Rate-limited (config.probe.rate new connections
 * per second), at most config.probe.concurrency endpoints at once, every read bounded by
 * config.probe.timeout. Throws ScopeError when the scope is above config.probe.maxAddresses or an
 * exclusion cannot be read; unreadable targets and unreachable hosts come back as problems.
 */
export async function runProbe(targets: string[], opts: RunProbeOptions): Promise<RunProbeResult> {
  const { probe } = opts.config;
  const scope = buildScope(targets, { ports: opts.ports ?? catalogPorts(opts.config), exclude: opts.exclude, maxAddresses: probe.maxAddresses });
  const screened = await screenNames(scope.endpoints, { exclude: opts.exclude ?? [], maxAddresses: probe.maxAddresses, lookup: opts.lookup, log: opts.log });
  scope.endpoints = screened.endpoints;
  const problems: ProbeProblem[] = [...scope.problems, ...screened.problems];
  const bucket = new TokenBucket(probe.rate, Math.min(probe.rate, probe.concurrency));
  const connect = async (ep: Endpoint): Promise<Socket> => {
    await bucket.take();
    return tcpOpen(ep, probe.timeout);
  };
  const fingerprinters = opts.fingerprinters ?? FINGERPRINTERS;
  const byPort = servicesByPort(opts.config.managementPorts);
  const probeOpts: ProbeOptions = {
    timeoutMs: probe.timeout,
    connect,
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.tryDefaultCredentials ? { tryDefaultCredentials: true } : {}),
    ...(probe.routeWalk ? {} : { routeWalk: false }),
  };

  const results: (Observation | undefined)[] = new Array(scope.endpoints.length);
  const unreachable = new Map<string, string>();
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < scope.endpoints.length) {
      const i = next++;
      const ep = scope.endpoints[i] as Endpoint;
      try {
        if (!unreachable.has(ep.host)) {
          const d = await discover(ep, connect);
          if (d.state === 'open') results[i] = await fingerprint(ep, selectFingerprinters(ep.port, fingerprinters, byPort), probeOpts);
          else if (d.state === 'unreachable') unreachable.set(ep.host, d.message);
        }
      } catch (e) {
        // fingerprint() never throws; this guards against a bug turning into an unhandled rejection.
        problems.push({ target: `${ep.host}:${ep.port}`, message: `internal error: ${(e as Error).message}` });
      }
      done++;
      opts.onProgress?.(done, scope.endpoints.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(probe.concurrency, Math.max(1, scope.endpoints.length)) }, () => worker()));
  for (const [host, message] of unreachable) problems.push({ target: host, message });
  const observations = results.filter((o): o is Observation => o !== undefined);
  const findings = observations.flatMap((o) => o.findings).sort(compareFindings);
  return { observations, findings, problems };
}
