import type { DrawbridgeEvent, RecordRef } from '../model/event.js';

/** Why a record could not be decoded; the record is counted and kept, never dropped silently. */
export interface Rejection {
  reject: string;
}

export type DecodeResult = DrawbridgeEvent[] | Rejection;

export function isRejection(r: DecodeResult): r is Rejection {
  return !Array.isArray(r);
}

export interface DecodeContext {
  /** Year assumed for timestamps that carry none (RFC 3164 syslog); defaults to the current year. */
  defaultYear?: number;
  /**
   * When the records were written by: a file's mtime, or now for live input. Timestamps without a year
   * take the year that makes them the most recent date not after it (instead of defaultYear).
   */
  referenceTime?: () => number;
  /** Field list for header-less formats (e.g. AWS VPC Flow Logs custom format), from --fields. */
  fields?: string[];
  /**
   * The flows the run's detectors can use: accepted, to a destination port set to 1 here (detect builds it
   * from the surface). A flow decoder may then answer [] for any other well-formed flow, read from the line
   * without building an event; without it every flow is decoded.
   */
  flowPorts?: Uint8Array;
}

/** Per-stream decoding state (headers such as Zeek #fields or a VPC flow header line). */
export interface RecordDecoder {
  /**
   * Decode one line (no trailing newline). An empty array means the record was understood but
   * carries nothing the detectors use (e.g. "session closed"); a Rejection means it was not understood.
   */
  line(text: string, ref: RecordRef): DecodeResult;
  /** Flush anything buffered (multi-line JSON documents) at the end of the stream. */
  end?(ref: RecordRef): DecodeResult;
}

/** One log format. */
export interface Decoder {
  id: string;
  description: string;
  /** 0..1: how well the first lines of a stream fit this format (0 = not this format). */
  sniff(sample: readonly string[]): number;
  open(source: string, ctx: DecodeContext): RecordDecoder;
}
