import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCatalogue } from '../../src/catalog/loader.js';
import { ALERT_TEXTS_KIND, alertText, alertTexts, fillTemplate, findingText, findingTexts } from '../../src/catalog/texts.js';
import { DETECTORS } from '../../src/detect/detectors/index.js';
import { ESCALATION_RULES } from '../../src/detect/detectors/new-source-range.js';
import { grpcProducts } from '../../src/probe/grpc/products.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}
const SRC = sources('src').map((file) => ({ file, text: readFileSync(file, 'utf8') }));
const literalKeys = (fn: string): Set<string> => new Set(SRC.flatMap((s) => [...s.text.matchAll(new RegExp(`\\b${fn}\\(\\s*'([^']+)'`, 'g'))].map((m) => m[1] as string)));

describe('finding and alert texts', () => {
  it('every probe finding id the code asks for has an entry, and every entry is asked for', () => {
    // Probe code names its finding ids as literals, so this scan sees them all; the gRPC fingerprinter
    // takes them from its catalogue, whose ids are added below.
    const dynamic = SRC.filter((s) => s.file !== 'src/probe/grpc/fingerprinter.ts' && /\bfindingText\((?!\s*')/.test(s.text.replace(/export function findingText\(/, '')));
    expect(dynamic.map((s) => s.file)).toEqual([]);
    const used = literalKeys('findingText');
    for (const p of grpcProducts()) for (const id of [p.findings.open, p.findings.login]) used.add(id);
    expect([...used].sort()).toEqual([...findingTexts().keys()].sort());
  });

  it('every alert rule a detector emits has an entry, and every entry belongs to one', () => {
    const emitted = new Set([...DETECTORS.filter((d) => d.emits !== false).map((d) => d.id), ...Object.values(ESCALATION_RULES), ...literalKeys('alertText')]);
    expect([...emitted].sort()).toEqual([...alertTexts().keys()].sort());
  });

  it('renders templates and variants, and refuses what code must decide but did not', () => {
    expect(fillTemplate('{{a}} and {{ b }} and {{c}}', { a: 1, b: 'two' })).toBe('1 and two and {{c}}');
    expect(findingText('probe.ssh.password-auth', { vars: { methods: 'password' } })).toMatchObject({ rule: 'probe.ssh.password-auth', title: 'SSH server offers password logins to strangers', severity: 'high', control: 'M1026' });
    expect(() => findingText('probe.ssh.advisory', { vars: {} })).toThrow(/leaves severity to code/);
    expect(() => alertText('unseen-credential', { severity: 'high', subTechnique: 'ssh-access', variant: 'nope' })).toThrow(/explanation has no variant "nope"/);
    expect(() => findingText('probe.ssh.no-such-thing')).toThrow(/has no catalogue entry/);
  });

  it('rejects an entry whose severity varies without saying how, naming file, line and field', () => {
    const text = 'alerts:\n  - id: x\n    title: X\n    severity: varies\n    subTechnique: ssh-access\n    control: DS0029\n    remediation: fix it\n';
    expect(() => parseCatalogue(ALERT_TEXTS_KIND, text, 'catalog/alerts/x.yaml')).toThrow(/^catalog\/alerts\/x\.yaml:2: alerts\.0\.severityNote: x: severity varies/);
  });
});
