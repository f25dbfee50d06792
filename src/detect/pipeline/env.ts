/** The environment detectors consult besides their state, compiled once per run from the configuration. */
import { servicesByPort } from '../../catalog/services.js';
import type { DrawbridgeConfig } from '../../config/schema.js';
import type { AsnLookup } from '../../intel/asn.js';
import { RangeSet } from '../../intel/ranges.js';
import type { DetectEnv } from '../detectors/types.js';

export function detectEnv(config: DrawbridgeConfig, asn: AsnLookup | undefined): DetectEnv {
  return {
    config,
    allowed: new RangeSet(config.organisation.allowedRanges),
    internal: new RangeSet(config.organisation.internalRanges),
    orgAsns: new Set(config.organisation.asns),
    managementPorts: servicesByPort(config.managementPorts),
    asn,
  };
}
