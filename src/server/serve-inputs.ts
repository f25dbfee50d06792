/**
 * What `drawbridge serve` reads besides what is posted to it, from drawbridge.yaml `serve:` (and the
 * flags merged into it): syslog receivers and followed files, checked before anything starts so that a
 * mistake names its key and entry.
 */
import type { DrawbridgeConfig } from '../config/schema.js';
import { DECODERS } from '../detect/decoders/index.js';
import { isLoopbackHost, parseSyslogUrl, type SyslogListen } from '../io/sources/syslog.js';
import { UsageError } from '../model/errors.js';
import type { LiveInput } from './live-detect.js';

export interface ServeInputs {
  syslog: SyslogListen[];
  follow: LiveInput[];
}

export function serveInputs(config: DrawbridgeConfig): ServeInputs {
  const { serve } = config;
  const syslog = serve.syslog.map((url, i) => {
    let listen: SyslogListen;
    try {
      listen = parseSyslogUrl(url);
    } catch (e) {
      throw new UsageError(`serve.syslog[${i}]: ${(e as Error).message}`, 'DRB-E-LISTEN');
    }
    if (!serve.syslogAllowRemote && !isLoopbackHost(listen.host)) {
      throw new UsageError(`serve.syslog[${i}] ${url}: ${listen.host} is not a loopback address; set serve.syslogAllowRemote (--syslog-allow-remote) to listen beyond this host`, 'DRB-E-LISTEN');
    }
    return listen;
  });
  const known = new Set(DECODERS.map((d) => d.id));
  const follow = serve.follow.map((entry, i): LiveInput => {
    const input: LiveInput = typeof entry === 'string' ? { path: entry } : entry;
    if (input.format !== undefined && !known.has(input.format)) {
      throw new UsageError(`serve.follow[${i}] ${input.path}: unknown log format "${input.format}" (known: ${[...known].join(', ')})`);
    }
    return input;
  });
  const seen = new Set<string>();
  for (const f of follow) {
    if (seen.has(f.path)) throw new UsageError(`serve.follow: ${f.path} is named twice`);
    seen.add(f.path);
  }
  return { syslog, follow };
}

/** `--follow [FORMAT=]FILE`, as a `serve.follow` entry: the format is named when the part before "=" is a decoder id. */
export function parseFollowFlag(value: string): string | { path: string; format: string } {
  const eq = value.indexOf('=');
  if (eq > 0 && DECODERS.some((d) => d.id === value.slice(0, eq))) return { path: value.slice(eq + 1), format: value.slice(0, eq) };
  return value;
}
