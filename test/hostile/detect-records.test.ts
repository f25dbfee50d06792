import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { runDetect } from '../../src/detect/engine.js';
import { MemoryStateStore } from '../../src/detect/state/memory.js';
import { JsonDocReader } from '../../src/detect/decoders/util/json-doc.js';
import { LineSplitter, MAX_LINE_BYTES } from '../../src/io/sources/lines.js';
import { asnLookupFromRows } from '../../src/intel/asn.js';
import { escapeControl } from '../../src/io/redact.js';
import { toTable } from '../../src/io/format/table.js';
import { makeAlert } from '../../src/model/finding.js';
import { MAX_TITLE_CHARS, MAX_VALUE_CHARS } from '../../src/model/field-caps.js';
import { ROOT, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-records-'));
const AUTH = readFileSync(join(ROOT, 'samples/logs/auth.log'), 'utf8');
const config = () => ConfigSchema.parse({ stateDir: join(dir, `s-${Math.random().toString(36).slice(2)}`) });
const detect = (file: string, format?: string) =>
  runDetect([file], { config: config(), store: new MemoryStateStore(), asn: asnLookupFromRows([]), deadLetter: false, ...(format ? { format } : {}) });

function write(name: string, body: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
}

describe('format sniffing', () => {
  it('looks past a byte-order mark and leading blank lines', async () => {
    const plain = await detect(write('plain.log', AUTH));
    const padded = await detect(write('padded.log', '\uFEFF' + '\n'.repeat(20) + AUTH));
    expect(padded.stats.rejected).toBe(0);
    expect(padded.stats.events).toBe(plain.stats.events);
    expect(padded.alerts.length).toBe(plain.alerts.length);
  });

  it('a file that stays unrecognised exits 2', () => {
    const f = write('noise.log', 'hello world\nnothing to see\n');
    const r = runCli(['detect', f, '--state-dir', join(dir, 'cli-state'), '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/format not recognised/);
  });
});

describe('a broken JSON record is rejected alone', () => {
  const rec = (i: number) => JSON.stringify({ i, msg: 'x'.repeat(i % 7) });

  it('a truncated line does not take the next intact record with it, and its text is kept', async () => {
    const lines = [rec(1), rec(2).slice(0, 9), rec(3), rec(4)];
    const reader = new JsonDocReader();
    const out = lines.map((l, n) => reader.push(l, n + 1).kind);
    expect(out).toEqual(['value', 'error', 'value', 'value']);
  });

  it('property: in NDJSON, cutting any lines short loses exactly those lines', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(40)), { minLength: 2, maxLength: 30 }), (spec) => {
        const reader = new JsonDocReader();
        // The first record is whole: that is what tells NDJSON from a pretty-printed document.
        const lines = spec.map(([cut, at], i) => (cut && i > 0 ? rec(i).slice(0, 2 + (at % (rec(i).length - 3))) : rec(i)));
        const kinds = lines.map((l, n) => reader.push(l, n + 1).kind);
        spec.forEach(([cut], i) => expect(kinds[i]).toBe(cut && i > 0 ? 'error' : 'value'));
      }),
      { numRuns: 300 },
    );
  });
});

describe('the line limit is exact', () => {
  const split = (body: Buffer) => {
    const s = new LineSplitter();
    const out = [];
    for (let i = 0; i < body.length; i += 65536) out.push(...s.push(body.subarray(i, i + 65536)));
    out.push(...s.end());
    return out;
  };

  it.each([MAX_LINE_BYTES + 1, MAX_LINE_BYTES + 60_000, MAX_LINE_BYTES + 64 * 1024])('a line of %i bytes is cut; the next line is intact', (n) => {
    const lines = split(Buffer.from(`${'k'.repeat(n)}\nnext\n`));
    expect(lines.map((l) => Boolean(l.truncated))).toEqual([true, false]);
    expect(lines[0]!.text.length).toBeLessThanOrEqual(200);
    expect(lines[1]!.text).toBe('next');
  });

  it('a line of exactly 1 MiB passes whole, multi-byte characters counted as bytes', () => {
    expect(split(Buffer.from(`${'k'.repeat(MAX_LINE_BYTES)}\n`))[0]!.truncated).toBeUndefined();
    const euro = '€'.repeat(Math.floor(MAX_LINE_BYTES / 3) + 1); // 3 bytes each: one past the limit
    expect(split(Buffer.from(`${euro}\nx\n`)).map((l) => Boolean(l.truncated))).toEqual([true, false]);
  });
});

describe('alert fields are bounded and escaped', () => {
  const huge = 'K'.repeat(1_000_000);
  const alert = () =>
    makeAlert({
      rule: 'r', subTechnique: 'ssh-access', control: 'DS0002', severity: 'high', title: `new key ${huge}`, asset: huge,
      location: { source: 's', offset: 0 }, time: '2025-01-01T00:00:00Z', evidence: { key: huge, raw: huge, list: [huge] }, remediation: 'r',
    });

  it('a 1 MB key does not become megabytes of alert, and the alert says what was cut', () => {
    const a = alert();
    expect(JSON.stringify(a).length).toBeLessThan(MAX_TITLE_CHARS + 6 * MAX_VALUE_CHARS);
    expect(a.title.length).toBeLessThanOrEqual(MAX_TITLE_CHARS);
    expect(a.evidence.cut).toEqual(['title', 'asset', 'evidence.key', 'evidence.raw', 'evidence.list[0]']);
  });

  it('escape sequences in fields never reach the table raw', () => {
    const a = { ...alert(), title: 'login \x1b]0;owned\x07 \x1b[2J from \u202eevil', asset: 'h\r\nFAKE' };
    const out = toTable([a], { colour: false });
    expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]/);
    expect(out).toContain('\\x1b]0;owned\\x07');
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
      expect(escapeControl(s)).not.toMatch(/[\x00-\x08\x0a-\x1f\x7f-\x9f]/);
    }));
  });

  it('stderr messages from the CLI escape what they quote', () => {
    const f = write('esc\x1b[31m.log', 'hello\n');
    const r = runCli(['detect', f, '--state-dir', join(dir, 'cli-state2'), '--format', 'json']);
    expect(r.stderr).not.toContain('\x1b');
    expect(r.stderr).toContain('esc\\x1b[31m.log');
  });
});
