#!/usr/bin/env bash
# NAT lab for WebRtcPS tests (issue 11): network namespaces joined by veth pairs, a public segment
# (a bridge inside a namespace) with coturn and room for the signaling server, and two sites, each a
# LAN host behind its own NAT router (nftables). Addresses only from 198.18.0.0/15; nothing is
# created in the root namespace. See README.md beside this file for the topology and the rules.
#
#   natlab.sh up [--prefix P] [--owner-pid PID] [--nat1 TYPE] [--nat2 TYPE] [--signaling-port N] [--no-coturn] [--json]
#   natlab.sh down PREFIX
#   natlab.sh set-nat PREFIX SITE TYPE      TYPE: none full-cone address-restricted port-restricted symmetric udp-blocked
#   natlab.sh flush PREFIX [SITE]           empty the router's conntrack table and NAT maps
#   natlab.sh exec [--stdout F] [--stderr F] PREFIX NAMESPACE -- COMMAND...   NAMESPACE: pub srv r1 r2 h1 h2 or full name
#   natlab.sh status PREFIX [--json]
#   natlab.sh list
#   natlab.sh gc                            tear down labs whose owner process is gone
set -Eeuo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SELF=$HERE/$(basename "${BASH_SOURCE[0]}")
STATE_ROOT=${NATLAB_STATE_ROOT:-/run/wrtc-lab}
NAT_TYPES=(none full-cone address-restricted port-restricted symmetric udp-blocked)
ROLES=(pub srv r1 r2 h1 h2)
TURN_PORT=3478
TURNS_PORT=5349
TURN_USER=alice
TURN_PASSWORD=secret
TURN_REALM=webrtcps.test
# Lab blocks are /22s of 198.18.0.0/15; the last one (198.19.252.0/22) is never given to a lab, so
# OUTSIDE is an address outside every lab that still is no host anywhere.
MAX_BLOCK=126
OUTSIDE=198.19.255.254

die() { echo "natlab: $*" >&2; exit 1; }
log() { echo "natlab: $*" >&2; }

python_bin() {
  if [ -n "${NATLAB_PYTHON:-}" ]; then echo "$NATLAB_PYTHON"
  elif [ -x /usr/bin/python3 ]; then echo /usr/bin/python3
  else command -v python3; fi
}

ip4() { local n=$1; echo "$(( (n >> 24) & 255 )).$(( (n >> 16) & 255 )).$(( (n >> 8) & 255 )).$(( n & 255 ))"; }

valid_prefix() { [[ $1 =~ ^[a-z][a-z0-9]{1,11}$ ]]; }

# Names and addresses of lab PREFIX in address block BLOCK (198.18.0.0 + BLOCK * 1024, a /22):
# .0.0/24 public segment, .1.0/24 site 1 LAN, .2.0/24 site 2 LAN, .3.0/24 spare.
lab_vars() {
  PREFIX=$1 BLOCK=$2
  local base=$(( (198 << 24) + (18 << 16) + BLOCK * 1024 ))
  NS_PUB=$PREFIX-pub NS_SRV=$PREFIX-srv NS_R1=$PREFIX-r1 NS_R2=$PREFIX-r2 NS_H1=$PREFIX-h1 NS_H2=$PREFIX-h2
  LAB_NET=$(ip4 $base)/22
  PUB_NET=$(ip4 $base)/24
  SRV_A=$(ip4 $((base + 10))) SRV_B=$(ip4 $((base + 11)))
  R1_WAN=$(ip4 $((base + 101))) R2_WAN=$(ip4 $((base + 102)))
  SITE1_NET=$(ip4 $((base + 256)))/24 R1_LAN=$(ip4 $((base + 257))) H1=$(ip4 $((base + 266)))
  SITE2_NET=$(ip4 $((base + 512)))/24 R2_LAN=$(ip4 $((base + 513))) H2=$(ip4 $((base + 522)))
  DIR=$STATE_ROOT/$PREFIX
}

