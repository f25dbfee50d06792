/**
 * What the fuzzer feeds: every log decoder and the drawbridge.yaml parser, each a function over one
 * input text that throws only when the code under test breaks its contract (a decoder never throws; the
 * config parser throws only a config error naming the file). Their corpora are files under
 * test/fuzz/corpora/<target id>/: seeds (seed-*), inputs that once broke a target (crash-*) and
 * hostile inputs met in the field (hostile-*). corpora.test.ts replays them all; scripts/fuzz.ts
 * mutates them for a bounded time and stores what it breaks as new crash-* files.
 */
import { fileURLToPath } from 'node:url';
import { DECODERS } from '../../src/detect/decoders/index.js';
import { parseConfig } from '../../src/config/load.js';
import { UsageError } from '../../src/model/errors.js';
import { decodeText } from '../detect/decoders/helpers.js';

export const CORPORA = fileURLToPath(new URL('./corpora', import.meta.url));

export interface FuzzTarget {
  id: string;
  /** Throws when the input breaks the target's contract. */
  run(text: string): void;
}

function decoderTarget(d: (typeof DECODERS)[number]): FuzzTarget {
  return {
    id: `decoder-${d.id}`,
    run(text) {
      const lines = text.split('\n');
      d.sniff(lines.slice(0, 20));
      const r = decodeText(d, text);
      for (const e of r.events) if (!Number.isFinite(e.time)) throw new Error(`event with time ${e.time}`);
      for (const x of r.rejections) if (typeof x.reason !== 'string' || x.reason === '') throw new Error('rejection without a reason');
    },
  };
}

const configTarget: FuzzTarget = {
  id: 'config',
  run(text) {
    try {
      parseConfig(text, 'drawbridge.yaml');
    } catch (e) {
      if (!(e instanceof UsageError) || !e.message.includes('drawbridge.yaml')) throw e;
    }
  },
};

export const FUZZ_TARGETS: readonly FuzzTarget[] = [...DECODERS.map(decoderTarget), configTarget];
