/**
 * Replays one rule case: catalog/audit/<kind>/<rule>/cases/<name>/ with one input.* file, an
 * expected.json and optionally a config.yaml (drawbridge.yaml for the case) and fixture files the
 * audit may read. The input goes to the auditor the engine would pick.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { parse } from 'yaml';
import { ConfigSchema } from '../../../src/config/schema.js';
import { pickAuditor } from '../../../src/audit/engine.js';
import { AUDITORS } from '../../../src/audit/registry.js';
import { createKubernetesAuditor } from '../../../src/audit/kubernetes/auditor.js';
import type { AdvisoryLookup } from '../../../src/intel/advisory-lookup.js';
import { wildcardMatch } from '../../../src/audit/sshd/match.js';
import { globFiles } from '../../../src/audit/walk.js';
import type { AuditContext, AuditResult, Auditor } from '../../../src/audit/types.js';

export interface ExpectedFinding {
  line: number;
  severity?: string;
  asset?: string;
  confidence?: string;
  subTechnique?: string;
  /** The file the finding points at, when not the audited file (an sshd Include target). */
  file?: string;
}

export interface CaseExpectation {
  /** The path the input is audited as (it decides recognition and default locations); default: the input's own path. */
  file?: string;
  /** Other files the audit may read: absolute path as the config names it → fixture file in the case folder. */
  files?: Record<string, string>;
  /** Advisories the case brings along, matched by semver range (the shipped catalogue stays out of fixtures). */
  advisories?: Array<{ product: string; introduced: string; fixed: string; id: string; severity: 'critical' | 'high' | 'medium' }>;
  /** The case's input may give findings of no other rule. */
  onlyThisRule?: boolean;
  /** The findings of the case's rule; an empty list is a negative case. */
  findings: ExpectedFinding[];
}

export interface CaseRun {
  file: string;
  auditor?: string;
  result?: AuditResult;
}

export function readExpectation(caseDir: string): CaseExpectation {
  return JSON.parse(readFileSync(join(caseDir, 'expected.json'), 'utf8')) as CaseExpectation;
}

function lookupFrom(ex: CaseExpectation): AdvisoryLookup {
  return (product, version) =>
    (ex.advisories ?? [])
      .filter((a) => a.product === product && semver.gte(version, a.introduced) && semver.lt(version, a.fixed))
      .map((a) => ({ id: a.id, aliases: [], summary: a.id, severity: a.severity, confidence: 'possible' as const, fixed: [a.fixed] }));
}

/** Reads reach the case's fixtures only: never the machine running the tests. */
function caseContext(caseDir: string, ex: CaseExpectation): AuditContext {
  const configPath = join(caseDir, 'config.yaml');
  const config = ConfigSchema.parse(existsSync(configPath) ? parse(readFileSync(configPath, 'utf8')) : {});
  const mapped = ex.files ?? {};
  const inCase = (p: string): boolean => p.startsWith(`${caseDir}/`);
  return {
    config,
    readFile: (p) => {
      const fixture = mapped[p];
      if (fixture !== undefined) return readFileSync(join(caseDir, fixture), 'utf8');
      return inCase(p) && existsSync(p) ? readFileSync(p, 'utf8') : undefined;
    },
    glob: (pattern) => [...Object.keys(mapped).filter((p) => wildcardMatch(p, pattern)), ...(inCase(pattern) ? globFiles(pattern) : [])].sort(),
  };
}

export function runCase(caseDir: string): CaseRun {
  const ex = readExpectation(caseDir);
  const inputs = readdirSync(caseDir).filter((n) => n === 'input' || n.startsWith('input.'));
  if (inputs.length !== 1) throw new Error(`${caseDir}: expected exactly one input file, found ${inputs.length}`);
  const path = join(caseDir, inputs[0] as string);
  const file = ex.file ?? path;
  const text = readFileSync(path, 'utf8');
  const auditors: Auditor[] = AUDITORS.map((a) => (a.id === 'kubernetes' && ex.advisories ? createKubernetesAuditor({ advisories: lookupFrom(ex) }) : a));
  const auditor = pickAuditor(auditors, file, text);
  if (!auditor) return { file };
  return { file, auditor: auditor.id, result: auditor.audit(file, text, caseContext(caseDir, ex)) };
}
