/**
 * Debian's real servers started on loopback with a config written for the occasion: one writer per
 * server, shared by the integration tests and the probe bench so that both exercise the same setups.
 * Every listener binds 127.0.0.1 on a port the caller took from freePort().
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, type Running } from './launch.js';

/** Prometheus with an empty scrape list; `adminApi` adds --web.enable-admin-api. */
export function startPrometheus(dir: string, port: number, opts: { adminApi?: boolean } = {}): Promise<Running> {
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\nscrape_configs: []\n');
  const args = [`--config.file=${dir}/prometheus.yml`, `--storage.tsdb.path=${dir}/data`, `--web.listen-address=127.0.0.1:${port}`];
  if (opts.adminApi) args.push('--web.enable-admin-api');
  return launch('prometheus', args, [port]);
}

export interface StatsListener {
  name: string;
  port: number;
  /** `stats uri` (HAProxy's default is /haproxy?stats). */
  uri?: string;
  /** `stats admin if TRUE`: the page can change servers' state. */
  admin?: boolean;
  /** `stats auth user:password`. */
  auth?: string;
  /** `stats realm` (spaces escaped for HAProxy). */
  realm?: string;
  hideVersion?: boolean;
}

/** HAProxy with one stats listener per entry. */
export function startHaproxyStats(dir: string, listeners: readonly StatsListener[]): Promise<Running> {
  const blocks = listeners.map((l) =>
    [
      `listen ${l.name}`,
      `  bind 127.0.0.1:${l.port}`,
      '  stats enable',
      `  stats uri ${l.uri ?? '/haproxy?stats'}`,
      ...(l.admin ? ['  stats admin if TRUE'] : []),
      ...(l.realm ? [`  stats realm ${l.realm.replace(/ /g, '\\ ')}`] : []),
      ...(l.auth ? [`  stats auth ${l.auth}`] : []),
      ...(l.hideVersion ? ['  stats hide-version'] : []),
    ].join('\n'),
  );
  // The admin-mode controls appear only when there is a server to act on: one disabled server, never contacted.
  const backend = ['backend app', '  server app1 127.0.0.1:9 disabled'];
  const cfg = ['global', '  maxconn 100', 'defaults', '  mode http', '  timeout client 5s', '  timeout server 5s', '  timeout connect 5s', ...blocks, ...backend, ''].join('\n');
  writeFileSync(join(dir, 'haproxy.cfg'), cfg);
  return launch('haproxy', ['-f', join(dir, 'haproxy.cfg'), '-db'], listeners.map((l) => l.port));
}

/**
 * nginx in the foreground with the given `server { … }` blocks (their text, as written in nginx.conf);
 * temp paths, pid and error log stay in `dir`. `accessLog` names a file for the access log (off otherwise).
 */
export function startNginx(dir: string, servers: readonly string[], ports: readonly number[], opts: { accessLog?: string } = {}): Promise<Running> {
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `${k}_temp_path ${dir}/tmp;`).join(' ');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off; master_process off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events {}
http {
  access_log ${opts.accessLog ?? 'off'};
  ${temp}
${servers.map((s) => `  ${s}`).join('\n')}
}
`,
  );
  return launch('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], [...ports]);
}
