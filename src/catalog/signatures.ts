import { z } from 'zod';
import type { YamlPath } from '../audit/yaml-positions.js';
import { CatalogueError, duplicateIds, parseCatalogue, readCatalogueDir, type CatalogueKind, type CatalogueProblem } from './loader.js';
import { catalogPath } from './paths.js';
import { serviceById } from './services.js';

/**
 * Probe signatures (catalog/signatures/<product>.yaml): how to recognise a management product over HTTP,
 * read its version and judge whether a stranger gets in. Nuclei-like, but every check is read-only.
 */

/**
 * The only POSTs a signature may send: the etcd v3 gRPC gateway serves reads (Range) as POST.
 * Every other request is GET or HEAD. A path listed here must be a documented read call.
 */
export const READ_ONLY_POSTS: readonly string[] = ['/v3/kv/range', '/v3beta/kv/range', '/v3alpha/kv/range'];

const headerName = z.string().regex(/^[A-Za-z0-9-]+$/).transform((s) => s.toLowerCase());

export const MatcherSchema = z
  .object({
    /** Id of the request whose response is examined. */
    request: z.string(),
    part: z.enum(['status', 'header', 'body', 'json']),
    /** Header name (part: header). */
    name: headerName.optional(),
    /** RFC 6901 JSON pointer (part: json), e.g. /data/web.enable-admin-api. */
    path: z.string().regex(/^(\/[^/]*)*$/).optional(),
    equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
    in: z.array(z.number().int()).optional(),
    regex: z.string().optional(),
    contains: z.string().optional(),
    /** The header / JSON value / response is present (true) or absent (false). */
    exists: z.boolean().optional(),
    negate: z.boolean().optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const ops = ['equals', 'in', 'regex', 'contains', 'exists'].filter((k) => m[k as keyof typeof m] !== undefined);
    if (ops.length !== 1) ctx.addIssue({ code: 'custom', message: `a matcher needs exactly one of equals/in/regex/contains/exists, got ${ops.join(',') || 'none'}` });
    if (m.part === 'header' && !m.name) ctx.addIssue({ code: 'custom', message: 'part: header needs name' });
    if (m.part === 'json' && m.path === undefined) ctx.addIssue({ code: 'custom', message: 'part: json needs path' });
    if (m.regex !== undefined) {
      try {
        new RegExp(m.regex.startsWith('(?i)') ? m.regex.slice(4) : m.regex);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `bad regex: ${(e as Error).message}` });
      }
    }
  });
export type Matcher = z.infer<typeof MatcherSchema>;

/** A matcher, or a group: all (and) / any (or). A plain list means all. */
export type MatchNode = Matcher | { all: MatchNode[] } | { any: MatchNode[] };
export const MatchNodeSchema: z.ZodType<MatchNode> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(MatchNodeSchema).min(1) }).strict(),
    z.object({ any: z.array(MatchNodeSchema).min(1) }).strict(),
    MatcherSchema,
  ]),
);

export const RequestSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    method: z.enum(['GET', 'HEAD', 'POST']).default('GET'),
    path: z.string().startsWith('/'),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.string().optional(),
    /** identify: sent to every candidate endpoint; confirm: only once the product is identified. */
    stage: z.enum(['identify', 'confirm']).default('identify'),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.method === 'POST' && !READ_ONLY_POSTS.includes(r.path.split('?')[0] ?? '')) {
      ctx.addIssue({ code: 'custom', message: `POST ${r.path} is not a documented read-only call (allowed: ${READ_ONLY_POSTS.join(', ')})` });
    }
    if (r.method !== 'POST' && r.body !== undefined) ctx.addIssue({ code: 'custom', message: 'only POST requests carry a body' });
  });
export type SignatureRequest = z.infer<typeof RequestSchema>;

export const ExtractorSchema = z
  .object({
    request: z.string(),
    part: z.enum(['header', 'body', 'json']),
    name: headerName.optional(),
    path: z.string().optional(),
    /** First capture group (or the whole match) is the value. */
    regex: z.string().optional(),
  })
  .strict();
export type Extractor = z.infer<typeof ExtractorSchema>;

const AuthStateSchema = z.enum(['open', 'login', 'refused', 'info']);
const SeverityOrNone = z.enum(['none', 'info', 'low', 'medium', 'high', 'critical']);

