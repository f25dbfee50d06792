/**
 * k8s-vulnerable-image (M1050): management-plane software whose version is pinned by an image tag
 * (kube-apiserver, etcd, Dashboard, Argo CD, Jenkins, Grafana, Traefik, Kong, …) inside a range of a
 * known advisory. Which images belong to which product is data (catalog/advisories/products.yaml);
 * the ingress-nginx controller is left to gw-ingress-nginx-vulnerable.
 */
import type { CheckHit } from '../checks.js';
import type { AdvisoryLookup } from '../../intel/advisory-lookup.js';
import { shippedProducts, type AdvisoryProduct } from '../../intel/advisory-products.js';
import { imageMatchesHint, parseImage } from '../shared/images.js';
import { containersOf, lineAt, resourceName, type K8sObject } from '../shared/k8s-objects.js';

/**
 * The version part of an image tag. Kubernetes tags keep their provider suffix (`v1.29.3-eks-…`,
 * `-k3s1`) for the matcher to judge; other tags lose variant suffixes (`-jdk17`, `-alpine`, `-dind`,
 * the `-0` packaging revision of registry.k8s.io/etcd) but keep pre-releases and Grafana's
 * `-security-NN`. undefined for tags that name no version (`latest`, `lts`).
 */
export function versionFromTag(tag: string, product: AdvisoryProduct): string | undefined {
  if (product.form === 'kubernetes') return /^v?\d+\.\d+\.\d+/.test(tag) ? tag : undefined;
  const m = /^v?(\d+(?:\.\d+){1,3})(-(?:alpha|beta|rc)[.\d]*|-security-\d+)?(?=$|[-_+])/i.exec(tag);
  if (!m) return undefined;
  return `${m[1]}${m[2] ?? ''}`;
}

/** Answers per product table (tests bring their own) and repository: the same images recur. */
const productMemo = new WeakMap<readonly AdvisoryProduct[], Map<string, AdvisoryProduct | undefined>>();
const PRODUCT_MEMO = 4096;

function productForImage(repository: string, products: readonly AdvisoryProduct[]): AdvisoryProduct | undefined {
  let byRepository = productMemo.get(products);
  if (!byRepository) {
    byRepository = new Map();
    productMemo.set(products, byRepository);
  }
  if (byRepository.has(repository)) return byRepository.get(repository);
  const found = products.find((p) => p.images.some((h) => imageMatchesHint(repository, h)));
  if (byRepository.size >= PRODUCT_MEMO) byRepository.clear();
  byRepository.set(repository, found);
  return found;
}

const WORST = ['critical', 'high', 'medium', 'low', 'info'] as const;

export function vulnerableImages(objects: readonly K8sObject[], lookup: AdvisoryLookup, products: readonly AdvisoryProduct[] = shippedProducts()): CheckHit[] {
  const hits: CheckHit[] = [];
  for (const o of objects) {
    for (const c of containersOf(o)) {
      const { repository, tag } = parseImage(c.image);
      if (!repository || !tag) continue;
      const product = productForImage(repository, products);
      if (!product) continue;
      const version = versionFromTag(tag, product);
      if (!version) continue;
      const matches = lookup(product.id, version);
      if (matches.length === 0) continue;
      const fixed = [...new Set(matches.flatMap((m) => m.fixed))];
      const severity = WORST.find((s) => matches.some((m) => m.severity === s)) ?? 'medium';
      hits.push({
        line: lineAt(o, [...c.path, 'image']),
        resource: `${resourceName(o)} (container ${c.name})`,
        exposes: `${product.id} ${version} with ${matches.map((m) => m.id).join(', ')}`,
        exposedTo: 'whoever reaches this workload',
        vars: {
          product: product.id,
          version,
          image: c.image,
          advisories: matches.map((m) => `${m.id} (${m.summary})`).join('; '),
          fixed: fixed.join(', ') || 'a fixed release',
        },
        evidence: { image: c.image, product: product.id, version, advisories: matches.map((m) => ({ id: m.id, aliases: m.aliases, severity: m.severity, confidence: m.confidence, fixed: m.fixed })) },
        severity,
        subTechnique: product.subTechnique,
        confidence: matches.every((m) => m.confidence === 'confirmed') ? 'confirmed' : 'possible',
      });
    }
  }
  return hits;
}
