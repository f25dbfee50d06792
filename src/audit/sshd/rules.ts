import type { Severity } from '../../model/severity.js';
import { defineChecks, runChecks } from '../checks.js';
import { severityRank } from '../../model/severity.js';
import { RangeSet, parseIp } from '../../intel/ranges.js';
import { algorithmList, onlyAead, terrapinExposure, weakAlgorithms } from './algorithms.js';
import { ALGORITHM_KEYWORDS } from './data.js';
import { auditContexts, setting, value, type AuditContextView, type Setting } from './effective.js';
import { describeCondition } from './match.js';
import type { SshdConfig, SshdMatchBlock } from './parse.js';

/** One rule result before catalogue metadata (title, remediation, control) is attached; the registry adds the rule id. */
export interface SshdHit {
  severity: Severity;
  file: string;
  line: number;
  evidence: Record<string, unknown>;
  /** Distinguishes hits of one rule at one line. */
  key: string;
  /** Lines to write that are specific to this hit (added to the catalogue remediation). */
  fix?: string;
  confidence?: 'confirmed' | 'possible';
}

export interface RuleEnv {
  /** Addresses that are not exposure when sshd listens on them (internal and allow-listed ranges). */
  internal: RangeSet;
}

/** What every sshd check reads: the parsed file, its connection contexts (base + each Match block), the environment. */
export interface SshdInput {
  config: SshdConfig;
  views: AuditContextView[];
  env: RuleEnv;
}

type Rule = (input: SshdInput) => SshdHit[];

function where(s: Setting): { file: string; line: number; source: 'config' | 'default' } {
  return { file: s.file, line: s.line, source: s.source };
}

function matchEvidence(block: SshdMatchBlock | undefined): Record<string, unknown> {
  return block ? { match: { file: block.file, line: block.line, condition: describeCondition(block.condition) } } : {};
}

/** Keep one hit per location and key: the most severe. */
function dedupe(hits: SshdHit[]): SshdHit[] {
  const best = new Map<string, SshdHit>();
  for (const h of hits) {
    const k = `${h.file}|${h.line}|${h.key}`;
    const prev = best.get(k);
    if (!prev || severityRank(h.severity) > severityRank(prev.severity)) best.set(k, h);
  }
  return [...best.values()];
}

/** Methods that authenticate on their own under AuthenticationMethods (`any` allows every enabled one). */
function singleFactor(view: AuditContextView, method: 'password' | 'keyboard-interactive'): boolean {
  const am = setting(view.settings, 'AuthenticationMethods');
  if (!am || am.args.length === 0 || am.args[0]?.toLowerCase() === 'any') return true;
  const passwordLike = (m: string): boolean => m === 'password' || m.startsWith('keyboard-interactive');
  return am.args.some((chain) => {
    const steps = chain.toLowerCase().split(',');
    return steps.every(passwordLike) && steps.some((m) => m === method || m.startsWith(`${method}:`));
  });
}

interface PasswordPath {
  method: 'password' | 'keyboard-interactive';
  cause: Setting;
}

/** Password-type methods a connection in this context can log in with, and the setting that enables each. */
export function passwordPaths(view: AuditContextView): PasswordPath[] {
  const out: PasswordPath[] = [];
  const pa = setting(view.settings, 'PasswordAuthentication');
  if (pa && value(view.settings, 'PasswordAuthentication') === 'yes' && singleFactor(view, 'password')) out.push({ method: 'password', cause: pa });
  // Keyboard-interactive asks PAM on Linux; without UsePAM portable sshd has no device to ask (BSD auth is OpenBSD only).
  const kb = setting(view.settings, 'KbdInteractiveAuthentication');
  if (kb && value(view.settings, 'KbdInteractiveAuthentication') === 'yes' && value(view.settings, 'UsePAM') === 'yes' && singleFactor(view, 'keyboard-interactive')) {
    out.push({ method: 'keyboard-interactive', cause: kb });
  }
  return out;
}

