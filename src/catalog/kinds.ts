/**
 * Every kind of shipped catalogue, with a way to read all of its files. Used to generate the JSON
 * Schemas in catalog/schemas/ (scripts/catalog-schemas.ts) and to check that each catalogue file
 * names its schema; nothing at run time depends on this list.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { adminProfiles, ADMIN_WORKLOADS_KIND } from '../audit/kubernetes/admin-workloads.js';
import { BUILTIN_ROLES_KIND } from '../audit/kubernetes/rbac.js';
import { EXPOSURE_TABLE_KIND, exposureTable } from '../audit/cloud/exposure-table.js';
import { loadRules } from '../audit/rule-catalog.js';
import { EMULATION_NETWORKS_KIND, allNetworks } from '../emulate/networks.js';
import { HOSTING_ASNS_KIND, isHostingAsn } from '../organisation/hosting.js';
import { GRPC_PRODUCTS_KIND, grpcProducts } from '../probe/grpc/products.js';
import { SURFACE_KIND, surfaceCatalog } from '../surface/catalog.js';
import { OSV_KIND, shippedAdvisories } from '../intel/advisories.js';
import { PRODUCTS_KIND, shippedProducts } from '../intel/advisory-products.js';
import { AUDIT_RULE_KIND } from './audit-rule.js';
import { readCatalogue, type CatalogueKind } from './loader.js';
import { catalogPath } from './paths.js';
import { SERVICES_KIND, managementServices } from './services.js';
import { probeSignatures, SIGNATURE_KIND } from './signatures.js';
import { SSH_ALGORITHMS_KIND, SSHD_DEFAULTS_KIND, sshAlgorithms, sshdDefaults } from './ssh-algorithms.js';
import { ALERT_TEXTS_KIND, alertTexts, FINDING_TEXTS_KIND, findingTexts } from './texts.js';

export interface ShippedKind {
  kind: CatalogueKind<unknown>;
  /** Reads every shipped file of the kind (through the loader, which records them). */
  readAll: () => void;
}

/** Config kinds with audit rules in catalog/audit/<kind>/. */
function auditRuleKinds(): string[] {
  const root = catalogPath('audit');
  return readdirSync(root).filter((k) => statSync(join(root, k)).isDirectory());
}

const kind = <T>(k: CatalogueKind<T>): CatalogueKind<unknown> => k as CatalogueKind<unknown>;

export const SHIPPED_KINDS: readonly ShippedKind[] = [
  { kind: kind(SERVICES_KIND), readAll: () => managementServices() },
  { kind: kind(SIGNATURE_KIND), readAll: () => probeSignatures() },
  { kind: kind(PRODUCTS_KIND), readAll: () => shippedProducts() },
  { kind: kind(OSV_KIND), readAll: () => shippedAdvisories() },
  { kind: kind(SSH_ALGORITHMS_KIND), readAll: () => sshAlgorithms() },
  { kind: kind(SSHD_DEFAULTS_KIND), readAll: () => sshdDefaults() },
  { kind: kind(AUDIT_RULE_KIND), readAll: () => auditRuleKinds().forEach((k) => loadRules(k)) },
  { kind: kind(FINDING_TEXTS_KIND), readAll: () => findingTexts() },
  { kind: kind(ALERT_TEXTS_KIND), readAll: () => alertTexts() },
  { kind: kind(ADMIN_WORKLOADS_KIND), readAll: () => adminProfiles() },
  { kind: kind(BUILTIN_ROLES_KIND), readAll: () => readCatalogue(BUILTIN_ROLES_KIND, 'audit', 'kubernetes', 'data', 'builtin-roles.yaml') },
  { kind: kind(EXPOSURE_TABLE_KIND), readAll: () => exposureTable() },
  { kind: kind(SURFACE_KIND), readAll: () => surfaceCatalog() },
  { kind: kind(HOSTING_ASNS_KIND), readAll: () => isHostingAsn({ asn: 0, org: '' }) },
  { kind: kind(EMULATION_NETWORKS_KIND), readAll: () => allNetworks() },
  { kind: kind(GRPC_PRODUCTS_KIND), readAll: () => grpcProducts() },
];
