/** The surface: sub-technique × lens (what audit says, what probe found, what detect saw), then per asset. */
import { html } from 'htm/preact';
import { get } from '../api.js';
import type { LensCell, Surface } from '../types.js';
import { Loading, Sev, useLoad, type PageProps } from './common.js';

function Cell(props: { c: LensCell; what: string }) {
  return props.c.count === 0 ? html`<td class="muted">none</td>` : html`<td><b>${props.c.count}</b> ${props.what} <${Sev} s=${props.c.worst} /></td>`;
}

export function OverviewPage(props: PageProps) {
  const { data, error } = useLoad(() => get<Surface>('/v1/surface'), props.onAuthError);
  if (!data) return html`<${Loading} error=${error} />`;
  return html`<section>
    <h2>Management surface</h2>
    <table class="matrix" aria-label="Sub-technique by lens">
      <thead><tr><th>Sub-technique</th><th>audit: configured exposure</th><th>probe: answering</th><th>detect: coming in</th></tr></thead>
      <tbody>
        ${data.matrix.map(
          (r) => html`<tr>
            <th scope="row">${r.name}<br /><code>${r.subTechnique}</code></th>
            <${Cell} c=${r.audit} what="findings" />
            <${Cell} c=${r.probe} what="findings" />
            <${Cell} c=${r.detect} what="alerts" />
          </tr>`,
        )}
      </tbody>
    </table>
    <h2>Assets</h2>
    ${data.assets.length === 0
      ? html`<p class="muted">Nothing yet: post audit/probe results to <code>/v1/findings</code> and logs to <code>/v1/ingest</code>.</p>`
      : html`<table aria-label="Assets">
          <thead><tr><th>Asset</th><th>audit</th><th>probe</th><th>detect</th><th>Sub-techniques</th></tr></thead>
          <tbody>
            ${data.assets.slice(0, 200).map(
              (a) => html`<tr>
                <td><code>${a.asset}</code></td>
                <${Cell} c=${a.audit} what="" />
                <${Cell} c=${a.probe} what="" />
                <${Cell} c=${a.detect} what="" />
                <td>${a.subTechniques.join(', ')}</td>
              </tr>`,
            )}
          </tbody>
        </table>`}
  </section>`;
}
