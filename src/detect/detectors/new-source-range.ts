/**
 * DS0029 — Network Traffic Flow: an accepted inbound connection to a management port from a source
 * range (/24 v4, /48 v6 by default) never seen for that destination host+port. For sshd logs every
 * line showing a peer is such a connection (the log is written by the service on the port).
 * Allow-listed ranges never alert.
 */
import { makeAlert, type Alert } from '../../model/finding.js';
import { bump, type Severity } from '../../model/severity.js';
import type { SubTechnique } from '../../model/technique.js';
import { isIp, networkOf } from '../../intel/ranges.js';
import { SSH_DEFAULT_PORT } from '../decoders/sshd-messages.js';
import { authHost, authSubTechnique, evidence, logLocation, sourceOrigin } from './common.js';
import type { Detector } from './types.js';

export const NEW_SOURCE_RANGE_NS = 'ds0029.range';

interface Connection {
  src: string;
  host: string;
  port: number;
  subTechnique: SubTechnique;
  service: string;
  /** A login succeeded on this connection (worse than a bare connection). */
  login: boolean;
  user?: string;
}

export const newSourceRange: Detector = {
  id: 'new-source-range',
  control: 'DS0029',
  description: 'Inbound connection to a management port from a source range never seen for that host and port',
  handle(ev, state, ctx): Alert[] {
    const { env } = ctx;
    let c: Connection | undefined;
    if (ev.kind === 'flow') {
      if (ev.action !== 'accept' || ev.direction === 'outbound') return [];
      const services = env.managementPorts.get(ev.dstPort);
      if (!services || services.length === 0) return [];
      const svc = services[0]!;
      c = { src: ev.src, host: ev.dst, port: ev.dstPort, subTechnique: svc.subTechnique, service: services.map((s) => s.id).join('|'), login: false };
    } else if (ev.kind === 'auth' && ev.service === 'ssh') {
      c = { src: ev.src, host: authHost(ev), port: ev.dstPort ?? SSH_DEFAULT_PORT, subTechnique: authSubTechnique(ev), service: 'ssh', login: ev.success, user: ev.user };
    }
    if (!c || !isIp(c.src)) return [];
    if (env.allowed.contains(c.src)) return [];
    const range = networkOf(c.src, env.config.detect.sourcePrefixV4, env.config.detect.sourcePrefixV6);
    if (!range) return [];
    const target = `${c.host}:${c.port}`;
    const isNew = state.seen(NEW_SOURCE_RANGE_NS, `${target}\u0000${range}`, ev.time, env.config.detect.baselineExpiry);
    if (!isNew || ctx.learning) return [];
    const origin = sourceOrigin(c.src, env);
    let severity: Severity = c.login ? 'high' : 'medium';
    if (origin.internal) severity = bump(severity, -1);
    return [
      makeAlert({
        rule: this.id,
        subTechnique: c.subTechnique,
        control: this.control,
        severity,
        title: `${c.login ? `Login as ${c.user ?? '?'}` : 'Connection'} to ${target} (${c.service}) from ${range}, a range never seen for it`,
        asset: target,
        location: logLocation(ev),
        time: new Date(ev.time).toISOString(),
        key: range,
        evidence: evidence({
          host: c.host,
          port: c.port,
          service: c.service,
          src: c.src,
          range,
          login: c.login,
          user: c.user,
          internalSource: origin.internal,
          asn: origin.asn?.asn,
          asOrg: origin.asn?.org,
          line: ev.ref.line,
          raw: ctx.raw,
        }),
        explanation:
          'A management service accepted a connection from a network it has not been reached from before (within the baseline). ' +
          'Attackers using stolen credentials or exposed interfaces arrive from new ranges; administrators usually come from a few known ones.',
        remediation:
          `Check who connected from ${range}. If the range is legitimate, add it to organisation.allowedRanges in drawbridge.yaml; ` +
          `otherwise restrict ${c.service} on port ${c.port} to VPN or allow-listed ranges (security group / firewall), as M1037 asks.`,
      }),
    ];
  },
};
