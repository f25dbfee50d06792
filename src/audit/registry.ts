import type { Auditor } from './types.js';
import { sshdAuditor } from './sshd/index.js';
import { dockerDaemonAuditor } from './docker/auditor.js';
import { gatewayConfigAuditor } from './gateways/auditor.js';
import { kubernetesAuditor } from './kubernetes/auditor.js';
import { terraformAuditor } from './terraform/auditor.js';
import { terraformPlanAuditor } from './terraform/plan.js';
import { cloudFormationAuditor } from './cloud/cloudformation.js';
import { awsSecurityGroupAuditor } from './cloud/aws-sg.js';
import { gcpFirewallAuditor } from './cloud/gcp-firewall.js';
import { azureNsgAuditor } from './cloud/azure-nsg.js';

/**
 * Every config kind `drawbridge audit` understands. The engine asks each in order whether it
 * recognises a file and hands the file to the first that does: put specific auditors before
 * ones that sniff content broadly.
 */
export const AUDITORS: Auditor[] = [
  sshdAuditor,
  terraformAuditor,
  terraformPlanAuditor,
  cloudFormationAuditor,
  awsSecurityGroupAuditor,
  gcpFirewallAuditor,
  azureNsgAuditor,
  dockerDaemonAuditor,
  gatewayConfigAuditor,
  kubernetesAuditor,
];
