/**
 * The detect pipeline: sources → lines → decoder (sniffed per source) → events in event-time order
 * (bounded out-of-orderness) → detectors over the state store → alerts.
 * Each chunk read is one batch: its state changes, alerts and the sources' checkpoints commit in one
 * transaction, so a re-run after a crash resumes where the last commit left off. Alerts are handed to
 * `onAlert` only after their batch commits, so nothing emitted is ever rolled back.
 *
 * Live sources (followed files, stdin, syslog lines) are read concurrently: whichever has lines first is
 * read first. A live source that has had nothing new for `idleAfter` of wall time (default: the allowed
 * out-of-orderness) stops holding the watermark back, so one quiet file cannot delay the others' alerts
 * forever; when it speaks again, anything older than what was already released is counted as late.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { DrawbridgeConfig } from '../config/schema.js';
import type { DrawbridgeEvent, RecordRef } from '../model/event.js';
import type { Alert } from '../model/finding.js';
import { servicesByPort } from '../catalog/services.js';
import { openAsnDatabase, type AsnLookup } from '../intel/asn.js';
import { RangeSet } from '../intel/ranges.js';
import { DECODERS, decoderById, sniffFormat } from './decoders/index.js';
import { DETECTORS } from './detectors/index.js';
import { buildIncidents, linkIncident, type Incident } from './incidents.js';
import type { DetectEnv, Detector } from './detectors/types.js';
import type { Line } from './lines.js';
import { ReorderBuffer } from './reorder.js';
import { fileKey, followFileReader, onceFileReader, streamReader, type SourceRead, type SourceReader } from './sources.js';
import type { StateStore } from './state/types.js';
import { openStateStore } from './state/index.js';
import { flatCopy } from './strings.js';
import { yearReference } from './year-reference.js';
import { gzipFileReader, isGzipFile } from '../io/sources/gzip.js';
import { isRejection, type Decoder, type DecodeResult, type RecordDecoder } from './types.js';

/** A record that could not be decoded, kept with where it was and why. */
export interface RejectedRecord {
  source: string;
  offset: number;
  line: number;
  reason: string;
  /** The record as read (at most 2,000 characters). */
  text: string;
}

export interface DetectStats {
  /** Lines read. */
  records: number;
  /** Events decoded. */
  events: number;
  rejected: number;
  /** Events that arrived after the watermark had passed their time (processed anyway, out of order). */
  late: number;
}

export interface DetectResult {
  /** Alerts raised by this run (an alert already kept by an earlier, interrupted run is not repeated). */
  alerts: Alert[];
  /** Incidents this run's alerts belong to, with every alert of theirs the store keeps (earlier runs too). */
  incidents: Incident[];
  /** The first 10,000 rejected records (stats.rejected counts all; the dead-letter file keeps all). */
  rejected: RejectedRecord[];
  stats: DetectStats;
  /** Sources whose format was recognised from nothing they held: none of their records was read. */
  unrecognised: string[];
}

export interface DetectOptions {
  config: DrawbridgeConfig;
  /** Decoder id; otherwise each source's format is sniffed from its first lines. */
  format?: string;
  /** State store; default: SQLite at <stateDir>/state.db (opened and closed by this run). */
  store?: StateStore;
  /** ASN lookup; default: the offline @ip-location-db/asn tables, loaded on first use. */
  asn?: AsnLookup;
  /** Reference "now" (epoch ms): supplies the year of RFC 3164 timestamps. */
  now?: number;
  /** Dead-letter JSONL file; default <stateDir>/dead-letter.jsonl; false writes none. */
  deadLetter?: string | false;
  /** Bytes per read, and so per committed batch. */
  chunkSize?: number;
  /** Field list for header-less formats (--fields), handed to decoders. */
  fields?: string[];
  /** Stream for the "-" input. */
  stdin?: AsyncIterable<unknown>;
  detectors?: readonly Detector[];
  decoders?: readonly Decoder[];
  /** Learn only (`drawbridge learn`): every event updates the baselines as in the learning period; nothing alerts. */
  learnOnly?: boolean;
  /** Called inside each batch's transaction just before it commits (tests use it to simulate a crash). */
  beforeCommit?: (batch: number) => void;
  /** Each alert, once the batch that raised it has committed; awaited before the next read. */
  onAlert?: (alert: Alert) => void | Promise<void>;
  /** After every committed batch. */
  onProgress?: (p: DetectProgress) => void;
  /** Follow the input files as they grow and rotate (`tail -F`) until `signal` aborts. */
  follow?: boolean;
  /** Stop reading: what was read is processed (nothing left waiting), committed, and the store closed. */
  signal?: AbortSignal;
  /** Streams of lines read alongside the inputs, e.g. a syslog receiver's `lines()`. */
  lineSources?: readonly LineSource[];
  /** Wall time (ms) after which a live source with nothing new stops holding the watermark back; default detect.outOfOrderness. */
  idleAfter?: number;
  /** Polling interval (ms) for followed files, besides file-system change events. */
  pollMs?: number;
}

