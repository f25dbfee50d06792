import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { catalogPath } from '../../catalog/paths.js';

/** Algorithm-list keywords the audit evaluates. */
export const ALGORITHM_KEYWORDS = [
  'Ciphers',
  'MACs',
  'KexAlgorithms',
  'HostKeyAlgorithms',
  'PubkeyAcceptedAlgorithms',
  'CASignatureAlgorithms',
  'HostbasedAcceptedAlgorithms',
] as const;
export type AlgorithmKeyword = (typeof ALGORITHM_KEYWORDS)[number];

const DefaultsSchema = z.object({ openssh: z.string(), values: z.record(z.string(), z.string()) }).strict();

const WeakSchema = z.object({ pattern: z.string(), reason: z.string() }).strict();
const AlgorithmsSchema = z
  .object({
    weak: z.record(z.enum(ALGORITHM_KEYWORDS), z.array(WeakSchema)),
    terrapin: z.object({ cipher: z.string(), cbcCipher: z.string(), etmMac: z.string() }).strict(),
    aead: z.array(z.string()),
  })
  .strict();

export type SshdDefaults = z.infer<typeof DefaultsSchema>;
export type AlgorithmData = z.infer<typeof AlgorithmsSchema>;

let defaults: SshdDefaults | undefined;
let algorithms: AlgorithmData | undefined;

/** sshd's compiled-in defaults (catalog/audit/sshd/defaults.yaml), keyed by canonical keyword. */
export function sshdDefaults(): SshdDefaults {
  defaults ??= DefaultsSchema.parse(parse(readFileSync(catalogPath('audit', 'sshd', 'defaults.yaml'), 'utf8')));
  return defaults;
}

export function algorithmData(): AlgorithmData {
  algorithms ??= AlgorithmsSchema.parse(parse(readFileSync(catalogPath('audit', 'sshd', 'algorithms.yaml'), 'utf8')));
  return algorithms;
}
