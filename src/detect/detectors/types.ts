import type { DrawbridgeConfig } from '../../config/schema.js';
import type { ManagementService } from '../../catalog/services.js';
import type { DrawbridgeEvent } from '../../model/event.js';
import type { Alert } from '../../model/finding.js';
import type { DataSource } from '../../model/technique.js';
import type { AsnLookup } from '../../intel/asn.js';
import type { RangeSet } from '../../intel/ranges.js';
import type { StateView } from '../state/types.js';
import type { Surface } from '../../surface/surface.js';
import type { ObservationInput } from '../observations.js';

/** Everything a detector may consult besides its state: compiled once per run. */
export interface DetectEnv {
  config: DrawbridgeConfig;
  allowed: RangeSet;
  internal: RangeSet;
  orgAsns: ReadonlySet<number>;
  /** Management ports (catalogue + config.managementPorts) → services. */
  managementPorts: ReadonlyMap<number, readonly ManagementService[]>;
  asn?: AsnLookup;
  /** The management surface: what a flow or request reaches (configuration, inventory, learned, catalogue). */
  surface: Surface;
}

/** Per-event facts the engine knows and the event does not carry. */
export interface EventContext {
  env: DetectEnv;
  /** True while baselines are still learning: state is updated, nothing alerts. */
  learning: boolean;
  /** The source record as read (evidence). */
  raw: string;
  /** Noise that is not an alert (a first-seen source that did nothing), folded into the observations digest. */
  observe?: (o: ObservationInput) => void;
}

/** A pure transition (event, state, context) → alerts; all memory goes through `state`. */
export interface Detector {
  /** Rule id, as it appears in alerts. */
  id: string;
  control: DataSource;
  description: string;
  /** False for a detector that only learns (it raises nothing, so it has no alert text). */
  emits?: false;
  handle(event: DrawbridgeEvent, state: StateView, ctx: EventContext): Alert[];
}