const passwordAuth: Rule = ({ views }) => {
  const hits: SshdHit[] = [];
  for (const view of views) {
    for (const p of passwordPaths(view)) {
      let at: Setting = p.cause;
      if (view.block) {
        // In a Match context report only what the block itself changes; the base context covers the rest.
        const am = setting(view.settings, 'AuthenticationMethods');
        if (p.cause.block?.index === view.block.index) at = p.cause;
        else if (am?.block?.index === view.block.index) at = am;
        else continue;
      }
      hits.push({
        severity: 'high',
        ...where(at),
        key: p.method,
        evidence: {
          method: p.method,
          keyword: p.cause.keyword,
          written: p.cause.directives[0]?.written ?? p.cause.keyword,
          value: 'yes',
          source: p.cause.source,
          ...(p.cause.source === 'default' ? { default: true } : {}),
          usePam: value(view.settings, 'UsePAM'),
          ...matchEvidence(view.block),
        },
      });
    }
  }
  return dedupe(hits);
};

const rootLogin: Rule = ({ views }) => {
  const hits: SshdHit[] = [];
  for (const view of views) {
    const s = setting(view.settings, 'PermitRootLogin');
    const v = value(view.settings, 'PermitRootLogin');
    if (!s || !v) continue;
    if (view.block && s.block?.index !== view.block.index) continue;
    let severity: Severity | undefined;
    if (v === 'yes') severity = 'high';
    else if (v === 'prohibit-password' || v === 'without-password') severity = 'low';
    if (!severity) continue;
    hits.push({ severity, ...where(s), key: v, evidence: { keyword: 'PermitRootLogin', value: v, source: s.source, ...matchEvidence(view.block) } });
  }
  return dedupe(hits);
};

const emptyPasswords: Rule = ({ views }) => {
  const hits: SshdHit[] = [];
  for (const view of views) {
    const s = setting(view.settings, 'PermitEmptyPasswords');
    if (!s || value(view.settings, 'PermitEmptyPasswords') !== 'yes') continue;
    const paths = passwordPaths(view);
    hits.push({
      // Latent while no password method is reachable: it turns critical the day one is enabled.
      severity: paths.length > 0 ? 'critical' : 'medium',
      ...where(s),
      key: '',
      evidence: { keyword: 'PermitEmptyPasswords', value: 'yes', passwordMethods: paths.map((p) => p.method), ...matchEvidence(view.block) },
    });
  }
  return dedupe(hits);
};

/** The address part of a ListenAddress value: `host`, `host:port`, `[v6]:port` or a bare IPv6 address. */
export function listenHost(arg: string): string {
  if (arg.startsWith('[')) return arg.slice(1, arg.indexOf(']') > 0 ? arg.indexOf(']') : undefined);
  const colons = arg.split(':').length - 1;
  return colons === 1 ? (arg.split(':')[0] as string) : arg;
}

const listenAll: Rule = ({ config, views, env }) => {
  const base = views[0];
  const s = base ? setting(base.settings, 'ListenAddress') : undefined;
  if (!base) return [];
  if (!s) {
    const family = value(base.settings, 'AddressFamily') ?? 'any';
    return [
      {
        severity: 'low',
        file: config.file,
        line: 0,
        key: 'default',
        evidence: { keyword: 'ListenAddress', source: 'default', default: true, addressFamily: family, listens: family === 'inet' ? ['0.0.0.0'] : family === 'inet6' ? ['::'] : ['0.0.0.0', '::'] },
      },
    ];
  }
  const hits: SshdHit[] = [];
  for (const d of s.directives) {
    const raw = d.args[0] ?? '';
    const host = listenHost(raw);
    const ip = parseIp(host);
    if (!ip) continue; // a host name: what it resolves to is not in the file
    const unspecified = ip.range() === 'unspecified';
    if (!unspecified && env.internal.contains(ip)) continue;
    hits.push({
      severity: unspecified ? 'low' : 'medium',
      file: d.file,
      line: d.line,
      key: raw,
      evidence: { keyword: 'ListenAddress', value: raw, source: 'config', scope: unspecified ? 'all-addresses' : 'non-internal-address' },
    });
  }
  return hits;
};

