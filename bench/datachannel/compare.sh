#!/bin/sh
# Builds the benchmark and pion-peer if needed, then runs WebRtcPS DTLS+SCTP+data channel bulk
# (in-process and two-process) and pion<->pion bulk in the same run, round by round, and prints
# both figures and the ratio. Extra arguments go to the benchmark (e.g. --rounds 5 --mib 100).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ -x "$root/tests/interop/bin/pion-peer" ] || "$root/tests/interop/build-go.sh" pion-peer >/dev/null
dotnet build -c Release "$here/DataChannelBench.csproj" -v q -nologo >/dev/null
bench="$here/bin/Release/net10.0/datachannel-bench"
for procs in 1 2; do
  "$bench" --mode full --procs "$procs" --pion --pion-bin "$root/tests/interop/bin/pion-peer" --rounds 3 "$@"
done
