/** `drawbridge k8s webhook-config`: the files kube-apiserver needs to send audit events to `drawbridge serve`. */
import { readNamedFile } from '../io/safe-read.js';
import { appendFileSync, chmodSync, existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from './errors.js';

interface WebhookFlags {
  server: string;
  out: string;
  policyOut?: string;
  token?: string;
  tokenFile?: string;
  ca?: string;
  clientCert?: string;
  clientKey?: string;
}

function readPem(flag: string, file: string): string {
  try {
    return readNamedFile(file);
  } catch (e) {
    throw new UsageError(`${flag}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function registerK8s(program: Command): void {
  const k8s = program.command('k8s').description('Kubernetes integration helpers');
  k8s
    .command('webhook-config')
    .description('write the kubeconfig-format file for kube-apiserver --audit-webhook-config-file, and a matching audit policy')
    .requiredOption('--server <url>', 'the URL kube-apiserver reaches drawbridge serve on, e.g. https://10.0.0.5:8787')
    .requiredOption('--out <file>', 'where to write the webhook config (written 0600: it holds a credential)')
    .option('--policy-out <file>', 'where to write the audit policy (default: audit-policy.yaml beside --out)')
    .option('--token <token>', 'an existing ingest token for the API server to present')
    .option('--token-file <file>', "the server's token file: a new ingest token is created and appended to it")
    .option('--ca <file>', "CA certificate (PEM) that signed the server's certificate")
    .option('--client-cert <file>', 'client certificate (PEM) for the API server, when serve requires client certificates')
    .option('--client-key <file>', 'its private key (PEM)')
    .action(async (flags: WebhookFlags) => {
      const { auditPolicy, webhookKubeconfig } = await import('../server/webhook-config.js');
      const { newToken } = await import('../server/tokens.js');
      if (flags.token && flags.tokenFile) throw new UsageError('give --token or --token-file, not both');
      if ((flags.clientCert === undefined) !== (flags.clientKey === undefined)) throw new UsageError('--client-cert and --client-key go together');
      if (!flags.token && !flags.tokenFile && !flags.clientCert) throw new UsageError('name a credential: --token, --token-file (creates one) or --client-cert/--client-key');
      let token = flags.token;
      if (flags.tokenFile) {
        token = newToken();
        appendFileSync(flags.tokenFile, `ingest:${token}\n`, { mode: 0o600 });
        process.stderr.write(`drawbridge: appended a new ingest token to ${flags.tokenFile} (restart serve to load it)\n`);
      }
      const text = webhookKubeconfig({
        server: flags.server,
        caPem: flags.ca ? readPem('--ca', flags.ca) : undefined,
        credentials: { token, clientCert: flags.clientCert ? readPem('--client-cert', flags.clientCert) : undefined, clientKey: flags.clientKey ? readPem('--client-key', flags.clientKey) : undefined },
      });
      if (new URL(flags.server).protocol === 'http:') process.stderr.write('drawbridge: warning: --server is plain http: the token crosses the network in clear\n');
      writeFileSync(flags.out, text, { mode: 0o600 });
      chmodSync(flags.out, 0o600);
      const policy = flags.policyOut ?? join(dirname(flags.out), 'audit-policy.yaml');
      if (existsSync(policy) && !flags.policyOut) process.stderr.write(`drawbridge: ${policy} exists; left as it is\n`);
      else writeFileSync(policy, auditPolicy());
      process.stdout.write(`${flags.out}\n${policy}\n`);
    });
}

export function registerToken(program: Command): void {
  program
    .command('token')
    .description('API tokens for drawbridge serve')
    .command('new')
    .description('print a new random token line "scope:token" for the --token-file of serve')
    .option('--scope <scope>', 'ingest, read or admin', 'read')
    .option('--hashed', 'also print the line to keep in the token file instead: "scope:sha256:HEX"')
    .action(async (flags: { scope: string; hashed?: boolean }) => {
      const { newToken, hashToken, SCOPES } = await import('../server/tokens.js');
      if (!(SCOPES as readonly string[]).includes(flags.scope)) throw new UsageError(`--scope: expected ${SCOPES.join(', ')} (got "${flags.scope}")`);
      const t = newToken();
      process.stdout.write(`${flags.scope}:${t}\n`);
      if (flags.hashed) process.stderr.write(`token file line without the secret: ${flags.scope}:sha256:${hashToken(t).toString('hex')}\n`);
    });
}
