import { useEffect, useState } from 'preact/hooks';
import { html } from 'htm/preact';
import type { Severity } from '../types.js';

export interface PageProps {
  onAuthError: (e: unknown) => void;
}

/** Load once (and again when `reload` changes); errors other than auth are shown in the page. */
export function useLoad<T>(load: () => Promise<T>, onAuthError: (e: unknown) => void, reload = 0): { data?: T; error?: string } {
  const [state, setState] = useState<{ data?: T; error?: string }>({});
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setState({ data }),
      (e: unknown) => {
        onAuthError(e);
        if (live) setState({ error: (e as Error).message });
      },
    );
    return () => {
      live = false;
    };
  }, [reload]);
  return state;
}

export function Sev(props: { s?: Severity }) {
  return props.s ? html`<span class=${`sev sev-${props.s}`}>${props.s}</span>` : html`<span class="sev sev-none">—</span>`;
}

export function Loading(props: { error?: string }) {
  return props.error ? html`<p class="error" role="alert">${props.error}</p>` : html`<p class="muted">Loading…</p>`;
}

export const when = (iso: string): string => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
