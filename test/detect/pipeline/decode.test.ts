import { describe, expect, it } from 'vitest';
import { DECODERS } from '../../../src/detect/decoders/index.js';
import { DecodeStage, SNIFF_LINES, type DecodeOutput } from '../../../src/detect/pipeline/decode.js';
import { newSource } from '../../../src/detect/pipeline/sources.js';
import type { RunSource } from '../../../src/detect/pipeline/types.js';
import type { Decoder } from '../../../src/detect/types.js';
import type { Line } from '../../../src/io/sources/lines.js';
import type { SourceReader } from '../../../src/io/sources/readers.js';
import { fileLine, normalDay } from '../live-fixtures.js';

const reader: SourceReader = { live: false, read: () => new Promise(() => undefined), position: () => ({ offset: 0, line: 0 }), close: async () => undefined };

function lines(texts: string[], from = 0): Line[] {
  let offset = 0;
  return texts.map((text, i) => {
    const l = { text, offset: offset + from, line: i + 1 };
    offset += Buffer.byteLength(text) + 1;
    return l;
  });
}

function stage(decoders: readonly Decoder[] = DECODERS) {
  const got: { kind: 'record' | 'flushed' | 'unreadable'; line: number; result: unknown }[] = [];
  const out: DecodeOutput = {
    record: (_s, line, result) => void got.push({ kind: 'record', line: line.line, result }),
    flushed: (_s, line, result) => void got.push({ kind: 'flushed', line: line.line, result }),
    unreadable: (_s, line, reason) => void got.push({ kind: 'unreadable', line: line.line, result: reason }),
  };
  return { decode: new DecodeStage(decoders, { defaultYear: 2025 }, out), got };
}

const sshdLines = (n: number): string[] => Array.from({ length: n }, (_, i) => normalDay(Math.floor(i / 6)).map(fileLine)[i % 6]!);

describe('decode stage', () => {
  it('holds lines until enough are there to sniff the format, then decodes them all in order', () => {
    const { decode, got } = stage();
    const src: RunSource = newSource('auth.log', '/auth.log', reader);
    const all = lines(sshdLines(SNIFF_LINES + 4));
    decode.lines(src, all.slice(0, SNIFF_LINES - 1));
    expect(got).toEqual([]);
    expect(src.held).toHaveLength(SNIFF_LINES - 1);
    decode.lines(src, all.slice(SNIFF_LINES - 1));
    expect(src.decoderId).toBe('sshd');
    expect(got.map((g) => g.line)).toEqual(all.map((l) => l.line));
    expect(got.every((g) => g.kind === 'record')).toBe(true);
    expect(src.held).toEqual([]);
  });

  it('a source that ends (or goes quiet) is sniffed with what it has', () => {
    const { decode, got } = stage();
    const src = newSource('short.log', '/short.log', reader);
    decode.lines(src, lines(sshdLines(3)));
    expect(got).toEqual([]);
    expect(decode.quietEnough(src)).toBe(true);
    // Asked again with nothing new: no second sniff.
    expect(decode.quietEnough(src)).toBe(false);
    decode.end(src, []);
    expect(got.map((g) => g.line)).toEqual([1, 2, 3]);
  });

  it('lines of no known format are unreadable once, naming the fix; nothing of that source is decoded after', () => {
    const { decode, got } = stage();
    const src = newSource('notes.txt', '/notes.txt', reader);
    decode.end(src, lines(['shopping list', 'eggs']));
    expect(got).toEqual([{ kind: 'unreadable', line: 1, result: expect.stringContaining('format not recognised from the first lines; name it with --input-format (2+ lines not read)') }]);
    decode.lines(src, lines(['more']));
    expect(got).toHaveLength(1);
  });

  it('an overlong line and a decoder that throws reject that record only', () => {
    const boom: Decoder = {
      id: 'boom',
      description: 'throws on "boom"',
      sniff: () => 1,
      open: () => ({ line: (text) => (text === 'boom' ? (() => { throw new Error('kaput'); })() : []) }),
    };
    const { decode, got } = stage([boom]);
    const src = newSource('x.log', '/x.log', reader, boom);
    const ls = lines(['fine', 'boom', 'cut']);
    ls[2]!.truncated = true;
    decode.lines(src, ls);
    expect(got).toEqual([
      { kind: 'record', line: 1, result: [] },
      { kind: 'record', line: 2, result: { reject: 'decoder boom failed: kaput' } },
      { kind: 'record', line: 3, result: { reject: 'line longer than 1048576 bytes' } },
    ]);
  });
});
