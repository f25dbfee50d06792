/** Stable error codes: every code is documented in README.md, and errors print their code with the message. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, UsageError } from '../../src/model/errors.js';
import { drawbridge, ROOT } from './run.js';

describe('error codes', () => {
  it('README documents exactly the codes there are', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const documented = [...readme.matchAll(/^\| `(DRB-E-[A-Z-]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('a usage error without a more specific code is DRB-E-USAGE', () => {
    expect(new UsageError('x').code).toBe('DRB-E-USAGE');
  });

  it('the CLI prints the code before the message: unknown config key, missing input, unknown format', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drawbridge-codes-'));
    writeFileSync(join(dir, 'drawbridge.yaml'), 'failOn: high\nfolowWindow: 5m\n');
    const badKey = drawbridge(['audit', join(ROOT, 'samples/sshd'), '--config', join(dir, 'drawbridge.yaml')]);
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toMatch(/^drawbridge: error DRB-E-CONFIG-KEY: .*drawbridge\.yaml:2: folowWindow: unknown key/m);
    const missing = drawbridge(['audit', join(dir, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^drawbridge: error DRB-E-INPUT-MISSING: .*nope: no such file or folder/m);
    const format = drawbridge(['audit', join(ROOT, 'samples/sshd'), '--format', 'xml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/^drawbridge: error DRB-E-FORMAT: --format: unknown format "xml"/m);
  });
});
