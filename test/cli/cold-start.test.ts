/**
 * What a run loads. A command named first is registered alone (command-modules.ts) and must read and
 * behave as in the whole program; detect and audit must not load the server, Redis, metrics, SSH or
 * HCL libraries, which their runs never use (each costs a cold start tens of milliseconds).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { SINGLE_COMMANDS, singleCommand } from '../../src/cli/command-modules.js';
import { buildProgram } from '../../src/cli/main.js';
import { baseProgram } from '../../src/cli/program.js';
import { BIN, ROOT, TSX } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-cold-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every command under `cmd` with its help text, by path. */
function helpTexts(cmd: Command, path: string[] = []): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of cmd.commands) {
    const p = [...path, c.name()];
    out.set(p.join(' '), c.helpInformation());
    for (const [k, v] of helpTexts(c, p)) out.set(k, v);
  }
  return out;
}

describe('a command registered alone', () => {
  const full = buildProgram();

  it('covers every command of the program but completion, which prints the whole tree', () => {
    const names = full.commands.flatMap((c) => [c.name(), ...c.aliases()]);
    expect([...SINGLE_COMMANDS].sort()).toEqual(names.filter((n) => n !== 'completion').sort());
    expect(singleCommand(['completion', 'bash'])).toBeUndefined();
    expect(singleCommand(['--help'])).toBeUndefined();
    expect(singleCommand(['detec'])).toBeUndefined();
    expect(singleCommand(['constructor'])).toBeUndefined();
  });

  it('has the same options, arguments and help as in the whole program', async () => {
    const fullHelp = helpTexts(full);
    for (const name of SINGLE_COMMANDS) {
      const program = baseProgram();
      (await singleCommand([name])!())(program);
      const alone = helpTexts(program);
      expect(alone.has(name), name).toBe(true);
      for (const [path, text] of alone) expect(text, path).toBe(fullHelp.get(path));
    }
  });
});

/** The packages and source modules (src/…) a run of the command line loads (from source, as the tests run it). */
function loaded(args: string[]): { packages: Set<string>; modules: Set<string> } {
  const log = join(dir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(log)}, r.url + '\\n'); return r; }\n`);
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hooks}`)});\n`);
  const run = spawnSync(process.execPath, ['--import', TSX, '--import', register, BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  expect(run.status, run.stderr).toBeLessThanOrEqual(1);
  const urls = readFileSync(log, 'utf8').split('\n');
  const packages = urls
    .map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1])
    .filter((n): n is string => n !== undefined && n !== 'tsx' && n !== 'get-tsconfig' && n !== 'esbuild');
  const modules = urls.map((url) => /\/(src\/.*\.ts)$/.exec(url)?.[1]).filter((m): m is string => m !== undefined);
  return { packages: new Set(packages), modules: new Set(modules) };
}

const NOT_FOR_DETECT_OR_AUDIT = ['fastify', '@fastify/static', '@fastify/swagger', '@fastify/rate-limit', 'ioredis', 'prom-client', 'ssh2', '@cdktf/hcl2json'];

describe('what a run loads', () => {
  it('detect over an sshd log: its store and parsers, not the server, Redis, metrics, SSH or HCL libraries', () => {
    const log = join(dir, 'auth.log');
    writeFileSync(log, 'Mar  5 06:00:01 bastion-1 sshd[101]: Failed password for invalid user test from 198.51.100.1 port 40001 ssh2\n');
    const { packages, modules } = loaded(['detect', log, '--state-dir', join(dir, 'state'), '--format', 'json']);
    expect(packages).toContain('better-sqlite3');
    for (const p of NOT_FOR_DETECT_OR_AUDIT) expect(packages, p).not.toContain(p);
    // Nor the syslog receivers (sockets) nor the probe signatures (the largest catalogue schema), which need flags it was not given.
    expect(modules).toContain('src/detect/pipeline/index.ts');
    for (const m of ['src/io/sources/syslog.ts', 'src/catalog/signatures.ts', 'src/cli/probe.ts', 'src/cli/serve.ts']) expect(modules, m).not.toContain(m);
  });

  it('audit of an sshd_config: not the server, Redis, metrics, SSH or HCL libraries', () => {
    const { packages } = loaded(['audit', join(ROOT, 'samples/sshd/sshd_config'), '--format', 'json']);
    expect(packages).toContain('yaml');
    for (const p of [...NOT_FOR_DETECT_OR_AUDIT, 'better-sqlite3']) expect(packages, p).not.toContain(p);
  });

  it('probe --help: only what the probe command registers', () => {
    const { packages, modules } = loaded(['probe', '--help']);
    expect(packages).toContain('commander');
    for (const p of [...NOT_FOR_DETECT_OR_AUDIT, 'better-sqlite3']) expect(packages, p).not.toContain(p);
    for (const m of ['src/cli/detect.ts', 'src/cli/audit.ts', 'src/probe/scheduler.ts']) expect(modules, m).not.toContain(m);
  });
});
