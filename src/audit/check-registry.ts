/** Every audit check set, one per catalogue kind (catalog/audit/<kind>/): what `rules` lists and the contract test walks. */
import type { CheckSet } from './checks.js';
import { CLOUD_CHECKS } from './cloud/checks.js';
import { DOCKER_CHECKS } from './docker/checks.js';
import { GATEWAY_CHECKS } from './gateways/checks.js';
import { KUBERNETES_CHECKS } from './kubernetes/checks.js';
import { SSHD_CHECKS } from './sshd/rules.js';
import { TERRAFORM_CHECKS } from './terraform/checks/index.js';

// Input types differ per kind; here only ids and kinds are read.
export const CHECK_SETS: readonly CheckSet<never, unknown>[] = [SSHD_CHECKS, KUBERNETES_CHECKS, GATEWAY_CHECKS, DOCKER_CHECKS, CLOUD_CHECKS, TERRAFORM_CHECKS] as readonly CheckSet<never, unknown>[];
