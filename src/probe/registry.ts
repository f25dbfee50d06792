import { servicesByPort, type ManagementService } from '../catalog/services.js';
import { grpcFingerprinter } from './grpc/fingerprinter.js';
import { httpFingerprinter } from './http/fingerprinter.js';
import { rdpFingerprinter } from './rdp/fingerprinter.js';
import { sshFingerprinter } from './ssh/fingerprinter.js';
import type { Fingerprinter } from './types.js';
import { vncFingerprinter } from './vnc/fingerprinter.js';

/**
 * Every fingerprinter a probe run may use, in preference order. A new protocol plugs in here:
 * implement Fingerprinter (src/probe/types.ts), name the catalogue protocols it handles, add it.
 */
export const FINGERPRINTERS: Fingerprinter[] = [sshFingerprinter, vncFingerprinter, httpFingerprinter, grpcFingerprinter, rdpFingerprinter];

/** Catalogue protocol names a fingerprinter's `protocols` entry stands for. */
function expand(protocol: string): string[] {
  return protocol === 'http-or-https' ? ['http-or-https', 'http', 'https'] : [protocol];
}

function handles(f: Fingerprinter, protocols: ReadonlySet<string>): boolean {
  return f.protocols.some((p) => expand(p).some((x) => protocols.has(x)));
}

/**
 * Which fingerprinters to try on an open port, in order. A catalogue port gets the fingerprinters of
 * its services' protocols. Any other port (or one whose protocol has no fingerprinter yet) gets all of
 * them, those whose server speaks first (SSH) before the rest: they only listen at first, so an SSH
 * server is recognised before anything is sent to it.
 */
export function selectFingerprinters(
  port: number,
  all: readonly Fingerprinter[] = FINGERPRINTERS,
  byPort: ReadonlyMap<number, readonly ManagementService[]> = servicesByPort(),
): Fingerprinter[] {
  const services = byPort.get(port) ?? [];
  const protocols = new Set(services.flatMap((s) => expand(s.protocol)));
  const known = all.filter((f) => handles(f, protocols) || f.ports?.includes(port) === true);
  if (known.length > 0) return known;
  // Fingerprinters that claim ports of their own (gRPC) stay on those ports.
  const general = all.filter((f) => f.ports === undefined);
  return [...general.filter((f) => f.serverSpeaksFirst), ...general.filter((f) => !f.serverSpeaksFirst)];
}
