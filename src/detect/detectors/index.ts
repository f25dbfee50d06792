import type { Detector } from './types.js';
import { newSourceRange } from './new-source-range.js';
import { rareContainerCreation } from './rare-container-creation.js';
import { rareContainerExec } from './rare-container-exec.js';
import { unauthenticatedWrite } from './unauthenticated-write.js';
import { unseenCredential } from './unseen-credential.js';
import { loginAfterFailures } from './login-after-failures.js';
import { organisationLearning } from './organisation-learning.js';

export type { Detector, DetectEnv, EventContext } from './types.js';

/**
 * Every detector runs on every event; each decides what concerns it. The organisation learner comes
 * last, so each event is judged against what was known before it.
 */
export const DETECTORS: readonly Detector[] = [unseenCredential, newSourceRange, loginAfterFailures, unauthenticatedWrite, rareContainerCreation, rareContainerExec, organisationLearning];
