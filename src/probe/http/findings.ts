import { findingText } from '../../catalog/texts.js';
import { remediationOf, type AdvisoryHit } from '../../intel/advisory-lookup.js';
import { makeFinding, type Finding } from '../../model/finding.js';
import type { Endpoint } from '../types.js';
import type { CredentialAttempt, SignatureVerdict } from './engine.js';

export interface FindingContext {
  endpoint: Endpoint;
  asset: string;
  /** Where the product lives: scheme://host:port, plus the gateway route it was found under. */
  url: string;
  /** Turns a request path of the signature into the full URL it was sent to. */
  urlOf?: (path: string) => string;
  /** Distinguishes findings of several routes on one endpoint (the route prefix). */
  key?: string;
  verdict: SignatureVerdict;
  advisories: readonly AdvisoryHit[];
  credentials: readonly CredentialAttempt[];
}

/** Verdict → findings: OPEN and exposed LOGIN (M1037), signature checks, advisories (M1050), default credentials (M1026). */
export function buildFindings(c: FindingContext): Finding[] {
  const { verdict: v, endpoint } = c;
  const sig = v.signature;
  const location = { host: endpoint.host, port: endpoint.port };
  const base = { subTechnique: sig.subTechnique, asset: c.asset, location, ...(c.key ? { key: c.key } : {}) } as const;
  const urlOf = c.urlOf ?? ((path: string) => c.url + path);
  const page = v.page ? urlOf(v.page.path) : undefined;
  const proofUrl = v.proof ? urlOf(v.proof.path) : undefined;
  const evidence = { url: c.url, page, product: sig.id, version: v.version, auth: v.auth, because: v.because, proof: v.proof, proofUrl };
  const out: Finding[] = [];
  const named = { name: sig.name, url: c.url };
  if (v.auth === 'open' && sig.severity.open !== 'none') {
    out.push(
      makeFinding({
        ...base,
        ...findingText('probe.http.open', { vars: { ...named, url: proofUrl ?? page ?? c.url, because: v.because ?? 'A sensitive endpoint answered without credentials', remediation: sig.remediation.open }, severity: sig.severity.open, subTechnique: sig.subTechnique }),
        rule: `probe.http.${sig.id}.open`,
        evidence,
        confidence: 'confirmed',
      }),
    );
  }
  if (v.auth === 'login' && sig.severity.login !== 'none') {
    out.push(
      makeFinding({
        ...base,
        ...findingText('probe.http.login-exposed', { vars: { ...named, because: v.because ?? 'login required', remediation: sig.remediation.login }, severity: sig.severity.login, subTechnique: sig.subTechnique }),
        rule: `probe.http.${sig.id}.login-exposed`,
        evidence,
        confidence: 'confirmed',
      }),
    );
  }
  for (const check of v.checks) {
    out.push(
      makeFinding({
        ...base,
        rule: `probe.http.${sig.id}.${check.id}`,
        control: check.control,
        severity: check.severity,
        title: check.title,
        evidence: { url: c.url, page, product: sig.id, version: v.version, check: check.id },
        remediation: check.remediation,
        confidence: 'confirmed',
      }),
    );
  }
  for (const a of c.advisories) {
    out.push(
      makeFinding({
        ...base,
        ...findingText('probe.http.advisory', {
          vars: { ...named, version: v.version ?? '', id: a.id, aliases: a.aliases.length ? ` (${a.aliases.join(', ')})` : '', summary: a.summary, remediation: remediationOf(a) },
          severity: a.severity,
          subTechnique: sig.subTechnique,
        }),
        rule: `probe.http.${sig.id}.advisory`,
        key: c.key ? `${c.key} ${a.id}` : a.id,
        evidence: { url: c.url, product: sig.id, version: v.version, advisory: a.id, aliases: a.aliases, fixed: a.fixed },
        confidence: a.confidence,
      }),
    );
  }
  const accepted = c.credentials.find((x) => x.accepted);
  if (accepted) {
    out.push(
      makeFinding({
        ...base,
        ...findingText('probe.http.default-credentials', { vars: { ...named, credential: accepted.label }, subTechnique: sig.subTechnique }),
        rule: `probe.http.${sig.id}.default-credentials`,
        evidence: { url: c.url, product: sig.id, credential: accepted.label, path: accepted.path, status: accepted.status },
        confidence: 'confirmed',
      }),
    );
  }
  return out;
}
