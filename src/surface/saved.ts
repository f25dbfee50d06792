/**
 * Probe and audit results saved to the state (`drawbridge probe|audit … --save`): the management endpoints
 * a run found, kept in the state detect uses, so that detect and `drawbridge surface` know them without
 * --inventory. A run replaces what the same lens saved earlier for the same targets; other targets stay.
 */
import type { BaselineAccess } from '../detect/state/types.js';
import type { SurfaceEndpoint } from './model.js';

export const SAVED_NS = 'surface.saved';
const SEP = '\u0000';

export type SavingLens = 'probe' | 'audit';

/** The targets a run was given, order-insensitive: runs over the same targets replace each other. */
export function targetsKey(targets: readonly string[]): string {
  return [...new Set(targets)].sort().join(' ');
}

interface Stored {
  lens: SavingLens;
  targets: string;
  endpoint: Omit<SurfaceEndpoint, 'provenance'>;
}

function keyOf(s: Stored): string {
  return [s.lens, s.targets, JSON.stringify(s.endpoint)].join(SEP);
}

function parse(key: string): Stored | undefined {
  const [lens, targets, json] = key.split(SEP);
  if ((lens !== 'probe' && lens !== 'audit') || targets === undefined || json === undefined) return undefined;
  try {
    return { lens, targets, endpoint: JSON.parse(json) as Stored['endpoint'] };
  } catch {
    return undefined;
  }
}

/**
 * Replace what `lens` saved for these targets with `endpoints` (time: when the run was made, epoch ms).
 * Returns how many earlier entries were dropped. Call inside the store's transaction.
 */
export function saveEndpoints(store: BaselineAccess, lens: SavingLens, targets: readonly string[], endpoints: readonly SurfaceEndpoint[], time: number): { saved: number; replaced: number } {
  const key = targetsKey(targets);
  let replaced = 0;
  for (const e of store.entries(SAVED_NS)) {
    const s = parse(e.key);
    if (s?.lens === lens && s.targets === key && store.forget(SAVED_NS, e.key)) replaced++;
  }
  const keys = new Set(endpoints.map(({ provenance: _, ...endpoint }) => keyOf({ lens, targets: key, endpoint })));
  for (const k of keys) store.putEntry({ ns: SAVED_NS, key: k, first: time, last: time });
  return { saved: keys.size, replaced };
}

/** Every saved endpoint, its provenance the lens that found it. */
export function savedEndpoints(store: BaselineAccess): SurfaceEndpoint[] {
  const out: SurfaceEndpoint[] = [];
  for (const e of store.entries(SAVED_NS)) {
    const s = parse(e.key);
    if (s) out.push({ ...s.endpoint, provenance: s.lens, lastSeen: e.last });
  }
  return out;
}
