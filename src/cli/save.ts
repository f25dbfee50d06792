/** `--save` of probe and audit: the run's management endpoints into the state detect and `surface` read. */
import { resolve } from 'node:path';
import type { DrawbridgeConfig } from '../config/schema.js';
import { stateDirOf, withStateStore } from '../detect/state/index.js';
import type { Finding } from '../model/finding.js';
import type { Observation } from '../probe/types.js';
import { isIp } from '../intel/ranges.js';
import { inventoryOf } from '../surface/inventory.js';
import type { SurfaceEndpoint } from '../surface/model.js';
import { saveEndpoints, type SavingLens } from '../surface/saved.js';
import { holdStateDir } from './detect.js';
import { warn } from './warn.js';

/** Identified services that raised no finding are management endpoints all the same. */
function identifiedEndpoints(observations: readonly Observation[], label: string): SurfaceEndpoint[] {
  return observations
    .filter((o) => o.outcome === 'identified' && o.service !== undefined)
    .map((o) => ({
      ...(isIp(o.endpoint.host) ? { address: o.endpoint.host } : { host: o.endpoint.host }),
      port: o.endpoint.port,
      role: 'management' as const,
      service: o.service!,
      provenance: 'probe' as const,
      why: `${label}: ${o.product ?? o.service} answered${o.auth !== 'unknown' ? ` (${o.auth})` : ''}`,
    }));
}

/** The endpoints a run names: its findings' first, then identified services the findings did not name. */
export function runEndpoints(lens: SavingLens, label: string, findings: readonly Finding[], observations: readonly Observation[] = []): SurfaceEndpoint[] {
  const out: SurfaceEndpoint[] = inventoryOf(findings, label).endpoints.map((e) => ({ ...e, provenance: lens }));
  for (const e of identifiedEndpoints(observations, label)) {
    if (!out.some((x) => x.address === e.address && x.host === e.host && x.port === e.port)) out.push(e);
  }
  return out;
}

/**
 * Save a run to the state folder, replacing what the same lens saved for the same targets. Audit targets
 * are paths, compared as absolute paths. Holds the state folder like detect does.
 */
export function saveRun(config: DrawbridgeConfig, lens: SavingLens, targets: readonly string[], findings: readonly Finding[], observations: readonly Observation[] = []): void {
  const keyTargets = lens === 'audit' ? targets.map((t) => (t === '-' ? t : resolve(t))) : targets;
  const label = `${lens} ${targets.join(' ')} (saved ${new Date().toISOString().slice(0, 10)})`;
  const endpoints = runEndpoints(lens, label, findings, observations);
  const lock = holdStateDir(stateDirOf(config));
  try {
    const r = withStateStore(config, true, (store) => store.transaction(() => saveEndpoints(store, lens, keyTargets, endpoints, Date.now())));
    warn(`saved ${r.saved} management endpoint${r.saved === 1 ? '' : 's'} to the surface in ${stateDirOf(config)}${r.replaced > 0 ? ` (replacing ${r.replaced} from the last ${lens} of the same targets)` : ''}`);
  } finally {
    lock.release();
  }
}
