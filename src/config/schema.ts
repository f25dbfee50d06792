import { z } from 'zod';
import ipaddr from 'ipaddr.js';
import { SEVERITIES } from '../model/severity.js';
import { parseDuration } from './duration.js';

const cidr = z.string().refine((s) => {
  try {
    if (s.includes('/')) ipaddr.parseCIDR(s);
    else ipaddr.parse(s);
    return true;
  } catch {
    return false;
  }
}, 'expected an IP address or CIDR range such as 198.51.100.0/24');

const duration = z
  .union([z.string(), z.number()])
  .refine((v) => parseDuration(v) !== undefined, 'expected a duration such as 30s, 5m, 7d')
  .transform((v) => parseDuration(v) as number);

const port = z.number().int().min(1).max(65535);

/** A path prefix as requests name it ("/admin", "/api/v1/namespaces"). */
const pathPrefix = z.string().startsWith('/', 'expected a path starting with /');

/** One endpoint of the management surface (or of a public service): where it is, and what answers there. */
const SurfaceEndpointSchema = z
  .object({
    /** Address or CIDR of the asset; absent: any address. */
    address: cidr.optional(),
    port: port.optional(),
    /** Path prefix of the route (requests through a gateway). */
    path: pathPrefix.optional(),
    /** Virtual host (Host header / SNI). */
    host: z.string().min(1).optional(),
    /** Catalogue service id (catalog/services.yaml) or a name of your own. */
    service: z.string().min(1).optional(),
  })
  .strict()
  .refine((e) => e.address !== undefined || e.port !== undefined || e.path !== undefined || e.host !== undefined, 'give at least one of address, port, path, host');

const GatewaySchema = z
  .object({
    address: cidr.optional(),
    host: z.string().min(1).optional(),
    /** Ports that carry public traffic (and the admin routes below). */
    ports: z.array(port).default([]),
    /** Path prefixes that reach the gateway's or an application's administration. */
    adminRoutes: z.array(pathPrefix).default([]),
    /** Ports that are nothing but administration (Kong 8001, APISIX 9180). */
    adminPorts: z.array(port).default([]),
    service: z.string().min(1).default('gateway-admin'),
  })
  .strict();

const SURFACE_DEFAULT = { management: [], gateways: [], public: [] };

/** Limits of the syslog receivers: what a flood or a slow sender can take from the others. */
const SyslogReceiverSchema = z
  .object({
    /** UDP receive buffer asked of the kernel, in bytes (Linux caps it at net.core.rmem_max). */
    udpReceiveBuffer: z.number().int().min(1024).max(2 ** 31 - 1).default(8 * 1024 * 1024),
    /** Concurrent TCP connections; at the cap a new one closes the connection idle longest. */
    maxConnections: z.number().int().min(1).max(65_536).default(1024),
    /** Concurrent TCP connections from one source address. */
    maxConnectionsPerSource: z.number().int().min(1).default(32),
    /** A TCP message must be complete this long after its first byte. */
    frameTimeout: duration.default(30_000),
    /** A TCP connection silent this long is closed. */
    idleTimeout: duration.default(300_000),
  })
  .strict();
const SYSLOG_DEFAULTS = { udpReceiveBuffer: 8 * 1024 * 1024, maxConnections: 1024, maxConnectionsPerSource: 32, frameTimeout: 30_000, idleTimeout: 300_000 };

