import { execFileSync } from 'node:child_process';

/**
 * Integration tests start real servers from Debian packages (scripts/ensure-test-deps.sh installs them).
 * A test may skip when one is missing on a developer's machine, but never in CI: there a missing
 * server fails the run instead of silently dropping coverage.
 */
const REQUIRED = ['/usr/bin/chromium', '/usr/sbin/sshd', 'ssh-keygen', 'nginx', 'haproxy', 'prometheus', 'dockerd', 'etcd', 'openssl', '/usr/sbin/xrdp', 'x11vnc', 'Xvfb', 'redis-server', '/usr/lib/cockpit/cockpit-ws'];

function found(bin: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export default function setup(): void {
  const missing = REQUIRED.filter((b) => !found(b));
  if (missing.length === 0) return;
  const message = `integration servers missing: ${missing.join(', ')} (run: bash scripts/ensure-test-deps.sh)`;
  if (process.env.CI) throw new Error(message);
  process.stderr.write(`warning: ${message}; their tests will be skipped\n`);
}
