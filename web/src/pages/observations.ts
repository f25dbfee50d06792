/**
 * Observations: the noise detect keeps out of the alerts (scanners, brute force that never got in),
 * as counts per service per day and the networks behind them.
 */
import { html } from 'htm/preact';
import { get } from '../api.js';
import { Loading, useLoad, type PageProps } from './common.js';
import type { Observation } from '../types.js';

function Bars(props: { rows: { label: string; value: number }[]; title: string }) {
  const max = Math.max(1, ...props.rows.map((r) => r.value));
  const h = 18;
  return html`<figure>
    <figcaption>${props.title}</figcaption>
    <svg role="img" aria-label=${props.title} width="640" height=${props.rows.length * h + 4} viewBox=${`0 0 640 ${props.rows.length * h + 4}`}>
      ${props.rows.map(
        (r, i) => html`<g>
          <text x="0" y=${i * h + 13} class="bar-label">${r.label}</text>
          <rect x="220" y=${i * h + 2} width=${Math.max(1, (r.value / max) * 360)} height=${h - 4} class="bar" />
          <text x=${226 + (r.value / max) * 360} y=${i * h + 13} class="bar-value">${r.value}</text>
        </g>`,
      )}
    </svg>
  </figure>`;
}

export function ObservationsPage(props: PageProps) {
  const { data, error } = useLoad(() => get<{ observations: Observation[] }>('/v1/observations'), props.onAuthError);
  if (!data) return html`<${Loading} error=${error} />`;
  const obs = data.observations;
  if (obs.length === 0) return html`<section><h2>Observations</h2><p class="muted">No observations yet.</p></section>`;
  const perDay = obs.map((o) => ({ label: `${o.start.slice(0, 10)} ${o.service}`, value: o.ranges }));
  const asns = new Map<string, number>();
  for (const o of obs) {
    for (const a of o.topAsns) {
      const label = `AS${a.asn} ${a.org}`;
      asns.set(label, (asns.get(label) ?? 0) + a.count);
    }
  }
  const topAsns = [...asns.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([label, value]) => ({ label: label.slice(0, 34), value }));
  return html`<section>
    <h2>Observations <span class="muted">(kept out of the alerts)</span></h2>
    <${Bars} title="Source ranges seen that did nothing further, per service per day" rows=${perDay.slice(-40)} />
    <${Bars} title="Top networks behind them" rows=${topAsns} />
  </section>`;
}
