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
      })
      .strict()
      .default({ name: 'my-org', allowedRanges: [], internalRanges: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', 'fc00::/7', '::1/128', 'fe80::/10'], asns: [] }),
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
      })
      .strict()
      .default({ timeout: 5000, concurrency: 64, rate: 200, maxAddresses: 4096 }),
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
      }),
  })
  .strict();

export type DrawbridgeConfig = z.infer<typeof ConfigSchema>;
