import { makeFinding, type Finding } from '../../model/finding.js';
import { RangeSet } from '../../intel/ranges.js';
import type { AuditContext, AuditResult, Auditor } from '../types.js';
import { recognition, type Recogniser } from '../recognise.js';
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

/**
 * Keywords typical of sshd_config that other formats rarely use (ssh_config has no ListenAddress, and
 * its Host lines are no sshd keyword): enough for a short fragment whose every keyword is sshd's.
 */
const SSHD_TYPICAL = new Set(['listenaddress', 'ciphers', 'macs', 'kexalgorithms', 'hostkeyalgorithms', 'hostkey', 'pubkeyacceptedalgorithms', 'casignaturealgorithms']);
const SSHD_TYPICAL_ANYWHERE = new RegExp([...SSHD_TYPICAL].join('|'), 'iu');

const SNIFF_LINES = 400;

interface KeywordStats {
  directives: number;
  known: number;
  distinctive: number;
  typical: number;
}

function keywordStats(text: string): KeywordStats {
  const s = { directives: 0, known: 0, distinctive: 0, typical: 0 };
  for (const line of text.split('\n', SNIFF_LINES)) {
    const tok = tokenizeLine(line);
    if (tok.kind !== 'directive') continue;
    s.directives++;
    const k = tok.keyword.toLowerCase();
    if (lookupKeyword(tok.keyword).status !== 'unknown') s.known++;
    if (SSHD_ONLY.has(k)) s.distinctive++;
    if (SSHD_TYPICAL.has(k)) s.typical++;
  }
  return s;
}

export function looksLikeSshdConfig(text: string): boolean {
  // Cheap necessary condition first: most files the engine offers (YAML, JSON, HCL) fail it.
  if (!SSHD_ONLY_ANYWHERE.test(headLines(text, SNIFF_LINES))) return false;
  const s = keywordStats(text);
  return s.directives > 0 && s.distinctive > 0 && s.known / s.directives >= 0.8;
}

/** A fragment (a drop-in, a pasted snippet) with only sshd keywords, among them a typical one. */
export function looksLikeSshdFragment(text: string): boolean {
  if (!SSHD_TYPICAL_ANYWHERE.test(headLines(text, SNIFF_LINES))) return false;
  const s = keywordStats(text);
  return s.directives > 0 && s.typical > 0 && s.known === s.directives;
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

/** sshd_config and its drop-ins are recognised by name alone; other names by their keywords. */
export const SSHD_RECOGNISER: Recogniser = {
  names: [/(^|\/)sshd_config(\.(?!md$)[^/]*)?$/, /(^|\/)sshd_config\.d\/[^/]+\.conf$/],
  nameAlone: 1,
  signals: [
    { what: 'sshd keywords, some that only sshd has', confidence: 0.7, test: looksLikeSshdConfig },
    { what: 'only sshd keywords, among them ListenAddress or algorithm lists', confidence: 0.5, test: looksLikeSshdFragment },
  ],
};

export const sshdAuditor: Auditor = {
  id: 'sshd',
  description: 'OpenSSH server configuration (sshd_config and sshd_config.d/*.conf)',
  recognise: (text, name) => recognition(SSHD_RECOGNISER, text, name),
  audit(file: string, text: string, ctx: AuditContext): AuditResult {
    const config = parseSshdConfig(text, file, { readFile: (p) => ctx.readFile(p), glob: (p) => ctx.glob(p), refusal: (p) => ctx.refusal?.(p) });
    return { findings: sshdFindings(config, ctx), problems: config.problems, consumed: config.files.slice(1) };
  },
};
