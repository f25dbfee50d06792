
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

export { sshdDefaults, type SshdDefaults } from '../../catalog/ssh-algorithms.js';
