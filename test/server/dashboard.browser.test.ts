/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core): built with Vite, served by
 * `buildServer` fed with an emulated week (logs through the ingest API, an audit run's findings posted),
 * every page loaded, an incident opened to its chain, a baseline entry approved. Screenshots are saved
 * under test-output/dashboard/ for people to look at.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPaths } from '../../src/audit/engine.js';
import { parseConfig } from '../../src/config/load.js';
import { SqliteStateStore } from '../../src/detect/state/sqlite.js';
import { emulate } from '../../src/emulate/index.js';
import { buildServer, type DrawbridgeServer } from '../../src/server/app.js';
import { parseTokenFile, TokenSet } from '../../src/server/tokens.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SHOTS = join(ROOT, 'test-output', 'dashboard');
const CHROMIUM = '/usr/bin/chromium';
const ADMIN = 'admin-token-0123456789abcdefghij';
const INGEST = 'ingest-token-0123456789abcdefghi';

let dir: string;
let server: DrawbridgeServer;
let store: SqliteStateStore;
let base: string;
let browser: Browser;
let page: Page;

async function post(path: string, body: string | object, type = 'application/x-ndjson'): Promise<void> {
  const r = await fetch(base + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${INGEST}`, 'content-type': typeof body === 'string' ? type : 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  expect(r.status, `${path}: ${await r.clone().text()}`).toBe(200);
}

async function alertCount(): Promise<number> {
  const r = await fetch(base + '/v1/alerts?limit=1', { headers: { authorization: `Bearer ${ADMIN}` } });
  return ((await r.json()) as { total: number }).total;
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (apt-get install chromium; scripts/ensure-test-deps.sh installs it)`);
  dir = mkdtempSync(join(tmpdir(), 'drawbridge-dashboard-'));
  mkdirSync(SHOTS, { recursive: true });
  const webOut = join(dir, 'web');
  await build({ configFile: join(ROOT, 'web', 'vite.config.ts'), logLevel: 'warn', build: { outDir: webOut, emptyOutDir: true } });

  const emu = join(dir, 'emu');
  await emulate({ outDir: emu, seed: 2, days: 6 });
  const config = parseConfig(readFileSync(join(emu, 'drawbridge.yaml'), 'utf8'), 'drawbridge.yaml');
  store = new SqliteStateStore(join(dir, 'state', 'state.db'));
  server = await buildServer({
    config,
    store,
    stateDir: join(dir, 'state'),
    tokens: new TokenSet(parseTokenFile(`admin:${ADMIN}\ningest:${INGEST}\n`, 'tokens.txt')),
    pollMs: 50,
    dashboardRoot: webOut,
  });
  base = (await server.listen('127.0.0.1', 0)).url;

  await post('/v1/ingest/sshd', readFileSync(join(emu, 'logs', 'bastion-1', 'auth.log'), 'utf8'), 'text/plain');
  await post('/v1/ingest/k8s-audit', readFileSync(join(emu, 'logs', 'kubernetes', 'audit.log'), 'utf8'));
  await post('/v1/ingest/docker-events', readFileSync(join(emu, 'logs', 'docker', 'events.json'), 'utf8'));
  // Relative, as a user types it: the assets then name samples/sshd/…, not this machine's folders.
  const audit = await auditPaths([relative(process.cwd(), join(ROOT, 'samples', 'sshd'))], { config });
  await post('/v1/findings', { findings: audit.findings });
  // Wait until detection has caught up with what was posted (the count stops moving).
  let last = -1;
  for (let i = 0; i < 300; i++) {
    const n = await alertCount();
    if (n > 0 && n === last) break;
    last = n;
    await new Promise((r) => setTimeout(r, 500));
  }

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  (page as Page & { problems: string[] }).problems = problems;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('dashboard', () => {
  it('asks for a token, refuses a wrong one, and opens on the surface overview', async () => {
    await page.goto(base + '/');
    await page.getByLabel('API token').fill('wrong-token-0123456789abcdefghij');
    await page.getByRole('button', { name: 'Open' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not accepted');
    await page.getByLabel('API token').fill(ADMIN);
    await page.getByRole('button', { name: 'Open' }).click();
    const matrix = page.getByRole('table', { name: 'Sub-technique by lens' });
    await matrix.waitFor();
    const text = (await matrix.textContent()) ?? '';
    expect(text).toContain('SSH Access');
    expect(text).toContain('Exposed Kubernetes API');
    // audit findings from the posted run, and alerts from the ingested logs, in the same row.
    const ssh = (await page.getByRole('row', { name: /SSH Access/ }).textContent()) ?? '';
    expect(ssh).toMatch(/\d+ findings/);
    expect(ssh).toMatch(/\d+ alerts/);
    await shot('overview');
    // The refused token's 401 was expected; from here on the page must raise nothing.
    (page as Page & { problems: string[] }).problems.length = 0;
  });

  it('lists incidents and opens one to its chain', async () => {
    await page.getByRole('link', { name: 'Incidents' }).click();
    const first = page.locator('li.incident button.row').first();
    await first.waitFor();
    await first.click();
    const chain = page.getByLabel('Incident chain');
    await chain.waitFor();
    expect(await chain.locator('ol.timeline li').count()).toBeGreaterThan(0);
    expect(await first.getAttribute('aria-expanded')).toBe('true');
    await shot('incident');
  });

  it('shows alerts, findings with their fixes, and observations', async () => {
    await page.getByRole('link', { name: 'Alerts' }).click();
    const rows = page.getByRole('table', { name: 'Alerts' }).locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(0);
    await shot('alerts');
    await page.getByRole('link', { name: 'Findings' }).click();
    await page.locator('ul.findings li').first().waitFor();
    await page.locator('ul.findings li details summary').first().click();
    expect(await page.locator('ul.findings li details pre').first().textContent()).toMatch(/\S/);
    await shot('findings');
    await page.getByRole('link', { name: 'Observations' }).click();
    await page.getByRole('heading', { name: /Observations/ }).waitFor();
    // The bastion's Internet scanners are a digest here, not alerts.
    const api = await fetch(base + '/v1/observations', { headers: { authorization: `Bearer ${ADMIN}` } });
    const obs = ((await api.json()) as { observations: { service: string; ranges: number }[] }).observations;
    expect(obs.length).toBeGreaterThan(0);
    expect(obs.some((o) => o.ranges > 0)).toBe(true);
    await page.getByRole('img', { name: /per service per day/ }).waitFor();
    await shot('observations');
  });

  it('approves a baseline entry with an admin token', async () => {
    await page.getByRole('link', { name: 'Baselines' }).click();
    await page.getByLabel('Key').fill('10.0.1.5:22=198.51.100.0/24');
    await page.getByRole('button', { name: 'Approve' }).first().click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('approve');
    const row = page.getByRole('row', { name: /10\.0\.1\.5:22=198\.51\.100\.0\/24/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('approved');
    const log = await fetch(base + '/v1/admin-log', { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(((await log.json()) as { entries: { action: string }[] }).entries.map((e) => e.action)).toContain('baseline.approve');
    await shot('baselines');
  });

  it('raised no script errors and no CSP violations', () => {
    expect((page as Page & { problems: string[] }).problems).toEqual([]);
  });
});
