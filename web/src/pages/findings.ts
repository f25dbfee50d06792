/** Findings of audit and probe runs, most severe first, each with its fix. */
import { html } from 'htm/preact';
import { getAll } from '../api.js';
import type { Finding } from '../types.js';
import { Loading, Sev, useLoad, type PageProps } from './common.js';

const RANK = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

function where(f: Finding): string {
  const l = f.location;
  return 'file' in l ? `${l.file}:${l.line}` : 'host' in l ? `${l.host}:${l.port}` : `${l.source}@${l.offset}`;
}

export function FindingsPage(props: PageProps) {
  const { data, error } = useLoad(() => getAll<Finding>('/v1/findings', 'findings'), props.onAuthError);
  if (!data) return html`<${Loading} error=${error} />`;
  const sorted = [...data].sort((a, b) => RANK[a.severity] - RANK[b.severity] || a.title.localeCompare(b.title));
  return html`<section>
    <h2>Findings <span class="muted">(${data.length})</span></h2>
    ${data.length === 0 ? html`<p class="muted">No findings: post <code>drawbridge audit … -f json</code> or <code>probe … -f json</code> output to <code>/v1/findings</code>.</p>` : null}
    <ul class="findings">
      ${sorted.map(
        (f) => html`<li>
          <${Sev} s=${f.severity} /> <b>${f.title}</b> <span class="muted">${f.lens} · ${where(f)} · ${f.subTechnique} · ${f.control}</span>
          <details><summary>Fix</summary><pre>${f.remediation}</pre></details>
        </li>`,
      )}
    </ul>
  </section>`;
}
