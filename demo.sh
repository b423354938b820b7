#!/usr/bin/env bash
# A guided tour of vswitch on one machine: a switch and two hosts, each in its own network namespace, joined into
# one encrypted virtual LAN by vport agents that hold the network's join token. Pings both ways, then sends a 5 MiB
# file across and checks its SHA-256.
# Everything it creates (namespaces, links, TAP devices, processes, keys, files) is removed on exit, also on failure
# or Ctrl-C. All addresses are in 198.18.0.0/15 and live only inside the namespaces it creates.
set -euo pipefail

cd "$(dirname "$0")"

if [[ $EUID -ne 0 ]]; then
  echo "demo.sh needs root: it creates network namespaces and TAP devices. Run: sudo ./demo.sh" >&2
  exit 1
fi

SWITCH_JAR=switch-service/target/quarkus-app/quarkus-run.jar
VPORT_JAR=vport-cli/target/quarkus-app/quarkus-run.jar
PORT=9999
TRANSFER_PORT=5000
READY_SECONDS=60
NS_SW="vsw-demo-$$-sw"
NS_H1="vsw-demo-$$-h1"
NS_H2="vsw-demo-$$-h2"
WORK=$(mktemp -d /tmp/vswitch-demo.XXXXXX)
KEYS=$WORK/switch-keys # the switch's key, the network's key and its join token: secrets, mode 0700
TOKEN=$KEYS/tokens/default.token
PIDS=()

step() { printf '\n==> %s\n' "$*"; }
# Shows a command, then runs it. The echo goes to stderr so that "run cmd > file" keeps the file clean.
run() { printf '    $ %s\n' "$*" >&2; "$@"; }

