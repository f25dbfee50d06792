/**
 * Decoding on a second core: a file read once can be read, split and decoded by a worker thread
 * (decode-worker-thread.ts) while the main thread runs the later stages — ordering, detectors, the state
 * store, commits — which stay in one place, so results are those of one thread.
 *
 * The worker recognises the format from the same first lines with the same sniff as the decode stage, so
 * both pick the same decoder; the stage then takes the worker's result for each line (`preDecoded`)
 * instead of decoding it again. Should they ever pick differently, the stage decodes the lines itself.
 */
import { Worker } from 'node:worker_threads';
import type { Checkpoint } from '../../io/sources/checkpoint.js';
import type { Line } from '../../io/sources/lines.js';
import type { SourceRead, SourceReader } from '../../io/sources/readers.js';
import type { RecordRef } from '../../model/event.js';
import type { DecodeContext, DecodeResult, RecordDecoder } from '../types.js';

export interface DecodeWorkerData {
  path: string;
  /** Names the source in event references. */
  name: string;
  from?: Checkpoint;
  chunkSize?: number;
  /** The format named for the source (otherwise sniffed). */
  decoderId?: string;
  /** The decode context of the run (what is not a function: the worker finds the file's reference time itself). */
  ctx: WorkerDecodeContext;
  now?: number;
}

export type WorkerDecodeContext = Omit<DecodeContext, 'referenceTime'> & { defaultYear: number };

export interface WorkerBatch {
  lines: Line[];
  /** One result per line that is not truncated, in order, once the format is known. */
  results: DecodeResult[];
  position: Checkpoint;
  done: boolean;
  decoderId?: string;
  /** What the worker's decoder gave at the end of the file. */
  flushed?: DecodeResult;
}

/** Start the worker's module, next to this one: compiled .js, or .ts when run from source (then through tsx). */
function startWorker(data: DecodeWorkerData): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./decode-worker-thread.js', import.meta.url), { workerData: data });
  const entry = new URL('./decode-worker-thread.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData: data });
}

/** A file reader whose lines arrive decoded by a worker thread. */
export class WorkerDecodedFile implements SourceReader {
  readonly live = false;
  private readonly worker: Worker;
  private readonly batches: (WorkerBatch | { error: string })[] = [];
  private waiting?: () => void;
  private at: Checkpoint;
  private closed = false;
  /** The last batch has arrived. */
  private finished = false;
  /** Results not yet taken by the decode stage, oldest first. */
  private results: DecodeResult[] = [];
  private next = 0;
  private decoderId?: string;
  private flushed?: DecodeResult;

  constructor(data: DecodeWorkerData) {
    this.at = data.from ?? { offset: 0, line: 0 };
    this.worker = startWorker(data);
    this.worker.on('message', (m: WorkerBatch | { error: string }) => this.arrive(m));
    this.worker.on('error', (e) => this.arrive({ error: e.message }));
    // A worker gone before its last batch (killed, crashed) must not leave a read waiting forever.
    this.worker.on('exit', (code) => {
      if (!this.closed && !this.finished) this.arrive({ error: `exited (code ${code}) before the end of the file` });
    });
  }

  private arrive(m: WorkerBatch | { error: string }): void {
    if ('done' in m && m.done) this.finished = true;
    this.batches.push(m);
    this.waiting?.();
  }

  async read(): Promise<SourceRead> {
    while (this.batches.length === 0) await new Promise<void>((ok) => (this.waiting = ok));
    this.waiting = undefined;
    const m = this.batches.shift()!;
    if ('error' in m) throw new Error(`decode worker: ${m.error}`);
    if (!m.done) this.worker.postMessage('more');
    this.at = m.position;
    if (m.decoderId !== undefined) this.decoderId = m.decoderId;
    if (this.next > 4096 && this.next * 2 > this.results.length) {
      this.results = this.results.slice(this.next);
      this.next = 0;
    }
    for (const r of m.results) this.results.push(r);
    if (m.done) this.flushed = m.flushed;
    return { lines: m.lines, done: m.done };
  }

  position(): Checkpoint {
    return this.at;
  }

  /** The decoder to use when the decode stage chose `decoderId`: the worker's results, line by line. */
  preDecoded(decoderId: string): RecordDecoder | undefined {
    if (decoderId !== this.decoderId) return undefined;
    return {
      line: (_text: string, ref: RecordRef): DecodeResult => {
        const r = this.results[this.next];
        if (r === undefined) return { reject: `decode worker: no result for line ${ref.line}` };
        this.results[this.next++] = [];
        return r;
      },
      end: (): DecodeResult => this.flushed ?? [],
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.terminate();
  }
}