# The variables of site $1: its router and host, and the other site's router.
site_vars() {
  case $1 in
    1) R_NS=$NS_R1 H_NS=$NS_H1 R_WAN=$R1_WAN R_LAN=$R1_LAN H_ADDR=$H1 SITE_NET=$SITE1_NET OTHER_R_NS=$NS_R2 ;;
    2) R_NS=$NS_R2 H_NS=$NS_H2 R_WAN=$R2_WAN R_LAN=$R2_LAN H_ADDR=$H2 SITE_NET=$SITE2_NET OTHER_R_NS=$NS_R1 ;;
    *) die "site must be 1 or 2, not '$1'" ;;
  esac
}

load_lab() {
  valid_prefix "$1" || die "not a lab prefix: '$1'"
  local dir=$STATE_ROOT/$1
  [ -f "$dir/lab" ] || die "no lab '$1' (no $dir/lab): refusing to touch anything"
  local key value block= owner= sig= coturn=
  while IFS='=' read -r key value; do
    case $key in
      BLOCK) block=$value ;;
      OWNER_PID) owner=$value ;;
      SIGNALING_PORT) sig=$value ;;
      COTURN) coturn=$value ;;
    esac
  done < "$dir/lab"
  [[ $block =~ ^[0-9]+$ ]] || die "lab '$1' has no address block in $dir/lab"
  lab_vars "$1" "$block"
  OWNER_PID=$owner SIGNALING_PORT=$sig COTURN=$coturn
}

ns_inode() { stat -L -c %i "/run/netns/$1" 2>/dev/null; }

# True when namespace $1 is one this lab created: listed in its state with the inode it had then.
ns_owned() {
  local name=$1 n inode recorded=
  [ -f "$DIR/namespaces" ] || return 1
  while read -r n inode; do [ "$n" != "$name" ] || recorded=$inode; done < "$DIR/namespaces"
  [ -n "$recorded" ] && [ "$(ns_inode "$name")" = "$recorded" ]
}

resolve_ns() {
  local name=$1
  case " ${ROLES[*]} " in *" $name "*) name=$PREFIX-$name ;; esac
  ns_owned "$name" || die "namespace '$1' is not part of lab $PREFIX: refusing"
  echo "$name"
}

nat_type_valid() { case " ${NAT_TYPES[*]} " in *" $1 "*) return 0 ;; esac; return 1; }

need() { for t in "$@"; do command -v "$t" >/dev/null || die "'$t' is missing (tools/deps.sh installs it)"; done; }

# ---------------------------------------------------------------------------------------- rules

# The router's nftables ruleset for NAT type $1 (RFC 4787 terms); site_vars set. One transaction:
# the old table goes and the new one comes atomically.
nft_rules() {
  local type=$1 forward nat='' extra=''
  local lan_out='iifname "lan" oifname "wan" accept'
  case $type in
    none)
      # A plain router: the LAN's addresses are public and reachable, no filter.
      forward="$lan_out
    iifname \"wan\" oifname \"lan\" accept" ;;
    port-restricted)
      # Stock masquerade keeps the source port when it can: endpoint-independent mapping. Inbound
      # passes only as a reply of a conntrack entry, whose tuple holds the remote address and port:
      # address-and-port-dependent filtering.
      forward=$lan_out nat='oifname "wan" masquerade' ;;
    symmetric)
      # fully-random draws a new port for every conntrack entry, i.e. for every remote endpoint:
      # address-and-port-dependent mapping and filtering.
      forward=$lan_out nat='oifname "wan" masquerade fully-random' ;;
    full-cone | address-restricted)
      # Masquerade alone filters by remote endpoint. After NAT (postrouting, past srcnat) each
      # outbound UDP packet records its mapping, mapped port -> LAN endpoint (full cone) or
      # mapped port . remote address -> LAN endpoint (address-restricted); a new inbound UDP flow
      # is DNATed through that table, and forward lets DNATed flows in.
      local map key lookup
      if [ "$type" = full-cone ]; then
        map='map cone { type inet_service : ipv4_addr . inet_service; flags dynamic, timeout; timeout 120s; size 65535; }'
        key='ct reply proto-dst' lookup='udp dport'
      else
        map='map cone { type inet_service . ipv4_addr : ipv4_addr . inet_service; flags dynamic, timeout; timeout 120s; size 65535; }'
        key='ct reply proto-dst . ct original ip daddr' lookup='udp dport . ip saddr'
      fi
      forward="$lan_out
    iifname \"wan\" oifname \"lan\" ct status dnat accept"
      nat='oifname "wan" masquerade'
      extra="$map
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    iifname \"wan\" meta l4proto udp dnat ip to $lookup map @cone
  }
  chain learn {
    type filter hook postrouting priority srcnat + 10; policy accept;
    oifname \"wan\" ct direction original meta l4proto udp update @cone { $key : ct original ip saddr . ct original proto-src }
  }" ;;
    udp-blocked)
      # Only TCP to the TURN server (3478, 5349) and the signaling port leaves the site.
      forward="iifname \"lan\" oifname \"wan\" ip daddr { $SRV_A, $SRV_B } tcp dport { $TURN_PORT, $TURNS_PORT, $SIGNALING_PORT } accept"
      nat='oifname "wan" masquerade' ;;
  esac
  cat <<EOF
