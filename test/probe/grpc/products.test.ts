import { describe, expect, it } from 'vitest';
import { CatalogueError, parseCatalogue } from '../../../src/catalog/loader.js';
import { managementServices } from '../../../src/catalog/services.js';
import { findingText } from '../../../src/catalog/texts.js';
import { GRPC_PRODUCTS_KIND, grpcProducts } from '../../../src/probe/grpc/products.js';

describe('gRPC products catalogue', () => {
  it('names catalogue services and finding texts that exist, with the product’s port among the service’s', () => {
    const services = new Map(managementServices().map((s) => [s.id, s]));
    expect(grpcProducts().length).toBeGreaterThan(0);
    for (const p of grpcProducts()) {
      expect(services.has(p.service), `${p.id}: service ${p.service}`).toBe(true);
      for (const id of [p.findings.open, p.findings.login]) expect(findingText(id, { vars: { url: 'grpc://127.0.0.1:1/x' } }).title).toContain('grpc://127.0.0.1:1/x');
    }
  });

  it('refuses an entry with a bad port or method name, or a repeated id, naming the line and field', () => {
    const entry = (id: string, port: number, method: string): string =>
      `  - id: ${id}\n    name: X\n    service: ray\n    ports: [${port}]\n    grpcService: a.B\n    method: ${method}\n    findings: { open: o, login: l }\n`;
    const err = (text: string): CatalogueError => {
      try {
        parseCatalogue(GRPC_PRODUCTS_KIND, text, 'grpc-products.yaml');
      } catch (e) {
        if (e instanceof CatalogueError) return e;
        throw e;
      }
      throw new Error('accepted');
    };
    expect(err(`products:\n${entry('a', 70000, 'Get')}`)).toMatchObject({ line: 5, field: 'products.0.ports.0' });
    expect(err(`products:\n${entry('a', 1, 'Get/../x')}`)).toMatchObject({ field: 'products.0.method' });
    expect(err(`products:\n${entry('a', 1, 'Get')}${entry('a', 2, 'Get')}`).message).toMatch(/a/);
  });
});
