/**
 * Where dockerd listens and whether TCP listeners verify clients, from the three places it is
 * configured: /etc/docker/daemon.json (`hosts`, `tls`, `tlsverify`), systemd units and drop-ins
 * (`ExecStart=… -H tcp://…`), and /etc/default/docker or /etc/sysconfig/docker (DOCKER_OPTS/OPTIONS).
 */
import type { InputProblem } from '../types.js';
import type { CheckHit } from '../checks.js';
import { describeScope, isOffLoopback, parseListenUrl, type ListenAddress } from '../listen-address.js';
import { asArray, asText, isObject, type PositionedDocument } from '../yaml-positions.js';
import { splitWords } from '../shared/command-line.js';

export interface DockerListener {
  url: string;
  line: number;
}

export interface TlsSettings {
  tls?: boolean;
  tlsverify?: boolean;
  /** Where the TLS settings came from, for evidence. */
  source: string;
}

/** dockerd reads an empty TCP host (`tcp://:2375`) as localhost (moby opts.DefaultHTTPHost). */
export function dockerListenAddress(url: string, tls: boolean): ListenAddress & { scheme: string } {
  const a = parseListenUrl(url);
  if (a.scheme !== 'tcp') return a;
  const host = a.host === '' ? 'localhost' : a.host;
  return { ...a, host, scope: a.host === '' ? 'loopback' : a.scope, port: a.port ?? (tls ? 2376 : 2375) };
}

function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return ['1', 't', 'true'].includes(v.toLowerCase()) ? true : ['0', 'f', 'false'].includes(v.toLowerCase()) ? false : undefined;
  return undefined;
}

/** The daemon's effective TLS mode: tlsverify implies tls (dockerd docs). */
function tlsMode(s: TlsSettings): 'verify' | 'tls-only' | 'none' {
  if (s.tlsverify) return 'verify';
  if (s.tls) return 'tls-only';
  return 'none';
}

/** One dockerd as one config file sets it up: where it listens, its TLS settings, and the fix in that file's syntax. */
export interface DockerDaemon {
  resource: string;
  listeners: DockerListener[];
  tls: TlsSettings;
  fix: string;
}

/** TCP listeners of daemons whose effective TLS mode is `mode`: the two Docker rules differ only in it. */
export function tcpListenersIn(daemons: readonly DockerDaemon[], mode: 'none' | 'tls-only'): CheckHit[] {
  const hits: CheckHit[] = [];
  for (const { resource, listeners, tls, fix } of daemons) {
    if (tlsMode(tls) !== mode) continue;
    for (const l of listeners) {
      const addr = dockerListenAddress(l.url, mode !== 'none');
      if (addr.scheme !== 'tcp') continue;
      const open = isOffLoopback(addr.scope);
      hits.push({
        line: l.line,
        resource,
        exposes: `the Docker Engine API (${mode === 'none' ? 'plain HTTP' : 'TLS without client certificates'}) on ${addr.host}:${addr.port ?? '?'}`,
        exposedTo: open ? describeScope(addr) : 'every local user and every container sharing the host network',
        vars: { listener: `${l.url} (${describeScope(addr)}, port ${addr.port ?? '?'})`, fix },
        evidence: { host: l.url, scope: addr.scope, tls: tls.tls ?? false, tlsverify: tls.tlsverify ?? false, tlsSource: tls.source },
        key: l.url,
        ...(open ? {} : { severity: 'medium' as const }),
      });
    }
  }
  return hits;
}

const DAEMON_JSON_FIX = '"hosts": ["unix:///var/run/docker.sock"]';
const FLAGS_FIX = '-H unix:///var/run/docker.sock   (drop every -H tcp://… / --host=tcp://…)';

export function daemonJsonSettings(doc: PositionedDocument): { listeners: DockerListener[]; tls: TlsSettings } | undefined {
  const v = doc.value;
  if (!isObject(v)) return undefined;
  const listeners: DockerListener[] = [];
  asArray(v.hosts).forEach((h, i) => {
    const url = asText(h);
    if (url) listeners.push({ url, line: doc.lineOf(['hosts', i]) });
  });
  const tls = bool(v.tls);
  const tlsverify = bool(v.tlsverify);
  return { listeners, tls: { ...(tls !== undefined ? { tls } : {}), ...(tlsverify !== undefined ? { tlsverify } : {}), source: 'daemon.json' } };
}

export function daemonJsonDaemon(file: string, doc: PositionedDocument): DockerDaemon | undefined {
  const s = daemonJsonSettings(doc);
  return s ? { resource: `dockerd (${file})`, ...s, fix: DAEMON_JSON_FIX } : undefined;
}

