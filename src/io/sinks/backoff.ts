/** Retry timing for deliveries: exponential backoff with full jitter, bounded in attempts and delay. */

export interface RetryPolicy {
  /** Attempts per delivery, the first included. */
  attempts: number;
  /** Ceiling of the first retry's delay; doubles per retry. */
  baseMs: number;
  /** No delay exceeds this. */
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 500, maxMs: 30_000 };

/**
 * Delay before retry number `retry` (0 = first retry): uniform in [0, min(maxMs, baseMs·2^retry)].
 * Full jitter spreads retries of many senders after a shared outage instead of synchronising them.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(retry, 30));
  return Math.floor(random() * ceiling);
}

/** A `Retry-After` header (seconds or HTTP date) in ms, capped; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number, capMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const t = header.trim();
  const ms = /^\d+$/.test(t) ? Number(t) * 1000 : Date.parse(t) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.max(0, Math.min(capMs, ms));
}

/** Sleep that an abort ends early (resolves, never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((res) => {
    const done = (): void => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      res();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
