import { makeFinding, type Finding } from '../../model/finding.js';
import type { Endpoint } from '../types.js';
import type { RdpPosture } from './posture.js';

/** Findings are a pure function of the negotiation answers. */
export function rdpFindings(endpoint: Endpoint, p: RdpPosture): Finding[] {
  const { host, port } = endpoint;
  const base = { subTechnique: 'unauthenticated-admin-interface' as const, asset: host, location: { host, port } };
  const evidence = { answers: p.answers, nlaRequired: p.nlaRequired ?? null, nlaSupported: p.nlaSupported };
  const out: Finding[] = [
    makeFinding({
      ...base,
      rule: 'probe.rdp.exposed',
      control: 'M1037',
      severity: 'medium',
      title: 'Remote Desktop (RDP) answers from outside',
      evidence,
      explanation: 'An RDP listener reachable by strangers invites password spraying and pre-authentication exploits (BlueKeep-class bugs) against the host.',
      remediation: 'Allow 3389 only from a VPN or bastion range (security group / Windows Firewall remote address scope), or publish RDP through an RD Gateway.',
      confidence: 'confirmed',
    }),
  ];
  if (p.preAuthLogon) {
    out.push(
      makeFinding({
        ...base,
        rule: 'probe.rdp.nla-not-required',
        control: 'M1026',
        severity: 'high',
        title: 'RDP does not require Network Level Authentication: the logon screen is reachable before authentication',
        evidence,
        explanation:
          'The server accepted a connection without CredSSP, so anyone gets a full session and the Windows (or xrdp) logon screen before proving who they are, which exposes the graphical logon and pre-authentication code to every stranger.',
        remediation:
          'Require NLA: Group Policy "Require user authentication for remote connections by using Network Level Authentication" = Enabled (registry UserAuthentication=1 under RDP-Tcp), and SecurityLayer=2 (TLS).',
        confidence: 'confirmed',
      }),
    );
  }
  if (p.standardSecurityAccepted) {
    out.push(
      makeFinding({
        ...base,
        rule: 'probe.rdp.standard-security',
        control: 'M1050',
        severity: 'medium',
        title: 'RDP accepts Standard RDP Security (RC4, no server authentication)',
        evidence,
        explanation: 'Standard RDP Security does not authenticate the server and encrypts with RC4; a machine in the middle can read or take over the session.',
        remediation: 'Set the RDP security layer to TLS or negotiate-with-NLA only (Group Policy "Require use of specific security layer" = SSL; xrdp: security_layer=tls).',
        confidence: 'confirmed',
      }),
    );
  }
  return out;
}
