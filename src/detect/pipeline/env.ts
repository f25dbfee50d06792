/** The environment detectors consult besides their state, compiled once per run from the configuration and the known surface. */
import { servicesByPort } from '../../catalog/services.js';
import type { DrawbridgeConfig } from '../../config/schema.js';
import type { AsnLookup } from '../../intel/asn.js';
import { RangeSet } from '../../intel/ranges.js';
import { configEndpoints } from '../../surface/config.js';
import type { SurfaceEndpoint } from '../../surface/model.js';
import { Surface } from '../../surface/surface.js';
import type { DetectEnv } from '../detectors/types.js';

/** `inventory`: management endpoints known from audit/probe results, added to the configured surface. */
export function detectEnv(config: DrawbridgeConfig, asn: AsnLookup | undefined, inventory: readonly SurfaceEndpoint[] = []): DetectEnv {
  const managementPorts = servicesByPort(config.managementPorts);
  return {
    config,
    allowed: new RangeSet(config.organisation.allowedRanges),
    internal: new RangeSet(config.organisation.internalRanges),
    orgAsns: new Set(config.organisation.asns),
    managementPorts,
    asn,
    surface: new Surface([...configEndpoints(config), ...inventory], { managementPorts }),
  };
}
