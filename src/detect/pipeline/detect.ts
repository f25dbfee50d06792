/**
 * Stage 4, detect: each event, in event-time order, goes through every detector over the state store.
 * Detectors are pure transitions (event, state, context) → alerts; this stage supplies the context: the
 * run's environment (organisation ranges, ASNs, management ports) and whether baselines are still learning
 * (event time within detect.learningPeriod of the first event the store ever saw, or a learn-only run).
 */
import type { DrawbridgeEvent } from '../../model/event.js';
import type { Alert } from '../../model/finding.js';
import type { DetectEnv, Detector } from '../detectors/types.js';
import type { StateView } from '../state/types.js';
import type { ObservationInput } from '../observations.js';
import { pushAll } from '../../util/arrays.js';

const FIRST_EVENT_NS = 'engine.first-event';

export interface DetectStageOptions {
  detectors: readonly Detector[];
  env: DetectEnv;
  state: StateView;
  /** Learn only: every event updates the baselines as in the learning period; nothing alerts. */
  learnOnly?: boolean;
  /** Where detectors put what is noise rather than an alert (the observations digest). */
  observe?: (o: ObservationInput) => void;
}

export class DetectStage {
  private firstEvent: number | undefined;

  constructor(private readonly opts: DetectStageOptions) {}

  /** The alerts `event` raises (none while learning), detector by detector. */
  run(event: DrawbridgeEvent, raw: string): Alert[] {
    const { detectors, env, state, learnOnly, observe } = this.opts;
    if (this.firstEvent === undefined) {
      state.seen(FIRST_EVENT_NS, 'time', event.time);
      this.firstEvent = state.peek(FIRST_EVENT_NS, 'time')?.first ?? event.time;
    }
    const ctx = { env, learning: learnOnly === true || event.time < this.firstEvent + env.config.detect.learningPeriod, raw, ...(learnOnly || !observe ? {} : { observe }) };
    const out: Alert[] = [];
    for (const d of detectors) {
      const raised = d.handle(event, state, ctx);
      if (!learnOnly) pushAll(out, raised);
    }
    return out;
  }
}
