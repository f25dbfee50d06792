/**
 * The probe bench's loopback estate: real servers from Debian packages, each on its own free
 * 127.0.0.1 port with its own config and data in a temp dir, started with the integration tests'
 * helpers and stopped at the end. Each endpoint states the truth about itself (which claims hold).
 */
import { freePort, have, isLoopbackListen, launch, listeningAddresses, makePki, removeDir, tempDir, type Running } from '../../test/probe/servers/launch.js';
import { startHaproxyStats, startNginx, startPrometheus } from '../../test/probe/servers/debian.js';
import { listenersOn, sshdAvailable, startSshd, type RunningSshd } from '../../test/probe/helpers/sshd.js';

/** The security claims the bench scores (each tool's reading is defined in probe-vs-nmap.ts). */
export type Claim =
  | 'ssh-password-auth'
  | 'ssh-weak-algorithms'
  | 'prometheus-open'
  | 'prometheus-admin-api'
  | 'haproxy-stats-open'
  | 'haproxy-stats-admin'
  | 'etcd-open'
  | 'docker-api-open';

export interface Endpoint {
  name: string;
  port: number;
  /** What runs there, in words. */
  what: string;
  /** Claims that are true of this endpoint; every other claim is false of it. */
  truths: Claim[];
  /** Product names a correct identification may use (regex source, case-insensitive); none for a closed port. */
  product?: string;
}

export interface Estate {
  endpoints: Endpoint[];
  skipped: string[];
  stop: () => Promise<void>;
}

/** A Go server named only as such ("Golang net/http server") is identified correctly, if generically. */
const GO_SERVER = (name: string): string => `${name}|golang`;

