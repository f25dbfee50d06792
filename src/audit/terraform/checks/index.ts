/** Terraform rules (catalog/audit/terraform/<id>/): network rules and managed-cluster endpoints of one module or plan. */
import { defineChecks } from '../../checks.js';
import { netExposures, unlistedPublicRange, type NetInput } from '../../cloud/report.js';
import type { TfResource } from '../resources.js';
import { aksPublicEndpoint, eksPublicEndpoint, gkePublicEndpoint } from './clusters.js';

export interface TerraformInput extends NetInput {
  resources: readonly TfResource[];
}

export const TERRAFORM_CHECKS = defineChecks<TerraformInput>('terraform', {
  'tf-aws-sg-open-management-port': netExposures,
  'tf-aws-nacl-open-management-port': netExposures,
  'tf-gcp-firewall-open-management-port': netExposures,
  'tf-azure-nsg-open-management-port': netExposures,
  'tf-unlisted-public-range': unlistedPublicRange,
  'tf-eks-public-endpoint': (i) => eksPublicEndpoint(i.resources, i.policy),
  'tf-gke-public-endpoint': (i) => gkePublicEndpoint(i.resources, i.policy),
  'tf-aks-public-endpoint': (i) => aksPublicEndpoint(i.resources, i.policy),
});
