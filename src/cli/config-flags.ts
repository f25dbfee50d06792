import { Option, type Command } from 'commander';
import type { ConfigOverride } from '../config/load.js';
import type { Lens } from '../io/format/json.js';
import { UsageError } from '../model/errors.js';
import { collect } from './common.js';

/** off: a --no-x flag that sets the key to false when given (and leaves the file's value alone otherwise). */
type Kind = 'text' | 'number' | 'list' | 'asns' | 'ports' | 'off';

/** A flag that overrides one drawbridge.yaml key ("every option also settable by flag"). */
interface ConfigFlag {
  option: string;
  help: string;
  path: string[];
  kind: Kind;
  append?: boolean;
  lenses: readonly Lens[];
}

const ALL: readonly Lens[] = ['audit', 'probe', 'detect'];

export const CONFIG_FLAGS: readonly ConfigFlag[] = [
  { option: '--fail-on <severity>', help: 'exit 1 when anything is at or above this severity (info|low|medium|high|critical)', path: ['failOn'], kind: 'text', lenses: ALL },
  { option: '--state-dir <dir>', help: 'where SQLite state lives (default: .drawbridge)', path: ['stateDir'], kind: 'text', lenses: ALL },
  { option: '--allow <cidr>', help: "the organisation's own source ranges (VPN, office), added to organisation.allowedRanges", path: ['organisation', 'allowedRanges'], kind: 'list', append: true, lenses: ALL },
  { option: '--internal-range <cidr>', help: 'ranges treated as internal (replaces organisation.internalRanges)', path: ['organisation', 'internalRanges'], kind: 'list', lenses: ALL },
  { option: '--org-asn <asn>', help: "the organisation's autonomous systems, e.g. 64500 or AS64500", path: ['organisation', 'asns'], kind: 'asns', append: true, lenses: ALL },
  { option: '--management-port <service=port>', help: 'extra ports of a catalogue service, e.g. ssh=2200', path: ['managementPorts'], kind: 'ports', lenses: ALL },
  { option: '--advisories <dir>', help: 'folders of your own OSV advisories (JSON), matched with the shipped ones', path: ['advisories'], kind: 'list', append: true, lenses: ['audit', 'probe'] },
  { option: '--store <sqlite|redis://host:port>', help: 'where detect keeps its state: the embedded SQLite file (default) or a Redis server', path: ['store'], kind: 'text', lenses: ['detect'] },
  { option: '--timeout <duration>', help: 'per connection and read, e.g. 3s', path: ['probe', 'timeout'], kind: 'text', lenses: ['probe'] },
  { option: '--concurrency <n>', help: 'endpoints probed at once', path: ['probe', 'concurrency'], kind: 'number', lenses: ['probe'] },
  { option: '--rate <n>', help: 'new connections per second', path: ['probe', 'rate'], kind: 'number', lenses: ['probe'] },
  { option: '--max-addresses <n>', help: 'raise the ceiling on addresses one run may touch', path: ['probe', 'maxAddresses'], kind: 'number', lenses: ['probe'] },
  { option: '--no-route-walk', help: "do not look for admin UIs on the catalogue's routes (/grafana/, /jenkins/ …) behind web servers and gateways", path: ['probe', 'routeWalk'], kind: 'off', lenses: ['probe'] },
  { option: '--learning-period <duration>', help: 'event time during which baselines learn and nothing alerts, e.g. 7d', path: ['detect', 'learningPeriod'], kind: 'text', lenses: ['detect'] },
  { option: '--baseline-expiry <duration>', help: 'forget baseline entries unseen for this long', path: ['detect', 'baselineExpiry'], kind: 'text', lenses: ['detect'] },
  { option: '--source-prefix-v4 <bits>', help: 'IPv4 prefix that makes one source range (default 24)', path: ['detect', 'sourcePrefixV4'], kind: 'number', lenses: ['detect'] },
  { option: '--source-prefix-v6 <bits>', help: 'IPv6 prefix that makes one source range (default 48)', path: ['detect', 'sourcePrefixV6'], kind: 'number', lenses: ['detect'] },
  { option: '--follow-window <duration>', help: 'a POST/PUT this soon after a new connection escalates it', path: ['detect', 'followWindow'], kind: 'text', lenses: ['detect'] },
  { option: '--rare-threshold <n>', help: 'fewer creations than this in the baseline make a creator rare', path: ['detect', 'rareCreationThreshold'], kind: 'number', lenses: ['detect'] },
  { option: '--out-of-orderness <duration>', help: 'how late (in event time) a record may arrive and still be ordered', path: ['detect', 'outOfOrderness'], kind: 'text', lenses: ['detect'] },
  { option: '--observation-period <duration>', help: 'period of the observations digest (scanners and failed logins that did nothing else), e.g. 1d', path: ['detect', 'observationPeriod'], kind: 'text', lenses: ['detect'] },
  { option: '--context-window <duration>', help: 'how long a first-seen source stays linked to what it does next', path: ['detect', 'contextWindow'], kind: 'text', lenses: ['detect'] },
  { option: '--brute-force-failures <n>', help: 'failed logins from one range before a success there is a brute force that worked', path: ['detect', 'bruteForceFailures'], kind: 'number', lenses: ['detect'] },
  { option: '--org-min-identities <n>', help: 'identities logging in from a range or ASN before it counts as the organisation’s', path: ['organisation', 'minIdentities'], kind: 'number', lenses: ['detect'] },
  { option: '--org-min-days <n>', help: 'days with logins from a range or ASN before it counts as the organisation’s', path: ['organisation', 'minDays'], kind: 'number', lenses: ['detect'] },
  { option: '--udp-rcvbuf <bytes>', help: 'UDP syslog receive buffer asked of the kernel (default 8388608; capped at net.core.rmem_max)', path: ['detect', 'syslog', 'udpReceiveBuffer'], kind: 'number', lenses: ['detect'] },
  { option: '--syslog-max-connections <n>', help: 'concurrent TCP syslog connections; at the cap the one idle longest is closed (default 1024)', path: ['detect', 'syslog', 'maxConnections'], kind: 'number', lenses: ['detect'] },
  { option: '--syslog-max-per-source <n>', help: 'concurrent TCP syslog connections from one address (default 32)', path: ['detect', 'syslog', 'maxConnectionsPerSource'], kind: 'number', lenses: ['detect'] },
  { option: '--syslog-frame-timeout <duration>', help: 'a TCP syslog message must be complete this long after its first byte (default 30s)', path: ['detect', 'syslog', 'frameTimeout'], kind: 'text', lenses: ['detect'] },
  { option: '--incident-window <duration>', help: 'alerts of one source within this window form one incident', path: ['detect', 'incidentWindow'], kind: 'text', lenses: ['detect'] },
];

