/** Baselines per detector; admin tokens approve (never alert again) or forget (new again) entries. */
import { useState } from 'preact/hooks';
import { html } from 'htm/preact';
import { get, post } from '../api.js';
import type { BaselineRow } from '../types.js';
import { Loading, useLoad, when, type PageProps } from './common.js';

export function BaselinesPage(props: PageProps) {
  const [reload, setReload] = useState(0);
  const [message, setMessage] = useState<string | undefined>();
  const { data, error } = useLoad(() => get<{ entries: BaselineRow[] }>('/v1/baselines'), props.onAuthError, reload);
  const [detector, setDetector] = useState('new-source-range');
  const [key, setKey] = useState('');
  const act = async (action: 'approve' | 'forget', d: string, keys: string[]): Promise<void> => {
    try {
      const r = await post<Record<string, unknown>>(`/v1/baselines/${action}`, { detector: d, keys });
      setMessage(`${action}: ${JSON.stringify(r)}`);
      setReload((n) => n + 1);
    } catch (e) {
      props.onAuthError(e);
      setMessage(`${action} failed: ${(e as Error).message}`);
    }
  };
  if (!data) return html`<${Loading} error=${error} />`;
  return html`<section>
    <h2>Baselines <span class="muted">(${data.entries.length})</span></h2>
    <form class="approve" onSubmit=${(e: Event) => (e.preventDefault(), void act('approve', detector, [key.trim()]))}>
      <select aria-label="Detector" value=${detector} onChange=${(e: Event) => setDetector((e.target as HTMLSelectElement).value)}>
        <option value="new-source-range">new-source-range</option>
        <option value="unseen-credential">unseen-credential</option>
      </select>
      <input aria-label="Key" placeholder="10.0.1.5:22=198.51.100.0/24" value=${key} onInput=${(e: Event) => setKey((e.target as HTMLInputElement).value)} />
      <button type="submit">Approve</button>
    </form>
    ${message ? html`<p class="notice" role="status">${message}</p>` : null}
    <table aria-label="Baseline entries">
      <thead><tr><th>Detector</th><th>Key</th><th>First seen</th><th>Last seen</th><th></th></tr></thead>
      <tbody>
        ${data.entries.slice(0, 1000).map(
          (r) => html`<tr>
            <td>${r.detector}</td><td><code>${r.key}</code></td><td>${when(r.first)}</td><td>${r.approved ? html`<b>approved</b>` : when(r.last ?? '')}</td>
            <td>
              ${r.approved ? null : html`<button onClick=${() => void act('approve', r.detector, [r.key])}>Approve</button>`}
              <button onClick=${() => void act('forget', r.detector, [r.key])}>Forget</button>
            </td>
          </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}
