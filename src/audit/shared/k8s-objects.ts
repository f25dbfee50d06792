/**
 * Kubernetes objects out of a manifest stream: multi-document YAML, JSON, `List` kinds (kubectl
 * get -o yaml, `kind: List`, `*List`), Helm and kustomize output. Each object remembers its document
 * and path so that rules can report exact lines.
 */
import type { InputProblem } from '../types.js';
import {
  asArray,
  asObject,
  asText,
  getPath,
  isObject,
  type PathSegment,
  type PlainObject,
  type PositionedDocument,
  type YamlPath,
} from '../yaml-positions.js';

export interface K8sObject {
  kind: string;
  apiVersion: string;
  name: string;
  namespace?: string;
  body: PlainObject;
  doc: PositionedDocument;
  /** Path of the object inside its document (empty unless it sits in a List). */
  path: PathSegment[];
}

/** `Kind/namespace/name`, or `Kind/name` for cluster-scoped and unnamespaced objects. */
export function resourceName(o: K8sObject): string {
  return o.namespace ? `${o.kind}/${o.namespace}/${o.name}` : `${o.kind}/${o.name}`;
}

export function lineAt(o: K8sObject, rel: YamlPath): number {
  return o.doc.lineOf([...o.path, ...rel]);
}

const MAX_LIST_DEPTH = 4;

export function collectObjects(file: string, docs: readonly PositionedDocument[]): { objects: K8sObject[]; problems: InputProblem[] } {
  const objects: K8sObject[] = [];
  const problems: InputProblem[] = [];
  const visit = (doc: PositionedDocument, value: unknown, path: PathSegment[], depth: number): void => {
    if (value === null || value === undefined) return; // empty document between separators
    if (!isObject(value)) {
      problems.push({ file, line: doc.lineOf(path), message: 'not a Kubernetes object (expected a map with apiVersion and kind)' });
      return;
    }
    const kind = asText(value.kind);
    const apiVersion = asText(value.apiVersion) ?? '';
    if (!kind) {
      problems.push({ file, line: doc.lineOf(path), field: 'kind', message: 'object without kind skipped' });
      return;
    }
    if (kind.endsWith('List') && Array.isArray(value.items)) {
      if (depth >= MAX_LIST_DEPTH) {
        problems.push({ file, line: doc.lineOf(path), field: 'items', message: 'List nested too deeply, skipped' });
        return;
      }
      value.items.forEach((item, i) => visit(doc, item, [...path, 'items', i], depth + 1));
      return;
    }
    const meta = asObject(value.metadata) ?? {};
    const namespace = asText(meta.namespace);
    objects.push({
      kind,
      apiVersion,
      name: asText(meta.name) ?? asText(meta.generateName) ?? '(unnamed)',
      ...(namespace ? { namespace } : {}),
      body: value,
      doc,
      path,
    });
  };
  for (const doc of docs) visit(doc, doc.value, [], 0);
  return { objects, problems };
}

/** Namespace a namespaced object really lives in (manifests without one go to `default` when applied). */
export function effectiveNamespace(o: K8sObject): string {
  return o.namespace ?? 'default';
}

export interface PodTemplate {
  spec: PlainObject;
  /** Path of the pod spec relative to the object. */
  specPath: PathSegment[];
  labels: Record<string, string>;
}

const TEMPLATE_PATHS: Record<string, PathSegment[]> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  PodTemplate: ['template'],
};

/** The pod template of a workload (or the Pod itself); undefined for other kinds. */
export function podTemplate(o: K8sObject): PodTemplate | undefined {
  const tplPath = o.kind === 'Pod' ? [] : TEMPLATE_PATHS[o.kind];
  if (!tplPath) return undefined;
  const tpl = o.kind === 'Pod' ? o.body : asObject(getPath(o.body, tplPath));
  const spec = asObject(tpl?.spec);
  if (!tpl || !spec) return undefined;
  return { spec, specPath: [...tplPath, 'spec'], labels: stringMap(getPath(tpl, ['metadata', 'labels'])) };
}

export interface ContainerRef {
  container: PlainObject;
  /** Path of the container relative to the object. */
  path: PathSegment[];
  name: string;
  image: string;
}

export function containersOf(o: K8sObject): ContainerRef[] {
  const tpl = podTemplate(o);
  if (!tpl) return [];
  const out: ContainerRef[] = [];
  for (const field of ['initContainers', 'containers'] as const) {
    asArray(tpl.spec[field]).forEach((c, i) => {
      const container = asObject(c);
      if (!container) return;
      out.push({
        container,
        path: [...tpl.specPath, field, i],
        name: asText(container.name) ?? `${field}[${i}]`,
        image: asText(container.image) ?? '',
      });
    });
  }
  return out;
}

export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const obj = asObject(v);
  if (!obj) return out;
  for (const [k, val] of Object.entries(obj)) {
    const t = asText(val);
    if (t !== undefined) out[k] = t;
  }
  return out;
}

/** A selector (map form) matches a label set when every pair is present. An empty selector matches nothing here. */
export function selectorMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}
