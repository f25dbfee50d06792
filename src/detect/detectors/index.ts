import type { Detector } from './types.js';
import { newSourceRange } from './new-source-range.js';
import { rareContainerCreation } from './rare-container-creation.js';
import { rareContainerExec } from './rare-container-exec.js';
import { unauthenticatedWrite } from './unauthenticated-write.js';
import { unseenCredential } from './unseen-credential.js';

export type { Detector, DetectEnv, EventContext } from './types.js';

/** Every detector runs on every event; each decides what concerns it. */
export const DETECTORS: readonly Detector[] = [unseenCredential, newSourceRange, unauthenticatedWrite, rareContainerCreation, rareContainerExec];
