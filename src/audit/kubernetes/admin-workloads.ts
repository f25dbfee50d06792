/**
 * Which workloads in a manifest are management services (Dashboard, Argo CD, Grafana …), and does a
 * given Service port lead to their management port? Knowledge comes from catalog/services.yaml plus
 * catalog/audit/kubernetes/data/admin-workloads.yaml.
 */
import { z } from 'zod';
import { readCatalogue, type CatalogueKind } from '../../catalog/loader.js';
import { managementServices, type ManagementService } from '../../catalog/services.js';
import { asArray, asObject, asText } from '../yaml-positions.js';
import { probeSignatures } from '../../catalog/signatures.js';
import { containersOf, effectiveNamespace, podTemplate, selectorMatches, type ContainerRef, type K8sObject } from './objects.js';

const HintsSchema = z
  .object({
    workloads: z.array(
      z
        .object({
          service: z.string(),
          images: z.array(z.string()).optional(),
          ports: z.array(z.number().int().min(1).max(65535)).optional(),
          /** With these images, only a container whose command line matches one of these regexes. */
          imageArgs: z.array(z.string()).optional(),
          /** Regexes over the container's command and args joined by spaces (custom images). */
          commands: z.array(z.string()).optional(),
          /** Pod-template label → accepted values (empty list: any value). */
          labels: z.record(z.string(), z.array(z.string())).optional(),
          serviceNames: z.array(z.string()).optional(),
        })
        .strict(),
    ),
  })
  .strict();

export const ADMIN_WORKLOADS_KIND: CatalogueKind<z.infer<typeof HintsSchema>> = {
  id: 'admin-workloads',
  description: 'How management services show in Kubernetes workloads: images, command lines, pod labels, ports, Service names (catalog/audit/kubernetes/data/admin-workloads.yaml)',
  schema: HintsSchema,
};

export interface AdminProfile {
  service: ManagementService;
  images: string[];
  ports: Set<number>;
  imageArgs: RegExp[];
  commands: RegExp[];
  labels: Record<string, string[]>;
  serviceNames: Set<string>;
  /** Probe signatures of the same product (catalog/signatures `service`). */
  signatures: string[];
}

function compile(file: string, service: string, sources: readonly string[] | undefined): RegExp[] {
  return (sources ?? []).map((src) => {
    try {
      return new RegExp(src);
    } catch (e) {
      throw new Error(`${file}: service ${service}: bad regex ${src}: ${(e as Error).message}`, { cause: e });
    }
  });
}

let profiles: AdminProfile[] | undefined;

export function adminProfiles(): AdminProfile[] {
  if (profiles) return profiles;
  const hints = readCatalogue(ADMIN_WORKLOADS_KIND, 'audit', 'kubernetes', 'data', 'admin-workloads.yaml');
  const byId = new Map(hints.workloads.map((h) => [h.service, h]));
  for (const id of byId.keys()) {
    if (!managementServices().some((s) => s.id === id)) throw new Error(`admin-workloads.yaml: unknown service id ${id}`);
  }
  const file = 'catalog/audit/kubernetes/data/admin-workloads.yaml';
  const signatures = probeSignatures();
  profiles = managementServices()
    .filter((s) => s.id !== 'ssh')
    .map((service) => {
      const h = byId.get(service.id);
      return {
        service,
        images: [...(service.images ?? []), ...(h?.images ?? [])],
        ports: new Set([...service.ports, ...(h?.ports ?? [])]),
        imageArgs: compile(file, service.id, h?.imageArgs),
        commands: compile(file, service.id, h?.commands),
        labels: h?.labels ?? {},
        serviceNames: new Set(h?.serviceNames ?? []),
        signatures: signatures.filter((g) => g.service === service.id).map((g) => g.id),
      };
    });
  return profiles;
}

export interface ImageRef {
  /** Repository path without registry host and without `library/`: `kubernetesui/dashboard`. */
  repository: string;
  tag?: string;
}

export function parseImage(image: string): ImageRef {
  let s = image.trim().split('@')[0] ?? '';
  let tag: string | undefined;
  const lastSlash = s.lastIndexOf('/');
  const lastColon = s.lastIndexOf(':');
  if (lastColon > lastSlash) {
    tag = s.slice(lastColon + 1);
    s = s.slice(0, lastColon);
  }
  const parts = s.split('/');
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) parts.shift();
  if (parts[0] === 'library' && parts.length > 1) parts.shift();
  return { repository: parts.join('/').toLowerCase(), ...(tag ? { tag } : {}) };
}

/**
 * Image hint semantics: `a/b` matches a repository equal to or ending in `/a/b`; `a` matches the last
 * path segment; a hint ending in `/` matches any repository under that prefix.
 */
