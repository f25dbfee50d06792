// Writes samples/logs/auth.log: a week of sshd activity on one bastion (rsyslog RFC 3339 format, the
// Debian 12+ default) with ordinary administration, internet background noise and one planted intrusion.
// Deterministic: the same script always writes the same file.
import { writeFileSync } from 'node:fs';

let seed = 20261130;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (a) => a[Math.floor(rand() * a.length)];
const b64 = (n) => Array.from({ length: n }, () => pick('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')).join('');

const HOST = 'bastion-1';
const start = Date.UTC(2026, 10, 2, 0, 0, 0); // Monday 2 Nov 2026
const keys = { alice: `SHA256:${b64(43)}`, 'ci-deploy': `SHA256:${b64(43)}` };
const bobCert = { fp: `SHA256:${b64(43)}`, ca: `SHA256:${b64(43)}` };
const lines = [];
let pid = 4100;

const ts = (t) => new Date(t).toISOString().replace('Z', '000+00:00');
const log = (t, prog, p, msg) => lines.push([t, `${ts(t)} ${HOST} ${prog}[${p}]: ${msg}`]);

function keyLogin(t, user, from, info) {
  const p = pid++;
  const port = 40000 + Math.floor(rand() * 20000);
  log(t, 'sshd-session', p, `Accepted publickey for ${user} from ${from} port ${port} ssh2: ${info}`);
  log(t + 60, 'sshd-session', p, `pam_unix(sshd:session): session opened for user ${user}(uid=${user === 'alice' ? 1001 : user === 'bob' ? 1002 : 998}) by ${user}(uid=0)`);
  const end = t + (5 + Math.floor(rand() * 50)) * 60_000;
  log(end, 'sshd-session', p, `Received disconnect from ${from} port ${port}:11: disconnected by user`);
  log(end + 2, 'sshd-session', p, `Disconnected from user ${user} ${from} port ${port}`);
  log(end + 5, 'sshd-session', p, `pam_unix(sshd:session): session closed for user ${user}`);
}
function noise(t) {
  const ip = `${pick([45, 61, 80, 103, 141, 159, 177, 183, 196, 218])}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${1 + Math.floor(rand() * 254)}`;
  const p = pid++;
  const port = 30000 + Math.floor(rand() * 30000);
  const user = pick(['admin', 'oracle', 'test', 'ubuntu', 'postgres', 'git', 'user']);
  if (rand() < 0.3) {
    log(t, 'sshd-session', p, `Connection closed by authenticating user root ${ip} port ${port} [preauth]`);
    return;
  }
  log(t, 'sshd-session', p, `Invalid user ${user} from ${ip} port ${port}`);
  log(t + 1800, 'sshd-session', p, `Connection closed by invalid user ${user} ${ip} port ${port} [preauth]`);
}

for (let day = 0; day < 7; day++) {
  const d = start + day * 86_400_000;
  if (day % 7 < 5) {
    keyLogin(d + 8.5 * 3_600_000 + rand() * 3_600_000, 'alice', '198.51.100.23', `ED25519 ${keys.alice}`);
    keyLogin(d + 13 * 3_600_000 + rand() * 3_600_000, 'bob', '198.51.100.40',
      `ED25519-CERT ${bobCert.fp} ID bob@example-corp (serial ${1000 + day}) CA ED25519 ${bobCert.ca}`);
  }
  for (let h = 0; h < 24; h += 4) keyLogin(d + h * 3_600_000 + 120_000, 'ci-deploy', '10.20.1.15', `ED25519 ${keys['ci-deploy']}`);
  for (let i = 0; i < 40; i++) noise(d + rand() * 86_400_000);
}

// Day 6, 03:12 UTC: password spraying, then a login with a key nobody has used before, from a new network.
const attack = start + 5 * 86_400_000 + 3 * 3_600_000 + 12 * 60_000;
const intruder = '185.225.74.61';
for (let i = 0; i < 6; i++) {
  const p = pid++;
  log(attack + i * 4000, 'sshd-session', p, `Failed password for root from ${intruder} port ${52000 + i} ssh2`);
}
keyLogin(attack + 90_000, 'ci-deploy', intruder, `ED25519 SHA256:${b64(43)}`);

lines.sort((a, b) => a[0] - b[0]);
writeFileSync(new URL('../samples/logs/auth.log', import.meta.url), lines.map((l) => l[1]).join('\n') + '\n');
console.log(`wrote ${lines.length} lines`);
