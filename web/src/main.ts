/**
 * The Drawbridge dashboard: the management surface through the three lenses, the alert and incident
 * timeline, observations, findings with their fixes, and baselines. Preact with htm (no JSX build);
 * data only through the REST API, with the token kept in this tab's sessionStorage.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { html } from 'htm/preact';
import { ApiError, setToken, token } from './api.js';
import { OverviewPage } from './pages/overview.js';
import { IncidentsPage } from './pages/incidents.js';
import { AlertsPage } from './pages/alerts.js';
import { FindingsPage } from './pages/findings.js';
import { BaselinesPage } from './pages/baselines.js';
import { ObservationsPage } from './pages/observations.js';

const PAGES = [
  { id: 'overview', label: 'Surface', view: OverviewPage },
  { id: 'incidents', label: 'Incidents', view: IncidentsPage },
  { id: 'alerts', label: 'Alerts', view: AlertsPage },
  { id: 'observations', label: 'Observations', view: ObservationsPage },
  { id: 'findings', label: 'Findings', view: FindingsPage },
  { id: 'baselines', label: 'Baselines', view: BaselinesPage },
] as const;

function currentPage(): string {
  const id = location.hash.replace(/^#\/?/, '').split('/')[0] ?? '';
  return PAGES.some((p) => p.id === id) ? id : 'overview';
}

function Login(props: { onDone: () => void; error?: string }) {
  const [value, setValue] = useState('');
  const submit = (e: Event): void => {
    e.preventDefault();
    setToken(value.trim());
    props.onDone();
  };
  return html`<form class="login" onSubmit=${submit}>
    <h1>Drawbridge</h1>
    <p>Paste a <code>read</code> or <code>admin</code> token from the server's token file.</p>
    ${props.error ? html`<p class="error" role="alert">${props.error}</p>` : null}
    <input type="password" name="token" aria-label="API token" autocomplete="off" value=${value} onInput=${(e: Event) => setValue((e.target as HTMLInputElement).value)} />
    <button type="submit">Open</button>
  </form>`;
}

function App() {
  const [page, setPage] = useState(currentPage());
  const [authed, setAuthed] = useState(token() !== null);
  const [authError, setAuthError] = useState<string | undefined>();
  useEffect(() => {
    const on = (): void => setPage(currentPage());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  const onAuthError = (e: unknown): void => {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
      setToken(null);
      setAuthError(e.status === 401 ? 'That token was not accepted.' : 'That token may not read this server.');
      setAuthed(false);
    }
  };
  if (!authed) return html`<${Login} error=${authError} onDone=${() => (setAuthError(undefined), setAuthed(true))} />`;
  const View = PAGES.find((p) => p.id === page)!.view;
  return html`<header>
      <strong>Drawbridge</strong>
      <nav>${PAGES.map((p) => html`<a href=${`#/${p.id}`} class=${p.id === page ? 'active' : ''} aria-current=${p.id === page ? 'page' : undefined}>${p.label}</a>`)}</nav>
      <button class="link" onClick=${() => (setToken(null), setAuthed(false))}>Sign out</button>
    </header>
    <main><${View} onAuthError=${onAuthError} /></main>`;
}

render(html`<${App} />`, document.getElementById('app')!);
