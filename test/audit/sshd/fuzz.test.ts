import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSshdConfig } from '../../../src/audit/sshd/parse.js';
import { sshdAuditor } from '../../../src/audit/sshd/index.js';
import { effectiveSettings } from '../../../src/audit/sshd/effective.js';
import { memoryContext, memoryIO } from './memory-io.js';

const KEYWORDS = ['PasswordAuthentication', 'PermitRootLogin', 'Match', 'Include', 'Ciphers', 'MACs', 'ListenAddress', 'UsePAM', 'AuthenticationMethods', 'Bogus', 'Protocol', 'permitemptypasswords'];
const WORDS = ['yes', 'no', 'all', 'User', 'Address', '!root', '10.0.0.0/8', '*', '+aes128-cbc', '-*', '^chacha20-poly1305@openssh.com', '"quoted word"', "'x", '#', '=', 'prohibit-password', '0.0.0.0', '[::]:22', '*.conf', 'LocalPort', '22'];

/** Lines that look like sshd_config, so the fuzzer reaches deep paths, mixed with raw garbage. */
const line = fc.oneof(
  fc.tuple(fc.constantFrom(...KEYWORDS), fc.array(fc.constantFrom(...WORDS), { maxLength: 4 }), fc.constantFrom(' ', '\t', '=', ' = ')).map(([k, ws, sep]) => `${k}${sep}${ws.join(' ')}`),
  fc.string({ maxLength: 40 }),
);
const text = fc.array(line, { maxLength: 30 }).map((ls) => ls.join('\n'));

describe('sshd_config parser on random input', () => {
  it('never throws, and every problem names the file and a line that exists', () => {
    fc.assert(
      fc.property(text, (t) => {
        const files = { '/etc/ssh/x.conf': t };
        const cfg = parseSshdConfig(t, '/etc/ssh/sshd_config', memoryIO(files));
        const lines = t.split('\n').length;
        for (const p of cfg.problems) {
          expect(['/etc/ssh/sshd_config', '/etc/ssh/x.conf']).toContain(p.file);
          expect(p.line).toBeGreaterThanOrEqual(1);
          expect(p.line).toBeLessThanOrEqual(lines);
          expect(p.message.length).toBeGreaterThan(0);
        }
        for (const d of cfg.directives) expect(d.line).toBeGreaterThanOrEqual(1);
        effectiveSettings(cfg, { user: 'root', addr: '10.1.2.3', host: 'h', laddr: '10.0.0.1', lport: 22 });
        const result = sshdAuditor.audit('/etc/ssh/sshd_config', t, memoryContext(files));
        for (const f of result.findings) expect(f.id).toMatch(/^DRB-[0-9a-f]{16}$/);
      }),
      { numRuns: 400 },
    );
  });

  it('an unknown keyword on a random line is reported at exactly that line', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('PasswordAuthentication no', '# comment', '', 'UsePAM yes'), { maxLength: 20 }), fc.nat(), (ls, pos) => {
        const at = ls.length === 0 ? 0 : pos % (ls.length + 1);
        const withBad = [...ls.slice(0, at), 'NoSuchKeyword 1', ...ls.slice(at)];
        const cfg = parseSshdConfig(withBad.join('\n'), 'f', undefined);
        expect(cfg.problems).toEqual([{ file: 'f', line: at + 1, field: 'NoSuchKeyword', message: expect.stringMatching(/unknown keyword/) }]);
      }),
    );
  });
});