table ip natlab
delete table ip natlab
table ip natlab {
  chain input {
    type filter hook input priority filter; policy accept;
    iifname "wan" ct state established,related accept
    iifname "wan" drop
  }
  chain forward {
    type filter hook forward priority filter; policy drop;
    ct state established,related accept
    $forward
  }
EOF
  if [ -n "$nat" ]; then
    cat <<EOF
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    $nat
  }
EOF
  fi
  [ -z "$extra" ] || echo "  $extra"
  echo "}"
}

apply_nat() {
  local site=$1 type=$2
  site_vars "$site"
  nft_rules "$type" | ip netns exec "$R_NS" nft -f -
  # Routed sites are reachable from the public side; NATed ones are not (private addresses are not
  # routed on the Internet: such a packet goes to the dead end).
  if [ "$type" = none ]; then
    ip -n "$NS_SRV" route replace "$SITE_NET" via "$R_WAN"
    ip -n "$OTHER_R_NS" route replace "$SITE_NET" via "$R_WAN"
  else
    ip -n "$NS_SRV" route del "$SITE_NET" 2>/dev/null || true
    ip -n "$OTHER_R_NS" route del "$SITE_NET" 2>/dev/null || true
  fi
  ip netns exec "$R_NS" conntrack -F >/dev/null 2>&1 || true
  echo "$type" > "$DIR/nat$site"
}

# ---------------------------------------------------------------------------------------- build

# The build runs in a child process that traps nothing: bash may run a trap handler in the middle of
# parsing a command substitution and then fail with a syntax error. The child ignores SIGINT (a
# background job of a script does), so Ctrl+C cuts no step in half (ip netns add above all, or the
# state would miss a namespace that exists); the parent turns INT/TERM into a flag file that the
# child checks between steps, waits for it, and tears down what it made.
checkpoint() { [ ! -e "$DIR/interrupted" ] || { log "interrupted"; exit 130; }; }

make_ns() {
  local name=$1
  ip netns add "$name" || die "cannot create namespace $name"
  echo "$name $(ns_inode "$name")" >> "$DIR/namespaces"
  ip netns exec "$name" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$name" link set lo up
  checkpoint
}

# A veth from namespace $1 (interface $2) to a port of the public bridge named $3.
link_public() {
  ip -n "$1" link add "$2" type veth peer name "$3" netns "$NS_PUB"
  ip -n "$NS_PUB" link set "$3" master br0 up
  ip -n "$1" link set "$2" up
}

# A default route into a dead end: a veth whose peer stays down, no ARP. A packet to an address
# outside the lab is sent without error and vanishes, as on the Internet; without it sendto would
# fail at once with ENETUNREACH.
dead_end() {
  ip -n "$1" link add deadend type veth peer name deadend-peer
  ip -n "$1" link set deadend arp off up
  ip -n "$1" route add default dev deadend
}