export function addConfigFlags(cmd: Command, lens: Lens): Command {
  for (const f of CONFIG_FLAGS) {
    if (!f.lenses.includes(lens)) continue;
    // Lists take one value per flag and repeat: a variadic flag would swallow the paths after it.
    const single = f.kind === 'text' || f.kind === 'number' || f.kind === 'off';
    const option = new Option(f.option, single ? f.help : `${f.help}; repeatable`);
    cmd.addOption(single ? option : option.argParser(collect));
  }
  return cmd;
}

function convert(f: ConfigFlag, flag: string, v: unknown): unknown {
  switch (f.kind) {
    case 'text':
      return v;
    case 'off':
      return false;
    case 'number': {
      const n = Number(v);
      if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag}: expected a number (got "${String(v)}")`);
      return n;
    }
    case 'list':
      return v as string[];
    case 'asns':
      return (v as string[]).map((a) => {
        const n = Number(a.replace(/^AS/i, ''));
        if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag}: expected an AS number such as 64500 (got "${a}")`);
        return n;
      });
    case 'ports': {
      const out: Record<string, number[]> = {};
      for (const item of v as string[]) {
        const m = /^([a-z0-9-]+)=(\d+)$/.exec(item);
        if (!m) throw new UsageError(`${flag}: expected service=port such as ssh=2200 (got "${item}")`);
        (out[m[1]!] ??= []).push(Number(m[2]));
      }
      return out;
    }
  }
}

/** The overrides the given flags ask for, in table order. */
export function configOverrides(cmdFlags: Record<string, unknown>, lens: Lens): ConfigOverride[] {
  const out: ConfigOverride[] = [];
  for (const f of CONFIG_FLAGS) {
    if (!f.lenses.includes(lens)) continue;
    const opt = new Option(f.option);
    const v = cmdFlags[opt.attributeName()];
    // Commander defaults a --no-x flag to true; only its presence (false) overrides the file.
    if (v === undefined || (f.kind === 'off' && v !== false)) continue;
    const flag = opt.long ?? f.option;
    if (f.kind === 'ports') {
      for (const [service, ports] of Object.entries(convert(f, flag, v) as Record<string, number[]>)) {
        out.push({ flag, path: ['managementPorts', service], value: ports, append: true });
      }
    } else out.push({ flag, path: f.path, value: convert(f, flag, v), ...(f.append ? { append: true } : {}) });
  }
  return out;
}
