/**
 * Shapes the API returns, as the server's own types (type-only imports: nothing of src/ is bundled), so
 * that the dashboard and the routes cannot drift apart. Where a route reshapes a value for JSON (times
 * as ISO strings, a lens added), the type says so here.
 */
import type { BaselineRow as StoredBaselineRow } from '../../src/detect/baseline.js';
import type { Finding as ModelFinding } from '../../src/model/finding.js';

export type { Severity } from '../../src/model/severity.js';
export type { Alert } from '../../src/model/finding.js';
export type { Incident, IncidentStep } from '../../src/detect/incidents.js';
export type { LensCell, Overview as Surface } from '../../src/server/overview.js';
export type { Observation } from '../../src/detect/observations.js';

/** GET /v1/findings: a stored finding with the lens that produced it and when it was stored. */
export type Finding = ModelFinding & { lens: 'audit' | 'probe'; received: string };

/** GET /v1/baselines: times as ISO strings. */
export type BaselineRow = Omit<StoredBaselineRow, 'first' | 'last'> & { first: string; last?: string };
