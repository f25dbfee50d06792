/** Container image references: repository and tag, hint matching, the version a tag names. */
import semver from 'semver';

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

/** `v1.29.3-eks-…`, `v1.2.3_coreos.0`, `3.5.9-0` → the plain x.y.z; undefined for `latest`. */
export function imageVersion(image: string): string | undefined {
  const tag = parseImage(image).tag;
  if (!tag) return undefined;
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(tag);
  if (!m) return undefined;
  return semver.valid(`${m[1]}.${m[2]}.${m[3] ?? '0'}`) ?? undefined;
}
