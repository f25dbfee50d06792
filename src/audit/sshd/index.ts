import { basename, dirname } from 'node:path';
import { makeFinding, type Finding } from '../../model/finding.js';
import { RangeSet } from '../../intel/ranges.js';
import type { AuditContext, AuditResult, Auditor } from '../types.js';
import { lookupKeyword } from './keywords.js';
import { parseSshdConfig, type SshdConfig } from './parse.js';
import { evaluateRules, type RuleHit } from './rules.js';
import { loadRules, type AuditRule } from '../rule-catalog.js';
import { tokenizeLine } from './tokenize.js';

export { parseSshdConfig, type SshdConfig, type SshdDirective, type SshdMatchBlock, type IncludeIO } from './parse.js';
export { effectiveSettings, auditContexts, type Setting } from './effective.js';
export type { ConnectionContext } from './match.js';

/** Findings for one parsed configuration (the pure core of the auditor). */
export function sshdFindings(config: SshdConfig, ctx: Pick<AuditContext, 'config'>): Finding[] {
  const internal = new RangeSet([...ctx.config.organisation.internalRanges, ...ctx.config.organisation.allowedRanges]);
  const rules = loadRules('sshd');
  return evaluateRules(config, { internal }).map((hit) => toFinding(hit, config, rules.get(hit.rule)));
}

function toFinding(hit: RuleHit, config: SshdConfig, meta: AuditRule | undefined): Finding {
  if (!meta) throw new Error(`sshd rule ${hit.rule} has no catalogue entry`);
  const remediation = hit.fix ? `${meta.remediation.trimEnd()}\nFor this file write:\n  ${hit.fix}` : meta.remediation.trimEnd();
  return makeFinding({
    rule: hit.rule,
    subTechnique: meta.subTechnique,
    control: meta.control,
    severity: hit.severity,
    title: meta.title,
    asset: `sshd:${config.file}`,
    location: { file: hit.file, line: hit.line },
    evidence: hit.evidence,
    explanation: meta.explanation.trim(),
    remediation,
    key: hit.key,
    ...(hit.confidence ? { confidence: hit.confidence } : {}),
  });
}

/** Content sniffing for files not named sshd_config: mostly sshd keywords, and some only sshd has. */
const SSHD_ONLY = new Set([
  'permitrootlogin',
  'passwordauthentication',
  'kbdinteractiveauthentication',
  'challengeresponseauthentication',
  'usepam',
  'subsystem',
  'authorizedkeysfile',
  'permitemptypasswords',
  'trustedusercakeys',
  'allowusers',
  'allowgroups',
  'x11forwarding',
]);

/**
 * Any sshd-only keyword anywhere in the text: without one there is nothing distinctive to find.
 * 'u' with 'i' so that case folding covers every character toLowerCase() maps into these words.
 */
const SSHD_ONLY_ANYWHERE = new RegExp([...SSHD_ONLY].join('|'), 'iu');

const SNIFF_LINES = 400;

export function looksLikeSshdConfig(text: string): boolean {
  // Cheap necessary condition first: most files the engine offers (YAML, JSON, HCL) fail it.
  if (!SSHD_ONLY_ANYWHERE.test(headLines(text, SNIFF_LINES))) return false;
  let directives = 0;
  let known = 0;
  let distinctive = 0;
  for (const line of text.split('\n', SNIFF_LINES)) {
    const tok = tokenizeLine(line);
    if (tok.kind !== 'directive') continue;
    directives++;
    if (lookupKeyword(tok.keyword).status !== 'unknown') known++;
    if (SSHD_ONLY.has(tok.keyword.toLowerCase())) distinctive++;
  }
  return directives > 0 && distinctive > 0 && known / directives >= 0.8;
}

/** The text of the first `n` lines (what `text.split('\n', n)` would cover), without splitting. */
function headLines(text: string, n: number): string {
  let end = -1;
  for (let i = 0; i < n; i++) {
    end = text.indexOf('\n', end + 1);
    if (end < 0) return text;
  }
  return text.slice(0, end);
}

export const sshdAuditor: Auditor = {
  id: 'sshd',
  description: 'OpenSSH server configuration (sshd_config and sshd_config.d/*.conf)',
  recognises(file: string, text: string): boolean {
    const name = basename(file);
    if (/^sshd_config(\..*)?$/.test(name) && !name.endsWith('.md')) return true;
    if (basename(dirname(file)) === 'sshd_config.d' && name.endsWith('.conf')) return true;
    return looksLikeSshdConfig(text);
  },
  audit(file: string, text: string, ctx: AuditContext): AuditResult {
    const config = parseSshdConfig(text, file, { readFile: (p) => ctx.readFile(p), glob: (p) => ctx.glob(p) });
    return { findings: sshdFindings(config, ctx), problems: config.problems, consumed: config.files.slice(1) };
  },
};
