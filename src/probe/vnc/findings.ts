import { makeFinding, type Finding } from '../../model/finding.js';
import type { Endpoint } from '../types.js';
import type { VncHandshake, VncPosture } from './posture.js';

/** Findings are a pure function of the handshake read. */
export function vncFindings(endpoint: Endpoint, h: VncHandshake, p: VncPosture): Finding[] {
  const { host, port } = endpoint;
  const base = { subTechnique: 'unauthenticated-admin-interface' as const, asset: host, location: { host, port } };
  const evidence = {
    serverVersion: h.serverVersion,
    securityTypes: p.securityTypes,
    ...(p.vencryptSubtypes ? { vencryptSubtypes: p.vencryptSubtypes } : {}),
    ...(p.refused !== undefined ? { refused: p.refused } : {}),
  };
  const out: Finding[] = [
    makeFinding({
      ...base,
      rule: 'probe.vnc.exposed',
      control: 'M1037',
      severity: 'medium',
      title: 'VNC answers from outside',
      evidence,
      explanation: 'VNC gives whoever logs in the whole desktop; its classic password is at most 8 characters, checked by a DES challenge, and easily guessed at network speed.',
      remediation: 'Bind VNC to localhost (x11vnc -localhost, vncserver -localhost yes) and reach it through an SSH tunnel or VPN; otherwise firewall 5900-5999 to management hosts.',
      confidence: 'confirmed',
    }),
  ];
  if (p.auth === 'open') {
    out.push(
      makeFinding({
        ...base,
        rule: 'probe.vnc.no-auth',
        control: 'M1026',
        severity: 'critical',
        title: `VNC lets anyone take the desktop without a password (${p.noAuthVia.join(', ')})`,
        evidence: { ...evidence, noAuthVia: p.noAuthVia },
        explanation: 'The server offers a security type that asks for no credentials: any stranger who connects sees and controls the screen.',
        remediation: 'Require a password or stronger (x11vnc -rfbauth ~/.vnc/passwd, or VeNCrypt X509Vnc/X509Plain; TigerVNC SecurityTypes=VncAuth,TLSVnc) and stop offering None / TLSNone / X509None.',
        confidence: 'confirmed',
      }),
    );
  }
  return out;
}