const WEAK_SSHD = ['PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'KexAlgorithms +diffie-hellman-group14-sha1', 'Ciphers +aes128-cbc', 'MACs +hmac-md5'];
const HARDENED_SSHD = [
  'PasswordAuthentication no',
  'KbdInteractiveAuthentication no',
  'AuthenticationMethods publickey',
  'KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org',
  'HostKeyAlgorithms ssh-ed25519',
  'Ciphers aes256-gcm@openssh.com,aes128-gcm@openssh.com,chacha20-poly1305@openssh.com',
  'MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com',
];

export async function startEstate(opts: { docker: boolean }): Promise<Estate> {
  const endpoints: Endpoint[] = [];
  const skipped: string[] = [];
  const stops: (() => Promise<void>)[] = [];
  const dirs: string[] = [];
  const running: Running[] = [];
  const sshds: RunningSshd[] = [];
  const dir = (name: string): string => {
    const d = tempDir(`bench-${name}`);
    dirs.push(d);
    return d;
  };
  const stop = async (): Promise<void> => {
    await Promise.allSettled([...stops.map((s) => s()), ...running.map((r) => r.stop()), ...sshds.map((s) => s.stop())]);
    dirs.forEach(removeDir);
  };

  try {
    const jobs: Promise<void>[] = [];

    if (sshdAvailable) {
      jobs.push(
        (async () => {
          const [pw, hard, weak] = await Promise.all([startSshd(['PasswordAuthentication yes', 'KbdInteractiveAuthentication no']), startSshd(HARDENED_SSHD), startSshd(WEAK_SSHD)]);
          sshds.push(pw, hard, weak);
          endpoints.push(
            { name: 'sshd-password', port: pw.port, what: 'OpenSSH, PasswordAuthentication yes, default MACs (SHA-1, umac-64)', truths: ['ssh-password-auth', 'ssh-weak-algorithms'], product: 'openssh' },
            { name: 'sshd-hardened', port: hard.port, what: 'OpenSSH, publickey only, modern algorithms only', truths: [], product: 'openssh' },
            { name: 'sshd-legacy', port: weak.port, what: 'OpenSSH, publickey only, + group14-sha1, aes128-cbc, hmac-md5', truths: ['ssh-weak-algorithms'], product: 'openssh' },
          );
        })(),
      );
    } else skipped.push('sshd (apt-get install openssh-server)');

    // The nginx gateways proxy to the plain Prometheus: they wait for it.
    let promReady: Promise<number> = Promise.resolve(0);
    if (have('prometheus')) {
      const startProm = async (admin: boolean): Promise<number> => {
        const port = await freePort();
        running.push(await startPrometheus(dir(`prom-${admin ? 'admin' : 'plain'}`), port, { adminApi: admin }));
        return port;
      };
      promReady = (async () => {
        const [admin, plain] = await Promise.all([startProm(true), startProm(false)]);
        endpoints.push(
          { name: 'prometheus-admin', port: admin, what: 'Prometheus, --web.enable-admin-api', truths: ['prometheus-open', 'prometheus-admin-api'], product: GO_SERVER('prometheus') },
          { name: 'prometheus', port: plain, what: 'Prometheus, defaults', truths: ['prometheus-open'], product: GO_SERVER('prometheus') },
        );
        return plain;
      })();
      jobs.push(promReady.then(() => undefined));
    } else skipped.push('prometheus (apt-get install prometheus)');

    if (have('nginx') && have('openssl') && have('prometheus')) {
      jobs.push(
        (async () => {
          const promPlain = await promReady;
          const d = dir('nginx');
          const pki = makePki(d);
          const tlsOpen = await freePort();
          const mtls = await freePort();
          const cert = `ssl_certificate ${pki.cert}; ssl_certificate_key ${pki.key};`;
          const proxy = `location / { proxy_pass http://127.0.0.1:${promPlain}; }`;
          const servers = [
            `server { listen 127.0.0.1:${tlsOpen} ssl; ${cert} ${proxy} }`,
            `server { listen 127.0.0.1:${mtls} ssl; ${cert} ssl_client_certificate ${pki.ca}; ssl_verify_client on; ${proxy} }`,
          ];
          running.push(await startNginx(d, servers, [tlsOpen, mtls]));
          endpoints.push(
            { name: 'nginx-tls', port: tlsOpen, what: 'nginx TLS gateway in front of Prometheus, no client certificate', truths: ['prometheus-open'], product: `nginx|${GO_SERVER('prometheus')}` },
            { name: 'nginx-mtls', port: mtls, what: 'nginx TLS gateway in front of Prometheus, ssl_verify_client on', truths: [], product: 'nginx' },
          );
        })(),
      );
    } else skipped.push('nginx (apt-get install nginx-light openssl; needs prometheus behind it)');

    if (have('haproxy')) {
      jobs.push(
        (async () => {
          const d = dir('haproxy');
          const open = await freePort();
          const guarded = await freePort();
          running.push(
            await startHaproxyStats(d, [
              { name: 'stats_open', port: open, admin: true },
              { name: 'stats_guarded', port: guarded, auth: 'admin:correct-horse', hideVersion: true },
            ]),
          );
          endpoints.push(
            { name: 'haproxy-stats-open', port: open, what: 'HAProxy stats (default URI), no auth, admin mode', truths: ['haproxy-stats-open', 'haproxy-stats-admin'], product: 'haproxy' },
            { name: 'haproxy-stats-auth', port: guarded, what: 'HAProxy stats behind basic auth', truths: [], product: 'haproxy' },
          );
        })(),
      );
    } else skipped.push('haproxy (apt-get install haproxy)');

    if (have('etcd') && have('openssl')) {
      jobs.push(
        (async () => {
          const startEtcd = async (name: string, tls: boolean): Promise<number> => {
            const d = dir(`etcd-${name}`);
            const client = await freePort();
            const peer = await freePort();
            const scheme = tls ? 'https' : 'http';
            const args = [
              '--name', name, '--data-dir', `${d}/data`,
              '--listen-client-urls', `${scheme}://127.0.0.1:${client}`, '--advertise-client-urls', `${scheme}://127.0.0.1:${client}`,
              '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
              '--initial-cluster', `${name}=http://127.0.0.1:${peer}`,
            ];
            if (tls) {
              const pki = makePki(d);
              args.push('--client-cert-auth', `--trusted-ca-file=${pki.ca}`, `--cert-file=${pki.cert}`, `--key-file=${pki.key}`);
            }
            running.push(await launch('etcd', args, [client]));
            return client;
          };
          const [open, secured] = await Promise.all([startEtcd('open', false), startEtcd('secured', true)]);
          endpoints.push(
            { name: 'etcd-open', port: open, what: 'etcd, plain HTTP client URL, no auth', truths: ['etcd-open'], product: GO_SERVER('etcd') },
            { name: 'etcd-mtls', port: secured, what: 'etcd, --client-cert-auth', truths: [], product: GO_SERVER('etcd') },
          );
        })(),
      );
    } else skipped.push('etcd (apt-get install etcd-server openssl)');

    if (opts.docker && have('dockerd') && have('openssl') && process.getuid?.() === 0) {
      jobs.push(
        (async () => {
          const startDocker = async (name: string, tls: boolean): Promise<number> => {
            const d = dir(`dockerd-${name}`);
            const port = await freePort();
            const args = ['-H', `tcp://127.0.0.1:${port}`, '--iptables=false', '--bridge=none', '--ip-forward=false', '--data-root', `${d}/data`, '--exec-root', `${d}/exec`, '--pidfile', `${d}/pid`];
            if (tls) {
              const pki = makePki(d);
              args.push('--tlsverify', `--tlscacert=${pki.ca}`, `--tlscert=${pki.cert}`, `--tlskey=${pki.key}`);
            }
            running.push(await launch('dockerd', args, [port], 90_000));
            return port;
          };
          const [plain, tls] = await Promise.all([startDocker('plain', false), startDocker('tls', true)]);
          endpoints.push(
            { name: 'dockerd-tcp', port: plain, what: 'Docker Engine API on plain TCP', truths: ['docker-api-open'], product: GO_SERVER('docker') },
            { name: 'dockerd-tls', port: tls, what: 'Docker Engine API, --tlsverify', truths: [], product: GO_SERVER('docker') },
          );
        })(),
      );
    } else skipped.push(opts.docker ? 'dockerd (needs root and apt-get install docker.io)' : 'dockerd (--no-docker)');

    // Wait for every start (not just the first failure) so that a failed run stops all it started.
    const settled = await Promise.allSettled(jobs);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    endpoints.push({ name: 'closed', port: await freePort(), what: 'nothing listening', truths: [] });
  } catch (e) {
    await stop();
    throw e;
  }

  // Loopback only, or the bench does not run.
  for (const r of running) {
    for (const a of listeningAddresses(r.proc.pid as number)) if (!isLoopbackListen(a)) throw new Error(`a bench server listens on ${a}, not loopback`);
  }
  for (const s of sshds) if (!listenersOn(s.port).every((a) => a === '0100007F')) throw new Error(`sshd on ${s.port} is not loopback-only`);

  endpoints.sort((a, b) => a.name.localeCompare(b.name));
  return { endpoints, skipped, stop };
}
