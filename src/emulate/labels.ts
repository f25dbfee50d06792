/** labels.json: the ground truth of one emulation, read back by `evaluate`. */
import type { Severity } from '../model/severity.js';
import type { SubTechnique, DataSource } from '../model/technique.js';
import type { LogKind } from './output.js';

/** Which emulation wrote the folder: `basic` (a week, every format) or `realistic` (a month, real noise). */
export type Profile = 'basic' | 'realistic';

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
  /** Detectors (data source ids) that must raise an alert for this procedure. */
  expected: DataSource[];
  /** The severity at least one of its alerts must reach to count as found (realistic profile). */
  minSeverity?: Severity;
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

export type BenignKind = 'new-hire' | 'key-rotation' | 'certificate-renewal' | 'new-home-isp' | 'travelling-admin';

/** Something new that is not an attack: alerts on it may be raised, but no higher than `maxSeverity`. */
export interface BenignLabel {
  id: string;
  kind: BenignKind;
  description: string;
  maxSeverity: Severity;
  source: string;
  sourceRange: string;
  asn?: number;
  asnOwner?: string;
  identity: string;
  credential?: string;
  window: { start: string; end: string };
  records: PlantedRecord[];
}

/** One management or public endpoint of the emulated environment (ground truth for a surface model). */
export interface SurfaceLabel {
  host: string;
  address: string;
  port: number;
  role: 'management' | 'public';
  service: string;
  /** Virtual host and path prefix, for routes of a gateway. */
  vhost?: string;
  path?: string;
}

export interface LogFileLabel {
  path: string;
  kind: LogKind;
  records: number;
}

export interface Labels {
  version: 1;
  /** Absent in folders written before profiles existed: basic. */
  profile?: Profile;
  /** Volume factor of the realistic profile (1 = realistic size). */
  scale?: number;
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
  /** Benign new events (realistic profile). */
  benign?: BenignLabel[];
  surface?: SurfaceLabel[];
}