export interface DetectProgress {
  records: number;
  alerts: number;
  /** Event time (epoch ms) up to which events have been processed. */
  watermark: number;
}

export interface LineSource {
  /** Names the source in alert locations and rejections, e.g. "syslog+udp://127.0.0.1:5514". */
  name: string;
  lines: AsyncIterable<string | Buffer>;
  /** Decoder id for this source; otherwise the run's format, or sniffed. */
  format?: string;
}

/** Rejected records kept in the result (all are counted, and written to the dead-letter file). */
const KEEP_REJECTED = 10_000;

const SNIFF_LINES = 20;
const FIRST_EVENT_NS = 'engine.first-event';

interface Pending {
  time: number;
  seq: number;
  event: DrawbridgeEvent;
  raw: string;
  record: RecordState;
}

/** One record's progress: its offset stays the resume point until all its events are processed. */
interface RecordState {
  offset: number;
  line: number;
  pending: number;
}

interface Source {
  /** As given by the caller (used in alert locations). */
  name: string;
  /** Checkpoint key: the absolute path (none for streams). */
  key?: string;
  reader: SourceReader;
  /** Decoder named for this source (or the run), instead of sniffing. */
  forced?: Decoder;
  /** The read in flight, until its result is consumed. */
  read?: Promise<void>;
  result?: { ok: SourceRead } | { error: unknown };
  /** Wall time of the last read that brought lines (or of opening). */
  lastData: number;
  /** Live, waiting for a read, and quiet for idleAfter: not holding the watermark back. */
  idle: boolean;
  /** Held lines were sniffed without a match at this count: retry only when more arrive. */
  sniffedAt: number;
  /** Records from before a rotation or truncation still waiting: resume the new file from its start. */
  stale: RecordState[];
  decoder?: RecordDecoder;
  decoderId?: string;
  done: boolean;
  failed?: string;
  maxTime: number;
  /** Records with events still waiting in the reorder buffer, in offset order. */
  open: RecordState[];
  /** Lines read but not yet decoded (waiting for enough lines to sniff the format). */
  held: Line[];
}

function stateDir(config: DrawbridgeConfig): string {
  return isAbsolute(config.stateDir) ? config.stateDir : join(process.cwd(), config.stateDir);
}

function detectEnv(config: DrawbridgeConfig, asn: AsnLookup | undefined): DetectEnv {
  return {
    config,
    allowed: new RangeSet(config.organisation.allowedRanges),
    internal: new RangeSet(config.organisation.internalRanges),
    orgAsns: new Set(config.organisation.asns),
    managementPorts: servicesByPort(config.managementPorts),
    asn,
  };
}

function openSource(input: string, store: StateStore, opts: DetectOptions): Source {
  if (input === '-') return newSource(input, undefined, streamReader(opts.stdin ?? (process.stdin as AsyncIterable<unknown>)));
  const key = fileKey(input);
  // The readers resume from the checkpoint unless it belongs to another file (dev/ino) or lies past the end.
  const cp = store.checkpoint(key);
  // A compressed (rotated) file never grows: it is read once, even when the others are followed.
  const reader = isGzipFile(key)
    ? gzipFileReader(key, cp, opts.chunkSize)
    : opts.follow
      ? followFileReader(key, cp, { signal: opts.signal, chunkSize: opts.chunkSize, pollMs: opts.pollMs })
      : onceFileReader(key, cp, opts.chunkSize);
  return newSource(input, key, reader);
}

function newSource(name: string, key: string | undefined, reader: SourceReader, forced?: Decoder): Source {
  return { name, key, reader, forced, lastData: Date.now(), idle: false, sniffedAt: 0, stale: [], done: false, maxTime: -Infinity, open: [], held: [] };
}