/** drawbridge.yaml — one schema gives validation, the static type and the defaults. */
export const ConfigSchema = z
  .object({
    organisation: z
      .object({
        name: z.string().default('my-org'),
        /** Source ranges that belong to the organisation (VPN, office): never alerted, never an exposure. */
        allowedRanges: z.array(cidr).default([]),
        /** Ranges treated as internal; by default RFC 1918, RFC 6598, ULA, loopback, link-local. */
        internalRanges: z
          .array(cidr)
          .default(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', 'fc00::/7', '::1/128', 'fe80::/10']),
        /** The organisation's own autonomous systems (and its cloud providers' if logins from there are normal). */
        asns: z.array(z.number().int().nonnegative()).default([]),
        /** Learn the organisation's networks from history (successful logins of known identities). */
        learn: z.boolean().default(true),
        /** A learned range or ASN is the organisation's once this many identities log in from it… */
        minIdentities: z.number().int().min(1).default(2),
        /** …or logins come from it on this many different days. */
        minDays: z.number().int().min(1).default(3),
      })
      .strict()
      .default({
        name: 'my-org',
        allowedRanges: [],
        internalRanges: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', 'fc00::/7', '::1/128', 'fe80::/10'],
        asns: [],
        learn: true,
        minIdentities: 2,
        minDays: 3,
      }),
    /** The management surface as you know it; detect also learns it from the logs and from audit/probe results. */
    surface: z
      .object({
        management: z.array(SurfaceEndpointSchema).default([]),
        gateways: z.array(GatewaySchema).default([]),
        /** Services that are public on purpose (web site, public API): never management. */
        public: z.array(SurfaceEndpointSchema).default([]),
      })
      .strict()
      .default(SURFACE_DEFAULT),
    /** Extra ports per catalogue service id, e.g. { ssh: [2200] }. */
    managementPorts: z.record(z.string(), z.array(port)).default({}),
    stateDir: z.string().default('.drawbridge'),
    /** Where detect keeps baselines and offsets: the embedded SQLite file, or a Redis server (redis://host:port[/db]). */
    store: z
      .string()
      .refine((s) => s === 'sqlite' || /^rediss?:\/\/[^/\s]+/.test(s), 'expected "sqlite" or a redis:// URL')
      .default('sqlite'),
    /** Folders of the user's own OSV advisories, matched with the shipped catalogue. */
    advisories: z.array(z.string()).default([]),
    failOn: z.enum(SEVERITIES).default('high'),
    audit: z
      .object({
        /** Folders an audit may read besides the ones it is given (e.g. a shared drop-in folder an Include names). */
        allowedRoots: z.array(z.string()).default([]),
        /** Ignore entries may not expire later than this after today; later dates are capped with a warning. */
        maxIgnoreExpiry: duration.default(365 * 86_400_000),
      })
      .strict()
      .default({ allowedRoots: [], maxIgnoreExpiry: 365 * 86_400_000 }),
    probe: z
      .object({
        timeout: duration.default(5000),
        concurrency: z.number().int().min(1).max(4096).default(64),
        /** New connections per second. */
        rate: z.number().positive().default(200),
        /** Hard ceiling on addresses one run may touch. */
        maxAddresses: z.number().int().positive().default(4096),
        /** Walk the catalogue's admin routes (/grafana/, /jenkins/ …) behind web servers and gateways. */
        routeWalk: z.boolean().default(true),
      })
      .strict()
      .default({ timeout: 5000, concurrency: 64, rate: 200, maxAddresses: 4096, routeWalk: true }),
    detect: z
      .object({
        /** Event-time period during which baselines learn and nothing alerts. */
        learningPeriod: duration.default(0),
        /** Baseline entries not seen for this long are forgotten. */
        baselineExpiry: duration.default(90 * 86_400_000),
        sourcePrefixV4: z.number().int().min(8).max(32).default(24),
        sourcePrefixV6: z.number().int().min(16).max(128).default(48),
        /** A POST/PUT from the same source within this window escalates a DS0029 alert. */
        followWindow: duration.default(300_000),
        /** Identities with fewer creations than this in the baseline are "rare" creators (DS0015). */
        rareCreationThreshold: z.number().int().min(1).default(3),
        /** Bounded out-of-orderness of event time. */
        outOfOrderness: duration.default(300_000),
        /** Alerts from one source within this window are linked into one incident. */
        incidentWindow: duration.default(3_600_000),
        /** Unauthenticated sources that did nothing are digested per service per period of this length. */
        observationPeriod: duration.default(86_400_000),
        /** How long a source seen only as an observation (or on a public port) stays linked to what it does next. */
        contextWindow: duration.default(86_400_000),
        /** Failed logins from one range before a success there is a brute force that worked. */
        bruteForceFailures: z.number().int().min(1).default(5),
        /** The syslog receivers (--syslog). */
        syslog: SyslogReceiverSchema.default(SYSLOG_DEFAULTS),
      })
      .strict()
      .default({
        learningPeriod: 0,
        baselineExpiry: 90 * 86_400_000,
        sourcePrefixV4: 24,
        sourcePrefixV6: 48,
        followWindow: 300_000,
        rareCreationThreshold: 3,
        outOfOrderness: 300_000,
        incidentWindow: 3_600_000,
        observationPeriod: 86_400_000,
        contextWindow: 86_400_000,
        bruteForceFailures: 5,
        syslog: SYSLOG_DEFAULTS,
      }),
    /** `drawbridge serve`: what it reads besides what is posted to it, and the audits and probes it runs itself. */
    serve: z
      .object({
        /** Syslog receivers (udp://HOST:PORT, tcp://HOST:PORT), as `detect --syslog`. */
        syslog: z.array(z.string().min(1)).default([]),
        /** Let syslog receivers listen beyond loopback (syslog is unauthenticated). */
        syslogAllowRemote: z.boolean().default(false),
        /** Log files followed as they grow and rotate, as `detect --follow`: a path, or { path, format }. */
        follow: z.array(z.union([z.string().min(1), z.object({ path: z.string().min(1), format: z.string().min(1) }).strict()])).default([]),
        audit: z
          .object({
            /** Files and folders the server audits (on POST /v1/runs/audit, and every `every` when set). */
            paths: z.array(z.string().min(1)).default([]),
            /** Period of the scheduled audit; 0: only on request. */
            every: duration.default(0),
          })
          .strict()
          .default({ paths: [], every: 0 }),
        probe: z
          .object({
            /** Targets the server probes (host, host:port, CIDR); nothing else can be asked of it. */
            targets: z.array(z.string().min(1)).default([]),
            /** Ports for targets without one; default: the catalogue's management ports. */
            ports: z.array(port).default([]),
            /** Period of the scheduled probe; 0: only on request. */
            every: duration.default(0),
          })
          .strict()
          .default({ targets: [], ports: [], every: 0 }),
      })
      .strict()
      .default({ syslog: [], syslogAllowRemote: false, follow: [], audit: { paths: [], every: 0 }, probe: { targets: [], ports: [], every: 0 } }),
  })
  .strict();

export type SyslogReceiverConfig = z.infer<typeof SyslogReceiverSchema>;
export type DrawbridgeConfig = z.infer<typeof ConfigSchema>;
export type SurfaceEndpointConfig = z.infer<typeof SurfaceEndpointSchema>;
export type GatewayConfig = z.infer<typeof GatewaySchema>;