const noUserCa: Rule = ({ views }) => {
  const base = views[0];
  if (!base) return [];
  const s = setting(base.settings, 'TrustedUserCAKeys');
  if (!s || value(base.settings, 'TrustedUserCAKeys') !== 'none') return [];
  return [{ severity: 'info', ...where(s), key: '', evidence: { keyword: 'TrustedUserCAKeys', value: 'none', source: s.source, ...(s.source === 'default' ? { default: true } : {}) } }];
};

const weakAlgos: Rule = ({ config, views }) => {
  const hits: SshdHit[] = [];
  for (const view of views) {
    const ciphers = algorithmList('Ciphers', setting(view.settings, 'Ciphers'));
    for (const keyword of ALGORITHM_KEYWORDS) {
      if (keyword === 'MACs' && onlyAead(ciphers)) continue;
      if (keyword === 'HostbasedAcceptedAlgorithms' && value(view.settings, 'HostbasedAuthentication') !== 'yes') continue;
      if (keyword === 'PubkeyAcceptedAlgorithms' && value(view.settings, 'PubkeyAuthentication') === 'no') continue;
      const s = setting(view.settings, keyword);
      if (view.block && s?.block?.index !== view.block.index) continue;
      const list = algorithmList(keyword, s);
      const weak = weakAlgorithms(list);
      if (weak.length === 0) continue;
      const strong = list.offered.filter((a) => !weak.some((w) => w.name === a));
      hits.push({
        // Explicitly enabling a weak algorithm is a choice; the compiled-in default only offers it last, for old peers.
        severity: weak.some((w) => w.written) ? 'medium' : 'low',
        file: s?.file ?? config.file,
        line: s?.line ?? 0,
        key: keyword,
        evidence: { keyword, mode: list.mode, source: s?.source ?? 'default', weak: weak.map((w) => ({ name: w.name, reason: w.reason, written: w.written })), ...matchEvidence(view.block) },
        ...(strong.length > 0 ? { fix: `${keyword} ${strong.join(',')}` } : { fix: `${keyword} -${weak.map((w) => w.name).join(',')}` }),
      });
    }
  }
  return dedupe(hits);
};

const terrapin: Rule = ({ config, views }) => {
  const base = views[0];
  if (!base) return [];
  const cs = setting(base.settings, 'Ciphers');
  const ciphers = algorithmList('Ciphers', cs);
  const macs = algorithmList('MACs', setting(base.settings, 'MACs'));
  const exposed = terrapinExposure(ciphers, macs);
  if (exposed.length === 0) return [];
  const safe = ciphers.offered.filter((c) => !c.startsWith('chacha20-poly1305') && !c.endsWith('-cbc'));
  return [
    {
      severity: 'low',
      confidence: 'possible',
      file: cs?.file ?? config.file,
      line: cs?.line ?? 0,
      key: '',
      evidence: { keyword: 'Ciphers', source: cs?.source ?? 'default', prone: exposed },
      fix: `Ciphers ${(safe.length > 0 ? safe : ['aes256-gcm@openssh.com', 'aes128-gcm@openssh.com', 'aes256-ctr', 'aes192-ctr', 'aes128-ctr']).join(',')}`,
    },
  ];
};

/** sshd rules (catalog/audit/sshd/<id>/). */
export const SSHD_CHECKS = defineChecks<SshdInput, SshdHit>('sshd', {
  'sshd-password-auth': passwordAuth,
  'sshd-root-login': rootLogin,
  'sshd-empty-passwords': emptyPasswords,
  'sshd-listen-all': listenAll,
  'sshd-no-user-ca': noUserCa,
  'sshd-weak-algorithms': weakAlgos,
  'sshd-terrapin-prone': terrapin,
});

export type RuleHit = SshdHit & { rule: string };

export function evaluateRules(config: SshdConfig, env: RuleEnv): RuleHit[] {
  return runChecks(SSHD_CHECKS, { config, views: auditContexts(config), env });
}
