import { z } from 'zod';
import { duplicateIds, readCatalogue, type CatalogueKind } from './loader.js';

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

export const SERVICES_KIND: CatalogueKind<{ services: ManagementService[] }> = {
  id: 'services',
  description: 'Management services: id, ports, protocol and images (catalog/services.yaml)',
  schema: z.object({ services: z.array(ServiceSchema) }).strict(),
  check: (c) => duplicateIds(c.services, (s) => s.id, 'service', ['services']),
};

/** The port/service catalogue (catalog/services.yaml), validated once. */
export function managementServices(): ManagementService[] {
  return readCatalogue(SERVICES_KIND, 'services.yaml').services;
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
