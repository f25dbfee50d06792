/**
 * Source networks of the realistic profile, by what comes from them: the pools of
 * catalog/emulate/networks.yaml.
 */
import { networkPool, type SourceNetwork } from '../networks.js';

/** Research scanners that sweep the Internet every day from a few fixed ranges (learned in history). */
export const RESEARCH_SCANNERS = networkPool('research-scanners');
/** Hosting and VPS networks: opportunistic scanners, brute forcers, and attackers' boxes. */
export const HOSTING = networkPool('hosting');
/** Residential and carrier networks where infected devices scan and guess passwords. */
export const BOTNET = networkPool('botnet');
/** Consumer broadband and mobile networks: the public web site's and API's visitors, and employees at home. */
export const CONSUMER = networkPool('consumer');
/** Hosted CI runners: a fresh VM, usually in a fresh /24, for every job. */
export const CI_CLOUD = networkPool('ci-cloud');
/** The branch office's business line (an ISP range the configuration does not list). */
export const BRANCH_OFFICE = networkPool('branch-office')[0] as SourceNetwork;

export const POOLS: readonly SourceNetwork[] = [...RESEARCH_SCANNERS, ...HOSTING, ...BOTNET, ...CONSUMER, ...CI_CLOUD, BRANCH_OFFICE];