/** Run detection over the inputs (file paths; "-" is stdin). */
export async function runDetect(inputs: string[], opts: DetectOptions): Promise<DetectResult> {
  const { config } = opts;
  const store = opts.store ?? openStateStore(config);
  const decoders = opts.decoders ?? DECODERS;
  const detectors = opts.detectors ?? DETECTORS;
  let asn = opts.asn;
  // The default ASN tables load only if an alert needs them.
  const env = detectEnv(config, {
    lookup: (ip) => (asn ??= openAsnDatabase()).lookup(ip),
  });
  const defaultYear = new Date(opts.now ?? Date.now()).getUTCFullYear();
  const deadLetterPath = opts.deadLetter === false ? undefined : (opts.deadLetter ?? join(stateDir(config), 'dead-letter.jsonl'));
  const forced = opts.format !== undefined ? decoderById(opts.format, decoders) : undefined;
  if (opts.format !== undefined && !forced) {
    throw new Error(`unknown log format "${opts.format}" (known: ${decoders.map((d) => d.id).join(', ')})`);
  }

  const stats: DetectStats = { records: 0, events: 0, rejected: 0, late: 0 };
  const rejected: RejectedRecord[] = [];
  const alerts: Alert[] = [];
  let incidents: Incident[];
  const reorder = new ReorderBuffer<Pending>();
  let seq = 0;
  let batch = 0;
  let firstEvent: number | undefined;

  const sources: Source[] = [];
  const idleAfter = opts.idleAfter ?? config.detect.outOfOrderness;
  try {
    const lineSources = opts.lineSources ?? [];
    for (const input of inputs.length > 0 || lineSources.length > 0 ? inputs : ['-']) {
      const src = openSource(input, store, opts);
      src.forced = forced;
      sources.push(src);
    }
    for (const ls of lineSources) {
      const own = ls.format !== undefined ? decoderById(ls.format, decoders) : forced;
      if (ls.format !== undefined && !own) throw new Error(`${ls.name}: unknown log format "${ls.format}"`);
      sources.push(newSource(ls.name, undefined, streamReader(ls.lines), own));
    }

    let batchRejects: RejectedRecord[] = [];
    const reject = (src: Source, line: Line, reason: string): void => {
      const r: RejectedRecord = { source: src.name, offset: line.offset, line: line.line, reason: flatCopy(reason), text: flatCopy(line.text.slice(0, 2000)) };
      if (rejected.length < KEEP_REJECTED) rejected.push(r);
      batchRejects.push(r);
      stats.rejected++;
    };

    const processEvent = (p: Pending): void => {
      const ev = p.event;
      if (firstEvent === undefined) {
        store.seen(FIRST_EVENT_NS, 'time', ev.time);
        firstEvent = store.peek(FIRST_EVENT_NS, 'time')?.first ?? ev.time;
      }
      const ctx = { env, learning: opts.learnOnly === true || ev.time < firstEvent + config.detect.learningPeriod, raw: p.raw };
      for (const d of detectors) {
        const raised = d.handle(ev, store, ctx);
        if (opts.learnOnly) continue;
        for (const a of raised) {
          // Linked before it is kept: the incident id is part of the alert as stored and emitted.
          linkIncident(a, store, env);
          if (store.recordAlert(a)) alerts.push(a);
        }
      }
      p.record.pending--;
    };

    const accept = (src: Source, line: Line, result: DecodeResult): void => {
      if (isRejection(result)) return reject(src, line, result.reject);
      if (result.length === 0) return;
      const record: RecordState = { offset: line.offset, line: line.line - 1, pending: 0 };
      for (const event of result) {
        stats.events++;
        const p: Pending = { time: event.time, seq: seq++, event, raw: line.text, record };
        if (event.time > src.maxTime) src.maxTime = event.time;
        record.pending++;
        if (reorder.isLate(event.time)) {
          stats.late++;
          processEvent(p);
        } else reorder.push(p);
      }
      if (record.pending > 0) src.open.push(record);
      // Release as the watermark moves, event by event: lateness is judged against what was already
      // released, so nothing is reordered by more than the allowed disorder, whatever the batch size.
      for (const q of reorder.release(watermark())) processEvent(q);
    };

    const decodeLines = (src: Source, lines: Line[], final = false): void => {
      if (!src.decoder) {
        if (src.failed) return;
        src.held.push(...lines);
        if (src.held.length < SNIFF_LINES && !final && !src.forced) return;
        // Nothing was read (an empty file, or one already read to its end): nothing to recognise.
        if (src.held.length === 0 && !src.forced) return;
        const decoder = src.forced ?? sniffFormat(src.held.slice(0, SNIFF_LINES).map((l) => l.text), decoders)?.decoder;
        if (!decoder) {
          src.failed = 'format not recognised from the first lines; name it with --input-format';
          const first = src.held[0];
          if (first) reject(src, first, `${src.failed} (${src.held.length}+ lines not read)`);
          src.held = [];
          return;
        }
        src.decoder = decoder.open(src.name, { defaultYear, fields: opts.fields, referenceTime: yearReference(src.key, opts) });
        src.decoderId = decoder.id;
        lines = src.held;
        src.held = [];
      }
      for (const line of lines) {
        stats.records++;
        if (line.truncated) {
          reject(src, line, `line longer than ${1024 * 1024} bytes`);
          continue;
        }
        const ref: RecordRef = { source: src.name, offset: line.offset, line: line.line };
        let result: DecodeResult;
        try {
          result = src.decoder!.line(line.text, ref);
        } catch (e) {
          // A decoder bug must not stop the stream; the record is kept with the error.
          result = { reject: `decoder ${src.decoderId} failed: ${(e as Error).message}` };
        }
        accept(src, line, result);
      }
    };

    const watermark = (): number => {
      let w = Infinity;
      let latest = -Infinity;
      let live = false;
      for (const s of sources) {
        if (s.failed) continue;
        if (s.maxTime > latest) latest = s.maxTime;
        if (s.done) continue;
        live = true;
        if (!s.idle) w = Math.min(w, s.maxTime - config.detect.outOfOrderness);
      }
      // Every open source idle: release what has been seen, but not the future (later events stay in order).
      return w === Infinity && live ? latest : w;
    };

    const refreshIdle = (now = Date.now()): void => {
      for (const s of sources) s.idle = s.reader.live && s.read !== undefined && s.result === undefined && now - s.lastData >= idleAfter;
    };

    const checkpoint = (src: Source): void => {
      if (!src.key) return;
      while (src.open.length > 0 && src.open[0]!.pending === 0) src.open.shift();
      const at = src.reader.position();
      if (src.stale.length > 0) src.stale = src.stale.filter((r) => r.pending > 0);
      if (src.stale.length > 0) {
        // Records of the file rotated away still wait: their file is gone, so a restart reads the new one from 0.
        store.setCheckpoint(src.key, { ...at, offset: 0, line: 0 });
        return;
      }
      const head = src.open[0];
      const held = src.held[0];
      // Resume at the oldest record not fully processed (events waiting for the watermark, or lines held
      // back until the format is sniffed). Re-reading processed records after it is harmless (baselines
      // already hold them and alert ids are kept); skipping unprocessed ones would lose alerts.
      const cp = head
        ? { offset: head.offset, line: head.line }
        : held
          ? { offset: held.offset, line: held.line - 1 }
          : { offset: at.offset, line: at.line };
      store.setCheckpoint(src.key, { ...at, ...cp });
    };

    const commitBatch = async (work: () => void): Promise<void> => {
      batch++;
      refreshIdle();
      const before = alerts.length;
      store.transaction(() => {
        work();
        for (const p of reorder.release(watermark())) processEvent(p);
        for (const s of sources) checkpoint(s);
        if (deadLetterPath && batchRejects.length > 0) {
          mkdirSync(dirname(deadLetterPath), { recursive: true });
          appendFileSync(deadLetterPath, batchRejects.map((r) => JSON.stringify(r)).join('\n') + '\n');
        }
        batchRejects = [];
        opts.beforeCommit?.(batch);
      });
      // Only now, committed, are the batch's alerts handed on: nothing emitted can be rolled back.
      if (opts.onAlert) for (let i = before; i < alerts.length; i++) await opts.onAlert(alerts[i]!);
      opts.onProgress?.({ records: stats.records, alerts: alerts.length, watermark: reorder.released });
    };

    const startRead = (src: Source): void => {
      src.read ??= src.reader.read().then(
        (ok) => void (src.result = { ok }),
        (error: unknown) => void (src.result = { error }),
      );
    };

    /** The end of a source's lines (or of the run): sniff what is held, flush the decoder, stop holding the watermark. */
    const finish = (src: Source, tail: Line[]): void => {
      decodeLines(src, tail, true);
      if (src.decoder?.end) {
        const at = src.reader.position();
        const ref: RecordRef = { source: src.name, offset: at.offset, line: at.line };
        accept(src, { text: '', offset: at.offset, line: at.line + 1 }, src.decoder.end(ref));
      }
      src.done = true;
    };

    const consume = async (src: Source): Promise<void> => {
      const result = src.result!;
      src.read = undefined;
      src.result = undefined;
      if ('error' in result) throw result.error;
      const r = result.ok;
      if (r.lines.length > 0 || r.reset) src.lastData = Date.now();
      await commitBatch(() => {
        if (r.reset) {
          // Lines held for sniffing and records still waiting belong to the old file: settle them first.
          if (src.held.length > 0) decodeLines(src, [], true);
          src.stale.push(...src.open.filter((x) => x.pending > 0));
          src.open = [];
        }
        if (r.done) finish(src, r.lines);
        else decodeLines(src, r.lines);
      });
    };

    /** A live source gone quiet with fewer lines than a sniff wants: sniff what it has, if that is enough. */
    const sniffQuiet = (src: Source): boolean => {
      if (src.decoder || src.failed || src.held.length === 0 || src.held.length === src.sniffedAt) return false;
      src.sniffedAt = src.held.length;
      return sniffFormat(src.held.map((l) => l.text), decoders) !== undefined;
    };

    let stopped: Promise<void> | undefined;
    if (opts.signal) {
      const signal = opts.signal;
      stopped = new Promise((ok) => (signal.aborted ? ok() : signal.addEventListener('abort', () => ok(), { once: true })));
    }
    const anyLive = sources.some((s) => s.reader.live);

    while (!opts.signal?.aborted) {
      const open = sources.filter((s) => !s.done && !s.failed);
      if (open.length === 0) break;
      if (!anyLive) {
        // Files only: read the one holding the watermark back (furthest behind in event time), which
        // keeps the reorder buffer small and the run deterministic.
        let next = open[0]!;
        for (const s of open) if (s.maxTime < next.maxTime) next = s;
        startRead(next);
        await next.read;
        await consume(next);
        continue;
      }
      for (const s of open) startRead(s);
      let ready: Source | undefined;
      for (const s of open) if (s.result && (!ready || s.maxTime < ready.maxTime)) ready = s;
      if (ready) {
        await consume(ready);
        continue;
      }
      // Nothing to read yet: decode what quiet sources hold, release what idle sources no longer hold back.
      const quiet = open.find(sniffQuiet);
      if (quiet) {
        await commitBatch(() => decodeLines(quiet, [], true));
        continue;
      }
      const now = Date.now();
      refreshIdle(now);
      if (reorder.size > 0 && watermark() > reorder.released) {
        await commitBatch(() => {});
        continue;
      }
      const waits: Promise<unknown>[] = open.map((s) => s.read!);
      if (stopped) waits.push(stopped);
      let timer: NodeJS.Timeout | undefined;
      if (reorder.size > 0) {
        // Wake when the next live source turns idle: that may move the watermark with no read at all.
        let due = Infinity;
        for (const s of open) if (s.reader.live && !s.idle) due = Math.min(due, s.lastData + idleAfter);
        if (due < Infinity) waits.push(new Promise((ok) => (timer = setTimeout(ok, Math.max(0, due - now)))));
      }
      await Promise.race(waits);
      clearTimeout(timer);
    }
    if (opts.signal?.aborted) {
      // Stopped: what was read is processed now (a stream cannot be re-read); files resume after it.
      await commitBatch(() => {
        for (const s of sources) if (!s.done && !s.failed) finish(s, []);
      });
    }
    if (reorder.size > 0) await commitBatch(() => {});
    const touched = new Set(alerts.map((a) => a.incident));
    incidents = buildIncidents(touched.size === 0 ? [] : store.alerts().filter((a) => touched.has(a.incident)));
  } finally {
    // A read still in flight is abandoned: followed files stop at once, streams end when their producer does.
    for (const s of sources) await s.reader.close();
    if (!opts.store) store.close();
  }
  return { alerts, incidents, rejected, stats, unrecognised: sources.filter((s) => s.failed !== undefined).map((s) => s.name) };
}
