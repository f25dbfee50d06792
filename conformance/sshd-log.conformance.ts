/**
 * Conformance: the sshd decoder over real third-party auth logs (not in the repository).
 * Every line whose program is sshd must decode; counts per file are printed for the record.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../src/config/schema.js';
import { parseEnvelope } from '../src/io/sources/syslog-envelope.js';
import { isSshdProgram, sshdDecoder } from '../src/detect/decoders/sshd.js';
import { runDetect } from '../src/detect/engine.js';
import { MemoryStateStore } from '../src/detect/state/memory.js';
import { asnLookupFromRows } from '../src/intel/asn.js';

const ROOT = resolve(process.cwd(), process.env.DRAWBRIDGE_REAL_DATA ?? '../shared/data/real');
const FILES = ['loghub/OpenSSH_2k.log', 'loghub/Linux_2k.log', 'elastic-integrations/system-auth/test-auth.log', 'elastic-integrations/system-auth/test-secure-rhel7.log'];

describe.skipIf(!existsSync(ROOT))('sshd decoder on real auth logs', () => {
  for (const rel of FILES) {
    const path = join(ROOT, rel);
    it.skipIf(!existsSync(path))(rel, async () => {
      const lines = readFileSync(path, 'utf8').split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      const d = sshdDecoder.open(rel, { defaultYear: 2016 });
      const clock = { year: 2016 };
      const counts = { lines: lines.length, sshd: 0, sshdWithEvents: 0, sshdIgnored: 0, sshdRejected: 0, otherPrograms: 0, otherRejected: 0, events: 0 };
      const rejectedSshd: string[] = [];
      lines.forEach((text, i) => {
        const env = parseEnvelope(text, clock);
        const sshd = env !== undefined && !('reject' in env) && isSshdProgram(env.program);
        const r = d.line(text, { source: rel, offset: 0, line: i + 1 });
        if (sshd) counts.sshd++;
        else counts.otherPrograms++;
        if (!Array.isArray(r)) {
          if (sshd) {
            counts.sshdRejected++;
            rejectedSshd.push(`${rel}:${i + 1}: ${r.reject} | ${text}`);
          } else counts.otherRejected++;
        } else if (sshd) {
          counts.events += r.length;
          if (r.length > 0) counts.sshdWithEvents++;
          else counts.sshdIgnored++;
        }
      });
      console.log(rel, JSON.stringify(counts));
      for (const r of rejectedSshd) console.log('REJECTED', r);
      expect(rejectedSshd).toEqual([]);

      // The whole pipeline over the file: every line read, every rejection accounted for.
      const res = await runDetect([path], {
        config: ConfigSchema.parse({ detect: { learningPeriod: '1h' } }),
        store: new MemoryStateStore(),
        asn: asnLookupFromRows([]),
        deadLetter: false,
        now: Date.UTC(2016, 0, 1),
      });
      console.log(rel, 'engine', JSON.stringify(res.stats), 'alerts', res.alerts.length, [...new Set(res.alerts.map((a) => a.rule))].join(','));
      expect(res.stats.records).toBe(lines.length);
      expect(res.stats.rejected).toBe(res.rejected.length);
      expect(res.stats.rejected).toBe(counts.sshdRejected + counts.otherRejected);
    });
  }
});