interface LineToken {
  text: string;
  line: number;
}

export interface DaemonFlags {
  listeners: DockerListener[];
  tls?: boolean;
  tlsverify?: boolean;
  configFile?: string;
}

/** dockerd flags among tokens: -H/--host (separate or `=` value), --tls, --tlsverify, --config-file. */
export function parseDaemonFlags(tokens: readonly LineToken[]): DaemonFlags {
  const out: DaemonFlags = { listeners: [] };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as LineToken;
    const m = /^(-H|--host|--tls|--tlsverify|--config-file)(?:=(.*))?$/.exec(t.text) ?? /^(-H)(.+)$/.exec(t.text);
    if (!m) continue;
    const flag = m[1];
    let value = m[2];
    if (flag === '--tls' || flag === '--tlsverify') {
      const b = value === undefined ? true : bool(value);
      if (flag === '--tls') out.tls = b;
      else out.tlsverify = b;
      continue;
    }
    if (value === undefined) {
      const next = tokens[i + 1];
      if (!next) continue;
      value = next.text;
      i++;
    }
    if (flag === '--config-file') out.configFile = value;
    else out.listeners.push({ url: value, line: t.line });
  }
  return out;
}

/** Tokens of ExecStart= lines that start dockerd (continuations joined, each token keeping its line). */
export function systemdDockerdTokens(text: string): LineToken[][] {
  const lines = text.split(/\r?\n/);
  const commands: LineToken[][] = [];
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i] ?? '';
    const m = /^\s*ExecStart\s*=\s*(.*)$/.exec(first);
    if (!m) continue;
    const tokens: LineToken[] = [];
    let body = m[1] ?? '';
    let lineNo = i + 1;
    for (;;) {
      const cont = /\\\s*$/.test(body);
      for (const w of splitWords(body.replace(/\\\s*$/, ''))) tokens.push({ text: w, line: lineNo });
      if (!cont || i + 1 >= lines.length) break;
      i++;
      lineNo = i + 1;
      body = lines[i] ?? '';
    }
    // `ExecStart=` with nothing resets the list in drop-ins; skip it. Strip systemd prefixes (-@:+!).
    const exe = (tokens[0]?.text ?? '').replace(/^[-@:+!]+/, '');
    if (/(^|\/)dockerd$/.test(exe) || (/(^|\/)docker$/.test(exe) && ['daemon', '-d'].includes(tokens[1]?.text ?? ''))) commands.push(tokens);
  }
  return commands;
}

/** DOCKER_OPTS="…" / OPTIONS='…' lines of /etc/default/docker and /etc/sysconfig/docker. */
export function defaultsFileTokens(text: string): LineToken[] {
  const tokens: LineToken[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const m = /^\s*(?:export\s+)?(DOCKER_OPTS|OPTIONS|DOCKER_NETWORK_OPTIONS)\s*=\s*(.*)$/.exec(raw);
    if (!m) return;
    const value = (m[2] ?? '').trim().replace(/^(["'])(.*)\1$/, '$2');
    for (const w of splitWords(value)) tokens.push({ text: w, line: i + 1 });
  });
  return tokens;
}

/**
 * Flags leave TLS unset when it lives in daemon.json: consult it (through the injected reader)
 * before calling a listener unauthenticated.
 */
export function flagDaemon(resource: string, flags: DaemonFlags, readFile: (p: string) => string | undefined, problems: InputProblem[], file: string): DockerDaemon {
  let tls: TlsSettings = { ...(flags.tls !== undefined ? { tls: flags.tls } : {}), ...(flags.tlsverify !== undefined ? { tlsverify: flags.tlsverify } : {}), source: 'command line' };
  if (flags.listeners.length > 0 && flags.tlsverify === undefined) {
    const path = flags.configFile ?? '/etc/docker/daemon.json';
    const text = readFile(path);
    if (text !== undefined) {
      try {
        const json: unknown = JSON.parse(text);
        if (isObject(json)) {
          const tv = bool(json.tlsverify);
          const t = bool(json.tls);
          tls = { ...(t !== undefined ? { tls: t } : tls.tls !== undefined ? { tls: tls.tls } : {}), ...(tv !== undefined ? { tlsverify: tv } : {}), source: `command line + ${path}` };
        }
      } catch {
        problems.push({ file: path, message: `referenced from ${file} but not valid JSON; TLS settings in it were not considered` });
      }
    }
  }
  return { resource, listeners: flags.listeners, tls, fix: FLAGS_FIX };
}
