import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { distroFromBanner, inRange, loadAdvisories, matchAdvisories, parseAdvisory } from '../../src/intel/advisories.js';
import { compareOpenSsh } from '../../src/intel/versions.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('OSV range evaluation', () => {
  const range = {
    type: 'ECOSYSTEM' as const,
    events: [{ introduced: '8.5p1' }, { fixed: '9.8p1' }, { introduced: '0' }, { fixed: '4.4p1' }],
  };
  it('sorts events and toggles', () => {
    expect(inRange('9.0p1', range, compareOpenSsh)).toBe(true);
    expect(inRange('4.0p1', range, compareOpenSsh)).toBe(true);
    expect(inRange('6.0p1', range, compareOpenSsh)).toBe(false);
    expect(inRange('9.8p1', range, compareOpenSsh)).toBe(false);
  });
  it('honours last_affected', () => {
    const r = { type: 'ECOSYSTEM' as const, events: [{ introduced: '7.0p1' }, { last_affected: '7.4p1' }] };
    expect(inRange('7.4p1', r, compareOpenSsh)).toBe(true);
    expect(inRange('7.5p1', r, compareOpenSsh)).toBe(false);
  });
  it('cannot judge an unreadable version', () => {
    expect(inRange('banana', range, compareOpenSsh)).toBeUndefined();
  });
});

describe('banner comments', () => {
  it('recognises Debian and Ubuntu builds only', () => {
    expect(distroFromBanner('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3')).toEqual({ family: 'Debian', revision: '2+deb12u3' });
    expect(distroFromBanner('SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10')).toEqual({ family: 'Ubuntu', revision: '3ubuntu0.10' });
    expect(distroFromBanner('SSH-2.0-OpenSSH_9.6 FreeBSD-20240104')).toBeUndefined();
    expect(distroFromBanner('SSH-2.0-OpenSSH_9.6p1')).toBeUndefined();
  });
});

describe('loading OSV files', () => {
  it('keeps a rejected file with its reason and loads the good ones', () => {
    const d = mkdtempSync(join(tmpdir(), 'drb-osv-'));
    dirs.push(d);
    writeFileSync(join(d, 'bad.json'), '{ not json');
    writeFileSync(join(d, 'nomodified.json'), JSON.stringify({ id: 'X-1' }));
    writeFileSync(
      join(d, 'badrange.json'),
      JSON.stringify({
        id: 'X-2',
        modified: '2024-01-01T00:00:00Z',
        affected: [{ package: { ecosystem: 'Drawbridge:upstream', name: 'openssh' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: 'zero' }] }] }],
      }),
    );
    writeFileSync(join(d, 'dup.json'), JSON.stringify({ id: 'CVE-2024-6387', modified: '2024-01-01T00:00:00Z' }));
    writeFileSync(
      join(d, 'user.json'),
      JSON.stringify({
        id: 'USER-2025-1',
        modified: '2025-01-01T00:00:00Z',
        summary: 'in-house finding',
        affected: [{ package: { ecosystem: 'Drawbridge:upstream', name: 'OpenSSH' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '10.0p1' }] }] }],
      }),
    );
    const cat = loadAdvisories([d]);
    const byFile = Object.fromEntries(cat.problems.map((p) => [p.file.split('/').pop(), p]));
    expect(byFile['bad.json']?.message).toMatch(/invalid JSON/);
    expect(byFile['nomodified.json']?.field).toBe('modified');
    expect(byFile['badrange.json']?.message).toMatch(/"zero" is not a Drawbridge:upstream version/);
    expect(byFile['dup.json']?.message).toMatch(/duplicate advisory CVE-2024-6387/);
    const ids = cat.advisories.map((a) => a.record.id);
    expect(ids).toContain('USER-2025-1');
    const hits = matchAdvisories('OpenSSH', '9.9p2', undefined, { advisories: cat.advisories });
    expect(hits.map((h) => h.id)).toEqual(['USER-2025-1']);
    expect(hits[0]?.severity).toBe('medium');
  });

  it('never throws on garbage text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (s) => {
        const r = parseAdvisory(s, 'x.json');
        expect(typeof r).toBe('object');
      }),
    );
  });
});

describe('matchAdvisories', () => {
  it('reports what it compared and the fix', () => {
    const [m] = matchAdvisories('OpenSSH', '9.2p1', 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u2').filter((x) => x.id === 'CVE-2024-6387');
    expect(m).toMatchObject({ confidence: 'confirmed', basis: 'distro-record', package: 'Debian:12/openssh', comparedVersion: '1:9.2p1-2+deb12u2', fixed: ['1:9.2p1-2+deb12u3'], severity: 'high' });
  });
  it('never throws on random input', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.option(fc.string(), { nil: undefined }), (p, v, b) => {
        expect(Array.isArray(matchAdvisories(p, v, b))).toBe(true);
        expect(Array.isArray(matchAdvisories('OpenSSH', v, b === undefined ? undefined : `SSH-2.0-OpenSSH_${v} ${b}`))).toBe(true);
      }),
    );
  });
});
