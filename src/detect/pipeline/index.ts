/**
 * The detect pipeline, composed. One record's path from a log line to an alert, stage by stage:
 *
 *   1. sources.ts    input → reader of lines (file once / followed, stdin, syslog lines), resumed from
 *                    the source's checkpoint                                   (readers: io/sources/)
 *   2. decode.ts     line → normalised events, or a rejection kept in the dead letter; format sniffed
 *   3. order.ts      events wait for the watermark (per source; idle sources caught up), released in
 *                    event-time order; older than released = late
 *   4. detect.ts     event → detectors over the state store (detect/detectors/) → alerts
 *   5. correlate.ts  alert → its incident (detect/incidents.ts), kept once by id
 *   6. commit.ts     the batch's state, alerts, checkpoints and outbox rows in one transaction
 *   7. deliver.ts    committed alerts → onAlert and the durable sinks (io/sinks/) through the outbox
 *
 * Each read is one batch through stages 2–7. This file decides which source to read next and when
 * to release what waits; the stages hold the rest. The CLI (`detect`, `learn`), evaluation and, later,
 * an HTTP ingest or workers compose the same stages.
 *
 * Live sources (followed files, stdin, syslog lines) are read concurrently: whichever has lines first is
 * read first. Files read once are read furthest-behind first, which keeps the order stage small and the
 * run deterministic.
 */
import { join } from 'node:path';
import { openAsnDatabase, type AsnLookup } from '../../intel/asn.js';
import { ObservationDigest } from '../observations.js';
import type { Line } from '../../io/sources/lines.js';
import type { Alert } from '../../model/finding.js';
import { DECODERS, decoderById } from '../decoders/index.js';
import { DETECTORS } from '../detectors/index.js';
import { openStateStore, stateDirOf } from '../state/index.js';
import { flatCopy } from '../strings.js';
import { isRejection, type DecodeResult, type Decoder } from '../types.js';
import { CommitStage } from './commit.js';
import { CorrelateStage } from './correlate.js';
import { DecodeStage } from './decode.js';
import { DeliverStage } from './deliver.js';
import { DetectStage } from './detect.js';
import { detectEnv } from './env.js';
import { OrderStage } from './order.js';
import { closeSources, openSources, startRead, takeRead } from './sources.js';
import { yearReference } from '../year-reference.js';
import type { DetectOptions, DetectResult, DetectStats, Pending, RejectedRecord, RunSource } from './types.js';
import { pushAll } from '../../util/arrays.js';
import { savedEndpoints } from '../../surface/saved.js';

export type * from './types.js';
export { detectEnv } from './env.js';

/** Rejected records kept in the result (all are counted, and written to the dead-letter file). */
const KEEP_REJECTED = 10_000;
/** Default quiet time after which a live source is taken as caught up (at most the allowed disorder). */
const IDLE_AFTER_MS = 500;

function fail(message: string): never {
  throw new Error(message);
}

