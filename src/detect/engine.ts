/**
 * The detect pipeline: sources → lines → decoder (sniffed per source) → events in event-time order
 * (bounded out-of-orderness) → detectors over the state store → alerts.
 * Each chunk read is one batch: its state changes, alerts and the sources' checkpoints commit in one
 * transaction, so a re-run after a crash resumes where the last commit left off.
 */
import { appendFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
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
import { DEFAULT_CHUNK, fileChunks, LineSplitter, streamChunks, type Line } from './lines.js';
import { ReorderBuffer } from './reorder.js';
import { SqliteStateStore } from './state/sqlite.js';
import type { StateStore } from './state/types.js';
import { stateDbPath } from './state/index.js';
import { flatCopy } from './strings.js';
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
  rejected: RejectedRecord[];
  stats: DetectStats;
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
}

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
  /** Checkpoint key: the absolute path (none for stdin). */
  key?: string;
  size?: number;
  chunks: AsyncIterator<Buffer>;
  splitter: LineSplitter;
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

async function openSource(input: string, store: StateStore, opts: DetectOptions): Promise<Source> {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK;
  if (input === '-') {
    const stream = opts.stdin ?? (process.stdin as AsyncIterable<unknown>);
    return newSource(input, undefined, undefined, streamChunks(stream), new LineSplitter());
  }
  const key = resolve(input);
  const size = statSync(key).size;
  const cp = store.checkpoint(key);
  // A file smaller than the checkpoint was truncated or replaced: read it from the start.
  const from = cp && cp.offset <= size ? cp : { offset: 0, line: 0 };
  return newSource(input, key, size, fileChunks(key, from.offset, chunkSize), new LineSplitter(from.offset, from.line));
}

function newSource(name: string, key: string | undefined, size: number | undefined, chunks: AsyncIterable<Buffer>, splitter: LineSplitter): Source {
  return { name, key, size, chunks: chunks[Symbol.asyncIterator](), splitter, done: false, maxTime: -Infinity, open: [], held: [] };
}

/** Run detection over the inputs (file paths; "-" is stdin). */
export async function runDetect(inputs: string[], opts: DetectOptions): Promise<DetectResult> {
  const { config } = opts;
  const store = opts.store ?? new SqliteStateStore(stateDbPath(config));
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
  try {
    for (const input of inputs.length > 0 ? inputs : ['-']) sources.push(await openSource(input, store, opts));

    let batchRejects: RejectedRecord[] = [];
    const reject = (src: Source, line: Line, reason: string): void => {
      const r: RejectedRecord = { source: src.name, offset: line.offset, line: line.line, reason: flatCopy(reason), text: flatCopy(line.text.slice(0, 2000)) };
      rejected.push(r);
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
        if (src.held.length < SNIFF_LINES && !final) return;
        const decoder = forced ?? sniffFormat(src.held.slice(0, SNIFF_LINES).map((l) => l.text), decoders)?.decoder;
        if (!decoder) {
          src.failed = 'format not recognised from the first lines; name it with --format';
          const first = src.held[0];
          if (first) reject(src, first, `${src.failed} (${src.held.length}+ lines not read)`);
          src.held = [];
          return;
        }
        src.decoder = decoder.open(src.name, { defaultYear, fields: opts.fields });
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
      for (const s of sources) if (!s.done && !s.failed) w = Math.min(w, s.maxTime - config.detect.outOfOrderness);
      return w;
    };

    const checkpoint = (src: Source): void => {
      if (!src.key) return;
      while (src.open.length > 0 && src.open[0]!.pending === 0) src.open.shift();
      const head = src.open[0];
      const held = src.held[0];
      // Resume at the oldest record not fully processed (events waiting for the watermark, or lines held
      // back until the format is sniffed). Re-reading processed records after it is harmless (baselines
      // already hold them and alert ids are kept); skipping unprocessed ones would lose alerts.
      const cp = head
        ? { offset: head.offset, line: head.line }
        : held
          ? { offset: held.offset, line: held.line - 1 }
          : { offset: src.splitter.pendingOffset, line: src.splitter.lineNo };
      store.setCheckpoint(src.key, { ...cp, size: src.size });
    };

    const commitBatch = (work: () => void): void => {
      batch++;
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
    };

    for (;;) {
      // Read from the source holding the watermark back (the one furthest behind in event time).
      let next: Source | undefined;
      for (const s of sources) if (!s.done && !s.failed && (!next || s.maxTime < next.maxTime)) next = s;
      if (!next) break;
      const src = next;
      const r = await src.chunks.next();
      commitBatch(() => {
        if (r.done) {
          decodeLines(src, src.splitter.end(), true);
          if (src.decoder?.end) {
            const ref: RecordRef = { source: src.name, offset: src.splitter.pendingOffset, line: src.splitter.lineNo };
            const tail = src.decoder.end(ref);
            accept(src, { text: '', offset: ref.offset, line: src.splitter.lineNo + 1 }, tail);
          }
          // Only now stop holding the watermark back for this source.
          src.done = true;
        } else decodeLines(src, src.splitter.push(r.value));
      });
    }
    if (reorder.size > 0) commitBatch(() => {});
    const touched = new Set(alerts.map((a) => a.incident));
    incidents = buildIncidents(touched.size === 0 ? [] : store.alerts().filter((a) => touched.has(a.incident)));
  } finally {
    for (const s of sources) await s.chunks.return?.(undefined);
    if (!opts.store) store.close();
  }
  return { alerts, incidents, rejected, stats };
}
