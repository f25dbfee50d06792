/**
 * `drawbridge serve`: the detect pipeline as a service (ingest API, Kubernetes audit webhook), the REST
 * API, the alert stream, metrics and the dashboard. Runs until SIGINT/SIGTERM.
 */
import { isAbsolute, join } from 'node:path';
import type { Command } from 'commander';
import ipaddr from 'ipaddr.js';
import type { DrawbridgeConfig } from '../config/schema.js';
import { parsePortList } from '../probe/scope.js';
import { parseFollowFlag, serveInputs } from '../server/serve-inputs.js';
import { collect, flagDuration, flagInt, resolveConfig, type CommonOptions } from './common.js';
import { addConfigFlags } from './config-flags.js';
import { UsageError } from './errors.js';

interface ServeFlags {
  config?: string;
  listen: string;
  tokenFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  clientCa?: string;
  requireClientCert?: boolean;
  bodyLimit?: string;
  rateLimit?: string;
  allowAnonymousRead?: boolean;
  insecurePlainHttp?: boolean;
  syslog?: string[];
  syslogAllowRemote?: boolean;
  follow?: string[];
  audit?: string[];
  auditEvery?: string;
  probe?: string[];
  probePorts?: string;
  probeEvery?: string;
}

export function parseListen(s: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(s);
  const host = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (!host || !ipaddr.isValid(host) || !(port >= 0 && port <= 65535)) {
    throw new UsageError(`--listen: expected IP:PORT such as 127.0.0.1:8787 or [::1]:8787 (got "${s}")`);
  }
  return { host, port };
}

export function isLoopback(host: string): boolean {
  const a = ipaddr.process(host);
  return a.range() === 'loopback';
}

/** The serve flags over drawbridge.yaml `serve:` (lists add to the file's, values replace them). */
function withServeFlags(config: DrawbridgeConfig, flags: ServeFlags): DrawbridgeConfig {
  const s = config.serve;
  let ports = s.probe.ports;
  if (flags.probePorts !== undefined) {
    try {
      ports = parsePortList(flags.probePorts);
    } catch (e) {
      throw new UsageError(`--probe-ports: ${(e as Error).message}`);
    }
  }
  return {
    ...config,
    serve: {
      syslog: [...s.syslog, ...(flags.syslog ?? [])],
      syslogAllowRemote: s.syslogAllowRemote || flags.syslogAllowRemote === true,
      follow: [...s.follow, ...(flags.follow ?? []).map(parseFollowFlag)],
      audit: { paths: [...s.audit.paths, ...(flags.audit ?? [])], every: flags.auditEvery !== undefined ? flagDuration('--audit-every', flags.auditEvery) : s.audit.every },
      probe: { targets: [...s.probe.targets, ...(flags.probe ?? [])], ports, every: flags.probeEvery !== undefined ? flagDuration('--probe-every', flags.probeEvery) : s.probe.every },
    },
  };
}

