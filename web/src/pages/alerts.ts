/** Alerts as a timeline, newest first, filtered by minimum severity; new ones arrive over the live stream. */
import { useEffect, useState } from 'preact/hooks';
import { html } from 'htm/preact';
import { getAll, token } from '../api.js';
import type { Alert, Severity } from '../types.js';
import { Loading, Sev, useLoad, when, type PageProps } from './common.js';

const LEVELS: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** Read the SSE stream with fetch (EventSource cannot send the Authorization header). */
function useLiveAlerts(onAlert: (a: Alert) => void): void {
  useEffect(() => {
    const ctrl = new AbortController();
    void (async () => {
      try {
        const r = await fetch('/v1/stream', { headers: { authorization: `Bearer ${token() ?? ''}` }, signal: ctrl.signal });
        if (!r.body) return;
        const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buf += value;
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const msg = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const data = /^data: (.*)$/m.exec(msg);
            if (/^event: alert$/m.test(msg) && data) onAlert(JSON.parse(data[1]!) as Alert);
          }
        }
      } catch {
        // closed: the page was left or the server stopped
      }
    })();
    return () => ctrl.abort();
  }, []);
}

export function AlertsPage(props: PageProps) {
  const [min, setMin] = useState<Severity>('low');
  const { data, error } = useLoad(() => getAll<Alert>('/v1/alerts', 'alerts'), props.onAuthError);
  const [live, setLive] = useState<Alert[]>([]);
  useLiveAlerts((a) => setLive((l) => [a, ...l].slice(0, 500)));
  if (!data) return html`<${Loading} error=${error} />`;
  const seen = new Set(data.map((a) => a.id));
  const all = [...live.filter((a) => !seen.has(a.id)), ...[...data].reverse()];
  const shown = all.filter((a) => LEVELS.indexOf(a.severity) >= LEVELS.indexOf(min));
  return html`<section>
    <h2>Alerts <span class="muted">(${shown.length} of ${all.length})</span></h2>
    <label>Minimum severity
      <select value=${min} onChange=${(e: Event) => setMin((e.target as HTMLSelectElement).value as Severity)}>
        ${LEVELS.map((l) => html`<option value=${l}>${l}</option>`)}
      </select>
    </label>
    <table aria-label="Alerts">
      <thead><tr><th>Time</th><th>Severity</th><th>Alert</th><th>Sub-technique</th><th>Control</th></tr></thead>
      <tbody>
        ${shown.slice(0, 500).map(
          (a) => html`<tr>
            <td><time>${when(a.time)}</time></td>
            <td><${Sev} s=${a.severity} /></td>
            <td>${a.title}<br /><code class="muted">${a.rule}</code>${a.incident ? html` · <a href="#/incidents">incident</a>` : ''}</td>
            <td>${a.subTechnique}</td>
            <td>${a.control}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}