# Stops what we started (SIGTERM, then SIGKILL after 10 s), deletes the namespaces and the work folder.
cleanup() {
  local status=$?
  trap - EXIT
  trap '' INT TERM # a second Ctrl-C must not leave half the cleanup undone
  if [[ $status -ne 0 && -d $WORK ]]; then
    echo "Demo failed (exit $status). Last lines of each log:" >&2
    for log in "$WORK"/*.log; do
      [[ -f $log ]] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }
    done
  fi
  step "Cleaning up"
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  for ns in "$NS_H1" "$NS_H2" "$NS_SW"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -rf "$WORK"
  echo "    removed namespaces $NS_SW $NS_H1 $NS_H2 and $WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Starts "$@" inside namespace $1 in the background, output to $WORK/$2.log; records its pid.
start_in() {
  local ns=$1 name=$2
  shift 2
  printf '    $ ip netns exec %s %s > %s 2>&1 &\n' "$ns" "$*" "$WORK/$name.log"
  ip netns exec "$ns" "$@" > "$WORK/$name.log" 2>&1 &
  PIDS+=("$!")
}

# Retries "${@:2}" every 0.1 s until it succeeds, for at most READY_SECONDS; $1 says what we wait for.
wait_until() {
  local what=$1
  shift
  for _ in $(seq $((READY_SECONDS * 10))); do
    if "$@"; then
      echo "    ready: $what"
      return 0
    fi
    sleep 0.1
  done
  echo "gave up after ${READY_SECONDS}s waiting for $what" >&2
  return 1
}
# Whether log $1 has a line containing both $2 and $3 (which may be omitted).
has_line() { grep -F -- "$2" "$1" | grep -qF -- "${3:-}"; }
# Whether something in namespace $1 listens on TCP port $2.
listens() { [[ -n $(ip netns exec "$1" ss -H -l -t -n sport = ":$2") ]]; }

if [[ ! -f $SWITCH_JAR || ! -f $VPORT_JAR ]]; then
  step "Building the switch and vport (their jars are missing; a few minutes the first time)"
  run mvn -B -q package -DskipTests -pl switch-service,vport-cli -am
fi

step "Creating namespaces: $NS_SW for the switch, $NS_H1 and $NS_H2 for two hosts"
for ns in "$NS_SW" "$NS_H1" "$NS_H2"; do
  run ip netns add "$ns"
  run ip -n "$ns" link set lo up
done

step "Wiring each host to the switch's namespace with a veth pair (the 'internet' underneath)"
n=0
for ns in "$NS_H1" "$NS_H2"; do
  n=$((n + 1))
  run ip -n "$NS_SW" link add "to-h$n" type veth peer name to-sw netns "$ns"
  run ip -n "$NS_SW" address add "198.18.$n.1/24" dev "to-h$n"
  run ip -n "$NS_SW" link set "to-h$n" up
  run ip -n "$ns" address add "198.18.$n.2/24" dev to-sw
  run ip -n "$ns" link set to-sw up
  run ip netns exec "$ns" ping -c 1 -W 2 "198.18.$n.1" > /dev/null
done

step "Starting the switch on udp port $PORT, every IPv6 and IPv4 address (secure protocol only), keys in $KEYS"
start_in "$NS_SW" switch env VSWITCH_PORT=$PORT VSWITCH_KEY_DIR="$KEYS" QUARKUS_HTTP_PORT=8080 \
  java -jar "$SWITCH_JAR"
wait_until "the switch to listen" has_line "$WORK/switch.log" "vswitch listening on udp"
# With no network configured the switch makes one named "default", generates its key, and writes its join token.
wait_until "the join token of network 'default'" test -s "$TOKEN"
grep -F "join token for network" "$WORK/switch.log" | sed 's/^/    switch: /'

step "Starting a vport on each host with the join token: TAP tapN with 198.19.0.N/24 on the virtual LAN"
# The token names the switch by its host name; inside the namespaces a host reaches the switch at 198.18.N.1, so
# that address follows the token. Each host makes its own key (--key-file) on first start and prints its public key.
start_in "$NS_H1" vport-h1 java -jar "$VPORT_JAR" connect --token-file "$TOKEN" --key-file "$WORK/h1.key" \
  "198.18.1.1:$PORT" --tap tap1 --ip 198.19.0.1/24
start_in "$NS_H2" vport-h2 java -jar "$VPORT_JAR" connect --token-file "$TOKEN" --key-file "$WORK/h2.key" \
  "198.18.2.1:$PORT" --tap tap2 --ip 198.19.0.2/24
wait_until "vport 1 to bring tap1 up" has_line "$WORK/vport-h1.log" "vport:" " up"
wait_until "vport 2 to bring tap2 up" has_line "$WORK/vport-h2.log" "vport:" " up"
wait_until "vport 1 to complete its handshake with the switch" has_line "$WORK/vport-h1.log" "connected to"
wait_until "vport 2 to complete its handshake with the switch" has_line "$WORK/vport-h2.log" "connected to"

step "Pinging across the virtual LAN, both ways (every frame is encrypted between vport and switch)"
run ip netns exec "$NS_H1" ping -c 3 -W 2 198.19.0.2
run ip netns exec "$NS_H2" ping -c 3 -W 2 198.19.0.1

step "Sending a 5 MiB random file from host 1 to host 2 with 'vport transfer'"
run dd if=/dev/urandom of="$WORK/demo.bin" bs=1M count=5 status=none
start_in "$NS_H2" receive \
  java -jar "$VPORT_JAR" transfer receive 198.19.0.2 "$TRANSFER_PORT" "$WORK/received.bin" --timeout 60
wait_until "host 2 to listen on tcp port $TRANSFER_PORT" listens "$NS_H2" "$TRANSFER_PORT"
run ip netns exec "$NS_H1" \
  java -jar "$VPORT_JAR" transfer send 198.19.0.2 "$TRANSFER_PORT" "$WORK/demo.bin" --timeout 60 | tee "$WORK/send.log"
wait "${PIDS[-1]}"

step "Comparing what both sides report with the file's own SHA-256"
expected="bytes=$(stat -c %s "$WORK/demo.bin") sha256=$(sha256sum "$WORK/demo.bin" | cut -d' ' -f1)"
sent=$(grep -oE 'bytes=[0-9]+ sha256=[0-9a-f]{64}' "$WORK/send.log" | head -n 1 || true)
received=$(grep -oE 'bytes=[0-9]+ sha256=[0-9a-f]{64}' "$WORK/receive.log" | head -n 1 || true)
echo "    file:     $expected"
echo "    sender:   ${sent:-(no digest line)}"
echo "    receiver: ${received:-(no digest line)}"
if [[ $sent != "$expected" || $received != "$expected" ]]; then
  echo "SHA-256 lines do not match" >&2
  exit 1
fi

step "Demo passed: both hosts talk over the encrypted virtual LAN and the file arrived intact"
