/** Incidents, most severe first; opening one shows its chain (access → credential → creation) in time order. */
import { useState } from 'preact/hooks';
import { html } from 'htm/preact';
import { getAll } from '../api.js';
import type { Incident } from '../types.js';
import { Loading, Sev, useLoad, when, type PageProps } from './common.js';

function Chain(props: { incident: Incident }) {
  const i = props.incident;
  return html`<div class="chain" aria-label="Incident chain">
    <p>${i.fullChain ? html`<b>Full chain</b>: ` : ''}${i.stages.join(' → ')} · sources ${i.sources.join(', ') || '—'} · users ${i.users.join(', ') || '—'}</p>
    <ol class="timeline">
      ${i.timeline.map(
        (s) => html`<li class=${`stage-${s.stage}`}>
          <time>${when(s.time)}</time> <span class="stage">${s.stage}</span> <${Sev} s=${s.severity} /> ${s.title} <code class="muted">${s.rule}</code>
        </li>`,
      )}
    </ol>
  </div>`;
}

export function IncidentsPage(props: PageProps) {
  const { data, error } = useLoad(() => getAll<Incident>('/v1/incidents', 'incidents'), props.onAuthError);
  const [open, setOpen] = useState<string | undefined>();
  if (!data) return html`<${Loading} error=${error} />`;
  return html`<section>
    <h2>Incidents <span class="muted">(${data.length})</span></h2>
    ${data.length === 0 ? html`<p class="muted">No incidents.</p>` : null}
    <ul class="incidents">
      ${data.map(
        (i) => html`<li class="incident">
          <button class="row" aria-expanded=${open === i.id} onClick=${() => setOpen(open === i.id ? undefined : i.id)}>
            <${Sev} s=${i.severity} /> <span class="title">${i.title}</span> <time>${when(i.start)}</time>
          </button>
          ${open === i.id ? html`<${Chain} incident=${i} />` : null}
        </li>`,
      )}
    </ul>
  </section>`;
}