build() {
  for role in "${ROLES[@]}"; do make_ns "$PREFIX-$role"; done
  ip -n "$NS_PUB" link add br0 type bridge stp_state 0 forward_delay 0
  ip -n "$NS_PUB" link set br0 up
  link_public "$NS_SRV" eth0 srv
  ip -n "$NS_SRV" addr add "$SRV_A/24" dev eth0
  ip -n "$NS_SRV" addr add "$SRV_B/24" dev eth0
  dead_end "$NS_SRV"
  for site in 1 2; do
    site_vars $site
    link_public "$R_NS" wan "r$site"
    ip -n "$R_NS" addr add "$R_WAN/24" dev wan
    ip -n "$R_NS" link add lan type veth peer name eth0 netns "$H_NS"
    ip -n "$R_NS" addr add "$R_LAN/24" dev lan
    ip -n "$R_NS" link set lan up
    dead_end "$R_NS"
    ip netns exec "$R_NS" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
    ip -n "$H_NS" addr add "$H_ADDR/24" dev eth0
    ip -n "$H_NS" link set eth0 up
    ip -n "$H_NS" route add default via "$R_LAN"
    checkpoint
  done
}

start_coturn() {
  local d=$DIR/coturn
  mkdir -p "$d"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=turn.webrtcps.test \
    -addext "subjectAltName=DNS:turn.webrtcps.test,IP:$SRV_A,IP:$SRV_B" -keyout "$d/key.pem" -out "$d/cert.pem" 2>/dev/null
  sed -e "s|{{ADDR_A}}|$SRV_A|g" -e "s|{{ADDR_B}}|$SRV_B|g" -e "s|{{PORT}}|$TURN_PORT|" -e "s|{{TLS_PORT}}|$TURNS_PORT|" \
      -e "s|{{USER}}|$TURN_USER|" -e "s|{{PASSWORD}}|$TURN_PASSWORD|" -e "s|{{REALM}}|$TURN_REALM|" -e "s|{{DIR}}|$d|g" \
      "$HERE/turnserver.conf.template" > "$d/turnserver.conf"
  ip netns exec "$NS_SRV" setsid turnserver -c "$d/turnserver.conf" </dev/null >"$d/stdout.txt" 2>&1 &
  if ! ip netns exec "$NS_SRV" "$(python_bin)" "$HERE/natprobe.py" wait --seconds 20 \
       --stun "$SRV_A:$TURN_PORT" --stun "$SRV_B:$TURN_PORT" --tcp "$SRV_A:$TURN_PORT" --tcp "$SRV_A:$TURNS_PORT" >/dev/null; then
    tail -n 20 "$d/turnserver.log" "$d/stdout.txt" >&2 2>/dev/null || true
    die "coturn did not answer on $SRV_A/$SRV_B:$TURN_PORT and $SRV_A:$TURNS_PORT"
  fi
}

# Tears the lab down when its owner process ends (a test run stopped with Ctrl+C, or killed).
start_watcher() {
  setsid "$SELF" _watch "$PREFIX" "$OWNER_PID" </dev/null >>"$DIR/watcher.log" 2>&1 &
  echo $! > "$DIR/watcher.pid"
}

cmd_watch() {
  load_lab "$1"
  while kill -0 "$2" 2>/dev/null; do sleep 0.2; done
  exec "$SELF" down "$1"
}

