/**
 * kill -9 at random points of `detect --sink jsonl:FILE` over a growing log (a part is appended before
 * each run, so every run has work to be killed in), then a run to the end: the union of what the sink
 * file received must hold every alert id an uninterrupted run over the whole log writes. Alerts
 * are owed to the sink in the state store's outbox from the transaction that keeps them, so a kill between
 * the commit and the write repeats a delivery rather than losing it. DRAWBRIDGE_KILLS sets the number of
 * kills (default 20).
 */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY, T0, fileText, intrusion, normalDay } from '../detect/live-fixtures.js';
import { startCli, type CliProcess } from './cli-process.js';

const KILLS = Number(process.env.DRAWBRIDGE_KILLS ?? 20);
/** Intrusions in the generated log: two alerts each (a new key for the user, a new source range). */
const INTRUSIONS = 120;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'drb-kill-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A learning day, then days of routine logins (padding, so a run spans several batches) each with one
 * stranger, cut into `n` parts of whole days.
 */
function logParts(n: number): string[] {
  const days = [fileText(normalDay(0))];
  for (let d = 1; d <= INTRUSIONS; d++) {
    const routine = [];
    for (let k = 0; k < 40; k++) routine.push(...normalDay(d).map((e) => ({ ...e, time: e.time + k * 1000 })));
    const key = `SHA256:${String(d).padStart(4, '0')}strangerkeyZZZZZZZZZZZZZZZZZZZZZZZZZZZZ`;
    days.push(fileText(routine) + fileText(intrusion(T0 + d * DAY + 3_600_000, `198.18.${d}.66`, `user${d}`, key)));
  }
  const per = Math.ceil(days.length / n);
  return Array.from({ length: n }, (_, i) => days.slice(i * per, (i + 1) * per).join(''));
}

/** Ids in a JSONL sink file, and how many lines a kill cut short. */
function sinkIds(path: string): { ids: Set<string>; cut: number; lines: number } {
  const ids = new Set<string>();
  let cut = 0;
  let lines = 0;
  for (const line of existsSync(path) ? readFileSync(path, 'utf8').split('\n') : []) {
    if (line === '') continue;
    lines++;
    try {
      ids.add((JSON.parse(line) as { id: string }).id);
    } catch {
      cut++;
    }
  }
  return { ids, cut, lines };
}

/** Deterministic delays (the kill points still vary with the machine's speed). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves once the child holds the state folder's lock (its pipeline is about to run), or has exited. */
async function running(p: CliProcess, state: string): Promise<boolean> {
  let exited = false;
  void p.exit.then(() => (exited = true));
  const lock = join(state, 'drawbridge.lock');
  for (;;) {
    if (exited) return false;
    try {
      if (readFileSync(lock, 'utf8').trim() === String(p.child.pid)) return true;
    } catch {
      // Not there yet.
    }
    await sleep(10);
  }
}

describe('detect --sink under kill -9', () => {
  it(`${KILLS} kills at random points: the sink's output holds every alert of an uninterrupted run`, async () => {
    const parts = logParts(KILLS + 1);
    /**
     * Each run works in a folder of its own on `auth.log`, `state` and `out.jsonl` there: alert ids name
     * the log as given, so runs in different folders raise the same ids for the same lines.
     */
    const folder = (name: string): string => {
      const f = join(dir, name);
      mkdirSync(f);
      writeFileSync(join(f, 'drawbridge.yaml'), 'detect:\n  learningPeriod: 1d\n');
      return f;
    };
    const detect = (cwd: string): CliProcess => startCli(['detect', 'auth.log', '--state-dir', 'state', '--sink', 'jsonl:out.jsonl', '--format', 'json'], cwd);

    // One part's run, timed from taking the state folder to its exit: the span the kills fall in.
    const timing = folder('timing');
    writeFileSync(join(timing, 'auth.log'), parts[0]!);
    const timed = detect(timing);
    expect(await running(timed, join(timing, 'state'))).toBe(true);
    const began = Date.now();
    await timed.exit;
    const runMs = Date.now() - began;

    // The uninterrupted run over the whole log.
    const whole = folder('whole');
    writeFileSync(join(whole, 'auth.log'), parts.join(''));
    const base = detect(whole);
    expect(await base.exit, base.stderr()).toBe(1);
    const expected = sinkIds(join(whole, 'out.jsonl'));
    expect(expected.ids.size).toBe(2 * INTRUSIONS);
    expect(expected.lines).toBe(2 * INTRUSIONS);

    const killedRuns = folder('killed');
    const rnd = random(20261207);
    let killed = 0;
    const delays: number[] = [];
    for (let i = 0; i < KILLS; i++) {
      appendFileSync(join(killedRuns, 'auth.log'), parts[i]!);
      const p = detect(killedRuns);
      if (await running(p, join(killedRuns, 'state'))) {
        const delay = Math.floor(rnd() * runMs * 1.2);
        delays.push(delay);
        await sleep(delay);
        if (p.child.kill('SIGKILL')) killed++;
      }
      await p.exit;
    }
    appendFileSync(join(killedRuns, 'auth.log'), parts[KILLS]!);
    const last = detect(killedRuns);
    const code = await last.exit;
    expect([0, 1], last.stderr()).toContain(code);

    const got = sinkIds(join(killedRuns, 'out.jsonl'));
    const missing = [...expected.ids].filter((id) => !got.ids.has(id));
    expect(missing, `kills after ${delays.join(', ')} ms of a ${runMs} ms run`).toEqual([]);
    expect([...got.ids].sort()).toEqual([...expected.ids].sort());
    // Most kills landed while the run was going (a few may come after a quick run had ended).
    expect(killed).toBeGreaterThan(KILLS / 2);
  }, 900_000);
});
