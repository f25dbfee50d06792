/** `drawbridge evaluate`: detection over an emulated folder, scored against its labels. */
export { alertMatches, DEFAULT_TOLERANCE_MS, type Matchable } from './match.js';
export { renderEvaluation } from './render.js';
export { engineRunner, evaluate, evaluateScenario, readLabels, type DetectOutcome, type DetectRunner, type EvaluateOptions } from './run.js';
export { detectorTable, scoreAlerts, type BenignResult, type DayReport, type DetectorScore, type EvaluationReport, type IncidentScore, type ProcedureResult } from './score.js';
