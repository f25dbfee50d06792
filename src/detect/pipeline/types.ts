/**
 * What the detect pipeline takes and gives (its options and result), and the per-source and per-record
 * state its stages hand each other. Stages are in the files named after them; index.ts composes them.
 */
import type { CacheStats } from '../state/types.js';
import type { DrawbridgeConfig } from '../../config/schema.js';
import type { AsnLookup } from '../../intel/asn.js';
import type { Checkpoint } from '../../io/sources/checkpoint.js';
import type { Line } from '../../io/sources/lines.js';
import type { SourceRead, SourceReader } from '../../io/sources/readers.js';
import type { DurableSink } from '../../io/sinks/types.js';
import type { DrawbridgeEvent } from '../../model/event.js';
import type { Alert } from '../../model/finding.js';
import type { Detector } from '../detectors/types.js';
import type { Incident } from '../incidents.js';
import type { Observation, ObservationDigest } from '../observations.js';
import type { SurfaceEndpoint } from '../../surface/model.js';
import type { StateStore } from '../state/types.js';
import type { Decoder, RecordDecoder } from '../types.js';

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

/** How one input fared in this run. */
export interface SourceSummary {
  name: string;
  /** Why none of its lines could be read (no format recognised). */
  unreadable?: string;
  /** Lines read from it in this run. */
  records: number;
  /** Where this run started reading it, when it resumed from an earlier run's checkpoint (byte offset > 0). */
  resumedAt?: number;
}

export interface DetectResult {
  /** Alerts raised by this run (an alert already kept by an earlier, interrupted run is not repeated). */
  alerts: Alert[];
  /** Incidents this run's alerts belong to, with every alert of theirs the store keeps (earlier runs too). */
  incidents: Incident[];
  /** Noise digested instead of alerted: unauthenticated first-seen sources that did nothing, per service and period. */
  observations: Observation[];
  /** The first 10,000 rejected records (stats.rejected counts all; the dead-letter file keeps all). */
  rejected: RejectedRecord[];
  stats: DetectStats;
  /** One entry per input, in the order given. */
  sources: SourceSummary[];
  /** The state store's working set at the end of the run (keys cached, keys evicted to bound it), when it caches. */
  cache?: CacheStats;
}

export interface DetectOptions {
  config: DrawbridgeConfig;
  /** Decoder id; otherwise each source's format is sniffed from its first lines. */
  format?: string;
  /** Decoder id per input (as named in `inputs`), over `format`: a server's spool holds one file per format. */
  formats?: ReadonlyMap<string, string>;
  /** State store; default: SQLite at <stateDir>/state.db (opened and closed by this run). */
  store?: StateStore;
  /** Digest the run folds its observations into (a server shares one across its runs); default: the run's own. */
  observations?: ObservationDigest;
  /** Management endpoints known from audit/probe results (`--inventory`), added to the configured surface. */
  inventory?: readonly SurfaceEndpoint[];
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
  /** Read files from their start, ignoring the checkpoints of earlier runs. */
  fromStart?: boolean;
  /** Called inside each batch's transaction just before it commits (tests use it to simulate a crash). */
  beforeCommit?: (batch: number) => void;
  /** Each alert, once the batch that raised it has committed; awaited before the next read. */
  onAlert?: (alert: Alert) => void | Promise<void>;
  /**
   * Sinks fed through the state store's outbox: every alert is owed to each of them in the transaction
   * that keeps it, and marked delivered only after the sink wrote it durably, so a crash anywhere repeats
   * a delivery rather than losing one. What an earlier run still owed is delivered first.
   */
  sinks?: readonly DurableSink[];
  /** A sink failed to take an alert (it stays owed and is retried after the next batch). */
  onSinkError?: (sink: string, error: unknown) => void;
  /** After every committed batch. */
  onProgress?: (p: DetectProgress) => void;
  /** Follow the input files as they grow and rotate (`tail -F`) until `signal` aborts. */
  follow?: boolean;
  /** Stop reading: what was read is processed (nothing left waiting), committed, and the store closed. */
  signal?: AbortSignal;
  /** Streams of lines read alongside the inputs, e.g. a syslog receiver's `lines()`. */
  lineSources?: readonly LineSource[];
  /** Files that appear while the run follows (a server's ingest sources, named on first use). */
  addedInputs?: AddedInputs;
  /**
   * Wall time (ms) after which a live source with nothing new is taken as caught up with its writer: it
   * stops holding the watermark back and what it delivered is released. Default: 500 ms (at most
   * detect.outOfOrderness).
   */
  idleAfter?: number;
  /** Polling interval (ms) for followed files, besides file-system change events. */
  pollMs?: number;
  /**
   * Threads to use: 2 or more reads, splits and decodes each file read once in a worker thread of its own
   * (detect/pipeline/decode-worker.ts) while this thread runs the later stages. Default 1.
   */
  threads?: number;
}

