/**
 * Stage 2, decode: a source's lines → normalised events (or a rejection with its reason), one result per
 * line. The format is the one named for the source, else sniffed from its first lines (held back until
 * enough have arrived, or the source ends or goes quiet). A decoder that throws rejects that record only.
 */
import type { Line } from '../../io/sources/lines.js';
import { MAX_LINE_BYTES } from '../../io/sources/lines.js';
import type { RecordRef } from '../../model/event.js';
import { sniffFormat } from '../decoders/index.js';
import type { DecodeContext, DecodeResult, Decoder } from '../types.js';
import type { RunSource } from './types.js';
import { pushAll } from '../../util/arrays.js';
import { enoughToSniff, sniffSample, stripBom } from '../sniff-sample.js';

/** Lines a format sniff looks at. */
export const SNIFF_LINES = 20;

/** Where decoded lines go. */
export interface DecodeOutput {
  /** One line read, decoded or rejected. */
  record(src: RunSource, line: Line, result: DecodeResult): void;
  /** What a decoder held back until the end of its stream (multi-line documents); not a line of its own. */
  flushed(src: RunSource, line: Line, result: DecodeResult): void;
  /** Lines that cannot be read at all (no format recognised); `line` is the first of them. */
  unreadable(src: RunSource, line: Line, reason: string): void;
}

export class DecodeStage {
  constructor(
    private readonly decoders: readonly Decoder[],
    private readonly ctx: DecodeContext,
    private readonly out: DecodeOutput,
  ) {}

  /** Decode `lines` of `src`; `final`: no more lines will come before a decision (the source ended or went quiet). */
  lines(src: RunSource, lines: Line[], final = false): void {
    if (!src.decoder) {
      if (src.failed) return;
      pushAll(src.held, lines);
      if (!enoughToSniff(src.held, SNIFF_LINES) && !final && !src.forced) return;
      // Nothing was read (an empty file, or one already read to its end): nothing to recognise.
      if (src.held.length === 0 && !src.forced) return;
      const decoder = src.forced ?? sniffFormat(sniffSample(src.held, SNIFF_LINES), this.decoders)?.decoder;
      if (!decoder) {
        src.failed = 'format not recognised from the first lines; name it with --input-format';
        const first = src.held[0];
        if (first) this.out.unreadable(src, first, `${src.failed} (${src.held.length}+ lines not read)`);
        src.held = [];
        return;
      }
      src.decoder = src.preDecoded?.(decoder.id) ?? decoder.open(src.name, src.writtenBy ? { ...this.ctx, referenceTime: src.writtenBy } : this.ctx);
      src.decoderId = decoder.id;
      lines = src.held;
      src.held = [];
    }
    for (const line of lines) {
      if (line.truncated) {
        this.out.record(src, line, { reject: `line longer than ${MAX_LINE_BYTES} bytes` });
        continue;
      }
      const ref: RecordRef = { source: src.name, offset: line.offset, line: line.line };
      let result: DecodeResult;
      try {
        // A byte-order mark belongs to the file, not to its first record.
        result = src.decoder!.line(line.line === 1 && line.offset === 0 ? stripBom(line.text) : line.text, ref);
      } catch (e) {
        // A decoder bug must not stop the stream; the record is kept with the error.
        result = { reject: `decoder ${src.decoderId} failed: ${(e as Error).message}` };
      }
      this.out.record(src, line, result);
    }
  }

  /** The end of a source's lines: decode what is held (sniffing with what there is), then flush the decoder. */
  end(src: RunSource, tail: Line[]): void {
    this.lines(src, tail, true);
    if (src.decoder?.end) {
      const at = src.reader.position();
      const ref: RecordRef = { source: src.name, offset: at.offset, line: at.line };
      this.out.flushed(src, { text: '', offset: at.offset, line: at.line + 1 }, src.decoder.end(ref));
    }
  }

  /** A live source gone quiet with fewer lines than a sniff wants: whether what it holds already names its format. */
  quietEnough(src: RunSource): boolean {
    if (src.decoder || src.failed || src.held.length === 0 || src.held.length === src.sniffedAt) return false;
    src.sniffedAt = src.held.length;
    return sniffFormat(sniffSample(src.held, SNIFF_LINES), this.decoders) !== undefined;
  }
}
