import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { catalogPath } from '../../src/catalog/paths.js';
import { matchAdvisories, shippedAdvisories } from '../../src/intel/advisories.js';
import { parseProductTable, resolveProduct, samePackage, shippedProducts } from '../../src/intel/advisory-products.js';

/** advisoryPackage names of the probe signatures, by file. */
function signaturePackages(): Map<string, string> {
  const dir = catalogPath('signatures');
  const out = new Map<string, string>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) {
    const doc = parse(readFileSync(join(dir, f), 'utf8')) as { advisoryPackage?: string };
    if (doc.advisoryPackage) out.set(f, doc.advisoryPackage);
  }
  return out;
}

describe('product table', () => {
  it('every shipped advisory names products the table knows', () => {
    const ids = new Set(shippedProducts().map((p) => p.id));
    for (const a of shippedAdvisories().advisories) {
      for (const p of a.drawbridge.products) expect(resolveProduct(p)?.id, `${a.record.id}: ${p}`).toBeDefined();
      expect(a.drawbridge.products.some((p) => ids.has(resolveProduct(p)?.id ?? ''))).toBe(true);
    }
  });

  it('every shipped advisory entry is judged through one of its product\'s packages', () => {
    for (const a of shippedAdvisories().advisories) {
      const pkgs = a.drawbridge.products.flatMap((p) => resolveProduct(p)?.packages ?? []);
      const upstream = (a.record.affected ?? []).filter((e) => !/^(Debian|Ubuntu)/.test(e.package?.ecosystem ?? ''));
      for (const e of upstream) expect(pkgs.some((p) => e.package !== undefined && samePackage(p, e.package)), `${a.record.id} ${e.package?.ecosystem}/${e.package?.name}`).toBe(true);
    }
  });

  it('resolves the names probe signatures and auditors use', () => {
    const sigs = signaturePackages();
    const covered = ['docker', 'jenkins', 'grafana', 'fortios', 'pan-os', 'netscaler', 'ivanti-connect-secure', 'kubernetes', 'kubernetes-dashboard', 'argo-cd', 'traefik', 'kong', 'envoy', 'consul', 'vault', 'etcd', 'apache-airflow', 'jupyter-server'];
    for (const name of covered) {
      expect([...sigs.values()], `a signature uses ${name}`).toContain(name);
      expect(resolveProduct(name), name).toBeDefined();
    }
    expect(resolveProduct('ingress-nginx')?.id).toBe('ingress-nginx');
    expect(resolveProduct('OpenSSH')?.id).toBe('openssh');
    expect(resolveProduct('kubernetes')?.id).toBe('kube-apiserver');
  });

  it('the probe\'s names reach the records', () => {
    const hit = (product: string, version: string): string[] => matchAdvisories(product, version).map((m) => m.id);
    expect(hit('kubernetes', '1.12.2')).toContain('CVE-2018-1002105');
    expect(hit('fortios', '7.2.6')).toContain('CVE-2024-21762');
    expect(hit('pan-os', '10.2.9')).toContain('CVE-2024-3400');
    expect(hit('jenkins', '2.426.1')).toContain('CVE-2024-23897');
    expect(hit('grafana', '8.3.0')).toContain('CVE-2021-43798');
    expect(hit('docker', '24.0.7')).toContain('CVE-2024-41110');
    expect(hit('argo-cd', '2.9.3')).toContain('CVE-2024-31989');
    expect(hit('ingress-nginx', '1.11.2')).toEqual(expect.arrayContaining(['CVE-2025-1974', 'CVE-2025-1097']));
    expect(hit('ivanti-connect-secure', '22.7R2.4')).toEqual(['CVE-2025-0282', 'CVE-2025-22457']);
    expect(hit('netscaler', '14.1-43.50')).toEqual(['CVE-2025-5777']);
  });

  it('rejects a table that reuses a name or misses a field', () => {
    expect(() => parseProductTable('products:\n  - {id: a, form: plain, subTechnique: ssh-access, packages: [{ecosystem: Go, name: x}]}\n  - {id: b, names: [A], form: plain, subTechnique: ssh-access, packages: [{ecosystem: Go, name: y}]}\n', 't.yaml')).toThrow(/"a" of b is already used by a/);
    expect(() => parseProductTable('products:\n  - {id: a, form: plain, subTechnique: ssh-access}\n', 't.yaml')).toThrow(/t\.yaml:\d+: products\.0\.packages/);
  });
});