export function imageMatchesHint(repository: string, hint: string): boolean {
  const h = hint.toLowerCase();
  if (h.endsWith('/')) return repository.startsWith(h) || repository.includes(`/${h}`);
  if (h.includes('/')) return repository === h || repository.endsWith(`/${h}`);
  const last = repository.split('/').pop() ?? '';
  return last === h;
}

/** Profiles per repository: a manifest set names the same few images many times over. */
const profilesByRepository = new Map<string, AdminProfile[]>();
const REPOSITORY_MEMO = 4096;

export function profilesForImage(image: string): AdminProfile[] {
  const { repository } = parseImage(image);
  if (!repository) return [];
  let hit = profilesByRepository.get(repository);
  if (!hit) {
    hit = adminProfiles().filter((p) => p.images.some((h) => imageMatchesHint(repository, h)));
    if (profilesByRepository.size >= REPOSITORY_MEMO) profilesByRepository.clear();
    profilesByRepository.set(repository, hit);
  }
  return [...hit];
}

/** The container's command and args, joined by spaces: what `commands` / `imageArgs` regexes see. */
export function commandLine(container: Record<string, unknown>): string {
  return [...asArray(container.command), ...asArray(container.args)].map((x) => asText(x) ?? '').join(' ');
}

/**
 * Products a container is, with how sure: the image (and, where the image serves several roles, its
 * command line) or a product's own command line confirm it; pod labels alone make it possible.
 */
export function profilesForContainer(c: ContainerRef, podLabels: Readonly<Record<string, string>>): Array<{ profile: AdminProfile; confidence: 'confirmed' | 'possible' }> {
  const cmd = commandLine(c.container);
  const byImage = new Set(profilesForImage(c.image).filter((p) => p.imageArgs.length === 0 || p.imageArgs.some((re) => re.test(cmd))));
  const out: Array<{ profile: AdminProfile; confidence: 'confirmed' | 'possible' }> = [];
  for (const profile of adminProfiles()) {
    if (byImage.has(profile) || (cmd && profile.commands.some((re) => re.test(cmd)))) out.push({ profile, confidence: 'confirmed' });
    else if (Object.entries(profile.labels).some(([k, vals]) => podLabels[k] !== undefined && (vals.length === 0 || vals.includes(podLabels[k] as string)))) {
      out.push({ profile, confidence: 'possible' });
    }
  }
  return out;
}

export interface AdminBackend {
  profile: AdminProfile;
  workload: K8sObject;
  container: string;
  port: number;
  confidence: 'confirmed' | 'possible';
}

/** Workloads in `objects` selected by a Service. */
export function selectedWorkloads(service: K8sObject, objects: readonly K8sObject[]): K8sObject[] {
  const selector = asObject(asObject(service.body.spec)?.selector);
  if (!selector) return [];
  const sel: Record<string, string> = {};
  for (const [k, v] of Object.entries(selector)) {
    const t = asText(v);
    if (t !== undefined) sel[k] = t;
  }
  const ns = effectiveNamespace(service);
  return objects.filter((o) => {
    if (effectiveNamespace(o) !== ns) return false;
    const tpl = podTemplate(o);
    return tpl !== undefined && selectorMatches(sel, tpl.labels);
  });
}

/**
 * Management services reached through one Service port (`targetPort` resolved against the
 * container ports of the selected workloads). When none of the selected workloads is in the input,
 * fall back to well-known Service names (marked `possible`).
 */
export function adminBehindServicePort(
  service: K8sObject,
  servicePort: Record<string, unknown>,
  objects: readonly K8sObject[],
): AdminBackend[] {
  const port = Number(asText(servicePort.port));
  const target = servicePort.targetPort ?? servicePort.port;
  const workloads = selectedWorkloads(service, objects);
  const out: AdminBackend[] = [];
  for (const w of workloads) {
    const labels = podTemplate(w)?.labels ?? {};
    for (const c of containersOf(w)) {
      const declared = asArray(c.container.ports)
        .map((p) => asObject(p))
        .filter((p): p is Record<string, unknown> => p !== undefined);
      const resolved = typeof target === 'string' && !/^\d+$/.test(target)
        ? Number(asText(declared.find((p) => asText(p.name) === target)?.containerPort))
        : Number(asText(target));
      if (!Number.isFinite(resolved) || resolved <= 0) continue;
      for (const { profile, confidence } of profilesForContainer(c, labels)) {
        if (profile.ports.has(resolved)) out.push({ profile, workload: w, container: c.name, port: resolved, confidence });
      }
    }
  }
  if (workloads.length === 0) {
    for (const profile of profilesByServiceName(service.name)) {
      out.push({ profile, workload: service, container: '', port: Number.isFinite(port) ? port : 0, confidence: 'possible' });
    }
  }
  return out;
}

export function profilesByServiceName(name: string): AdminProfile[] {
  return adminProfiles().filter((p) => p.serviceNames.has(name));
}
