/**
 * The SQLite store against the in-memory store as a model: random sequences of every state call, in
 * transactions of random length, with the working set trimmed to a few keys and the file reopened
 * now and then, must answer every call as the model does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../src/detect/state/memory.js';
import { SqliteStateStore } from '../../../src/detect/state/sqlite.js';
import type { StateStore } from '../../../src/detect/state/types.js';

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-sqlite-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ns = fc.constantFrom('a', 'b.range');
const key = fc.constantFrom('k1', 'a-rather-longer-key-than-thirteen', 'x\u0000y');
// Small ranges, so equal times and exact expiries come up often.
const time = fc.integer({ min: 0, max: 60 });
const ttl = fc.integer({ min: 0, max: 30 });

type Op =
  | { op: 'seen'; ns: string; key: string; time: number; expire: number | undefined }
  | { op: 'peek'; ns: string; key: string }
  | { op: 'mark'; ns: string; key: string; time: number; ttl: number }
  | { op: 'marked'; ns: string; key: string; time: number }
  | { op: 'setCell'; ns: string; key: string; time: number; ttl: number; values: number[] }
  | { op: 'cell'; ns: string; key: string; time: number }
  | { op: 'count'; ns: string; key: string; time: number; window: number }
  | { op: 'forget'; ns: string; key: string }
  | { op: 'putEntry'; ns: string; key: string; first: number; last: number }
  | { op: 'prune'; time: number }
  | { op: 'commit' }
  | { op: 'reopen' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('seen' as const), ns, key, time, expire: fc.option(ttl, { nil: undefined }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('peek' as const), ns, key }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('mark' as const), ns, key, time, ttl }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('marked' as const), ns, key, time }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('setCell' as const), ns, key, time, ttl, values: fc.array(fc.integer({ min: -5, max: 1e9 }), { maxLength: 4 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('cell' as const), ns, key, time }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('count' as const), ns, key, time, window: ttl }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('forget' as const), ns, key }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('putEntry' as const), ns, key, first: time, last: time }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('prune' as const), time }) },
  { weight: 3, arbitrary: fc.constant({ op: 'commit' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reopen' as const }) },
);

/** Apply one state call; what it answers. */
function apply(s: StateStore, o: Op): unknown {
  switch (o.op) {
    case 'seen':
      return s.seen(o.ns, o.key, o.time, o.expire);
    case 'peek':
      return s.peek(o.ns, o.key);
    case 'mark':
      return s.mark(o.ns, o.key, o.time, o.ttl);
    case 'marked':
      return s.marked(o.ns, o.key, o.time);
    case 'setCell':
      return s.setCell(o.ns, o.key, o.time, o.ttl, o.values);
    case 'cell':
      return s.cell(o.ns, o.key, o.time);
    case 'count':
      return s.count(o.ns, o.key, o.time, o.window);
    case 'forget':
      return s.forget(o.ns, o.key);
    case 'putEntry':
      return s.putEntry({ ns: o.ns, key: o.key, first: Math.min(o.first, o.last), last: Math.max(o.first, o.last) });
    case 'prune':
      return s.prune(o.time);
    default:
      return undefined;
  }
}

describe('SQLite store against the in-memory model', () => {
  it('answers every call alike across transactions, trims of its working set and reopenings', () => {
    let n = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 40, maxLength: 160 }), fc.integer({ min: 1, max: 6 }), (ops, maxCached) => {
        const path = join(dir, `m-${n++}.db`);
        const model = new MemoryStateStore();
        let store = new SqliteStateStore(path, { maxCached });
        try {
          // Calls between commits run in one transaction, as the engine's batches do.
          let batch: Op[] = [];
          const run = (): void => {
            const got = store.transaction(() => batch.map((o) => apply(store, o)));
            expect(got).toEqual(batch.map((o) => apply(model, o)));
            batch = [];
          };
          for (const o of ops) {
            if (o.op === 'commit') run();
            else if (o.op === 'reopen') {
              run();
              store.close();
              store = new SqliteStateStore(path, { maxCached });
            } else batch.push(o);
          }
          run();
          expect(store.entries()).toEqual(model.entries());
        } finally {
          store.close();
        }
      }),
      { numRuns: 100 },
    );
  });
});
