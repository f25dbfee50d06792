import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { catalogPath } from './paths.js';

const ServiceSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string(),
    subTechnique: z.enum(['exposed-gateway', 'exposed-kubernetes-api', 'ssh-access', 'unauthenticated-admin-interface']),
    /**
     * Ports that identify the service by number alone. Empty for products whose ports are generic web
     * ports (8000, 8080, 5000): those are recognised by probe signatures and manifest hints only.
     */
    ports: z.array(z.number().int().min(1).max(65535)),
    protocol: z.enum(['ssh', 'http', 'https', 'http-or-https', 'rdp', 'vnc', 'tls']),
    images: z.array(z.string()).optional(),
  })
  .strict();
export type ManagementService = z.infer<typeof ServiceSchema>;

const CatalogSchema = z.object({ services: z.array(ServiceSchema) }).strict();

let cached: ManagementService[] | undefined;

/** The port/service catalogue (catalog/services.yaml), validated once. */
export function managementServices(): ManagementService[] {
  if (!cached) {
    const raw: unknown = parse(readFileSync(catalogPath('services.yaml'), 'utf8'));
    const services = CatalogSchema.parse(raw).services;
    const ids = new Set<string>();
    for (const s of services) {
      if (ids.has(s.id)) throw new Error(`catalog/services.yaml: duplicate service id ${s.id}`);
      ids.add(s.id);
    }
    cached = services;
  }
  return cached;
}

/** Port → services that may listen there (a port can host several products, e.g. 9090). */
export function servicesByPort(extraPorts: Record<string, number[]> = {}): Map<number, ManagementService[]> {
  const byPort = new Map<number, ManagementService[]>();
  for (const s of managementServices()) {
    for (const p of [...s.ports, ...(extraPorts[s.id] ?? [])]) {
      const list = byPort.get(p) ?? [];
      list.push(s);
      byPort.set(p, list);
    }
  }
  return byPort;
}

export function serviceById(id: string): ManagementService | undefined {
  return managementServices().find((s) => s.id === id);
}
