/**
 * A synchronous Redis connection: a worker thread owns an ioredis client and the calling thread blocks
 * (Atomics.wait) until the reply is posted, then takes it with receiveMessageOnPort.
 *
 * Why: detectors are pure synchronous transitions over a synchronous StateStore (SQLite, through
 * better-sqlite3, is synchronous too). Blocking on a loopback or LAN round trip keeps one detector code
 * path for every store; the Redis store keeps round trips to reads it has not cached in the current
 * transaction, and sends each transaction's writes as one MULTI/EXEC.
 */
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

export type RedisArg = string | number;
export type RedisReply = null | number | string | RedisReply[];

export type BridgeOp =
  | { type: 'connect' }
  | { type: 'call'; args: RedisArg[] }
  /** Commands sent as MULTI … EXEC: applied together or not at all. */
  | { type: 'multi'; cmds: RedisArg[][] }
  /** Commands sent in one round trip, each on its own (no atomicity). */
  | { type: 'pipeline'; cmds: RedisArg[][] }
  /** Every key matching a glob pattern (SCAN, so the server is never blocked by KEYS). */
  | { type: 'scan'; match: string }
  | { type: 'quit' };

interface Reply {
  id: number;
  ok: boolean;
  value?: RedisReply;
  error?: string;
}

// Plain JavaScript, run with eval so it works the same from sources (tsx, vitest) and from dist/.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const ioredis = require(workerData.ioredis);
const Redis = ioredis.Redis || ioredis.default;
const flag = new Int32Array(workerData.flag);
const port = workerData.port;
const redis = new Redis(workerData.url, {
  lazyConnect: true,
  protocol: 2, // RESP2: flat replies of one shape on every server version (RESP3 nests WITHSCORES pairs)
  maxRetriesPerRequest: 1,
  connectTimeout: workerData.timeout,
  retryStrategy: (times) => (times > 3 ? null : times * 100),
});
redis.on('error', () => {}); // every failure reaches the caller through its command
// ioredis looks batch commands up as methods, by lower-case name.
const lower = (cmds) => cmds.map(([name, ...args]) => [String(name).toLowerCase(), ...args]);
function check(results) {
  if (!results) throw new Error('transaction aborted');
  return results.map(([err, value]) => { if (err) throw err; return value; });
}
async function run(op) {
  switch (op.type) {
    case 'connect': await redis.connect(); return null;
    case 'call': return await redis.call(String(op.args[0]), ...op.args.slice(1));
    case 'multi': return op.cmds.length === 0 ? [] : check(await redis.multi(lower(op.cmds)).exec());
    case 'pipeline': return op.cmds.length === 0 ? [] : check(await redis.pipeline(lower(op.cmds)).exec());
    case 'scan': {
      const keys = [];
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', op.match, 'COUNT', 1000);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      return keys;
    }
    case 'quit': await redis.quit().catch(() => redis.disconnect()); return null;
    default: throw new Error('unknown op ' + op.type);
  }
}
parentPort.on('message', async (m) => {
  let reply;
  try { reply = { id: m.id, ok: true, value: await run(m.op) }; }
  catch (e) { reply = { id: m.id, ok: false, error: String((e && e.message) || e) }; }
  port.postMessage(reply);
  Atomics.store(flag, 0, m.id);
  Atomics.notify(flag, 0);
});
`;

export class RedisBridgeError extends Error {}

export class SyncRedis {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private seq = 0;
  private closed = false;

  /** Connects before returning; throws when the server cannot be reached within `timeoutMs`. */
  constructor(
    readonly url: string,
    private readonly timeoutMs = 10_000,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { url, timeout: timeoutMs, flag: this.flag.buffer, port: port2, ioredis: createRequire(import.meta.url).resolve('ioredis') },
      transferList: [port2],
    });
    // The worker must not keep a process alive that forgot to close the store.
    this.worker.unref();
    try {
      this.run({ type: 'connect' });
    } catch (e) {
      this.close();
      throw e;
    }
  }

  run(op: BridgeOp): RedisReply {
    if (this.closed) throw new RedisBridgeError('redis connection is closed');
    const id = ++this.seq;
    Atomics.store(this.flag, 0, 0);
    this.worker.postMessage({ id, op });
    const deadline = Date.now() + this.timeoutMs + 1000;
    for (;;) {
      const got = receiveMessageOnPort(this.port)?.message as Reply | undefined;
      if (got && got.id === id) {
        if (!got.ok) throw new RedisBridgeError(`redis ${this.url}: ${op.type === 'call' ? `${String(op.args[0])}: ` : ''}${got.error ?? 'failed'}`);
        return got.value ?? null;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new RedisBridgeError(`redis ${this.url}: no answer within ${this.timeoutMs} ms`);
      Atomics.wait(this.flag, 0, 0, left);
    }
  }

  close(): void {
    if (this.closed) return;
    try {
      this.run({ type: 'quit' });
    } catch {
      // Closing a connection that never opened or already broke: nothing left to release but the thread.
    }
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }
}
