import { makeFinding, type Finding } from '../../model/finding.js';
import type { Severity } from '../../model/severity.js';
import type { Endpoint } from '../types.js';
import type { CredentialAttempt, SignatureVerdict } from './engine.js';

/** An advisory that applies to the version seen (shape of src/intel/advisories.ts AdvisoryMatch, trimmed). */
export interface AdvisoryHit {
  id: string;
  aliases: string[];
  summary: string;
  severity: Severity;
  confidence: 'confirmed' | 'possible';
  fixed: string[];
  remediation: string;
}

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
  if (v.auth === 'open' && sig.severity.open !== 'none') {
    out.push(
      makeFinding({
        ...base,
        rule: `probe.http.${sig.id}.open`,
        control: 'M1037',
        severity: sig.severity.open,
        title: `${sig.name} answers strangers without authentication`,
        evidence,
        explanation: `${v.because ?? 'A sensitive endpoint answered without credentials'}. Anyone who reaches ${proofUrl ?? page ?? c.url} gets the same.`,
        remediation: sig.remediation.open,
        confidence: 'confirmed',
      }),
    );
  }
  if (v.auth === 'login' && sig.severity.login !== 'none') {
    out.push(
      makeFinding({
        ...base,
        rule: `probe.http.${sig.id}.login-exposed`,
        control: 'M1037',
        severity: sig.severity.login,
        title: `${sig.name} login is reachable from outside`,
        evidence,
        explanation: `The service asks for credentials (${v.because ?? 'login required'}), but its login is exposed to password guessing and to pre-authentication bugs.`,
        remediation: sig.remediation.login,
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
        rule: `probe.http.${sig.id}.advisory`,
        key: c.key ? `${c.key} ${a.id}` : a.id,
        control: 'M1050',
        severity: a.severity,
        title: `${sig.name} ${v.version} is affected by ${a.id}${a.aliases.length ? ` (${a.aliases.join(', ')})` : ''}`,
        evidence: { url: c.url, product: sig.id, version: v.version, advisory: a.id, aliases: a.aliases, fixed: a.fixed },
        explanation: a.summary,
        remediation: a.remediation,
        confidence: a.confidence,
      }),
    );
  }
  const accepted = c.credentials.find((x) => x.accepted);
  if (accepted) {
    out.push(
      makeFinding({
        ...base,
        rule: `probe.http.${sig.id}.default-credentials`,
        control: 'M1026',
        severity: 'critical',
        title: `${sig.name} accepts the vendor default credential "${accepted.label}"`,
        evidence: { url: c.url, product: sig.id, credential: accepted.label, path: accepted.path, status: accepted.status },
        explanation: 'The vendor default is public knowledge; anyone who reaches the service logs in as its administrator.',
        remediation: `Change the default credential "${accepted.label}" now, and keep the service off the internet.`,
        confidence: 'confirmed',
      }),
    );
  }
  return out;
}