export const AuthRuleSchema = z
  .object({
    state: AuthStateSchema,
    when: z.array(MatchNodeSchema).min(1),
    /** What the matching response proves, in words (goes into the evidence). */
    because: z.string(),
  })
  .strict();
export type AuthRule = z.infer<typeof AuthRuleSchema>;

export const CheckSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    when: z.array(MatchNodeSchema).min(1),
    severity: z.enum(['info', 'low', 'medium', 'high', 'critical']),
    control: z.enum(['M1037', 'M1026', 'M1050']),
    title: z.string(),
    remediation: z.string(),
  })
  .strict();
export type SignatureCheck = z.infer<typeof CheckSchema>;

export const DefaultCredentialSchema = z
  .object({
    label: z.string(),
    /** HTTP Basic credentials, or a header carrying a vendor default key. */
    basic: z.object({ username: z.string(), password: z.string() }).strict().optional(),
    header: z.object({ name: headerName, value: z.string() }).strict().optional(),
    method: z.enum(['GET', 'HEAD']).default('GET'),
    path: z.string().startsWith('/'),
    success: z.array(MatchNodeSchema).min(1),
    source: z.string(),
  })
  .strict()
  .refine((c) => (c.basic === undefined) !== (c.header === undefined), 'exactly one of basic/header');
export type DefaultCredential = z.infer<typeof DefaultCredentialSchema>;

const RecordedResponseSchema = z
  .object({
    status: z.number().int().min(100).max(599),
    // YAML reads 2.442 as a number; header values are text.
    headers: z.record(z.string(), z.union([z.string(), z.number()]).transform(String)).default({}),
    body: z.string().default(''),
  })
  .strict();
export type RecordedResponse = z.infer<typeof RecordedResponseSchema>;

export const FixtureSchema = z
  .object({
    name: z.string(),
    kind: z.enum(['positive', 'negative']),
    /** Where the recorded responses come from (vendor docs, reference sheet entry, real server). */
    source: z.string(),
    port: z.number().int().min(1).max(65535).optional(),
    /** Responses keyed "METHOD /path?query" (METHOD optional, GET assumed). Every other path gets `default`. */
    server: z
      .object({
        default: RecordedResponseSchema.default({ status: 404, headers: { 'content-type': 'text/plain' }, body: '404 page not found' }),
        paths: z.record(z.string(), RecordedResponseSchema).default({}),
      })
      .strict(),
    expect: z
      .object({
        /** Signature id the whole catalogue must identify, or null for nothing. */
        product: z.string().nullable(),
        version: z.union([z.string(), z.number()]).transform(String).optional(),
        auth: z.enum(['open', 'login', 'refused', 'info', 'unknown']).optional(),
        /** Path of the request whose answer proved the auth state. */
        proof: z.string().startsWith('/').optional(),
        /** Check ids that must fire (exactly these). */
        checks: z.array(z.string()).optional(),
      })
      .strict(),
  })
  .strict();
export type SignatureFixture = z.infer<typeof FixtureSchema>;

export const SignatureSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string(),
    /** Catalogue service id (catalog/services.yaml); omitted for products the catalogue has no entry for. */
    service: z.string().optional(),
    subTechnique: z.enum(['exposed-gateway', 'exposed-kubernetes-api', 'ssh-access', 'unauthenticated-admin-interface']),
    ports: z.array(z.number().int().min(1).max(65535)).min(1),
    scheme: z.enum(['http', 'https', 'both']),
    /** Package name looked up in the advisory catalogue for the extracted version. */
    advisoryPackage: z.string().optional(),
    /**
     * The product answers the same on every path (e.g. an API that authenticates before routing), so the
     * catch-all guard must not reject it; only allowed with product-specific matchers.
     */
    uniformResponses: z.boolean().default(false),
    /**
     * Narrower than uniformResponses: the product may answer every path the same way, but only when that
     * answer satisfies these product-specific matchers (evaluated with the random path's response standing
     * in for every request). E.g. a HAProxy stats listener with `stats uri /`.
     */
    uniformWhen: z.array(MatchNodeSchema).optional(),
    /**
     * Path prefixes under which gateways and reverse proxies commonly publish the product (`/grafana/`);
     * probe walks them on web servers and gateways. Each ends with a slash.
     */
    routes: z.array(z.string().regex(/^\/([A-Za-z0-9._~-]+\/)+$/, 'a route is a path prefix like /grafana/ (no query, ends with /)')).default([]),
    requests: z.array(RequestSchema).min(1),
    match: z.array(MatchNodeSchema).min(1),
    version: z.array(ExtractorSchema).default([]),
    auth: z.array(AuthRuleSchema).default([]),
    severity: z.object({ open: SeverityOrNone, login: SeverityOrNone }).strict(),
    remediation: z.object({ open: z.string(), login: z.string() }).strict(),
    checks: z.array(CheckSchema).default([]),
    defaultCredentials: z.array(DefaultCredentialSchema).default([]),
    /** Notes on sources and what is unverified. */
    notes: z.string().optional(),
    fixtures: z.array(FixtureSchema).min(2),
  })
  .strict();
