/** The detector environment, compiled once per run from the configuration, the ASN tables and the known surface. */
import type { DrawbridgeConfig } from '../config/schema.js';
import { servicesByPort } from '../catalog/services.js';
import type { AsnLookup } from '../intel/asn.js';
import { RangeSet } from '../intel/ranges.js';
import { configEndpoints } from '../surface/config.js';
import type { SurfaceEndpoint } from '../surface/model.js';
import { Surface } from '../surface/surface.js';
import type { DetectEnv } from './detectors/types.js';

export function buildDetectEnv(config: DrawbridgeConfig, opts: { asn?: AsnLookup; inventory?: readonly SurfaceEndpoint[] } = {}): DetectEnv {
  const managementPorts = servicesByPort(config.managementPorts);
  return {
    config,
    allowed: new RangeSet(config.organisation.allowedRanges),
    internal: new RangeSet(config.organisation.internalRanges),
    orgAsns: new Set(config.organisation.asns),
    managementPorts,
    ...(opts.asn ? { asn: opts.asn } : {}),
    surface: new Surface([...configEndpoints(config), ...(opts.inventory ?? [])], { managementPorts }),
  };
}
