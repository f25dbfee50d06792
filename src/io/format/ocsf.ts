import type { Finding } from '../../model/finding.js';
import type { Severity } from '../../model/severity.js';
import { SUB_TECHNIQUES, TECHNIQUE, TECHNIQUE_NAME, controlName } from '../../model/technique.js';

/** OCSF severity_id: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical. */
const SEVERITY_ID: Record<Severity, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
const OCSF_VERSION = '1.3.0';
const DETECTION_FINDING = 2004;
const ACTIVITY_CREATE = 1;

/** One OCSF Detection Finding (class 2004, category Findings) per finding or alert. */
export function toOcsfRecord(f: Finding, productVersion: string, now: number): Record<string, unknown> {
  const time = 'time' in f && typeof f.time === 'string' ? Date.parse(f.time) : now;
  return {
    class_uid: DETECTION_FINDING,
    class_name: 'Detection Finding',
    category_uid: 2,
    category_name: 'Findings',
    activity_id: ACTIVITY_CREATE,
    activity_name: 'Create',
    type_uid: DETECTION_FINDING * 100 + ACTIVITY_CREATE,
    severity_id: SEVERITY_ID[f.severity],
    severity: f.severity === 'info' ? 'Informational' : f.severity[0]!.toUpperCase() + f.severity.slice(1),
    status_id: 1,
    status: 'New',
    time,
    message: f.title,
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'Drawbridge', vendor_name: 'Drawbridge', version: productVersion },
      uid: f.id,
      ...((f as { incident?: string }).incident ? { correlation_uid: (f as { incident?: string }).incident } : {}),
    },
    finding_info: {
      uid: f.id,
      title: f.title,
      desc: f.explanation ?? f.title,
      types: [f.subTechnique, f.control],
      analytic: { uid: f.rule, name: f.rule, type_id: 1, type: 'Rule' },
      attacks: [
        {
          tactic: { name: 'Gain Access' },
          technique: { uid: TECHNIQUE, name: TECHNIQUE_NAME },
          sub_technique: { uid: f.subTechnique, name: SUB_TECHNIQUES[f.subTechnique] },
        },
      ],
    },
    resources: [{ name: f.asset }],
    evidences: [{ data: { location: f.location, ...f.evidence } }],
    remediation: { desc: f.remediation },
    unmapped: { control: f.control, control_name: controlName(f.control), confidence: f.confidence },
  };
}

export function toOcsf(items: readonly Finding[], productVersion: string, now = Date.now()): string {
  return items.map((f) => JSON.stringify(toOcsfRecord(f, productVersion, now))).join('\n') + (items.length ? '\n' : '');
}
