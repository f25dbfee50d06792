/** The files `drawbridge k8s webhook-config` writes for kube-apiserver, and the token file parser. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { auditPolicy, webhookKubeconfig, webhookUrl } from '../../src/server/webhook-config.js';
import { hashToken, parseTokenFile, TokenSet } from '../../src/server/tokens.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('webhook config', () => {
  it('is a kubeconfig whose cluster is the ingest endpoint with its CA, and whose user carries the token', () => {
    const doc = parse(webhookKubeconfig({ server: 'https://drawbridge.example:8787/', caPem: CA, credentials: { token: 'tok-123' } })) as Record<string, unknown>;
    expect(doc.kind).toBe('Config');
    const clusters = doc.clusters as { name: string; cluster: Record<string, string> }[];
    expect(clusters[0]!.cluster.server).toBe('https://drawbridge.example:8787/v1/ingest/k8s-audit');
    expect(Buffer.from(clusters[0]!.cluster['certificate-authority-data']!, 'base64').toString()).toBe(CA);
    const users = doc.users as { user: Record<string, string> }[];
    expect(users[0]!.user).toEqual({ token: 'tok-123' });
    expect(doc['current-context']).toBe('drawbridge');
    const contexts = doc.contexts as { name: string; context: { cluster: string; user: string } }[];
    expect(contexts[0]!.context).toEqual({ cluster: 'drawbridge', user: 'kube-apiserver' });
  });

  it('carries a client certificate instead of a token when given one', () => {
    const doc = parse(webhookKubeconfig({ server: 'https://h:8787', credentials: { clientCert: 'CERT', clientKey: 'KEY' } })) as { users: { user: Record<string, string> }[] };
    expect(Object.keys(doc.users[0]!.user).sort()).toEqual(['client-certificate-data', 'client-key-data']);
  });

  it('does not append the path twice and refuses other schemes', () => {
    expect(webhookUrl('https://h:8787/v1/ingest/k8s-audit')).toBe('https://h:8787/v1/ingest/k8s-audit');
    expect(() => webhookKubeconfig({ server: 'ftp://h', credentials: { token: 't' } })).toThrow(/http\(s\)/);
  });

  it('audit policy: request bodies of workload writes, metadata of exec and secrets, nothing of health checks', () => {
    const p = parse(auditPolicy()) as { kind: string; omitStages: string[]; rules: { level: string; verbs?: string[]; resources?: { group: string; resources: string[] }[]; nonResourceURLs?: string[] }[] };
    expect(p.kind).toBe('Policy');
    expect(p.omitStages).toContain('RequestReceived');
    // The first rule that names a resource decides its level (the API server's rule order).
    const levelOf = (group: string, resource: string, verb: string): string =>
      p.rules.find((r) => (!r.resources || r.resources.some((x) => x.group === group && x.resources.includes(resource))) && (!r.verbs || r.verbs.includes(verb)) && !r.nonResourceURLs)!.level;
    expect(levelOf('', 'pods', 'create')).toBe('Request');
    expect(levelOf('apps', 'deployments', 'patch')).toBe('Request');
    expect(levelOf('', 'secrets', 'create')).toBe('Metadata');
    expect(levelOf('', 'pods/exec', 'create')).toBe('Metadata');
    expect(p.rules[0]!.level).toBe('None');
  });
});

describe('token file', () => {
  it('reads scope:token and scope:sha256:HEX lines, skipping comments', () => {
    const secret = 'a-token-that-is-long-enough-0123';
    const entries = parseTokenFile(`# tokens\nread:${secret}\n\nadmin:sha256:${hashToken('another-long-token-abcdefghijkl').toString('hex')}\n`, 't.txt');
    expect(entries.map((e) => [e.scope, e.origin])).toEqual([
      ['read', 't.txt:2'],
      ['admin', 't.txt:4'],
    ]);
    const set = new TokenSet(entries);
    expect(set.match(secret)?.scope).toBe('read');
    expect(set.match('another-long-token-abcdefghijkl')?.scope).toBe('admin');
    expect(set.match('nope')).toBeUndefined();
  });

  it('names the line of an unknown scope or a short token', () => {
    expect(() => parseTokenFile('write:a-token-that-is-long-enough-0123\n', 't.txt')).toThrow(/t\.txt:1: expected "scope:token"/);
    expect(() => parseTokenFile('read:short\n', 't.txt')).toThrow(/t\.txt:1: token shorter than 24/);
  });
});
