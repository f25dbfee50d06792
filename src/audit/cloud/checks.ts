/** Cloud firewall rules (catalog/audit/cloud/<id>/): each judges the network rules of its provider's documents. */
import { defineChecks } from '../checks.js';
import { netExposures, unlistedPublicRange, type NetInput } from './report.js';

export const CLOUD_CHECKS = defineChecks<NetInput>('cloud', {
  'aws-sg-open-management-port': netExposures,
  'gcp-firewall-open-management-port': netExposures,
  'azure-nsg-open-management-port': netExposures,
  'cfn-sg-open-management-port': netExposures,
  'cloud-unlisted-public-range': unlistedPublicRange,
});
