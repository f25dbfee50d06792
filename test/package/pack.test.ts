/**
 * The published package, as a user gets it: `npm pack`, then `npm install <tarball>` in an empty folder,
 * then the `drawbridge` command that install links. Install scripts are skipped (better-sqlite3 would
 * compile from source without its prebuilt binaries); audit and --version do not load it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; bin: Record<string, string> };
const npm = (args: string[], cwd: string): string => execFileSync('npm', args, { cwd, encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'pipe'] });

describe('npm package', () => {
  it('is named so that it does not collide with the unrelated "drawbridge" package, and installs the drawbridge command', () => {
    expect(pkg.name).toBe('drawbridge-cli');
    expect(Object.keys(pkg.bin)).toEqual(['drawbridge']);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`npm install -g ${pkg.name}`);
    expect(readme).not.toMatch(/npm install -g drawbridge(\s|$)/m);
  });

  it('npm pack + npm install of the tarball in an empty folder gives a working drawbridge', () => {
    npm(['pack', '--pack-destination', dir], ROOT);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBe(`${pkg.name}-${pkg.version}.tgz`);
    const app = join(dir, 'app');
    execFileSync('mkdir', [app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    npm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', join(dir, tarball!)], app);
    const bin = join(app, 'node_modules/.bin/drawbridge');
    const run = (args: string[]) => spawnSync(bin, args, { cwd: app, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });

    const version = run(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe(pkg.version);

    const installed = join(app, 'node_modules', pkg.name);
    const audit = run(['audit', join(installed, 'samples/sshd/sshd_config'), '--format', 'json']);
    expect(audit.status).toBe(1);
    const rules = (JSON.parse(audit.stdout) as { findings: { rule: string }[] }).findings.map((f) => f.rule);
    expect(rules).toContain('sshd-password-auth');
    // Shipped beside the code: catalogues, the schema for editors, the man page.
    for (const f of ['catalog/services.yaml', 'schema/drawbridge.schema.json', 'man/drawbridge.1']) expect(() => readFileSync(join(installed, f))).not.toThrow();
  }, 600_000);
});
