/** labels.json: the ground truth of one emulation, read back by `evaluate`. */
import type { SubTechnique, DataSource } from '../model/technique.js';
import type { LogKind } from './output.js';

/** The detectors of TECHNIQUE.md's detection table, by data source id. */
export const DETECTORS: Record<DataSource, string> = {
  DS0029: 'new-source-range',
  DS0002: 'unseen-credential',
  DS0015: 'rare-container-creation',
};

export interface PlantedRecord {
  file: string;
  /** 1-based line number in `file`. */
  line: number;
  time: string;
}

export interface ProcedureLabel {
  id: string;
  subTechnique: SubTechnique;
  description: string;
  /** Detectors that must raise an alert for this procedure (data source ids). */
  expected: DataSource[];
  /** The same detectors by rule id (DETECTORS). */
  expectedRules: string[];
  /** Whether the alerts of this procedure should be linked into one incident. */
  incident: boolean;
  source: string;
  /** The source range as the detectors key it (IPv4 /24, IPv6 /48). */
  sourceRange: string;
  asn: number;
  asnOwner: string;
  /** Account or service account used, when there is one (unauthenticated access has none). */
  identity?: string;
  credential?: string;
  window: { start: string; end: string };
  records: PlantedRecord[];
}

export interface LogFileLabel {
  path: string;
  kind: LogKind;
  records: number;
}

export interface Labels {
  version: 1;
  seed: number;
  days: number;
  start: string;
  end: string;
  /** As written to drawbridge.yaml (detect.learningPeriod), and in milliseconds. */
  learningPeriod: string;
  learningPeriodMs: number;
  learningEnd: string;
  files: LogFileLabel[];
  procedures: ProcedureLabel[];
}
