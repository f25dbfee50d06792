import { appendFileSync, renameSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDetect, type DetectOptions, type DetectProgress, type DetectResult } from '../../src/detect/engine.js';
import { SqliteStateStore } from '../../src/detect/state/sqlite.js';
import type { Alert } from '../../src/model/finding.js';
import { eventually, tempDir } from '../io/sources/helpers.js';
import { ASN, DAY, K3, T0, fileText, intrusion, liveConfig, normalDay } from './live-fixtures.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('detect-follow'));
});
afterEach(() => cleanup());

const dbPath = (): string => join(dir, 'state', 'state.db');
const HOUR = 3_600_000;

/** runDetect following `files` on a SQLite store until stop(); what it emits is collected as it comes. */
function follow(files: string[], more: Partial<DetectOptions> = {}) {
  const ac = new AbortController();
  const alerts: Alert[] = [];
  const progress: DetectProgress[] = [];
  const store = new SqliteStateStore(dbPath());
  const run = runDetect(files, {
    config: liveConfig(join(dir, 'state')),
    store,
    asn: ASN,
    now: T0,
    deadLetter: false,
    follow: true,
    signal: ac.signal,
    pollMs: 20,
    idleAfter: 50,
    onAlert: (a) => void alerts.push(a),
    onProgress: (p) => void progress.push(p),
    ...more,
  });
  const records = (): number => progress.at(-1)?.records ?? 0;
  const stop = async (): Promise<DetectResult> => {
    ac.abort();
    try {
      return await run;
    } finally {
      store.close();
    }
  };
  return { alerts, progress, records, stop, run };
}

/** The committed checkpoint, read through a store of its own (what a restarted process would see). */
function committedCheckpoint(file: string) {
  const s = new SqliteStateStore(dbPath());
  try {
    return s.checkpoint(file);
  } finally {
    s.close();
  }
}

