import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeInputs, eventRecord, type DecodedEvent } from '../../src/detect/decode-only.js';
import { ROOT, runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-decode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FP = 'SHA256:q7cVfzX0m3QhOqT3c1m3vVvQ0l2bZ1pG1bq8c9Yw4eE';
const AUTH = [
  `Dec 10 08:00:00 bastion sshd[811]: Accepted publickey for alice from 198.51.100.7 port 53211 ssh2: ED25519 ${FP}`,
  'Dec 10 08:00:01 bastion sshd[811]: pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)',
  'Dec 10 08:00:02 bastion sshd[812]: Received disconnect from 203.0.113.9 port 4000:11: Bye [preauth]',
  'Dec 10 08:00:03 bastion CRON[900]: (root) CMD (run-parts /etc/cron.hourly)',
  'this line is no syslog at all',
].join('\n') + '\n';

describe('drawbridge decode', () => {
  it('prints one JSON object per event with kind, time, source and offset; the summary goes to stderr', () => {
    const file = join(dir, 'auth.log');
    writeFileSync(file, AUTH);
    // Written on 11 December 2025: "Dec 10" is the day before, not a date in the future.
    const mtime = new Date('2025-12-11T00:00:00Z');
    utimesSync(file, mtime, mtime);
    const r = runCli(['decode', file]);
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events[0]).toMatchObject({ kind: 'auth', time: '2025-12-10T08:00:00.000Z', source: file, offset: 0, line: 1, format: 'sshd', user: 'alice', src: '198.51.100.7', credential: FP });
    for (const e of events) expect(Object.keys(e).slice(0, 4)).toEqual(['kind', 'time', 'source', 'offset']);
    expect(r.stderr).toMatch(new RegExp(`${file}: sshd: 5 records read, \\d+ decoded \\(\\d+ events\\), \\d+ irrelevant, 1 rejected`));
    expect(r.stderr).toContain('1 × not a syslog (RFC 3164/3339/5424) or journald JSON line (first at line 5, offset');
  });

  it('reads standard input and honours --input-format and --fields', () => {
    const flow = '2 123456789010 eni-0a1b2c3d 198.51.100.7 10.0.1.5 49152 22 6 10 840 1700000000 1700000060 ACCEPT OK\n';
    const r = runCli(['decode', '-', '--input-format', 'aws-vpc-flow'], { input: flow });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ kind: 'flow', source: '-', offset: 0, format: 'aws-vpc-flow', src: '198.51.100.7', dstPort: 22, action: 'accept' });
    const custom = runCli(['decode', '-', '--input-format', 'aws-vpc-flow', '--fields', 'srcaddr dstaddr srcport dstport protocol action start end'], {
      input: '198.51.100.8 10.0.1.5 40000 2376 6 ACCEPT 1700000000 1700000060\n',
    });
    expect(JSON.parse(custom.stdout.trim())).toMatchObject({ src: '198.51.100.8', dstPort: 2376 });
  });

  it('an input in no known format is exit 2 naming --input-format; the others are still decoded', () => {
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'shopping list\n');
    const r = runCli(['decode', notes, join(ROOT, 'samples/logs/auth.log')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${notes}: format not recognised: `);
    expect(r.stderr).toContain('--input-format (one of sshd,');
    expect(r.stdout.split('\n').length).toBeGreaterThan(100);
  });

  it('gives the events detect reads: every line of the bundled log is accounted for', async () => {
    const events: DecodedEvent[] = [];
    const [s] = await decodeInputs([join(ROOT, 'samples/logs/auth.log')], { onEvent: (e) => events.push(e) });
    const lines = readFileSync(join(ROOT, 'samples/logs/auth.log'), 'utf8').trim().split('\n').length;
    expect(s!.records).toBe(lines);
    expect(s!.decoded + s!.irrelevant + s!.rejected).toBe(lines);
    expect(s!.events).toBe(events.length);
    expect(events.every((e) => eventRecord(e).format === 'sshd')).toBe(true);
  });
});
