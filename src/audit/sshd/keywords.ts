/**
 * The sshd_config grammar: which keywords exist, their canonical spelling, aliases, which may appear
 * inside a Match block, and which sshd accepts but ignores. Taken from sshd_config(5) of OpenSSH 9.x
 * and checked against `sshd -T` of OpenSSH 9.2 (Debian 12).
 */

export type ValueKind = 'flag' | 'list' | 'text' | 'multi';

export interface KeywordInfo {
  /** Canonical spelling as in sshd_config(5). */
  name: string;
  /** flag = yes/no; list = one comma list; text = one or more words; multi = every line adds a value. */
  kind: ValueKind;
  /** Allowed inside a Match block. */
  inMatch: boolean;
}

const MATCH_ALLOWED = new Set(
  (
    'AcceptEnv AllowAgentForwarding AllowGroups AllowStreamLocalForwarding AllowTcpForwarding AllowUsers ' +
    'AuthenticationMethods AuthorizedKeysCommand AuthorizedKeysCommandUser AuthorizedKeysFile ' +
    'AuthorizedPrincipalsCommand AuthorizedPrincipalsCommandUser AuthorizedPrincipalsFile Banner ' +
    'CASignatureAlgorithms ChannelTimeout ChrootDirectory ClientAliveCountMax ClientAliveInterval DenyGroups ' +
    'DenyUsers DisableForwarding ExposeAuthInfo ForceCommand GatewayPorts GSSAPIAuthentication ' +
    'HostbasedAcceptedAlgorithms HostbasedAuthentication HostbasedUsesNameFromPacketOnly IgnoreRhosts Include ' +
    'IPQoS KbdInteractiveAuthentication KerberosAuthentication LogLevel LogVerbose MaxAuthTries MaxSessions ' +
    'PasswordAuthentication PermitEmptyPasswords PermitListen PermitOpen PermitRootLogin PermitTTY PermitTunnel ' +
    'PermitUserRC PubkeyAcceptedAlgorithms PubkeyAuthentication PubkeyAuthOptions RDomain RefuseConnection ' +
    'RekeyLimit RevokedKeys SetEnv StreamLocalBindMask StreamLocalBindUnlink TrustedUserCAKeys ' +
    'UnusedConnectionTimeout X11DisplayOffset X11Forwarding X11UseLocalhost'
  ).split(' '),
);

const FLAGS =
  'AllowAgentForwarding AllowStreamLocalForwarding DisableForwarding ExposeAuthInfo GSSAPIAuthentication ' +
  'GSSAPICleanupCredentials GSSAPIKeyExchange GSSAPIStrictAcceptorCheck GSSAPIStoreCredentialsOnRekey ' +
  'HostbasedAuthentication HostbasedUsesNameFromPacketOnly IgnoreUserKnownHosts KbdInteractiveAuthentication ' +
  'KerberosAuthentication KerberosGetAFSToken KerberosOrLocalPasswd KerberosTicketCleanup PasswordAuthentication ' +
  'PermitEmptyPasswords PermitTTY PermitUserRC PrintLastLog PrintMotd PubkeyAuthentication StreamLocalBindUnlink ' +
  'StrictModes TCPKeepAlive UseDNS UsePAM X11Forwarding X11UseLocalhost DebianBanner';

const LISTS =
  'Ciphers MACs KexAlgorithms HostKeyAlgorithms PubkeyAcceptedAlgorithms HostbasedAcceptedAlgorithms ' +
  'CASignatureAlgorithms GSSAPIKexAlgorithms';

/** Keywords where every occurrence adds to the value instead of the first one winning. */
const MULTI = 'Port ListenAddress HostKey HostCertificate AcceptEnv SetEnv AllowUsers DenyUsers AllowGroups DenyGroups Subsystem Include';

const TEXT =
  'AddressFamily AllowTcpForwarding AuthenticationMethods AuthorizedKeysCommand AuthorizedKeysCommandUser ' +
  'AuthorizedKeysFile AuthorizedPrincipalsCommand AuthorizedPrincipalsCommandUser AuthorizedPrincipalsFile Banner ' +
  'ChannelTimeout ChrootDirectory ClientAliveCountMax ClientAliveInterval Compression FingerprintHash ForceCommand ' +
  'GatewayPorts HostKeyAgent IgnoreRhosts IPQoS LoginGraceTime LogLevel LogVerbose MaxAuthTries MaxSessions ' +
  'MaxStartups ModuliFile PermitListen PermitOpen PermitRootLogin PermitTunnel PermitUserEnvironment ' +
  'PerSourceMaxStartups PerSourceNetBlockSize PerSourcePenalties PerSourcePenaltyExemptList PidFile ' +
  'PubkeyAuthOptions RDomain RefuseConnection RekeyLimit RequiredRSASize RevokedKeys SecurityKeyProvider ' +
  'SshdSessionPath SshdAuthPath StreamLocalBindMask SyslogFacility TrustedUserCAKeys UnusedConnectionTimeout ' +
  'VersionAddendum X11DisplayOffset XAuthLocation Match ' +
  // Distribution patches that sshd accepts on those systems (Red Hat, FreeBSD).
  'KerberosUseKuserok GSSAPIEnablek5users UseBlacklist UseBlocklist';

function build(): Map<string, KeywordInfo> {
  const m = new Map<string, KeywordInfo>();
  const add = (names: string, kind: ValueKind): void => {
    for (const name of names.split(/\s+/).filter(Boolean)) {
      m.set(name.toLowerCase(), { name, kind, inMatch: MATCH_ALLOWED.has(name) });
    }
  };
  add(TEXT, 'text');
  add(FLAGS, 'flag');
  add(LISTS, 'list');
  add(MULTI, 'multi');
  return m;
}

export const KEYWORDS: ReadonlyMap<string, KeywordInfo> = build();

/** Old spellings sshd still accepts for a current keyword. */
export const ALIASES: ReadonlyMap<string, string> = new Map([
  ['challengeresponseauthentication', 'KbdInteractiveAuthentication'],
  ['pubkeyacceptedkeytypes', 'PubkeyAcceptedAlgorithms'],
  ['hostbasedacceptedkeytypes', 'HostbasedAcceptedAlgorithms'],
  ['dsaauthentication', 'PubkeyAuthentication'],
  ['hostdsakey', 'HostKey'],
  ['skeyauthentication', 'KbdInteractiveAuthentication'],
]);

/** Keywords sshd recognises and ignores (it logs "Deprecated option" for most of them). */
export const IGNORED: ReadonlySet<string> = new Set(
  [
    'protocol',
    'rhostsrsaauthentication',
    'rsaauthentication',
    'useprivilegeseparation',
    'keyregenerationinterval',
    'serverkeybits',
    'uselogin',
    'verifyreversemapping',
    'reversemappingcheck',
    'authorizedkeysfile2',
    'pamauthenticationviakbdint',
  ],
);

export type Lookup =
  | { status: 'known'; info: KeywordInfo; alias: boolean }
  | { status: 'ignored' }
  | { status: 'unknown' };

export function lookupKeyword(word: string): Lookup {
  const lower = word.toLowerCase();
  const direct = KEYWORDS.get(lower);
  if (direct) return { status: 'known', info: direct, alias: false };
  const aliased = ALIASES.get(lower);
  if (aliased) {
    const info = KEYWORDS.get(aliased.toLowerCase());
    if (info) return { status: 'known', info, alias: true };
  }
  if (IGNORED.has(lower)) return { status: 'ignored' };
  return { status: 'unknown' };
}
