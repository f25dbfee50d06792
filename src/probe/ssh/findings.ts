import { findingText } from '../../catalog/texts.js';
import type { AdvisoryMatch } from '../../intel/advisories.js';
import { makeFinding, type Finding } from '../../model/finding.js';
import type { Endpoint } from '../types.js';
import type { AuthProbe } from './auth-methods.js';
import type { TerrapinPosture, WeakOffer } from './posture.js';
import { asVendorBuildMatch } from './vendor-build.js';

/** Everything the SSH fingerprinter learnt, as plain data; findings are a pure function of it. */
export interface SshAssessment {
  endpoint: Endpoint;
  identification: string;
  auth: AuthProbe;
  weak: WeakOffer[];
  terrapin?: TerrapinPosture;
  advisories: AdvisoryMatch[];
  /** Why the build is a vendor one with backported fixes although its banner hides it (see vendor-build.ts). */
  vendorBuild?: string;
}

const PASSWORD_METHODS = ['password', 'keyboard-interactive'];

export function sshFindings(a: SshAssessment): Finding[] {
  const { host, port } = a.endpoint;
  const base = { asset: host, location: { host, port } };
  const out: Finding[] = [];
  if (a.auth.noneAccepted) {
    out.push(
      makeFinding({
        ...base,
        ...findingText('probe.ssh.none-auth'),
        evidence: { identification: a.identification, method: 'none', result: 'USERAUTH_SUCCESS' },
        confidence: 'confirmed',
      }),
    );
  }
  const guessable = (a.auth.methods ?? []).filter((m) => PASSWORD_METHODS.includes(m));
  if (guessable.length > 0) {
    out.push(
      makeFinding({
        ...base,
        ...findingText('probe.ssh.password-auth', { vars: { methods: guessable.join(' and ') } }),
        evidence: { identification: a.identification, methodsOffered: a.auth.methods },
        confidence: 'confirmed',
      }),
    );
  }
  if (a.weak.length > 0) {
    // As the sshd_config audit judges it: what only the compiled-in default offers weighs less than a choice.
    const chosen = a.weak.some((w) => !w.compiledDefault);
    out.push(
      makeFinding({
        ...base,
        ...findingText('probe.ssh.weak-algorithms', {
          vars: { count: a.weak.length, algorithms: a.weak.length === 1 ? 'algorithm' : 'algorithms', names: a.weak.map((w) => w.name).join(', ') },
          ...(chosen ? {} : { severity: 'low' }),
        }),
        evidence: { identification: a.identification, weak: a.weak },
        confidence: 'confirmed',
      }),
    );
  }
  if (a.terrapin?.prone) {
    const t = a.terrapin;
    out.push(
      makeFinding({
        ...base,
        ...findingText('probe.ssh.terrapin'),
        evidence: { identification: a.identification, strictKex: false, chacha20: t.chacha20, cbcWithEtm: t.cbcWithEtm },
        confidence: 'confirmed',
      }),
    );
  }
  for (const found of a.advisories) {
    const m = a.vendorBuild !== undefined && found.basis === 'upstream-range' ? asVendorBuildMatch(found) : found;
    const vendorBuild = m !== found ? a.vendorBuild : undefined;
    out.push(
      makeFinding({
        ...base,
        ...findingText('probe.ssh.advisory', {
          vars: { id: m.id, summary: m.summary, remediation: m.remediation, vendorBuild: vendorBuild ?? '' },
          severity: m.severity,
          variant: vendorBuild !== undefined ? 'vendor-build' : m.confidence,
        }),
        key: m.id,
        evidence: {
          identification: a.identification,
          advisory: m.id,
          aliases: m.aliases,
          package: m.package,
          comparedVersion: m.comparedVersion,
          fixed: m.fixed,
          basis: m.basis,
          ...(vendorBuild !== undefined ? { vendorBuild, advisorySeverity: found.severity } : {}),
        },
        confidence: m.confidence,
      }),
    );
  }
  return out;
}
