/** Severity scale shared by findings and alerts, lowest first. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

export function atLeast(s: Severity, threshold: Severity): boolean {
  return severityRank(s) >= severityRank(threshold);
}

/** Move a severity up (positive) or down (negative) by steps, clamped to the scale. */
export function bump(s: Severity, steps: number): Severity {
  const i = Math.max(0, Math.min(SEVERITIES.length - 1, severityRank(s) + steps));
  return SEVERITIES[i] as Severity;
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}
