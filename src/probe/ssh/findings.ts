import type { AdvisoryMatch } from '../../intel/advisories.js';
import { makeFinding, type Finding } from '../../model/finding.js';
import type { Endpoint } from '../types.js';
import type { AuthProbe } from './auth-methods.js';
import type { TerrapinPosture, WeakOffer } from './posture.js';

/** Everything the SSH fingerprinter learnt, as plain data; findings are a pure function of it. */
export interface SshAssessment {
  endpoint: Endpoint;
  identification: string;
  auth: AuthProbe;
  weak: WeakOffer[];
  terrapin?: TerrapinPosture;
  advisories: AdvisoryMatch[];
}

const PASSWORD_METHODS = ['password', 'keyboard-interactive'];

export function sshFindings(a: SshAssessment): Finding[] {
  const { host, port } = a.endpoint;
  const base = { subTechnique: 'ssh-access' as const, asset: host, location: { host, port } };
  const out: Finding[] = [];
  if (a.auth.noneAccepted) {
    out.push(
      makeFinding({
        ...base,
        rule: 'probe.ssh.none-auth',
        control: 'M1026',
        severity: 'critical',
        title: 'SSH server lets an unknown user in without any credentials',
        evidence: { identification: a.identification, method: 'none', result: 'USERAUTH_SUCCESS' },
        explanation: 'A "none" authentication request for a random, non-existent user succeeded: anyone who reaches the port gets a session.',
        remediation: 'Remove PermitEmptyPasswords yes / custom PAM "none" stacks; set `AuthenticationMethods publickey` in sshd_config and restart sshd.',
        confidence: 'confirmed',
      }),
    );
  }
  const guessable = (a.auth.methods ?? []).filter((m) => PASSWORD_METHODS.includes(m));
  if (guessable.length > 0) {
    out.push(
      makeFinding({
        ...base,
        rule: 'probe.ssh.password-auth',
        control: 'M1026',
        severity: 'high',
        title: `SSH server offers ${guessable.join(' and ')} logins to strangers`,
        evidence: { identification: a.identification, methodsOffered: a.auth.methods },
        explanation: 'Passwords can be guessed or reused from breaches; an exposed SSH port offering them is a standing invitation to credential attacks.',
        remediation: 'In sshd_config set `PasswordAuthentication no`, `KbdInteractiveAuthentication no` and `AuthenticationMethods publickey`; use keys or short-lived certificates.',
        confidence: 'confirmed',
      }),
    );
  }
  if (a.weak.length > 0) {
    out.push(
      makeFinding({
        ...base,
        rule: 'probe.ssh.weak-algorithms',
        control: 'M1050',
        severity: 'medium',
        title: `SSH server offers ${a.weak.length} weak algorithm${a.weak.length === 1 ? '' : 's'}`,
        evidence: { identification: a.identification, weak: a.weak },
        explanation: 'Clients that prefer or only support these algorithms get weaker protection than the server could give.',
        remediation: `Remove them from KexAlgorithms, HostKeyAlgorithms, Ciphers and MACs in sshd_config: ${a.weak.map((w) => w.name).join(', ')}.`,
        confidence: 'confirmed',
      }),
    );
  }
  if (a.terrapin?.prone) {
    const t = a.terrapin;
    out.push(
      makeFinding({
        ...base,
        rule: 'probe.ssh.terrapin',
        control: 'M1050',
        severity: 'medium',
        title: 'SSH server is open to Terrapin prefix truncation (no strict key exchange)',
        evidence: { identification: a.identification, strictKex: false, chacha20: t.chacha20, cbcWithEtm: t.cbcWithEtm },
        explanation: 'The server offers chacha20-poly1305 or CBC with encrypt-then-MAC and does not announce kex-strict-s-v00@openssh.com, so an on-path attacker can delete early encrypted messages (CVE-2023-48795).',
        remediation: 'Upgrade sshd to a release with strict KEX (OpenSSH 9.6+, or the distribution fix), or remove chacha20-poly1305@openssh.com and the -cbc ciphers / *-etm MACs pairing.',
        confidence: 'confirmed',
      }),
    );
  }
  for (const m of a.advisories) {
    out.push(
      makeFinding({
        ...base,
        rule: 'probe.ssh.advisory',
        key: m.id,
        control: 'M1050',
        severity: m.severity,
        title: `${m.id}: ${m.summary}`,
        evidence: { identification: a.identification, advisory: m.id, aliases: m.aliases, package: m.package, comparedVersion: m.comparedVersion, fixed: m.fixed, basis: m.basis },
        explanation:
          m.confidence === 'possible'
            ? 'The announced upstream version is in the affected range; a distribution may have backported the fix without changing it, so verify the installed package.'
            : 'The distribution build named in the banner is older than the distribution\'s fixed revision.',
        remediation: m.remediation,
        confidence: m.confidence,
      }),
    );
  }
  return out;
}
