/**
 * Mutational fuzzing of every decoder and the drawbridge.yaml parser over their stored corpora
 * (test/fuzz/corpora/<target>/), for a bounded time. Each round takes a stored input, mutates it
 * (bit flips, cuts, repeats, splices with another input, tokens the formats care about) and runs the
 * target. An input that breaks a target is saved as crash-<hash>.txt in its corpus, so that
 * test/fuzz/corpora.test.ts replays it from then on, and the run exits 1.
 * Usage: npx tsx scripts/fuzz.ts [--seconds N] [--seed N] [--target ID]
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPORA, FUZZ_TARGETS } from '../test/fuzz/targets.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const seconds = Number(flag('seconds') ?? 60);
let state = Number(flag('seed') ?? Date.now() % 2 ** 31) >>> 0;
const only = flag('target');

/** mulberry32: a small seeded generator, so that a run can be repeated with --seed. */
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const int = (n: number): number => Math.floor(random() * n);

const TOKENS = ['\n', '\r\n', '\ufeff', '\u0000', '\u001b[2J', '"', '{', '}', '[', ']', ':', ',', '\\', '&a', '*a', '<<: ', '- ', '  ', '\t', '-1', '1e309', 'NaN', '99999999999999999999', '::', '0.0.0.0/0', '::ffff:1.2.3.4', ' port ', ' from ', '#fields\t', '"kind":"EventList"', '"items":[', '%', '\ud800'];

function mutate(text: string, other: string): string {
  let t = text;
  for (let n = 1 + int(4); n > 0; n--) {
    const at = int(t.length + 1);
    switch (int(7)) {
      case 0: // flip a character
        if (t.length > 0) t = t.slice(0, at) + String.fromCharCode(t.charCodeAt(Math.min(at, t.length - 1)) ^ (1 << int(7))) + t.slice(at + 1);
        break;
      case 1: // cut a piece out
        t = t.slice(0, at) + t.slice(at + int(64));
        break;
      case 2: // repeat a piece
        t = t.slice(0, at) + t.slice(at, at + int(32)).repeat(1 + int(50)) + t.slice(at);
        break;
      case 3: // splice with another input
        t = t.slice(0, at) + other.slice(int(other.length + 1));
        break;
      case 4: // insert a token
        t = t.slice(0, at) + pick(TOKENS) + t.slice(at);
        break;
      case 5: // truncate
        t = t.slice(0, at);
        break;
      default: // duplicate a line
        t = t.split('\n').flatMap((l) => (random() < 0.1 ? [l, l] : [l])).join('\n');
    }
  }
  return t;
}

const deadline = Date.now() + seconds * 1000;
const targets = FUZZ_TARGETS.filter((t) => !only || t.id === only);
const inputs = new Map(targets.map((t) => [t.id, readdirSync(join(CORPORA, t.id)).map((f) => readFileSync(join(CORPORA, t.id, f), 'utf8'))]));
const runs = new Map(targets.map((t) => [t.id, 0]));
const crashes: string[] = [];
console.log(`fuzz: ${targets.length} targets, ${seconds} s, seed ${state}`);
while (Date.now() < deadline) {
  // Round robin, so that every target gets its share of the time.
  for (const target of targets) {
    const corpus = inputs.get(target.id)!;
    const input = mutate(pick(corpus), pick(corpus));
    runs.set(target.id, runs.get(target.id)! + 1);
    try {
      target.run(input);
    } catch (e) {
      const name = `crash-${createHash('sha1').update(input).digest('hex').slice(0, 12)}.txt`;
      writeFileSync(join(CORPORA, target.id, name), input);
      corpus.push(input);
      crashes.push(`${target.id}/${name}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
}
for (const [id, n] of runs) console.log(`  ${id}: ${n} runs`);
if (crashes.length > 0) {
  console.log(`fuzz: ${crashes.length} inputs broke a target; kept in test/fuzz/corpora:\n  ${crashes.join('\n  ')}`);
  process.exitCode = 1;
} else console.log('fuzz: nothing broke');
