import type { Detector } from './types.js';
import { newSourceRange } from './new-source-range.js';
import { unseenCredential } from './unseen-credential.js';

export type { Detector, DetectEnv, EventContext } from './types.js';

/** Every detector runs on every event; each decides what concerns it. */
export const DETECTORS: readonly Detector[] = [unseenCredential, newSourceRange];
