#!/usr/bin/env bash
# Builds every Go program under tests/interop (each directory holding a main.go) in GOPATH mode
# against Debian's Go sources (/usr/share/gocode: pion/webrtc v3.1.56 and its dependencies); no
# module proxy, no network. Binaries go to tests/interop/bin/<name>; a binary newer than all of its
# sources is kept (idempotent, and cheap to call from every test). Usage: build-go.sh [name...]
# Prints the path of each binary on stdout; exits non-zero if Go is missing or a build fails.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v go >/dev/null || { echo "build-go.sh: 'go' not found on PATH (apt-get install golang-go)" >&2; exit 2; }
gopath="$here/.gopath"
mkdir -p "$gopath/src" "$here/bin"
export GO111MODULE=off GOPATH="$gopath:/usr/share/gocode" GOPROXY=off GOFLAGS= GOCACHE="$gopath/cache" CGO_ENABLED=0

# One build at a time (tests may call this concurrently).
exec 9>"$gopath/.lock"
flock 9

if [ $# -gt 0 ]; then names=("$@"); else
  names=(); for d in "$here"/*/; do [ -f "$d/main.go" ] && names+=("$(basename "$d")"); done
fi
for name in "${names[@]}"; do
  src="$here/$name"
  [ -f "$src/main.go" ] || { echo "build-go.sh: no program $src/main.go" >&2; exit 2; }
  ln -sfn "$src" "$gopath/src/$name"
  out="$here/bin/$name"
  if [ -x "$out" ] && [ -z "$(find "$src" \( -name '*.go' -o -name go.mod \) -newer "$out" -print -quit)" ]; then
    echo "$out"; continue
  fi
  (cd "$gopath/src/$name" && go build -o "$out.tmp" . ) >&2
  mv -f "$out.tmp" "$out"
  echo "$out"
done
