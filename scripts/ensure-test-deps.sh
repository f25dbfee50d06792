#!/usr/bin/env bash
# Installs the Debian packages whose real servers the integration tests start on loopback
# (each test starts its own instance with its own config and stops it). Idempotent; run as root.
set -euo pipefail
PACKAGES=(openssh-server openssh-client nginx-light haproxy prometheus docker.io etcd-server openssl xrdp x11vnc xvfb redis-server cockpit-ws chromium)
# The detect bench's peers (bench/detect-vs-peers.ts): fail2ban-regex and its stock sshd filter (the daemon
# is never started), mawk, jq, and GNU time for their peak RSS.
PACKAGES+=(fail2ban mawk jq time)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "The integration tests need these Debian packages: ${missing[*]}" >&2
  echo "Install them (sudo apt-get install -y ${missing[*]}) or run this as root." >&2
  exit 1
fi
# Package installs must not start system-wide daemons: the tests start their own on loopback.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "installed: ${missing[*]}" >&2