export type Signature = z.infer<typeof SignatureSchema>;

/** Walk a match tree, yielding every leaf matcher. */
export function* leafMatchers(nodes: readonly MatchNode[]): Generator<Matcher> {
  for (const n of nodes) {
    if ('all' in n) yield* leafMatchers(n.all);
    else if ('any' in n) yield* leafMatchers(n.any);
    else yield n;
  }
}

/** Cross-field checks zod cannot express: request ids referenced exist, stages are sound, service exists. */
export function signatureProblems(sig: Signature): CatalogueProblem[] {
  const problems: CatalogueProblem[] = [];
  const ids = new Map(sig.requests.map((r) => [r.id, r]));
  if (ids.size !== sig.requests.length) problems.push({ path: ['requests'], message: 'duplicate request id' });
  const refs = (path: YamlPath, nodes: readonly MatchNode[], allowConfirm: boolean): void => {
    for (const m of leafMatchers(nodes)) {
      const r = ids.get(m.request);
      if (!r) problems.push({ path, message: `unknown request ${m.request}` });
      else if (!allowConfirm && r.stage === 'confirm') problems.push({ path, message: `identification may not use confirm-stage request ${m.request}` });
    }
  };
  refs(['match'], sig.match, false);
  if (sig.uniformWhen) refs(['uniformWhen'], sig.uniformWhen, false);
  sig.auth.forEach((a, i) => refs(['auth', i, 'when'], a.when, true));
  sig.checks.forEach((c, i) => refs(['checks', i, 'when'], c.when, true));
  sig.version.forEach((v, i) => {
    if (!ids.has(v.request)) problems.push({ path: ['version', i, 'request'], message: `unknown request ${v.request}` });
  });
  if (sig.service !== undefined && !serviceById(sig.service)) problems.push({ path: ['service'], message: `service ${sig.service} is not in catalog/services.yaml` });
  if (!sig.fixtures.some((f) => f.kind === 'positive')) problems.push({ path: ['fixtures'], message: 'needs a positive fixture' });
  if (!sig.fixtures.some((f) => f.kind === 'negative')) problems.push({ path: ['fixtures'], message: 'needs a look-alike negative fixture' });
  return problems;
}

/** Kept as a name for callers that catch signature errors; every catalogue error is a CatalogueError. */
export const SignatureCatalogueError = CatalogueError;

export const SIGNATURE_KIND: CatalogueKind<Signature> = {
  id: 'signature',
  description: 'One probe signature: requests, identification, version, auth state, checks and fixtures (catalog/signatures/<product>.yaml)',
  schema: SignatureSchema,
  check: signatureProblems,
};

let cached: Signature[] | undefined;

/** Parse one signature file's text; errors name the file, line and field. */
export function parseSignature(text: string, file: string): Signature {
  return parseCatalogue(SIGNATURE_KIND, text, file);
}

/** Every signature under catalog/signatures/, validated once, in file-name order. */
export function probeSignatures(dir = catalogPath('signatures')): Signature[] {
  if (cached && dir === catalogPath('signatures')) return cached;
  const entries = readCatalogueDir(SIGNATURE_KIND, dir);
  const dup = duplicateIds(entries, (e) => e.value.id, 'signature')[0];
  if (dup) throw new CatalogueError(entries[dup.path?.[0] as number]?.file ?? dir, dup.message, 1, 'id');
  const sigs = entries.map((e) => e.value);
  if (dir === catalogPath('signatures')) cached = sigs;
  return sigs;
}
