import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.js';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-cli-baseline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) => runCli(args);

const K1 = 'SHA256:AAAAalicekeyoneAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const K2 = 'SHA256:ZZZZstrangerkeyZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ';
const login = (iso: string, user: string, src: string, key: string): string =>
  `${iso}+00:00 web1 sshd-session[2211]: Accepted publickey for ${user} from ${src} port 40022 ssh2: ED25519 ${key}`;

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

interface Row {
  detector: string;
  key: string;
  first: string;
  last?: string;
  approved: boolean;
}
const list = (state: string, ...more: string[]): Row[] =>
  (JSON.parse(run(['baseline', 'list', '--state-dir', state, '--format', 'json', ...more]).stdout) as { baseline: Row[] }).baseline;

describe('drawbridge learn / baseline', () => {
  const state = join(dir, 'state');
  const history = file('history.log', [login('2025-03-04T08:00:00', 'alice', '198.51.100.10', K1), login('2025-03-05T08:00:00', 'bob', '198.51.100.11', K2)].join('\n') + '\n');

  it('learn fills the baseline without alerting; detect then alerts only on what was not learned', () => {
    const r = run(['learn', history, '--state-dir', state]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('learned 2 events from 2 records (0 rejected); baseline entries: unseen-credential 2, new-source-range 1\n');
    expect(list(state).map((x) => [x.detector, x.key, x.first, x.last])).toEqual([
      ['unseen-credential', `alice@web1=key:${K1}`, '2025-03-04T08:00:00.000Z', '2025-03-04T08:00:00.000Z'],
      ['unseen-credential', `bob@web1=key:${K2}`, '2025-03-05T08:00:00.000Z', '2025-03-05T08:00:00.000Z'],
      ['new-source-range', 'web1:22=198.51.100.0/24', '2025-03-04T08:00:00.000Z', '2025-03-05T08:00:00.000Z'],
    ]);
    const today = file('today.log', [login('2025-03-06T08:00:00', 'alice', '198.51.100.10', K1), login('2025-03-06T09:00:00', 'alice', '198.51.100.10', K2)].join('\n') + '\n');
    const d = run(['detect', today, '--state-dir', state, '--format', 'json']);
    const alerts = (JSON.parse(d.stdout) as { alerts: { rule: string; asset: string; evidence: { credential: string } }[] }).alerts;
    expect(alerts.map((a) => [a.rule, a.asset, a.evidence.credential])).toEqual([['unseen-credential', 'alice@web1', K2]]);
  });

  it('list filters by detector and prints a table', () => {
    expect(list(state, '--detector', 'new-source-range').map((x) => x.key)).toEqual(['web1:22=198.51.100.0/24']);
    const t = run(['baseline', 'list', '--state-dir', state, '--format', 'table', '--detector', 'new-source-range']);
    expect(t.code).toBe(0);
    expect(t.stdout.split('\n')[0]).toMatch(/^DETECTOR\s+KEY\s+FIRST SEEN\s+LAST SEEN$/);
    expect(t.stdout).toContain('new-source-range  web1:22=198.51.100.0/24  2025-03-04T08:00:00.000Z  2025-03-06T09:00:00.000Z');
    expect(run(['baseline', 'list', '--state-dir', state, '--format', 'sarif']).code).toBe(2);
  });

  it('approve adds keys that show as approved; a malformed key exits 2 naming it and changes nothing', () => {
    const ok = run(['baseline', 'approve', '--state-dir', state, '--detector', 'new-source-range', 'web1:22=203.0.112.0/23']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('approved 2 new-source-range entries\n');
    // A range wider than the detector's is split, and the user is told so.
    expect(ok.stderr).toBe('drawbridge: 203.0.112.0/23 becomes two /24s (203.0.112.0/24, 203.0.113.0/24), the ranges the detector compares\n');
    const one = run(['baseline', 'approve', '--state-dir', join(dir, 'narrow'), '--detector', 'new-source-range', 'web1:22=198.51.100.7', 'web1:22=192.0.2.0/24']);
    expect(one.stderr).toBe('drawbridge: 198.51.100.7 is kept as 198.51.100.0/24, the range the detector compares\n');
    expect(list(state, '--detector', 'new-source-range').filter((x) => x.approved).map((x) => x.key)).toEqual(['web1:22=203.0.112.0/24', 'web1:22=203.0.113.0/24']);
    const bad = run(['baseline', 'approve', '--state-dir', state, '--detector', 'unseen-credential', `carol@web1=${K1}`, 'carol-web1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"carol-web1": expected USER@HOST=CREDENTIAL');
    expect(list(state, '--detector', 'unseen-credential').map((x) => x.key)).not.toContain(`carol@web1=key:${K1}`);
    expect(run(['baseline', 'approve', '--state-dir', state, 'x@y=key:z']).code).toBe(2); // --detector is required
  });

  it('the help text documents the key syntax of each detector', () => {
    const h = run(['baseline', 'approve', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('unseen-credential: USER@HOST=CREDENTIAL');
    expect(h.stdout).toContain('new-source-range: HOST:PORT=RANGE');
  });

  it('export writes versioned JSON lines that import restores in another state dir', () => {
    const out = join(dir, 'baseline.jsonl');
    expect(run(['baseline', 'export', out, '--state-dir', state]).code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'drawbridge-baseline', version: 1 });
    expect(lines).toHaveLength(7);
    const other = join(dir, 'other');
    const r = run(['baseline', 'import', out, '--state-dir', other]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('imported 6 entries: 6 new, 0 merged\n');
    expect(list(other)).toEqual(list(state));
  });

  it('import rejects a bad file naming line and field, and imports nothing', () => {
    const bad = file(
      'bad.jsonl',
      [
        '{"format":"drawbridge-baseline","version":1,"exportedAt":"2025-03-04T00:00:00.000Z"}',
        '{"detector":"x","ns":"ds0029.range","key":"h:22\\u00001.2.3.0/24","first":"2025-03-04T00:00:00.000Z","last":"2025-03-05T00:00:00.000Z","approved":false}',
        '{"detector":"x","ns":"ds0029.range","key":"h:22\\u00001.2.4.0/24","first":"2025-03-04T00:00:00.000Z","approved":"yes"}',
      ].join('\n') + '\n',
    );
    const target = join(dir, 'untouched');
    const r = run(['baseline', 'import', bad, '--state-dir', target]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:3: approved:`);
    expect(r.stderr).toContain('nothing imported');
    expect(list(target)).toEqual([]);
  });

  it('forget removes keys (exit 1 for keys not there) and --older-than ages out, keeping approvals', () => {
    const f = run(['baseline', 'forget', '--state-dir', state, '--detector', 'unseen-credential', `bob@web1=${K2}`, `nobody@web1=${K2}`]);
    expect(f.code).toBe(1);
    expect(f.stdout).toBe('forgot 1 entry\n');
    expect(f.stderr).toContain(`not in the baseline: nobody@web1=${K2}`);
    const aged = run(['baseline', 'forget', '--state-dir', state, '--older-than', '30d', '--as-of', '2025-04-06T00:00:00Z']);
    expect(aged.code).toBe(0);
    expect(aged.stdout).toBe('forgot 3 entries\n'); // cutoff 2025-03-07: alice's two keys (K2 learned by detect) and the range
    expect(list(state).map((x) => [x.key, x.approved])).toEqual([
      ['web1:22=203.0.112.0/24', true],
      ['web1:22=203.0.113.0/24', true],
    ]);
    expect(run(['baseline', 'forget', '--state-dir', state]).code).toBe(2);
    expect(run(['baseline', 'forget', '--state-dir', state, '--older-than', 'a month']).code).toBe(2);
  });
});
