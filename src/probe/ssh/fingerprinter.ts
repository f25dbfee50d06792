import { matchAdvisories, type MatchContext } from '../../intel/advisories.js';
import type { Fingerprinter, Observation } from '../types.js';
import { queryAuthMethods } from './auth-methods.js';
import { sshFindings } from './findings.js';
import { readServerHello } from './hello.js';
import { kexSignals, terrapinPosture, weakAlgorithms } from './posture.js';
import { hiddenVendorBuild } from './vendor-build.js';

/** "OpenSSH_9.2p1" → OpenSSH / 9.2p1; "dropbear_2022.83" → dropbear / 2022.83. */
export function splitSoftwareVersion(sv: string): { product: string; version?: string } {
  const i = sv.indexOf('_');
  if (i <= 0) return { product: sv };
  return { product: sv.slice(0, i), version: sv.slice(i + 1) || undefined };
}

export interface SshFingerprinterDeps {
  /** Advisory catalogue to match banners against (shipped one by default; the CLI may add user OSV files). */
  advisories?: MatchContext['advisories'];
}

export function createSshFingerprinter(deps: SshFingerprinterDeps = {}): Fingerprinter {
  return {
    id: 'ssh',
    protocols: ['ssh'],
    serverSpeaksFirst: true,
    async probe(endpoint, opts): Promise<Observation> {
      const hello = await readServerHello(endpoint, opts);
      const ident = hello.identification;
      const { product, version } = splitSoftwareVersion(ident.softwareVersion);
      opts.log?.(`ssh ${endpoint.host}:${endpoint.port}: ${ident.line}; asking which methods a random user is offered (none auth only)`);
      const auth = await queryAuthMethods(endpoint, opts);
      const k = hello.kexinit;
      const signals = k ? kexSignals(k) : [];
      const advisories = version ? matchAdvisories(product, version, ident.line, { signals, advisories: deps.advisories }) : [];
      const terrapin = k ? terrapinPosture(k) : undefined;
      const vendorBuild = k ? hiddenVendorBuild(product, version, ident.comments, k.kex) : undefined;
      const findings = sshFindings({ endpoint, identification: ident.line, auth, weak: k ? weakAlgorithms(k) : [], terrapin, advisories, ...(vendorBuild ? { vendorBuild } : {}) });
      return {
        endpoint,
        outcome: 'identified',
        service: 'ssh',
        product,
        ...(version ? { version } : {}),
        auth: auth.noneAccepted ? 'open' : auth.methods ? 'login' : 'unknown',
        facts: {
          identification: ident.line,
          protoVersion: ident.protoVersion,
          ...(ident.comments ? { comments: ident.comments } : {}),
          ...(ident.preamble.length > 0 ? { preamble: ident.preamble } : {}),
          ...(k ? { kexinit: k, strictKex: terrapin?.strictKex } : { kexinitError: hello.kexinitError }),
          ...(auth.methods ? { authMethods: auth.methods } : {}),
          ...(auth.error ? { authError: auth.error } : {}),
          noneAuthAccepted: auth.noneAccepted === true,
          signals,
          ...(vendorBuild ? { vendorBuild } : {}),
        },
        findings,
      };
    },
  };
}

export const sshFingerprinter: Fingerprinter = createSshFingerprinter();