allocate() {
  mkdir -p "$STATE_ROOT"
  exec 9>"$STATE_ROOT/.lock"
  flock 9
  if [ -z "$PREFIX" ]; then
    for _ in 1 2 3 4 5 6 7 8; do
      PREFIX=wrtc$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')
      if [ ! -e "$STATE_ROOT/$PREFIX" ] && ! compgen -G "/run/netns/$PREFIX-*" >/dev/null; then break; fi
    done
  fi
  valid_prefix "$PREFIX" || die "not a lab prefix: '$PREFIX' (a letter, then up to 11 letters or digits)"
  [ ! -e "$STATE_ROOT/$PREFIX" ] || die "lab $PREFIX exists already"
  ! compgen -G "/run/netns/$PREFIX-*" >/dev/null || die "namespaces named $PREFIX-* exist already: refusing"
  local used=" " block=
  for f in "$STATE_ROOT"/*/lab; do
    [ -f "$f" ] && used+="$(sed -n 's/^BLOCK=//p' "$f") "
  done
  for ((b = 0; b <= MAX_BLOCK; b++)); do
    case $used in *" $b "*) ;; *) block=$b; break ;; esac
  done
  [ -n "$block" ] || die "all $((MAX_BLOCK + 1)) address blocks are in use"
  DIR=$STATE_ROOT/$PREFIX
  mkdir -p "$DIR"
  printf 'BLOCK=%s\nOWNER_PID=%s\nSIGNALING_PORT=%s\nCOTURN=%s\n' "$block" "$OWNER_PID" "$SIGNALING_PORT" "$COTURN" > "$STATE_ROOT/$PREFIX/lab"
  : > "$STATE_ROOT/$PREFIX/namespaces"
  exec 9>&-
  lab_vars "$PREFIX" "$block"
}

cmd_up() {
  PREFIX= OWNER_PID= SIGNALING_PORT=8080 COTURN=1
  local json= nat1=port-restricted nat2=port-restricted
  while [ $# -gt 0 ]; do
    case $1 in
      --prefix) PREFIX=$2; shift ;;
      --owner-pid) OWNER_PID=$2; shift ;;
      --nat1) nat1=$2; shift ;;
      --nat2) nat2=$2; shift ;;
      --signaling-port) SIGNALING_PORT=$2; shift ;;
      --no-coturn) COTURN= ;;
      --json) json=1 ;;
      *) die "up: unknown option $1" ;;
    esac
    shift
  done
  [ "$(id -u)" = 0 ] || die "needs root (network namespaces, nftables)"
  need ip nft conntrack flock setsid "$(python_bin)"
  [ -z "$COTURN" ] || need turnserver openssl
  nat_type_valid "$nat1" && nat_type_valid "$nat2" || die "NAT type must be one of: ${NAT_TYPES[*]}"
  [[ $SIGNALING_PORT =~ ^[0-9]+$ ]] || die "bad signaling port"
  [ -z "$OWNER_PID" ] || kill -0 "$OWNER_PID" 2>/dev/null || die "owner process $OWNER_PID does not exist"
  allocate
  local rc=0 interrupted=
  trap 'interrupted=1' INT TERM
  "$SELF" _build "$PREFIX" "$nat1" "$nat2" </dev/null &
  local child=$!
  while :; do
    wait "$child" && rc=0 || rc=$?
    kill -0 "$child" 2>/dev/null || break
    touch "$DIR/interrupted"                  # wait was cut short by a signal: tell the child
  done
  trap '' INT TERM                            # from here on nothing may be cut in half
  if [ -n "$interrupted" ] || [ "$rc" -ne 0 ]; then
    log "up did not finish: tearing down $PREFIX"
    teardown || true
    [ -n "$interrupted" ] && exit 130
    exit "$rc"
  fi
  [ -z "$OWNER_PID" ] || start_watcher
  cmd_status "$PREFIX" ${json:+--json}
}

cmd_build() {
  load_lab "$1"
  trap 'log "failed at line $LINENO"' ERR
  build
  apply_nat 1 "$2"
  apply_nat 2 "$3"
  checkpoint
  [ -z "$COTURN" ] || start_coturn
  checkpoint
}

# ---------------------------------------------------------------------------------------- teardown

# Kills the processes in the lab's own namespaces, deletes those namespaces (their veths, the
# bridge and the routes go with them) and the state. A namespace listed in the state whose inode
# is not the recorded one was not made by this lab: it is left alone, and the exit code says so.
teardown() {
  trap - ERR
  set +e
  local refused=0 owned=() name inode wpid
  wpid=$(cat "$DIR/watcher.pid" 2>/dev/null)
  if [ -n "$wpid" ] && [ "$wpid" != "$$" ] && tr '\0' ' ' < "/proc/$wpid/cmdline" 2>/dev/null | grep -q "_watch $PREFIX "; then
    kill -KILL -- "-$wpid" 2>/dev/null      # its process group: the watcher and its sleep
  fi
  while read -r name inode; do
    [ -n "$name" ] || continue
    if [ ! -e "/run/netns/$name" ]; then continue; fi
    if [ "$(ns_inode "$name")" = "$inode" ]; then owned+=("$name")
    else log "refusing to touch namespace $name: not the one lab $PREFIX created"; refused=1; fi
  done < <(cat "$DIR/namespaces" 2>/dev/null)
  local pids=() ns
  for ns in "${owned[@]}"; do pids+=($(ip netns pids "$ns" 2>/dev/null)); done
  # coturn takes 2 s to exit on SIGTERM and has nothing to save: kill it at once.
  local turn
  turn=$(cat "$DIR/coturn/turnserver.pid" 2>/dev/null)
  case " ${pids[*]} " in *" $turn "*) kill -KILL "$turn" 2>/dev/null ;; esac
  if [ ${#pids[@]} -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null
    for _ in $(seq 30); do
      local alive=()
      for p in "${pids[@]}"; do running "$p" && alive+=("$p"); done
      [ ${#alive[@]} -gt 0 ] || break
      sleep 0.1
    done
    for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  fi
  for ns in "${owned[@]}"; do ip netns del "$ns" || refused=1; done
  rm -rf "$DIR"
  return $(( refused ? 3 : 0 ))
}

# A process that exists and is no zombie (a killed orphan stays one until init reaps it).
running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

cmd_down() {
  load_lab "$1"
  teardown
}

cmd_gc() {
  local f p o
  for f in "$STATE_ROOT"/*/lab; do
    [ -f "$f" ] || continue
    p=$(basename "$(dirname "$f")") o=$(sed -n 's/^OWNER_PID=//p' "$f")
    if [ -n "$o" ] && ! kill -0 "$o" 2>/dev/null; then log "lab $p: owner $o is gone, tearing down"; "$SELF" down "$p" || true; fi
  done
}

