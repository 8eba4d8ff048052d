#!/bin/sh
# Starts coturn on 127.0.0.1 for manual TURN experiments: ./start-coturn.sh [port] [tls-port]
# Makes a self-signed certificate and a config in a temp dir; prints the dir; Ctrl+C stops it.
set -eu
# Relay ports 31000-31999: below Linux's default ephemeral range (32768-60999), so no client socket takes them.
PORT=${1:-34780}
TLS_PORT=${2:-53490}
DIR=$(mktemp -d /tmp/coturn.XXXXXX)
HERE=$(cd "$(dirname "$0")" && pwd)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
  -keyout "$DIR/key.pem" -out "$DIR/cert.pem" 2>/dev/null
sed -e "s|{{PORT}}|$PORT|" -e "s|{{TLS_PORT}}|$TLS_PORT|" -e "s|{{MIN_RELAY_PORT}}|31000|" -e "s|{{MAX_RELAY_PORT}}|31999|" \
    -e "s|{{USER}}|alice|" -e "s|{{PASSWORD}}|secret|" -e "s|{{REALM}}|webrtcps.test|" -e "s|{{DIR}}|$DIR|g" \
    -e "s|{{MAX_LIFETIME}}|3600|" -e "s|{{PERMISSION_LIFETIME}}|300|" -e "s|{{CHANNEL_LIFETIME}}|600|" -e "s|{{STALE_NONCE}}|600|" \
    "$HERE/turnserver.conf.template" > "$DIR/turnserver.conf"
echo "coturn: turn:127.0.0.1:$PORT (udp, tcp), turns:127.0.0.1:$TLS_PORT; user alice/secret; cert $DIR/cert.pem; log $DIR/turnserver.log"
exec turnserver -c "$DIR/turnserver.conf"
