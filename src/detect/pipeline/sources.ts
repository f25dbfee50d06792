/**
 * Stage 1, sources: each input becomes a reader of lines (io/sources/readers.ts) with the per-source state
 * the later stages keep. A file resumes from the checkpoint an earlier run committed (unless `fromStart`),
 * is read once or followed; "-" is standard input; line sources (a syslog receiver's lines) are streams.
 * New kinds of input are added in `openInput`.
 */
import type { Checkpoint } from '../../io/sources/checkpoint.js';
import { fileKey, followFileReader, onceFileReader, streamReader, type SourceRead, type SourceReader } from '../../io/sources/readers.js';
import { decoderById } from '../decoders/index.js';
import { gzipFileReader, isGzipFile } from '../../io/sources/gzip.js';
import { WorkerDecodedFile, type WorkerDecodeContext } from './decode-worker.js';
import { yearReference } from '../year-reference.js';
import type { StateStore } from '../state/types.js';
import type { Decoder } from '../types.js';
import type { LineSource, RunSource } from './types.js';

export interface SourceOptions {
  store: StateStore;
  /** The run's decoders (a line source may name its own by id). */
  decoders: readonly Decoder[];
  /** The decoder named for the whole run, if any. */
  forced?: Decoder;
  /** Decoders named per input, over `forced`. */
  forcedPer?: ReadonlyMap<string, Decoder>;
  follow?: boolean;
  fromStart?: boolean;
  stdin?: AsyncIterable<unknown>;
  signal?: AbortSignal;
  chunkSize?: number;
  pollMs?: number;
  /** A fixed "now" (replays, tests): the year of RFC 3164 timestamps comes from it. */
  now?: number;
  /** Decode files read once in worker threads, with this context (decode-worker.ts). */
  decodeWorker?: WorkerDecodeContext;
}

/**
 * Open every input (standard input when none is named and no line source is given), then the line sources,
 * appending each to `into` as it opens so a caller can close what opened even when a later one fails.
 */
export function openSources(inputs: readonly string[], lineSources: readonly LineSource[], opts: SourceOptions, into: RunSource[]): void {
  for (const input of inputs.length > 0 || lineSources.length > 0 ? inputs : ['-']) into.push(openInput(input, opts));
  for (const ls of lineSources) {
    const own = ls.format !== undefined ? decoderById(ls.format, opts.decoders) : opts.forced;
    if (ls.format !== undefined && !own) throw new Error(`${ls.name}: unknown log format "${ls.format}"`);
    into.push(newSource(ls.name, undefined, streamReader(ls.lines), own));
  }
}

/** One named input: "-" (standard input) or a file. */
function openInput(input: string, opts: SourceOptions): RunSource {
  if (input === '-') return newSource(input, undefined, streamReader(opts.stdin ?? (process.stdin as AsyncIterable<unknown>)), opts.forced);
  const key = fileKey(input);
  // The readers resume from the checkpoint unless it belongs to another file (dev/ino) or lies past the end.
  const cp = opts.fromStart ? undefined : opts.store.checkpoint(key);
  // A compressed (rotated) file never grows: it is read once, even when the others are followed.
  const gzip = isGzipFile(key);
  if (opts.decodeWorker && !gzip && !opts.follow) return workerDecodedInput(input, key, cp, opts, opts.decodeWorker);
  const reader = gzip
    ? gzipFileReader(key, cp, opts.chunkSize)
    : opts.follow
      ? followFileReader(key, cp, { signal: opts.signal, chunkSize: opts.chunkSize, pollMs: opts.pollMs })
      : onceFileReader(key, cp, opts.chunkSize);
  const src = newSource(input, key, reader, opts.forcedPer?.get(input) ?? opts.forced);
  src.startedAt = reader.position();
  src.writtenBy = yearReference(key, { now: opts.now, follow: opts.follow && !gzip });
  return src;
}

/** A file read once by a worker thread that also decodes it (the checkpoint is judged as onceFileReader judges it). */
function workerDecodedInput(input: string, key: string, cp: Checkpoint | undefined, opts: SourceOptions, ctx: WorkerDecodeContext): RunSource {
  const start = onceFileReader(key, cp, opts.chunkSize).position();
  const reader = new WorkerDecodedFile({
    path: key,
    name: input,
    from: start,
    ...(opts.chunkSize !== undefined ? { chunkSize: opts.chunkSize } : {}),
    ...(opts.forced ? { decoderId: opts.forced.id } : {}),
    ctx,
    ...(opts.now !== undefined ? { now: opts.now } : {}),
  });
  const src = newSource(input, key, reader, opts.forced);
  src.startedAt = start;
  src.writtenBy = yearReference(key, { now: opts.now });
  src.preDecoded = (id) => reader.preDecoded(id);
  return src;
}

export function newSource(name: string, key: string | undefined, reader: SourceReader, forced?: Decoder): RunSource {
  return { name, key, reader, forced, records: 0, lastData: Date.now(), idle: false, sniffedAt: 0, stale: [], done: false, maxTime: -Infinity, open: [], openFrom: 0, held: [] };
}

/** Start the source's next read unless one is in flight; its outcome is kept on the source until taken. */
export function startRead(src: RunSource): void {
  src.read ??= src.reader.read().then(
    (ok) => void (src.result = { ok }),
    (error: unknown) => void (src.result = { error }),
  );
}

/** Take the outcome of the read that finished (a read error is thrown here). */
export function takeRead(src: RunSource): SourceRead {
  const result = src.result!;
  src.read = undefined;
  src.result = undefined;
  if ('error' in result) throw result.error;
  return result.ok;
}

/**
 * The resume point of a source after this batch: the oldest record not fully processed (events waiting in
 * the order stage, or lines held back until the format is sniffed). Re-reading processed records after it
 * is harmless (baselines already hold them and alert ids are kept); skipping unprocessed ones would lose alerts.
 */
export function resumePoint(src: RunSource): Checkpoint | undefined {
  if (!src.key) return undefined;
  // Done records leave from the front; the array is cut only now and then (shift() copies a large array
  // on every call, which made this loop quadratic in the records waiting).
  const open = src.open;
  let from = src.openFrom;
  while (from < open.length && open[from]!.pending === 0) from++;
  if (from === open.length) {
    src.open = [];
    from = 0;
  } else if (from > 1024 && from * 2 > open.length) {
    src.open = open.slice(from);
    from = 0;
  }
  src.openFrom = from;
  const at = src.reader.position();
  if (src.stale.length > 0) src.stale = src.stale.filter((r) => r.pending > 0);
  // Records of the file rotated away still wait: their file is gone, so a restart reads the new one from 0.
  if (src.stale.length > 0) return { ...at, offset: 0, line: 0 };
  const head = src.open[from];
  const held = src.held[0];
  const cp = head ? { offset: head.offset, line: head.line } : held ? { offset: held.offset, line: held.line - 1 } : { offset: at.offset, line: at.line };
  return { ...at, ...cp };
}

/** Close every reader: a read still in flight is abandoned (followed files stop at once, streams end when their producer does). */
export async function closeSources(sources: readonly RunSource[]): Promise<void> {
  for (const s of sources) await s.reader.close();
}
