/**
 * Stages 1 and 2 of the detect pipeline on their own: what Drawbridge understands of some logs, record
 * by record, without detectors or state. `drawbridge decode` prints it; other tools can read the events.
 * The sources and the format sniffing are the pipeline's own, so this shows exactly what detect reads.
 */
import type { DrawbridgeEvent } from '../model/event.js';
import type { Line } from '../io/sources/lines.js';
import { DECODERS, decoderById } from './decoders/index.js';
import { DecodeStage } from './pipeline/decode.js';
import { closeSources, openSources } from './pipeline/sources.js';
import type { RunSource } from './pipeline/types.js';
import { MemoryStateStore } from './state/memory.js';
import { isRejection, type DecodeResult } from './types.js';

export interface DecodedEvent {
  event: DrawbridgeEvent;
  /** The decoder that read it. */
  format: string;
}

export interface DecodeSummary {
  source: string;
  /** The decoder used, or undefined when no format was recognised. */
  format?: string;
  /** Lines read. */
  records: number;
  /** Records that gave at least one event. */
  decoded: number;
  events: number;
  /** Records understood but carrying nothing the detectors use (e.g. "session closed"). */
  irrelevant: number;
  rejected: number;
  /** Rejection reasons with their counts, most frequent first. */
  reasons: { reason: string; count: number; first: { offset: number; line: number } }[];
  /** Why nothing of the source could be read. */
  unreadable?: string;
}

export interface DecodeOptions {
  /** Decoder id instead of sniffing. */
  format?: string;
  fields?: string[];
  stdin?: AsyncIterable<unknown>;
  /** Fixed "now" for the year of RFC 3164 timestamps. */
  now?: number;
  onEvent: (e: DecodedEvent) => void;
}

/** Decode each input to its end, source after source, handing every event on; returns a summary per source. */
export async function decodeInputs(inputs: readonly string[], opts: DecodeOptions): Promise<DecodeSummary[]> {
  const forced = opts.format !== undefined ? decoderById(opts.format) : undefined;
  if (opts.format !== undefined && !forced) throw new Error(`unknown log format "${opts.format}"`);
  const sources: RunSource[] = [];
  const summaries = new Map<RunSource, DecodeSummary & { byReason: Map<string, DecodeSummary['reasons'][number]> }>();
  const summaryOf = (src: RunSource) => {
    let s = summaries.get(src);
    if (!s) summaries.set(src, (s = { source: src.name, records: 0, decoded: 0, events: 0, irrelevant: 0, rejected: 0, reasons: [], byReason: new Map() }));
    return s;
  };
  const reject = (src: RunSource, line: Line, reason: string): void => {
    const s = summaryOf(src);
    s.rejected++;
    const r = s.byReason.get(reason) ?? { reason, count: 0, first: { offset: line.offset, line: line.line } };
    r.count++;
    s.byReason.set(reason, r);
  };
  const take = (src: RunSource, line: Line, result: DecodeResult): void => {
    if (isRejection(result)) return reject(src, line, result.reject);
    const s = summaryOf(src);
    if (result.length === 0) {
      s.irrelevant++;
      return;
    }
    s.decoded++;
    s.events += result.length;
    for (const event of result) opts.onEvent({ event, format: src.decoderId! });
  };
  const stage = new DecodeStage(
    DECODERS,
    { defaultYear: new Date(opts.now ?? Date.now()).getUTCFullYear(), fields: opts.fields, referenceTime: () => opts.now ?? Date.now() },
    {
      record: (src, line, result) => {
        summaryOf(src).records++;
        take(src, line, result);
      },
      flushed: take,
      unreadable: reject,
    },
  );
  try {
    openSources(inputs, [], { store: new MemoryStateStore(), decoders: DECODERS, forced, fromStart: true, stdin: opts.stdin, now: opts.now }, sources);
    for (const src of sources) {
      summaryOf(src);
      for (;;) {
        const r = await src.reader.read();
        if (r.done) {
          stage.end(src, r.lines);
          break;
        }
        stage.lines(src, r.lines);
      }
      const s = summaryOf(src);
      if (src.decoderId) s.format = src.decoderId;
      if (src.failed) s.unreadable = src.failed;
    }
  } finally {
    await closeSources(sources);
  }
  return [...summaries.values()].map(({ byReason, ...s }) => ({ ...s, reasons: [...byReason.values()].sort((a, b) => b.count - a.count) }));
}

/** One JSON object per event: where it was read, what it is, then its own fields. */
export function eventRecord(d: DecodedEvent): Record<string, unknown> {
  const { ref, time, kind, ...fields } = d.event;
  return {
    kind,
    time: new Date(time).toISOString(),
    source: ref.source,
    offset: ref.offset,
    ...(ref.line !== undefined ? { line: ref.line } : {}),
    format: d.format,
    ...fields,
  };
}
