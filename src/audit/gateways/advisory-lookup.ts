/** Auditors read advisories through the lookup defined in src/intel/advisory-lookup.ts. */
export { shippedAdvisoryLookup, type AdvisoryHit, type AdvisoryLookup } from '../../intel/advisory-lookup.js';
