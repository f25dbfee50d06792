import { randomBytes } from 'node:crypto';
import ssh2 from 'ssh2';
import { openSocket } from '../net.js';
import type { Endpoint, ProbeOptions } from '../types.js';

/** What an SSH "none" authentication request revealed (RFC 4252 §5.2). */
export interface AuthProbe {
  /** "Authentications that can continue" from USERAUTH_FAILURE. */
  methods?: string[];
  /** USERAUTH_SUCCESS for the none method: the server lets anyone in. */
  noneAccepted?: boolean;
  /** Why nothing was learnt (no common algorithm, timeout, …). */
  error?: string;
}

/** Offer every algorithm ssh2 can do, legacy ones last, so old servers still negotiate. */
const ALGORITHMS: ssh2.Algorithms = {
  kex: [
    'curve25519-sha256', 'curve25519-sha256@libssh.org', 'ecdh-sha2-nistp256', 'ecdh-sha2-nistp384', 'ecdh-sha2-nistp521',
    'diffie-hellman-group-exchange-sha256', 'diffie-hellman-group14-sha256', 'diffie-hellman-group15-sha512',
    'diffie-hellman-group16-sha512', 'diffie-hellman-group17-sha512', 'diffie-hellman-group18-sha512',
    'diffie-hellman-group-exchange-sha1', 'diffie-hellman-group14-sha1', 'diffie-hellman-group1-sha1',
  ],
  serverHostKey: ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-dss'],
  cipher: [
    'aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'aes128-ctr', 'aes192-ctr', 'chacha20-poly1305@openssh.com', 'aes256-ctr',
    'aes256-cbc', 'aes192-cbc', 'aes128-cbc', '3des-cbc',
  ],
  hmac: [
    'hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com', 'hmac-sha1-etm@openssh.com', 'hmac-sha2-256', 'hmac-sha2-512',
    'hmac-sha1', 'hmac-md5', 'hmac-sha2-256-96', 'hmac-sha2-512-96', 'hmac-sha1-96', 'hmac-md5-96',
  ],
};

/**
 * Ask which methods a random, non-existent user is offered. Only the `none` method is ever sent:
 * no password, no key (probe-facts.md §1.1, §10: stop at proof). OpenSSH does not count this try
 * against MaxAuthTries, but it is logged by the server.
 */
export async function queryAuthMethods(endpoint: Endpoint, opts: ProbeOptions): Promise<AuthProbe> {
  let sock;
  try {
    sock = await openSocket(endpoint, opts);
  } catch (e) {
    return { error: `connect: ${(e as Error).message}` };
  }
  const username = `drawbridge-${randomBytes(6).toString('hex')}`;
  return new Promise<AuthProbe>((resolve) => {
    const client = new ssh2.Client();
    let methods: string[] | undefined;
    let settled = false;
    const done = (r: AuthProbe): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.end();
      sock.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done(methods ? { methods, noneAccepted: false } : { error: `no authentication answer within ${opts.timeoutMs} ms` }), opts.timeoutMs);
    client.on('ready', () => done({ methods: [], noneAccepted: true }));
    client.on('error', (e: Error) => done(methods ? { methods, noneAccepted: false } : { error: e.message }));
    client.on('close', () => done(methods ? { methods, noneAccepted: false } : { error: 'connection closed before authentication' }));
    try {
      client.connect({
        sock,
        username,
        readyTimeout: opts.timeoutMs,
        keepaliveInterval: 0,
        hostVerifier: () => true,
        algorithms: ALGORITHMS,
        authHandler: (authsLeft, _partial, next) => {
          if (authsLeft === null || authsLeft === undefined) return next({ type: 'none', username });
          methods = [...authsLeft];
          // Stop here: ssh2 reports "All configured authentication methods failed" and we resolve.
          return next(false as unknown as 'none');
        },
      });
    } catch (e) {
      done({ error: (e as Error).message });
    }
  });
}
