import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sshdDecoder } from '../src/detect/decoders/sshd.js';
import { isRejection } from '../src/detect/types.js';
import { parseSyslogMessage, toEnvelopeLine } from '../src/io/sources/syslog-message.js';

/**
 * Real sshd syslog files, relayed as a syslog sender would put them on the wire (`<PRI>` + the RFC 3164
 * line), through the receiver's parser and re-emitted as file lines: the sshd decoder must read the
 * relayed lines as it reads the originals, event for event.
 */
const ROOT = resolve(process.cwd(), process.env.DRAWBRIDGE_REAL_DATA ?? '../shared/data/real');
const FILES = ['loghub/OpenSSH_2k.log', 'elastic-integrations/system-auth/test-auth.log', 'elastic-integrations/system-auth/test-secure-rhel7.log'];
/** auth.info: facility 4 × 8 + severity 6. */
const PRI = '<38>';

describe.skipIf(!existsSync(ROOT))('syslog relay of real sshd logs', () => {
  for (const file of FILES) {
    const path = join(ROOT, file);
    it.skipIf(!existsSync(path))(`${file}: relayed lines decode to the same events`, () => {
      const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
      const year = 2015;
      // A receive time late in the sample's year keeps year-less timestamps in that year.
      const received = Date.UTC(year, 11, 31, 23);
      const direct = sshdDecoder.open(file, { defaultYear: year });
      const relayed = sshdDecoder.open(file, { defaultYear: year });
      let compared = 0;
      lines.forEach((line, i) => {
        const ref = { source: file, offset: 0, line: i + 1 };
        const want = direct.line(line, ref);
        const msg = parseSyslogMessage(PRI + line, { received, peer: '127.0.0.1' });
        if ('reject' in msg) {
          expect(isRejection(want), `${file}:${i + 1} rejected on the wire (${msg.reject}) but not as a file line`).toBe(true);
          return;
        }
        const got = relayed.line(toEnvelopeLine(msg), ref);
        expect(isRejection(got), `${file}:${i + 1}`).toBe(isRejection(want));
        if (isRejection(got) || isRejection(want)) return;
        expect(got, `${file}:${i + 1}`).toEqual(want);
        compared += want.length;
      });
      expect(compared).toBeGreaterThan(0);
    });
  }
});
