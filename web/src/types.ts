/** Shapes the API returns (the subset the dashboard shows). */
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

export interface Alert {
  id: string;
  rule: string;
  subTechnique: string;
  control: string;
  severity: Severity;
  title: string;
  asset: string;
  time: string;
  incident?: string;
  remediation: string;
  evidence: Record<string, unknown>;
}

export interface Finding {
  id: string;
  rule: string;
  subTechnique: string;
  control: string;
  severity: Severity;
  title: string;
  asset: string;
  lens: 'audit' | 'probe';
  location: { file?: string; line?: number; host?: string; port?: number };
  remediation: string;
}

export interface IncidentStep {
  alert: string;
  time: string;
  rule: string;
  severity: Severity;
  stage: string;
  title: string;
}

export interface Incident {
  id: string;
  severity: Severity;
  fullChain: boolean;
  stages: string[];
  title: string;
  start: string;
  end: string;
  sources: string[];
  users: string[];
  timeline: IncidentStep[];
}

export interface LensCell {
  count: number;
  worst?: Severity;
}

export interface Surface {
  matrix: { subTechnique: string; name: string; audit: LensCell; probe: LensCell; detect: LensCell }[];
  assets: { asset: string; audit: LensCell; probe: LensCell; detect: LensCell; subTechniques: string[] }[];
}

export interface BaselineRow {
  detector: string;
  key: string;
  first: string;
  last?: string;
  approved: boolean;
}
