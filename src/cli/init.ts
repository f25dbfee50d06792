import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../model/errors.js';
import { EXIT_OK, packageName, packageVersion } from './common.js';
import { schemaUrl } from '../config/json-schema.js';

// The first line lets editors with yaml-language-server validate and complete the file.
export const CONFIG_TEMPLATE = `# yaml-language-server: $schema=${schemaUrl(packageName(), packageVersion())}
# drawbridge.yaml — configuration for audit, probe and detect.
# Every option can also be given as a command-line flag; flags win.

organisation:
  name: my-org
  # Source ranges that are yours (VPN egress, office). Logins and connections from here never alert,
  # and firewall rules open only to them are not exposures.
  allowedRanges: []
  #  - 198.51.100.0/24   # VPN
  #  - 2001:db8:100::/48 # office
  # Ranges treated as internal (default: RFC 1918, RFC 6598, IPv6 ULA, loopback, link-local).
  # internalRanges: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, 127.0.0.0/8, 169.254.0.0/16, fc00::/7, ::1/128, fe80::/10]
  # Your own autonomous systems: sessions from any other ASN are rated more severe.
  asns: []
  #  - 64500
  # Learn the organisation's networks from history: a range or ASN where known identities log in.
  # learn: true
  # minIdentities: 2   # ... by at least this many identities
  # minDays: 3         # ... on at least this many days

# The management surface: which endpoints are management, which gateways carry admin routes, and
# which services are public (never management). Learned from logs and --inventory besides.
# surface:
#   management:
#     - { address: 10.0.1.10, port: 6443, service: kube-apiserver }
#   gateways:
#     - { address: 10.0.2.5, ports: [443], adminRoutes: [/admin], adminPorts: [8001] }
#   public:
#     - { address: 10.0.2.5, port: 443 }

# audit: where it may read beyond the paths it is given, and how far ahead an ignore entry may expire.
# audit:
#   allowedRoots: []
#   maxIgnoreExpiry: 365d

# Extra ports per management service (ids from the catalogue, e.g. ssh, kube-apiserver, docker-api).
managementPorts: {}
#  ssh: [2200]

# Folders of your own OSV advisories (JSON), matched with the shipped catalogue by audit and probe.
advisories: []
#  - security/advisories

# Where SQLite state (baselines, offsets, probe history, dead letters, webhook spool) is kept.
stateDir: .drawbridge

# Where detect keeps baselines, incidents and offsets: the embedded SQLite file under stateDir, or a
# Redis server shared by several detect processes.
store: sqlite
#store: redis://127.0.0.1:6379/0

# Exit with code 1 when anything is at or above this severity: info | low | medium | high | critical.
failOn: high

probe:
  timeout: 5s          # per connection
  concurrency: 64      # connections in flight
  rate: 200            # new connections per second
  maxAddresses: 4096   # hard ceiling on addresses one run may touch
  routeWalk: true      # look for admin UIs on the catalogue's routes (/grafana/, /jenkins/ …) behind web servers

detect:
  learningPeriod: 0        # event time during which baselines fill and nothing alerts, e.g. 7d
  baselineExpiry: 90d      # baseline entries unseen for this long are forgotten
  sourcePrefixV4: 24       # a "source range" is this IPv4 prefix ...
  sourcePrefixV6: 48       # ... or this IPv6 prefix
  followWindow: 5m         # a POST/PUT this soon after a new connection escalates it
  rareCreationThreshold: 3 # fewer creations than this in the baseline makes a creator "rare"
  outOfOrderness: 5m       # how late a record may arrive (event time) and still be ordered
  incidentWindow: 1h       # alerts of one source within this window form one incident
  # observationPeriod: 1d  # noise (scanners, failed logins) is summed up per service per period
  # contextWindow: 1d      # how long a source stays linked to what it does next
  # bruteForceFailures: 5  # failures before a success from the same range make a brute force that worked
  # syslog:                       # the --syslog receivers
  #   udpReceiveBuffer: 8388608    # bytes asked of the kernel (capped at net.core.rmem_max); fuller drops are reported
  #   maxConnections: 1024         # TCP; at the cap a new connection closes the one idle longest
  #   maxConnectionsPerSource: 32  # TCP connections from one address
  #   frameTimeout: 30s            # a TCP message must be complete this long after its first byte
  #   idleTimeout: 5m              # a silent TCP connection is closed

# drawbridge serve: what it reads besides what is posted to it, and what it audits and probes itself
serve:
  syslog: []               # receivers, e.g. [udp://127.0.0.1:5514, tcp://127.0.0.1:5514]
  syslogAllowRemote: false # let them listen beyond loopback (syslog is unauthenticated)
  follow: []               # files followed like detect --follow: a path, or { path: ..., format: sshd }
  audit:
    paths: []              # files and folders audited on POST /v1/runs/audit ...
    every: 0               # ... and this often (0: only on request), e.g. 1h
  probe:
    targets: []            # the only targets it probes (POST /v1/runs/probe cannot name others)
    ports: []              # ports for targets without one (default: the catalogue's)
    every: 0               # how often (0: only on request), e.g. 6h
`;

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('write a commented drawbridge.yaml in the current folder')
    .option('--force', 'overwrite an existing file')
    .option('-o, --output <file>', 'where to write', 'drawbridge.yaml')
    .action((opts: { force?: boolean; output: string }) => {
      if (existsSync(opts.output) && !opts.force) throw new UsageError(`${opts.output} exists (use --force to overwrite)`, 'DRB-E-OUTPUT');
      writeFileSync(opts.output, CONFIG_TEMPLATE);
      process.stderr.write(`wrote ${opts.output}\n`);
      process.exitCode = EXIT_OK;
    });
}
