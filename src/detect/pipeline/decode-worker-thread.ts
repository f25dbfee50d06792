/**
 * A decode worker (see decode-worker.ts): reads one file, splits it into lines, recognises its format
 * as the decode stage does (the first lines, the same sniff) and decodes every line, then hands the lines
 * and their results to the main thread in batches, a few batches ahead of it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Line } from '../../io/sources/lines.js';
import { onceFileReader } from '../../io/sources/readers.js';
import { decoderById, sniffFormat } from '../decoders/index.js';
import { enoughToSniff, sniffSample, stripBom } from '../sniff-sample.js';
import type { DecodeResult, RecordDecoder } from '../types.js';
import { yearReference } from '../year-reference.js';
import { SNIFF_LINES } from './decode.js';
import type { DecodeWorkerData, WorkerBatch } from './decode-worker.js';

/** Lines per message: enough to make a message cheap against what it carries. */
const BATCH_LINES = 4096;
/** Batches sent ahead of what the main thread has asked for. */
const AHEAD = 2;

const data = workerData as DecodeWorkerData;
const port = parentPort!;
const reader = onceFileReader(data.path, data.from, data.chunkSize);
const ctx = { ...data.ctx, referenceTime: yearReference(data.path, { now: data.now }) };

let credits = AHEAD;
let wake: (() => void) | undefined;
port.on('message', () => {
  credits++;
  wake?.();
});

let decoder: RecordDecoder | undefined;
let decoderId: string | undefined;
/** Lines read before the format is known. */
let held: Line[] = [];
let unknown = false;

/** One line as the decode stage decodes it (truncated lines are rejected there, never decoded). */
function decodeLine(line: Line): DecodeResult {
  try {
    return decoder!.line(line.line === 1 && line.offset === 0 ? stripBom(line.text) : line.text, { source: data.name, offset: line.offset, line: line.line });
  } catch (e) {
    return { reject: `decoder ${decoderId} failed: ${(e as Error).message}` };
  }
}

/** Decide the format once enough lines (or all of them) are there; returns the lines now decodable. */
function settle(lines: Line[], final: boolean): Line[] {
  if (decoder || unknown) return lines;
  for (const l of lines) held.push(l);
  if (!final && !enoughToSniff(held, SNIFF_LINES) && data.decoderId === undefined) return [];
  const chosen = data.decoderId !== undefined ? decoderById(data.decoderId) : sniffFormat(sniffSample(held, SNIFF_LINES))?.decoder;
  const out = held;
  held = [];
  if (!chosen) unknown = true;
  else {
    decoder = chosen.open(data.name, ctx);
    decoderId = chosen.id;
  }
  return out;
}

async function pump(): Promise<void> {
  let done = false;
  while (!done) {
    while (credits === 0) await new Promise<void>((ok) => (wake = ok));
    credits--;
    const lines: Line[] = [];
    const results: DecodeResult[] = [];
    while (!done && lines.length < BATCH_LINES) {
      const r = await reader.read();
      done = r.done;
      for (const l of settle(r.lines, done)) {
        lines.push(l);
        if (decoder && !l.truncated) results.push(decodeLine(l));
      }
    }
    const at = reader.position();
    const batch: WorkerBatch = { lines, results, position: at, done, ...(decoderId !== undefined ? { decoderId } : {}) };
    if (done && decoder?.end) batch.flushed = decoder.end({ source: data.name, offset: at.offset, line: at.line });
    port.postMessage(batch);
  }
  await reader.close();
}

pump().catch((e: unknown) => port.postMessage({ error: e instanceof Error ? e.message : String(e) }));