# ---------------------------------------------------------------------------------------- other commands

cmd_set_nat() {
  [ $# -eq 3 ] || die "usage: set-nat PREFIX SITE TYPE"
  load_lab "$1"
  nat_type_valid "$3" || die "NAT type must be one of: ${NAT_TYPES[*]}"
  apply_nat "$2" "$3"
}

cmd_flush() {
  load_lab "$1"
  local sites=(1 2)
  [ $# -lt 2 ] || sites=("$2")
  for s in "${sites[@]}"; do apply_nat "$s" "$(cat "$DIR/nat$s")"; done
}

cmd_exec() {
  local out= err=
  while [ $# -gt 0 ]; do
    case $1 in
      --stdout) out=$2; shift 2 ;;
      --stderr) err=$2; shift 2 ;;
      *) break ;;
    esac
  done
  [ $# -ge 4 ] && [ "$3" = -- ] || die "usage: exec [--stdout F] [--stderr F] PREFIX NAMESPACE -- COMMAND..."
  load_lab "$1"
  local ns
  ns=$(resolve_ns "$2")
  shift 3
  if [ -n "$out" ]; then exec </dev/null >"$out"; fi
  if [ -n "$err" ]; then exec 2>"$err"; fi
  exec ip netns exec "$ns" "$@"
}

json_str() { printf '"%s"' "$1"; }

cmd_status() {
  load_lab "$1"
  local nat1 nat2 turn_running=false
  nat1=$(cat "$DIR/nat1" 2>/dev/null || echo unknown) nat2=$(cat "$DIR/nat2" 2>/dev/null || echo unknown)
  if [ -n "$COTURN" ] && [ -f "$DIR/coturn/turnserver.pid" ] && kill -0 "$(cat "$DIR/coturn/turnserver.pid")" 2>/dev/null; then turn_running=true; fi
  if [ "${2:-}" != --json ]; then
    cat <<EOF
lab $PREFIX (block $BLOCK, $LAB_NET; state $DIR; owner ${OWNER_PID:-none})
  public  $NS_PUB (bridge br0, $PUB_NET)
  server  $NS_SRV: A $SRV_A, B $SRV_B; coturn ${COTURN:+turn:$SRV_A:$TURN_PORT turns:$SRV_A:$TURNS_PORT $TURN_USER/$TURN_PASSWORD running=$turn_running}; signaling port $SIGNALING_PORT
  site 1  $nat1: host $NS_H1 $H1 ($SITE1_NET) -> router $NS_R1 lan $R1_LAN wan $R1_WAN
  site 2  $nat2: host $NS_H2 $H2 ($SITE2_NET) -> router $NS_R2 lan $R2_LAN wan $R2_WAN
EOF
    return
  fi
  cat <<EOF
{
  "prefix": "$PREFIX", "block": $BLOCK, "labNet": "$LAB_NET", "stateDir": "$DIR", "owner": "${OWNER_PID}",
  "outside": "$OUTSIDE", "python": "$(python_bin)", "probe": "$HERE/natprobe.py", "tool": "$SELF",
  "namespaces": { "pub": "$NS_PUB", "srv": "$NS_SRV", "r1": "$NS_R1", "r2": "$NS_R2", "h1": "$NS_H1", "h2": "$NS_H2" },
  "server": { "namespace": "$NS_SRV", "a": "$SRV_A", "b": "$SRV_B", "net": "$PUB_NET", "signalingPort": $SIGNALING_PORT },
  "turn": { "enabled": $([ -n "$COTURN" ] && echo true || echo false), "running": $turn_running, "port": $TURN_PORT, "tlsPort": $TURNS_PORT,
            "user": "$TURN_USER", "password": "$TURN_PASSWORD", "realm": "$TURN_REALM", "cert": "$DIR/coturn/cert.pem", "log": "$DIR/coturn/turnserver.log" },
  "sites": [
    { "site": 1, "nat": "$nat1", "host": "$H1", "hostNamespace": "$NS_H1", "net": "$SITE1_NET", "routerNamespace": "$NS_R1", "routerLan": "$R1_LAN", "routerWan": "$R1_WAN" },
    { "site": 2, "nat": "$nat2", "host": "$H2", "hostNamespace": "$NS_H2", "net": "$SITE2_NET", "routerNamespace": "$NS_R2", "routerLan": "$R2_LAN", "routerWan": "$R2_WAN" }
  ]
}
EOF
}

cmd_list() {
  local f
  for f in "$STATE_ROOT"/*/lab; do
    [ -f "$f" ] || continue
    cmd_status "$(basename "$(dirname "$f")")" | head -n 1
  done
}

main() {
  [ $# -gt 0 ] || { sed -n '2,16p' "$SELF" | sed 's/^# \{0,1\}//'; exit 2; }
  local cmd=$1
  shift
  case $cmd in
    up) cmd_up "$@" ;;
    down) [ $# -eq 1 ] || die "usage: down PREFIX"; cmd_down "$1" ;;
    set-nat) cmd_set_nat "$@" ;;
    flush) [ $# -ge 1 ] || die "usage: flush PREFIX [SITE]"; cmd_flush "$@" ;;
    exec) cmd_exec "$@" ;;
    status) [ $# -ge 1 ] || die "usage: status PREFIX [--json]"; cmd_status "$@" ;;
    list) cmd_list ;;
    gc) cmd_gc ;;
    _watch) cmd_watch "$@" ;;
    _build) cmd_build "$@" ;;
    *) die "unknown command '$cmd' (up down set-nat flush exec status list gc)" ;;
  esac
}

main "$@"
