/**
 * Not an alerting detector: it teaches the organisation model (src/organisation) from every successful
 * login — which networks known identities log in from, on which days and at which hours. It runs after
 * the alerting detectors, so an event is judged against what was known before it. Outside the learning
 * period a login with a credential first seen just now teaches nothing: that is what DS0002 is asking about.
 */
import type { DrawbridgeEvent } from '../../model/event.js';
import { learnLogin } from '../../organisation/networks.js';
import type { Detector } from './types.js';
import { asLogin, credentialEntry, UNSEEN_CREDENTIAL_NS } from './unseen-credential.js';
import { isAuthenticatedRequest, unauthenticated } from './workloads.js';

function loginUser(ev: DrawbridgeEvent): string | undefined {
  if (ev.kind === 'auth') return ev.success && ev.user !== '' ? ev.user : undefined;
  if (ev.kind === 'api' && isAuthenticatedRequest(ev) && !unauthenticated(ev)) return ev.actor;
  return undefined;
}

export const organisationLearning: Detector = {
  id: 'organisation-learning',
  control: 'DS0002',
  description: 'Learns the organisation’s networks and each identity’s usual networks and hours from successful logins (raises nothing)',
  emits: false,
  handle(ev, state, ctx) {
    const user = loginUser(ev);
    if (user === undefined || ev.kind === 'flow') return [];
    if (!ctx.learning) {
      const login = asLogin(ev);
      // unseen-credential has just recorded the credential: first === now means it was new.
      if (login && state.peek(UNSEEN_CREDENTIAL_NS, credentialEntry(login))?.first === ev.time) return [];
    }
    learnLogin(state, ctx.env, user, ev.src, ev.time);
    return [];
  },
};
