/**
 * Inputs named on the command line that cannot be read exit 2 with a message naming them, as the
 * README says, instead of passing a CI gate as "nothing found". Root reads any file, so the
 * permission cases run the CLI as the unprivileged user `nobody` (setpriv) on files owned by root with
 * mode 0600; the repository and its node_modules stay world-readable, so only the named input is
 * out of reach. Kinds root cannot read either (a folder given as a file, a dangling symbolic link, a
 * FIFO nobody writes to) run as whoever runs the tests, and must not hang.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIgnoreFile } from '../../src/audit/ignore.js';
import { checkNamedInput } from '../../src/cli/named-inputs.js';
import { resolveLogInputs } from '../../src/cli/log-inputs.js';
import { loadConfig } from '../../src/config/load.js';
import { readNamedFile } from '../../src/io/safe-read.js';
import { readInventory } from '../../src/surface/inventory.js';
import { ROOT, runCli } from '../helpers/cli.js';

const TSX = import.meta.resolve('tsx');
const BIN = join(ROOT, 'src/cli/bin.ts');
const AS_NOBODY = ['--reuid=nobody', '--regid=nogroup', '--clear-groups'];
const canDropPrivileges = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'drb-unreadable-'));
  chmodSync(dir, 0o755);
  const sshd = 'PermitRootLogin yes\nPasswordAuthentication yes\n';
  writeFileSync(join(dir, 'sshd_config'), sshd, { mode: 0o600 });
  writeFileSync(join(dir, 'auth.log'), 'Mar  4 09:15:02 web1 sshd[2211]: Accepted password for alice from 198.51.100.7 port 50522 ssh2\n', { mode: 0o600 });
  // Not in the working folder, where it would be read by default.
  mkdirSync(join(dir, 'conf'), { mode: 0o755 });
  writeFileSync(join(dir, 'conf', 'drawbridge.yaml'), 'failOn: high\n', { mode: 0o600 });
  mkdirSync(join(dir, 'locked'), { mode: 0o700 });
  writeFileSync(join(dir, 'locked', 'sshd_config'), sshd);
  mkdirSync(join(dir, 'folder'), { mode: 0o755 });
  writeFileSync(join(dir, 'readable_sshd_config'), sshd, { mode: 0o644 });
  symlinkSync(join(dir, 'gone'), join(dir, 'dangling'));
  spawnSync('mkfifo', [join(dir, 'fifo')]);
  chmodSync(join(dir, 'fifo'), 0o644);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function asNobody(args: string[]) {
  const r = spawnSync('setpriv', [...AS_NOBODY, process.execPath, '--import', TSX, BIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, HOME: dir, NO_COLOR: '1' },
    timeout: 120_000,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe.runIf(canDropPrivileges)('a named file the user may not read exits 2', () => {
  it('nobody can run the CLI but cannot read the inputs (the premise of these tests)', () => {
    expect(spawnSync('setpriv', [...AS_NOBODY, 'cat', join(dir, 'sshd_config')]).status).not.toBe(0);
    const ok = asNobody(['audit', join(dir, 'readable_sshd_config'), '--format', 'json']);
    expect(ok.stderr).not.toMatch(/cannot read/);
    expect(ok.code).toBe(1);
  });

  it.each([
    ['audit', 'sshd_config'],
    ['audit', 'locked'],
    ['detect', 'auth.log'],
    ['decode', 'auth.log'],
    ['learn', 'auth.log'],
  ])('%s %s', (command, input) => {
    const r = asNobody([command, join(dir, input)]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`error DRB-E-INPUT-READ: .*${input}: cannot read: permission denied \\(EACCES\\)`));
  });

  it('a config file it may not read is a config error', () => {
    const r = asNobody(['audit', join(dir, 'readable_sshd_config'), '--config', join(dir, 'conf', 'drawbridge.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error DRB-E-CONFIG: .*drawbridge\.yaml: cannot read config: EACCES/);
  });
});

describe('inputs no one can read exit 2, and a FIFO does not hang', () => {
  it.each([
    ['audit of a FIFO', ['audit', 'fifo'], /DRB-E-INPUT-READ: .*fifo: cannot read: a FIFO, not a regular file or folder/],
    ['a FIFO as --config', ['audit', 'readable_sshd_config', '--config', 'fifo'], /DRB-E-CONFIG: fifo: cannot read config: not a regular file/],
    ['detect of a dangling symbolic link', ['detect', 'dangling'], /DRB-E-INPUT-MISSING: dangling: symbolic link to .*gone, which does not exist/],
  ] as const)('the CLI: %s', (_what, args, message) => {
    const r = runCli([...args], { cwd: dir, timeout: 60_000 });
    expect(r.signal, 'it must not hang').toBeNull();
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('every reader of a named file: FIFOs, folders and dangling links are refused with a reason, none blocks', () => {
    const at = (name: string): string => join(dir, name);
    const message = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return `${(e as Error & { code?: string }).code ?? ''} ${(e as Error).message}`;
      }
      return 'no error';
    };
    expect(message(() => checkNamedInput(at('fifo')))).toMatch(/DRB-E-INPUT-READ .*fifo: cannot read: a FIFO/);
    expect(message(() => checkNamedInput(at('dangling')))).toMatch(/DRB-E-INPUT-MISSING .*dangling: symbolic link to .*gone, which does not exist/);
    expect(message(() => resolveLogInputs([at('fifo')]))).toMatch(/DRB-E-INPUT-READ .*a FIFO/);
    expect(message(() => resolveLogInputs([at('dangling')]))).toMatch(/DRB-E-INPUT-MISSING/);
    for (const name of ['fifo', 'folder']) {
      expect(message(() => loadConfig(at(name)))).toMatch(/DRB-E-CONFIG .*cannot read config: not a regular file/);
      expect(message(() => readInventory(at(name)))).toMatch(/cannot read: not a regular file/);
      expect(loadIgnoreFile(at(name))).toMatchObject({ unusable: true, problems: [{ message: expect.stringMatching(/cannot read: not a regular file/) }] });
      expect(message(() => readNamedFile(at(name)))).toMatch(/not a regular file/);
    }
    expect(checkNamedInput(at('folder'))).toBe('folder');
    expect(checkNamedInput(at('readable_sshd_config'))).toBe('file');
  });
});
