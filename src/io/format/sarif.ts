import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../audit/id-root.js';
import type { Finding } from '../../model/finding.js';
import { isFileLocation } from '../../model/finding.js';
import type { Severity } from '../../model/severity.js';
import { SUB_TECHNIQUES, TECHNIQUE, TECHNIQUE_NAME, controlName } from '../../model/technique.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub code scanning ranks security results by this number (0.0–10.0). */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

interface SarifOptions {
  version: string;
  /** Paths in results are made relative to this folder (the repository root for code scanning). */
  baseDir: string;
}

const SRCROOT = 'SRCROOT';

/**
 * A result's file relative to the repository root when it lies in a git work tree (what code scanning
 * expects), else to the base folder, under the `SRCROOT` base id; the same file gives the same URI
 * whatever folder the audit ran from. Files outside both stay absolute.
 */
function artifactLocation(file: string, baseDir: string): { uri: string; uriBaseId?: string; root?: string } {
  const abs = resolve(baseDir, file);
  const root = repoRoot(dirname(abs)) ?? baseDir;
  const rel = relative(root, abs);
  if (rel.startsWith('..') || isAbsolute(rel)) return { uri: pathToFileURL(abs).href };
  return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT, root };
}

/** SARIF 2.1.0 log with one run: rule metadata for every rule used, results with regions. */
export function toSarif(items: readonly Finding[], opts: SarifOptions): string {
  const rules: Record<string, unknown>[] = [];
  const ruleIndex = new Map<string, number>();
  for (const f of items) {
    if (ruleIndex.has(f.rule)) continue;
    ruleIndex.set(f.rule, rules.length);
    rules.push({
      id: f.rule,
      name: f.rule.replace(/(^|-)([a-z0-9])/g, (_m, _d: string, c: string) => c.toUpperCase()),
      shortDescription: { text: f.title },
      fullDescription: { text: f.explanation ?? f.title },
      help: { text: f.remediation, markdown: '```\n' + f.remediation + '\n```' },
      defaultConfiguration: { level: LEVEL[f.severity] },
      properties: {
        tags: ['security', TECHNIQUE, f.subTechnique, f.control],
        'security-severity': SECURITY_SEVERITY[f.severity],
        technique: `${TECHNIQUE} ${TECHNIQUE_NAME}`,
        subTechnique: SUB_TECHNIQUES[f.subTechnique],
        control: `${f.control} ${controlName(f.control)}`,
      },
    });
  }
  let srcRoot: string | undefined;
  const results = items.map((f) => {
    const loc = f.location;
    const artifact = isFileLocation(loc) ? artifactLocation(loc.file, opts.baseDir) : undefined;
    if (artifact?.root) srcRoot ??= artifact.root;
    const physical = isFileLocation(loc)
      ? {
          artifactLocation: { uri: artifact!.uri, ...(artifact!.uriBaseId ? { uriBaseId: artifact!.uriBaseId } : {}) },
          ...(loc.line >= 1 ? { region: { startLine: loc.line, ...(loc.column ? { startColumn: loc.column } : {}) } } : {}),
        }
      : { artifactLocation: { uri: 'host' in loc ? `${loc.host}:${loc.port}` : loc.source } };
    return {
      ruleId: f.rule,
      ruleIndex: ruleIndex.get(f.rule),
      level: LEVEL[f.severity],
      message: { text: `${f.title} (${f.asset})` },
      locations: [{ physicalLocation: physical }],
      partialFingerprints: { 'drawbridge/v1': f.id },
      properties: { severity: f.severity, evidence: f.evidence, ...(f.confidence ? { confidence: f.confidence } : {}) },
    };
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Drawbridge',
            semanticVersion: opts.version,
            informationUri: 'https://github.com/drawbridge-sec/drawbridge',
            rules,
          },
        },
        ...(srcRoot ? { originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(srcRoot).href + '/' } } } : {}),
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
