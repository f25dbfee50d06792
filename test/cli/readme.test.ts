/**
 * The README is true line by line: every command in its shell blocks is either run here, against the CLI
 * from source, in a folder holding the files the command names, or listed with the reason it is not
 * (network, root, runs until stopped, or covered by a test of its own). A new README command fails this
 * test until it is classified.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from './run-cli.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** Every command line of the README's sh blocks, comment stripped. */
function readmeCommands(): string[] {
  const out: string[] = [];
  for (const block of README.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split('\n')) {
      const cmd = line.replace(/\s+#.*$/, '').trim();
      if (cmd !== '' && !cmd.startsWith('#')) out.push(cmd);
    }
  }
  return out;
}

/** Commands not run here, each with why. */
const NOT_RUN: Record<string, string> = {
  'npm ci && npm run demo': 'installs from the registry; the demo command has its own test (test/cli/cli.test.ts)',
  'npm test': 'the whole suite, this test included',
  'npm install -g drawbridge-cli': 'network and a global install; test/package/pack.test.ts installs the packed tarball',
  'man drawbridge': 'needs the global install; test/cli/generated.test.ts renders man/drawbridge.1',
  'drawbridge detect /var/log/auth.log': 'reading /var/log/auth.log needs root',
  'journalctl -u ssh -o json | drawbridge detect -': 'needs a systemd journal; journald JSON decoding is tested in test/detect/decoders/sshd.test.ts',
  'drawbridge detect --follow /var/log/auth.log /var/log/kube-apiserver/audit.log --slack-webhook https://hooks.example/…':
    'runs until stopped and posts to the network; test/cli/detect-follow.test.ts and detect-sinks.test.ts cover both on loopback',
  'drawbridge detect --syslog udp://127.0.0.1:5514 --syslog tcp://127.0.0.1:5514 --format ocsf': 'runs until stopped; test/detect/syslog-live.test.ts',
  'drawbridge probe 203.0.113.10': 'sends traffic beyond loopback',
  'drawbridge probe 198.51.100.0/28 --ports 22,2200-2210 --rate 50': 'sends traffic beyond loopback',
  "drawbridge probe '[2001:db8::5]:2222' --timeout 3s": 'sends traffic beyond loopback',
  'drawbridge emulate --out /tmp/month': 'minutes of work; test/emulate/ runs the realistic profile',
  'drawbridge evaluate /tmp/month': 'minutes of work; test/evaluate/ covers the realistic evaluation',
  'drawbridge evaluate --seed 2 --scale 0.1': 'minutes of work; test/evaluate/ covers the realistic evaluation',
  'drawbridge emulate --profile basic --seed 7 --out /tmp/week': 'minutes of work; test/emulate/determinism.test.ts runs emulate',
  'helm template my-release ./chart | drawbridge audit -': 'needs helm and a chart; test/cli/audit-recognition.test.ts pipes rendered manifests into audit -',
  'drawbridge serve --token-file tokens.txt': 'runs until stopped; test/server/ starts it on loopback',
  'drawbridge serve --token-file tokens.txt --syslog udp://127.0.0.1:5514 --follow sshd=/var/log/auth.log --audit /etc/ssh --audit-every 1h --probe 127.0.0.1 --probe-every 6h':
    'runs until stopped; test/server/serve-sources.test.ts starts it with a receiver, a followed file, audit and probe runs',
  'drawbridge k8s webhook-config --server https://HOST:8787 --ca ca.pem --token-file tokens.txt --out audit-webhook.yaml':
    'HOST and ca.pem stand for the user\'s own; test/server/webhook-config.test.ts',
};

/** Commands run here, with the exit codes that make sense for them. */
const RUN: Record<string, number[]> = {
  'drawbridge init': [0],
  'source <(drawbridge completion bash)': [0],
  'drawbridge audit /etc/ssh/sshd_config': [0, 1],
  'drawbridge audit infra/ k8s/ --format sarif > drawbridge.sarif': [1],
  'drawbridge audit - < sshd_config': [1],
  'drawbridge detect --learning-period 7d flows/*.log audit/*.log --format jsonl --sink ecs:alerts.ecs.jsonl': [0, 1],
  'drawbridge decode samples/logs/auth.log | head -3': [0],
  'drawbridge token new --scope admin >> tokens.txt': [0],
};

const dir = mkdtempSync(join(tmpdir(), 'drawbridge-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A folder with the files the README's commands name, and `drawbridge` on the PATH. */
function sandbox(): { cwd: string; env: NodeJS.ProcessEnv } {
  const cwd = join(dir, 'work');
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const shim = join(bin, 'drawbridge');
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" --import "${import.meta.resolve('tsx')}" "${BIN}" "$@"\n`);
  chmodSync(shim, 0o755);
  const fixtures = join(ROOT, 'test/detect/decoders/fixtures');
  cpSync(join(ROOT, 'samples/sshd'), join(cwd, 'infra'), { recursive: true });
  cpSync(join(ROOT, 'catalog/audit/kubernetes/k8s-kubelet-always-allow/cases/config-always-allow'), join(cwd, 'k8s'), { recursive: true });
  cpSync(join(ROOT, 'samples/sshd/sshd_config'), join(cwd, 'sshd_config'));
  cpSync(join(ROOT, 'samples'), join(cwd, 'samples'), { recursive: true });
  mkdirSync(join(cwd, 'flows'));
  mkdirSync(join(cwd, 'audit'));
  cpSync(join(fixtures, 'aws-vpc-flow', 'aws-vpc-flow.v2.log'), join(cwd, 'flows/vpc.log'));
  cpSync(join(fixtures, 'zeek', 'zeek-conn.log'), join(cwd, 'flows/zeek-conn.log'));
  cpSync(join(fixtures, 'k8s-audit', 'k8s-audit.jsonl'), join(cwd, 'audit/kube-apiserver.log'));
  return { cwd, env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: '1' } };
}

describe('README', () => {
  const commands = readmeCommands();

  it('every command is run here or says why not', () => {
    const unclassified = commands.filter((c) => !(c in RUN) && !(c in NOT_RUN));
    expect(unclassified).toEqual([]);
    // And nothing is classified that the README no longer says.
    expect([...Object.keys(RUN), ...Object.keys(NOT_RUN)].filter((c) => !commands.includes(c))).toEqual([]);
  });

  it('its first two commands are the set-up and the test suite', () => {
    expect(commands.slice(0, 2)).toEqual(['npm ci && npm run demo', 'npm test']);
  });

  it('the runnable commands exit as they should, in order, in one folder', () => {
    const { cwd, env } = sandbox();
    const failures: string[] = [];
    for (const cmd of commands.filter((c) => c in RUN)) {
      const r = spawnSync('bash', ['-c', `set -o pipefail; ${cmd}`], { cwd, env, encoding: 'utf8', timeout: 300_000 });
      if (!RUN[cmd]!.includes(r.status ?? -1)) failures.push(`${cmd}: exit ${r.status}\n${r.stderr.slice(0, 600)}`);
    }
    expect(failures).toEqual([]);
    // What they wrote is what the README says they write.
    expect(readFileSync(join(cwd, 'drawbridge.yaml'), 'utf8')).toContain('# yaml-language-server: $schema=');
    expect((JSON.parse(readFileSync(join(cwd, 'drawbridge.sarif'), 'utf8')) as { version: string }).version).toBe('2.1.0');
  }, 900_000);
});
