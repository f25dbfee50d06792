/** gRPC products the probe recognises by a method they implement (catalog/grpc-products.yaml). */
import { z } from 'zod';
import { duplicateIds, readCatalogue, type CatalogueKind } from '../../catalog/loader.js';

const ProductSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string().min(1),
    /** Catalogue service (catalog/services.yaml). */
    service: z.string().min(1),
    ports: z.array(z.number().int().min(1).max(65535)).min(1),
    /** Fully qualified service, and one of its methods that is a read and changes nothing without a session. */
    grpcService: z.string().regex(/^[A-Za-z_][\w.]*$/),
    method: z.string().regex(/^[A-Za-z_]\w*$/),
    /** Finding texts (catalog/findings/probe/grpc.yaml) for a server that answers anyone, and one that wants credentials. */
    findings: z.object({ open: z.string().min(1), login: z.string().min(1) }).strict(),
  })
  .strict();

const ProductsSchema = z.object({ products: z.array(ProductSchema) }).strict();

export type GrpcProduct = z.infer<typeof ProductSchema>;

export const GRPC_PRODUCTS_KIND: CatalogueKind<z.infer<typeof ProductsSchema>> = {
  id: 'grpc-products',
  description: 'gRPC management services recognised by a read-only method they implement (catalog/grpc-products.yaml)',
  schema: ProductsSchema,
  check: (c) => duplicateIds(c.products, (p) => p.id, 'id', ['products']),
};

let cached: readonly GrpcProduct[] | undefined;

export function grpcProducts(): readonly GrpcProduct[] {
  return (cached ??= readCatalogue(GRPC_PRODUCTS_KIND, 'grpc-products.yaml').products);
}
