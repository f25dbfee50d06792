/**
 * Stage 5, correlate: each raised alert is linked to its incident (detect/incidents.ts: same source range,
 * or the identity an earlier step became) and kept in the state store, which refuses an id it already
 * keeps (a replay after a crash). At the end of a run, the incidents its alerts belong to are summarised.
 */
import type { Alert } from '../../model/finding.js';
import type { DetectEnv } from '../detectors/types.js';
import { buildIncidents, linkIncident, type Incident } from '../incidents.js';
import type { StateStore } from '../state/types.js';

export class CorrelateStage {
  constructor(
    private readonly store: StateStore,
    private readonly env: DetectEnv,
  ) {}

  /** Link the alert to its incident (sets alert.incident) and keep it; false when it was kept before. */
  keep(alert: Alert): boolean {
    // Linked before it is kept: the incident id is part of the alert as stored and emitted.
    linkIncident(alert, this.store, this.env);
    return this.store.recordAlert(alert);
  }

  /** The incidents `alerts` belong to, each with every alert of it the store keeps (earlier runs too). */
  incidents(alerts: readonly Alert[]): Incident[] {
    const touched = new Set(alerts.map((a) => a.incident));
    return buildIncidents(touched.size === 0 ? [] : this.store.alerts().filter((a) => touched.has(a.incident)));
  }
}