describe('runDetect --follow', () => {
  it('raises an alert for lines appended while following, with a small file sniffed as soon as it is quiet', async () => {
    const file = join(dir, 'auth.log');
    // 12 lines: fewer than a format sniff normally waits for.
    writeFileSync(file, fileText([...normalDay(0), ...normalDay(1)]));
    const f = follow([file]);
    await eventually(() => f.records() === 12, 'the existing lines read');
    expect(f.alerts).toEqual([]);

    appendFileSync(file, fileText(intrusion(T0 + 2 * DAY + HOUR)));
    await eventually(() => f.alerts.length >= 2, 'the alerts of the appended intrusion');
    expect(f.alerts.map((a) => a.rule).sort()).toEqual(['new-source-range', 'unseen-credential']);
    const cred = f.alerts.find((a) => a.rule === 'unseen-credential')!;
    expect(cred.location).toMatchObject({ source: file, offset: statSync(file).size - fileText(intrusion(T0 + 2 * DAY + HOUR)).length });
    expect(cred.evidence).toMatchObject({ src: '203.0.113.66', line: 13 });

    const r = await f.stop();
    expect(r.alerts.map((a) => a.id)).toEqual(f.alerts.map((a) => a.id));
    expect(r.stats).toMatchObject({ records: 14, rejected: 0 });
    const st = statSync(file);
    expect(committedCheckpoint(file)).toMatchObject({ offset: st.size, line: 14, dev: st.dev, ino: st.ino });
  });

  it('hands an alert on only once its batch is committed', async () => {
    const file = join(dir, 'auth.log');
    writeFileSync(file, fileText([...normalDay(0), ...normalDay(1), ...intrusion(T0 + 2 * DAY + HOUR)]));
    const seenCommitted: boolean[] = [];
    const f = follow([file], {
      onAlert: (a) => {
        // A second connection sees only committed rows.
        const other = new SqliteStateStore(dbPath());
        seenCommitted.push(other.alerts().some((x) => x.id === a.id));
        other.close();
      },
    });
    await eventually(() => seenCommitted.length >= 2, 'both alerts');
    await f.stop();
    expect(seenCommitted).toEqual([true, true]);
  });

  it('follows a rename rotation: drains the old file, then reads the new one from its start', async () => {
    const file = join(dir, 'auth.log');
    writeFileSync(file, fileText([...normalDay(0), ...normalDay(1)]));
    const f = follow([file]);
    await eventually(() => f.records() === 12, 'the existing lines read');

    renameSync(file, `${file}.1`);
    // The writer still holds the old file open and finishes its day there.
    appendFileSync(`${file}.1`, fileText(normalDay(1).slice(0, 1).map((e) => ({ ...e, time: e.time + HOUR }))));
    writeFileSync(file, fileText(intrusion(T0 + 2 * DAY + HOUR)));
    await eventually(() => f.alerts.length >= 2, 'the alerts from the new file');
    const cred = f.alerts.find((a) => a.rule === 'unseen-credential')!;
    // Offsets and lines are those of the new file.
    expect(cred.location).toMatchObject({ source: file, offset: 0 });
    expect(cred.evidence).toMatchObject({ line: 1 });

    const r = await f.stop();
    expect(r.stats.records).toBe(12 + 1 + 2);
    const st = statSync(file);
    expect(committedCheckpoint(file)).toMatchObject({ offset: st.size, line: 2, dev: st.dev, ino: st.ino });
    expect(st.ino).not.toBe(statSync(`${file}.1`).ino);
  });

  it('records of a rotated-away file still waiting keep the new file resumable from its start', async () => {
    const file = join(dir, 'auth.log');
    writeFileSync(file, fileText([...normalDay(0), ...normalDay(1)]));
    const committed: ({ offset: number; line: number; ino?: number } | undefined)[] = [];
    // Never idle: day 1's last events wait in the reorder buffer until later event times arrive.
    let records = 0;
    const f = follow([file], {
      idleAfter: 1e9,
      onProgress: (p) => {
        records = p.records;
        committed.push(committedCheckpoint(file));
      },
    });
    await eventually(() => records === 12, 'the first file read');
    const oldIno = statSync(file).ino;
    // Still waiting: the checkpoint stays at the oldest unprocessed record of the old file.
    expect(committed.at(-1)).toMatchObject({ ino: oldIno });
    expect(committed.at(-1)!.offset).toBeLessThan(statSync(file).size);

    renameSync(file, `${file}.1`);
    // Later events move the watermark past the old records and the intrusion.
    writeFileSync(file, fileText([...intrusion(T0 + 2 * DAY + HOUR), ...normalDay(2).map((e) => ({ ...e, time: e.time + 2 * HOUR }))]));
    const newIno = statSync(file).ino;
    await eventually(() => f.alerts.length >= 2, 'the intrusion, released with the old records');
    const r = await f.stop();
    expect(r.stats.records).toBe(20);
    const onNew = committed.filter((c) => c?.ino === newIno);
    // While old records waited, a restart would have read the new file from 0; then it moved past them.
    expect(onNew[0]).toMatchObject({ offset: 0, line: 0 });
    expect(onNew.some((c) => c!.offset > 0)).toBe(true);
    expect(committedCheckpoint(file)).toMatchObject({ ino: newIno, offset: statSync(file).size, line: 8 });
  });

  it('follows a truncation in place (copytruncate) and reads the file again from 0', async () => {
    const file = join(dir, 'auth.log');
    writeFileSync(file, fileText([...normalDay(0), ...normalDay(1)]));
    const ino = statSync(file).ino;
    const f = follow([file]);
    await eventually(() => f.records() === 12, 'the existing lines read');

    truncateSync(file, 0);
    appendFileSync(file, fileText(intrusion(T0 + 2 * DAY + HOUR)));
    await eventually(() => f.alerts.length >= 2, 'the alerts after the truncation');
    expect(f.alerts.find((a) => a.rule === 'unseen-credential')!.location).toMatchObject({ offset: 0 });

    await f.stop();
    expect(statSync(file).ino).toBe(ino);
    expect(committedCheckpoint(file)).toMatchObject({ offset: statSync(file).size, line: 2, ino });
  });

  it('stops on abort with its state committed; a restart continues from there and repeats nothing', async () => {
    const file = join(dir, 'auth.log');
    writeFileSync(file, fileText([...normalDay(0), ...normalDay(1), ...intrusion(T0 + 2 * DAY + HOUR)]));
    const first = follow([file]);
    await eventually(() => first.alerts.length >= 2, 'the first intrusion');
    const r1 = await first.stop();

    // Written while nothing runs: a day, then a second stranger (another user and key).
    appendFileSync(file, fileText([...normalDay(3), ...intrusion(T0 + 3 * DAY + HOUR, '203.0.113.99', 'carol', K3)]));
    const second = follow([file]);
    await eventually(() => second.alerts.length >= 1, 'the second intrusion');
    const r2 = await second.stop();

    // Only the new lines were read, and no alert of the first run came again.
    expect(r2.stats.records).toBe(8);
    const firstIds = new Set(r1.alerts.map((a) => a.id));
    expect(r2.alerts.filter((a) => firstIds.has(a.id))).toEqual([]);
    expect(r2.alerts.map((a) => [a.rule, a.asset])).toContainEqual(['unseen-credential', 'carol@web1']);
    const all = new SqliteStateStore(dbPath());
    expect(all.alerts().map((a) => a.id).sort()).toEqual([...r1.alerts, ...r2.alerts].map((a) => a.id).sort());
    all.close();
  });

  it('a file replaced while stopped is read from its start (its checkpoint names the old inode)', async () => {
    const file = join(dir, 'auth.log');
    writeFileSync(file, fileText([...normalDay(0), ...normalDay(1)]));
    const first = follow([file]);
    await eventually(() => first.records() === 12, 'the first file');
    await first.stop();

    renameSync(file, `${file}.1`);
    const later = (day: number) => normalDay(day).map((e) => ({ ...e, time: e.time + HOUR }));
    // The new file is longer than the old checkpoint: only the inode tells it is another file.
    writeFileSync(file, fileText([...normalDay(2), ...later(2), ...normalDay(3), ...intrusion(T0 + 3 * DAY + 2 * HOUR)]));
    expect(statSync(file).size).toBeGreaterThan(committedCheckpoint(file)!.offset);
    const second = follow([file]);
    await eventually(() => second.alerts.length >= 2, 'the intrusion in the new file');
    const r = await second.stop();
    expect(r.stats.records).toBe(20);

    // A one-shot run honours the inode too.
    renameSync(file, `${file}.2`);
    writeFileSync(file, fileText([...normalDay(4), ...later(4), ...normalDay(5), ...later(5)]));
    expect(statSync(file).size).toBeGreaterThan(committedCheckpoint(file)!.offset);
    const store = new SqliteStateStore(dbPath());
    const once = await runDetect([file], { config: liveConfig(join(dir, 'state')), store, asn: ASN, now: T0, deadLetter: false });
    store.close();
    expect(once.stats.records).toBe(24);
  });

  it('a quiet file stops holding the watermark back, so another file’s alert still arrives', async () => {
    const busy = join(dir, 'busy.log');
    const quiet = join(dir, 'quiet.log');
    writeFileSync(busy, fileText([...normalDay(0), ...normalDay(1)]));
    // Its last event is days behind: without the idle rule, nothing after it could ever be released.
    writeFileSync(quiet, fileText(normalDay(0).map((e) => ({ ...e, host: 'web2' }))));
    const f = follow([busy, quiet]);
    await eventually(() => f.records() === 18, 'both files read');
    appendFileSync(busy, fileText(intrusion(T0 + 2 * DAY + HOUR)));
    await eventually(() => f.alerts.length >= 2, 'the busy file’s alerts');
    expect(f.alerts.map((a) => (a.location as { source?: string }).source)).toEqual([busy, busy]);
    const r = await f.stop();
    // (Whether the quiet file's own lines came in before it was judged idle depends on the machine's
    // speed, so late events are not asserted here.)
    expect(r.stats).toMatchObject({ records: 20, rejected: 0 });
  });

  it('a one-shot run reports alerts and progress through the hooks as well', async () => {
    const file = join(dir, 'auth.log');
    writeFileSync(file, fileText([...normalDay(0), ...normalDay(1), ...intrusion(T0 + 2 * DAY + HOUR)]));
    const alerts: Alert[] = [];
    const progress: DetectProgress[] = [];
    const store = new SqliteStateStore(dbPath());
    const r = await runDetect([file], {
      config: liveConfig(join(dir, 'state')),
      store,
      asn: ASN,
      now: T0,
      deadLetter: false,
      chunkSize: 256,
      onAlert: (a) => void alerts.push(a),
      onProgress: (p) => void progress.push(p),
    });
    store.close();
    expect(alerts.map((a) => a.id)).toEqual(r.alerts.map((a) => a.id));
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.at(-1)).toMatchObject({ records: 14, alerts: 2 });
    // Records and the watermark only move forward.
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]!.records).toBeGreaterThanOrEqual(progress[i - 1]!.records);
      expect(progress[i]!.watermark).toBeGreaterThanOrEqual(progress[i - 1]!.watermark);
    }
  });
});