export function registerServe(program: Command): void {
  const cmd = program
    .command('serve')
    .description('run detection as a service: ingest API and Kubernetes audit webhook, REST API, alert stream, metrics, dashboard')
    .option('--listen <host:port>', 'address to listen on (loopback unless you say otherwise)', '127.0.0.1:8787')
    .option('--token-file <file>', 'API tokens, one "scope:token" (or "scope:sha256:HEX") per line; scopes ingest, read, admin')
    .option('--tls-cert <file>', 'server certificate (PEM); required to listen beyond loopback')
    .option('--tls-key <file>', 'server private key (PEM)')
    .option('--client-ca <file>', 'CA bundle for client certificates')
    .option('--require-client-cert', 'refuse clients without a certificate from --client-ca')
    .option('--body-limit <bytes>', 'largest request body, after decompression', String(16 * 1024 * 1024))
    .option('--rate-limit <n>', 'requests per minute per client', '1200')
    .option('--allow-anonymous-read', 'serve read routes without a token (a lab only: the server then reports itself as open)')
    .option('--insecure-plain-http', 'allow plain HTTP beyond loopback (not recommended)')
    .option('--syslog <url>', 'also receive syslog on udp://HOST:PORT or tcp://HOST:PORT, as detect --syslog (serve.syslog); repeatable', collect)
    .option('--syslog-allow-remote', 'let --syslog listen beyond loopback (syslog is unauthenticated)')
    .option('--follow <[format=]file>', 'also follow a log file as it grows and rotates, as detect --follow; e.g. sshd=/var/log/auth.log (serve.follow); repeatable', collect)
    .option('--audit <path>', 'a file or folder the server audits on POST /v1/runs/audit (serve.audit.paths); repeatable', collect)
    .option('--audit-every <duration>', 'also audit them this often, e.g. 1h (serve.audit.every)')
    .option('--probe <target>', 'a target the server may probe, on POST /v1/runs/probe; it probes no other (serve.probe.targets); repeatable', collect)
    .option('--probe-ports <list>', 'ports for probe targets without one (serve.probe.ports)')
    .option('--probe-every <duration>', 'also probe them this often, e.g. 6h (serve.probe.every)')
    .option('-c, --config <file>', 'drawbridge.yaml (default: ./drawbridge.yaml when present)');
  addConfigFlags(cmd, 'detect')
    .addHelpText(
      'after',
      `
Quick start:
  drawbridge token new --scope admin >> tokens.txt
  drawbridge serve --token-file tokens.txt
  drawbridge k8s webhook-config --server https://HOST:8787 --token-file tokens.txt --out audit-webhook.yaml
Then open http://127.0.0.1:8787/ and paste a read or admin token.`,
    )
    .action(async (flags: ServeFlags) => {
      const { host, port } = parseListen(flags.listen);
      if (!flags.tokenFile) throw new UsageError('serve needs --token-file (create one with: drawbridge token new --scope admin >> tokens.txt)');
      if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
      if (flags.requireClientCert && !flags.clientCa) throw new UsageError('--require-client-cert needs --client-ca');
      if (!isLoopback(host) && !flags.tlsCert && !flags.insecurePlainHttp) {
        throw new UsageError(`--listen ${flags.listen} is beyond loopback: give --tls-cert/--tls-key (and ideally --client-ca --require-client-cert), or --insecure-plain-http`);
      }
      const config = withServeFlags(resolveConfig(flags as CommonOptions, 'detect'), flags);
      // Receivers and followed files are checked before anything starts: a mistake names its key.
      serveInputs(config);
      const { loadTokenFile, TokenSet } = await import('../server/tokens.js');
      const tokens = new TokenSet(loadTokenFile(flags.tokenFile));
      const { openStateStore } = await import('../detect/state/index.js');
      const { buildServer } = await import('../server/app.js');
      const stateDir = isAbsolute(config.stateDir) ? config.stateDir : join(process.cwd(), config.stateDir);
      // One process per state folder: a detect or learn run on it at the same time is refused, and vice versa.
      const { holdStateDir } = await import('./detect.js');
      const lock = holdStateDir(stateDir);
      const store = openStateStore(config);
      const server = await buildServer({
        config,
        store,
        stateDir,
        tokens,
        tls: flags.tlsCert ? { cert: flags.tlsCert, key: flags.tlsKey!, clientCa: flags.clientCa, requireClientCert: flags.requireClientCert } : undefined,
        bodyLimit: flagInt('--body-limit', flags.bodyLimit ?? '16777216', 1024),
        rateLimit: flagInt('--rate-limit', flags.rateLimit ?? '1200', 1),
        allowAnonymousRead: flags.allowAnonymousRead,
      });
      if (flags.allowAnonymousRead) process.stderr.write('drawbridge: warning: --allow-anonymous-read: anyone who reaches the server can read alerts and findings\n');
      const bound = await server.listen(host, port);
      for (const r of server.receivers()) process.stderr.write(`drawbridge: listening for syslog on ${r.transport}://${r.host.includes(':') ? `[${r.host}]` : r.host}:${r.port}\n`);
      process.stderr.write(`drawbridge: serving on ${bound.url} (state ${stateDir}, ${tokens.size} token${tokens.size === 1 ? '' : 's'})\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      process.stderr.write('drawbridge: stopping: finishing what was accepted\n');
      await server.close();
      store.close();
      lock.release();
    });
}