export interface DetectProgress {
  records: number;
  alerts: number;
  /** Records no decoder could read (kept in the dead letter). */
  rejected: number;
  /** Events that arrived after the watermark had passed their time. */
  late: number;
  /** Event time (epoch ms) up to which events have been processed. */
  watermark: number;
}

/** Inputs added to a running run: opened like `inputs`, each with its format when named. */
export interface AddedInputs {
  /** The inputs added since the last call. */
  take(): { path: string; format?: string }[];
  /** Resolves when there is something to take. */
  added(): Promise<void>;
}

export interface LineSource {
  /** Names the source in alert locations and rejections, e.g. "syslog+udp://127.0.0.1:5514". */
  name: string;
  lines: AsyncIterable<string | Buffer>;
  /** Decoder id for this source; otherwise the run's format, or sniffed. */
  format?: string;
}

/** One record's progress: its offset stays the resume point until all its events are processed. */
export interface RecordState {
  offset: number;
  line: number;
  pending: number;
}

/** An event waiting in the order stage. */
export interface Pending {
  time: number;
  seq: number;
  event: DrawbridgeEvent;
  raw: string;
  record: RecordState;
}

/** One input as the stages see it: its reader, its decoder, and what of it is still in flight. */
export interface RunSource {
  /** As given by the caller (used in alert locations). */
  name: string;
  /** Checkpoint key: the absolute path (none for streams). */
  key?: string;
  reader: SourceReader;
  /** Where this run started reading (files: the checkpoint it resumed from, or 0). */
  startedAt?: Checkpoint;
  /** Lines read in this run. */
  records: number;
  /** Decoder named for this source (or the run), instead of sniffing. */
  forced?: Decoder;
  /** The read in flight, until its result is consumed. */
  read?: Promise<void>;
  result?: { ok: SourceRead } | { error: unknown };
  /** Wall time of the last read that brought lines (or of opening). */
  lastData: number;
  /** Live, waiting for a read, and quiet for idleAfter: caught up, not holding the watermark back. */
  idle: boolean;
  /** Held lines were sniffed without a match at this count: retry only when more arrive. */
  sniffedAt: number;
  /** Records from before a rotation or truncation still waiting: resume the new file from its start. */
  stale: RecordState[];
  decoder?: RecordDecoder;
  decoderId?: string;
  /** Lines already decoded by a worker thread: their results, when the worker chose this decoder id. */
  preDecoded?: (decoderId: string) => RecordDecoder | undefined;
  done: boolean;
  failed?: string;
  /** When its records were written by (a file's mtime, now for live input): gives RFC 3164 timestamps their year. */
  writtenBy?: () => number;
  maxTime: number;
  /** Records with events still waiting in the order stage, in offset order. */
  open: RecordState[];
  /** Entries of `open` before this index are done (resumePoint drops them in bulk). */
  openFrom: number;
  /** Lines read but not yet decoded (waiting for enough lines to sniff the format). */
  held: Line[];
}
