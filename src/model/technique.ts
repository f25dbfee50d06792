/** Ids from TECHNIQUE.md: every finding and alert carries them so a user can trace it back. */
export const TECHNIQUE = 'AT-GA003' as const;
export const TECHNIQUE_NAME = 'External Remote Services';

export const SUB_TECHNIQUES = {
  'exposed-gateway': 'Exposed Gateway',
  'exposed-kubernetes-api': 'Exposed Kubernetes API',
  'ssh-access': 'SSH Access',
  'unauthenticated-admin-interface': 'Unauthenticated Administration Interfaces',
} as const;
export type SubTechnique = keyof typeof SUB_TECHNIQUES;

export const MITIGATIONS = {
  M1037: 'Filter Network Traffic',
  M1026: 'Privileged Account Management',
  M1050: 'Exploit Protection',
} as const;
export const DATA_SOURCES = {
  DS0029: 'Network Traffic Flow',
  DS0002: 'User Account Authentication',
  DS0015: 'Application Log',
} as const;
export type Mitigation = keyof typeof MITIGATIONS;
export type DataSource = keyof typeof DATA_SOURCES;
export type Control = Mitigation | DataSource;

export function controlName(c: Control): string {
  return (MITIGATIONS as Record<string, string>)[c] ?? (DATA_SOURCES as Record<string, string>)[c] ?? c;
}

export function isSubTechnique(s: string): s is SubTechnique {
  return Object.hasOwn(SUB_TECHNIQUES, s);
}