/** Run detection over the inputs (file paths; "-" is stdin). */
export async function runDetect(inputs: string[], opts: DetectOptions): Promise<DetectResult> {
  const { config } = opts;
  const decoders = opts.decoders ?? DECODERS;
  const forced = opts.format !== undefined ? decoderById(opts.format, decoders) : undefined;
  if (opts.format !== undefined && !forced) {
    throw new Error(`unknown log format "${opts.format}" (known: ${decoders.map((d) => d.id).join(', ')})`);
  }
  const forcedPer = new Map<string, Decoder>();
  for (const [input, id] of opts.formats ?? []) {
    const d = decoderById(id, decoders);
    if (!d) throw new Error(`${input}: unknown log format "${id}" (known: ${decoders.map((x) => x.id).join(', ')})`);
    forcedPer.set(input, d);
  }
  const store = opts.store ?? openStateStore(config);
  let asn = opts.asn;
  // The default ASN tables load only if an alert needs them.
  const lazyAsn: AsnLookup = { lookup: (ip) => (asn ??= openAsnDatabase()).lookup(ip) };
  const env = detectEnv(config, lazyAsn, [...(opts.inventory ?? []), ...savedEndpoints(store)]);
  const digest = opts.observations ?? new ObservationDigest(config.detect.observationPeriod);

  const stats: DetectStats = { records: 0, events: 0, rejected: 0, late: 0 };
  const rejected: RejectedRecord[] = [];
  const alerts: Alert[] = [];
  const sources: RunSource[] = [];
  const order = new OrderStage(config.detect.outOfOrderness, opts.idleAfter ?? Math.min(IDLE_AFTER_MS, config.detect.outOfOrderness), stats);
  const detect = new DetectStage({ detectors: opts.detectors ?? DETECTORS, env, state: store, learnOnly: opts.learnOnly, observe: (o) => digest.add(o) });
  const correlate = new CorrelateStage(store, env);
  const deliver = new DeliverStage(store, { sinks: opts.sinks ?? [], onAlert: opts.onAlert, onSinkError: opts.onSinkError });
  const commit = new CommitStage(store, {
    deadLetter: opts.deadLetter === false ? undefined : (opts.deadLetter ?? join(stateDirOf(config), 'dead-letter.jsonl')),
    sinks: deliver.sinkNames,
    beforeCommit: opts.beforeCommit,
  });

  /** Alerts kept by the batch in progress. */
  let kept: Alert[] = [];
  const reject = (src: RunSource, line: Line, reason: string): void => {
    const r: RejectedRecord = { source: src.name, offset: line.offset, line: line.line, reason: flatCopy(reason), text: flatCopy(line.text.slice(0, 2000)) };
    if (rejected.length < KEEP_REJECTED) rejected.push(r);
    commit.reject(r);
    stats.rejected++;
  };
  // Stages 4 and 5 for one released event.
  const process = (p: Pending): void => {
    for (const a of detect.run(p.event, p.raw)) if (correlate.keep(a)) kept.push(a);
    p.record.pending--;
  };
  // Stage 3 for one decoded record.
  const admit = (src: RunSource, line: Line, result: DecodeResult): void => {
    if (isRejection(result)) return reject(src, line, result.reject);
    if (result.length > 0) order.admit(src, line, result, sources, process);
  };
  /** What decoders are told, here and in decode workers (files say when they were written: sources.ts). */
  const decodeCtx = {
    defaultYear: new Date(opts.now ?? Date.now()).getUTCFullYear(),
    ...(opts.fields ? { fields: opts.fields } : {}),
    // The default detectors use only accepted flows the surface can place: the rest may skip decoding.
    ...(opts.detectors === undefined ? { flowPorts: env.surface.flowPorts() } : {}),
  };
  const decode = new DecodeStage(
    decoders,
    // Streams are written as they are read.
    { ...decodeCtx, referenceTime: yearReference(undefined, opts) },
    {
      record: (src, line, result) => {
        stats.records++;
        src.records++;
        admit(src, line, result);
      },
      flushed: admit,
      unreadable: reject,
    },
  );

  /** One batch: `work` feeds stage 2; what the watermark passes goes through 3–5; 6 commits; 7 hands on. */
  const commitBatch = async (work: () => void): Promise<void> => {
    order.refreshIdle(sources);
    kept = [];
    commit.run(() => {
      work();
      for (const p of order.release(sources)) process(p);
      return kept;
    }, sources);
    const fresh = kept;
    kept = [];
    pushAll(alerts, fresh);
    await deliver.deliver(fresh);
    opts.onProgress?.({ records: stats.records, alerts: alerts.length, rejected: stats.rejected, late: stats.late, watermark: order.released });
  };

  /** The end of a source's lines (or of the run): decode what is held, flush the decoder, stop holding the watermark. */
  const finish = (src: RunSource, tail: Line[]): void => {
    decode.end(src, tail);
    src.done = true;
  };

  const consume = async (src: RunSource): Promise<void> => {
    const r = takeRead(src);
    if (r.lines.length > 0 || r.reset) src.lastData = Date.now();
    await commitBatch(() => {
      if (r.reset) {
        // Lines held for sniffing and records still waiting belong to the old file: settle them first.
        if (src.held.length > 0) decode.lines(src, [], true);
        pushAll(src.stale, src.open.filter((x) => x.pending > 0));
        src.open = [];
        src.openFrom = 0;
      }
      if (r.done) finish(src, r.lines);
      else decode.lines(src, r.lines);
    });
  };

  let incidents;
  let cache;
  const sourceOpts = {
    store,
    decoders,
    forced,
    forcedPer,
    follow: opts.follow,
    fromStart: opts.fromStart,
    stdin: opts.stdin,
    signal: opts.signal,
    chunkSize: opts.chunkSize,
    pollMs: opts.pollMs,
    now: opts.now,
    // Workers know the registered decoders only; a caller's own list is decoded here.
    ...((opts.threads ?? 1) > 1 && !opts.decoders ? { decodeWorker: decodeCtx } : {}),
  };
  /** Open what was added to the run since the last look. */
  const openAdded = (): void => {
    for (const input of opts.addedInputs?.take() ?? []) {
      if (input.format !== undefined) forcedPer.set(input.path, decoderById(input.format, decoders) ?? fail(`${input.path}: unknown log format "${input.format}"`));
      openSources([input.path], [], sourceOpts, sources);
    }
  };
  try {
    openSources(inputs, opts.lineSources ?? [], sourceOpts, sources);
    // What an earlier run committed but did not get to its sinks goes out before anything new.
    await deliver.drain();

    let stopped: Promise<void> | undefined;
    if (opts.signal) {
      const signal = opts.signal;
      stopped = new Promise((ok) => (signal.aborted ? ok() : signal.addEventListener('abort', () => ok(), { once: true })));
    }
    let anyLive = sources.some((s) => s.reader.live);

    while (!opts.signal?.aborted) {
      if (opts.addedInputs) {
        openAdded();
        anyLive = sources.some((s) => s.reader.live);
      }
      const open = sources.filter((s) => !s.done && !s.failed);
      if (open.length === 0) break;
      if (!anyLive) {
        // Files only: read the one holding the watermark back (furthest behind in event time).
        let next = open[0]!;
        for (const s of open) if (s.maxTime < next.maxTime) next = s;
        startRead(next);
        await next.read;
        await consume(next);
        continue;
      }
      for (const s of open) startRead(s);
      let ready: RunSource | undefined;
      for (const s of open) if (s.result && (!ready || s.maxTime < ready.maxTime)) ready = s;
      if (ready) {
        await consume(ready);
        continue;
      }
      // Nothing to read yet: decode what quiet sources hold, release what caught-up sources no longer hold back.
      const quiet = open.find((s) => decode.quietEnough(s));
      if (quiet) {
        await commitBatch(() => decode.lines(quiet, [], true));
        continue;
      }
      const now = Date.now();
      order.refreshIdle(sources, now);
      if (order.canRelease(sources)) {
        await commitBatch(() => {});
        continue;
      }
      const waits: Promise<unknown>[] = open.map((s) => s.read!);
      if (stopped) waits.push(stopped);
      if (opts.addedInputs) waits.push(opts.addedInputs.added());
      let timer: NodeJS.Timeout | undefined;
      // Wake when the next live source turns idle: that may move the watermark with no read at all.
      const due = order.nextIdle(open);
      if (due < Infinity) waits.push(new Promise((ok) => (timer = setTimeout(ok, Math.max(0, due - now)))));
      await Promise.race(waits);
      clearTimeout(timer);
    }
    if (opts.signal?.aborted) {
      // Stopped: what was read is processed now (a stream cannot be re-read); files resume after it.
      await commitBatch(() => {
        for (const s of sources) if (!s.done && !s.failed) finish(s, []);
      });
    }
    if (order.size > 0) await commitBatch(() => {});
    incidents = correlate.incidents(alerts);
    cache = store.cacheStats?.();
  } finally {
    await closeSources(sources);
    if (!opts.store) store.close();
  }
  const summaries = sources.map((s) => ({
    name: s.name,
    records: s.records,
    ...(s.startedAt && s.startedAt.offset > 0 ? { resumedAt: s.startedAt.offset } : {}),
    ...(s.failed ? { unreadable: s.failed } : {}),
  }));
  return { alerts, incidents, observations: digest.list(lazyAsn), rejected, stats, sources: summaries, ...(cache ? { cache } : {}) };
}
