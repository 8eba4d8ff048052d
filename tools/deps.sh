#!/usr/bin/env bash
# Installs, as root, what the test suite needs beyond the .NET SDK: Go and pion (interop peer),
# aiortc (interop peer), coturn and openssl (STUN/TURN server and its certificate), nftables and
# conntrack (the NAT lab in tests/lab: NAT routers in network namespaces), chromium (the browser
# peer, driven headless inside a lab namespace), redis-server (the signaling server's shared store,
# issue 17).
# Idempotent: packages already present are not fetched again. Called by `build.ps1 -Task Deps`.
# `deps.sh fuzz` installs instead what `build.ps1 -Task Fuzz` needs: afl++ (afl-fuzz drives the
# SharpFuzz harnesses of tests/fuzz); the test suite does not need it.
set -euo pipefail

if [ "${1:-}" = "fuzz" ]; then
  packages=(afl++)
else
  packages=(
    golang-go golang-github-pion-webrtc.v3-dev
    python3-aiortc python3-aiohttp
    coturn openssl
    iproute2 nftables conntrack curl
    chromium
    redis-server
  )
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing ${missing[*]}; run as root (apt-get)" >&2
  exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# coturn's package starts nothing by default; tests start their own instance on loopback.
# redis-server's may start a system instance on 6379; tests never use it: they start their own on a free port.
echo "deps: done"
