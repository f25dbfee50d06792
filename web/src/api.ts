/** The dashboard's only way to the data: the server's REST API with the token the user pasted in. */
const TOKEN_KEY = 'drawbridge.token';

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(t: string | null): void {
  if (t) sessionStorage.setItem(TOKEN_KEY, t);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${token() ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = (await r.json().catch(() => ({}))) as { error?: string };
  if (!r.ok) throw new ApiError(r.status, data.error ?? `${r.status} ${r.statusText}`);
  return data as T;
}

export const get = <T>(path: string): Promise<T> => call<T>('GET', path);
export const post = <T>(path: string, body: unknown): Promise<T> => call<T>('POST', path, body);

/** Every page of a paged list route. */
export async function getAll<T>(path: string, key: string, max = 5000): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  const sep = path.includes('?') ? '&' : '?';
  do {
    const page = await get<Record<string, unknown> & { next?: string }>(`${path}${sep}limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
    out.push(...((page[key] as T[]) ?? []));
    cursor = page.next;
  } while (cursor && out.length < max);
  return out;
}
