#!/usr/bin/env bash
# Start-up of vport: time from exec to "TAP up and connected" (the log line "connected to ..." that follows a
# successful handshake) and the resident memory then, for the ways vport can be run (the native executable too when
# a native build made vport-cli/target/*-runner), plus the download sizes. Run as root from the checkout:
#   sudo bench/startup-bench.sh [RUNS]        (default 7 runs per variant; the median is reported)
# It expects a build (mvn -B package -DskipTests). A switch runs in one network namespace and each vport start
# happens in another, linked by a veth pair in 198.18.0.0/15; everything is removed on exit, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${1:-7}
if [[ $EUID -ne 0 ]]; then
  echo "startup-bench.sh needs root (network namespaces, TAP devices): sudo $0" >&2
  exit 1
fi
# the bundled-runtime downloads, not a native build's *-native.tar.gz
VPORT_TGZ=$(ls vport-cli/target/vport-*-linux-*.tar.gz 2> /dev/null | grep -v -- -native | head -1 || true)
SWITCH_TGZ=$(ls switch-service/target/vswitch-*-linux-*.tar.gz 2> /dev/null | grep -v -- -native | head -1 || true)
SWITCH_JAR=switch-service/target/quarkus-app/quarkus-run.jar
VPORT_JAR=vport-cli/target/quarkus-app/quarkus-run.jar
VPORT_NATIVE=$(ls vport-cli/target/*-runner 2> /dev/null | head -1 || true) # only after mvn -Dnative package (README)
if [[ -z $VPORT_TGZ || -z $SWITCH_TGZ || ! -f $SWITCH_JAR || ! -f $VPORT_JAR ]]; then
  echo "build first: mvn -B package -DskipTests (needs the quarkus-run.jar and the .tar.gz of both programs)" >&2
  exit 1
fi

NS_SW=vsb-start-$$-sw
NS_H=vsb-start-$$-h
WORK=$(mktemp -d /tmp/vswitch-startup.XXXXXX)
SWITCH_PID=
CONNECT_TIMEOUT_S=60

cleanup() {
  set +e # every step runs, whatever the one before returned
  if [[ -n $SWITCH_PID ]]; then
    kill "$SWITCH_PID" 2> /dev/null
    wait "$SWITCH_PID" 2> /dev/null
  fi
  ip netns pids "$NS_H" 2> /dev/null | xargs -r kill -9
  ip netns del "$NS_H" 2> /dev/null || true
  ip netns pids "$NS_SW" 2> /dev/null | xargs -r kill -9
  ip netns del "$NS_SW" 2> /dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

ip netns add "$NS_SW"
ip netns add "$NS_H"
ip link add vsb-sw type veth peer name vsb-h netns "$NS_H"
ip link set vsb-sw netns "$NS_SW"
ip -n "$NS_SW" addr add 198.18.200.1/24 dev vsb-sw
ip -n "$NS_H" addr add 198.18.200.2/24 dev vsb-h
ip -n "$NS_SW" link set vsb-sw up
ip -n "$NS_H" link set vsb-h up
ip -n "$NS_SW" link set lo up

echo "waiting for the switch to start (up to ${CONNECT_TIMEOUT_S}s)"
ip netns exec "$NS_SW" java -Dvswitch.key-dir="$WORK/keys" -jar "$SWITCH_JAR" > "$WORK/switch.log" 2>&1 &
SWITCH_PID=$!
for _ in $(seq $((CONNECT_TIMEOUT_S * 10))); do
  [[ -f $WORK/keys/tokens/default.token ]] && break
  sleep 0.1
done
[[ -f $WORK/keys/tokens/default.token ]] || { echo "the switch did not start; see its log:" >&2; cat "$WORK/switch.log" >&2; exit 1; }

mkdir "$WORK/dist"
tar -xzf "$VPORT_TGZ" -C "$WORK/dist"
LAUNCHER=$(ls -d "$WORK"/dist/vport-*/bin/vport)
RUNTIME_JAVA=$(dirname "$LAUNCHER")/../lib/runtime/bin/java
DIST_JAR=$(dirname "$LAUNCHER")/../lib/app/quarkus-run.jar
"$LAUNCHER" --version > /dev/null # the first start from a new folder makes the class-data archive

# Milliseconds from exec until the vport logs that it is connected, and its resident set then in KiB (idle: connected,
# no traffic), as "MS KIB"; the vport is stopped again afterwards.
time_to_connected() {
  local log start now pid
  log=$(mktemp "$WORK/vport.XXXXXX.log")
  start=$(date +%s%N)
  ip netns exec "$NS_H" "$@" connect --token-file "$WORK/keys/tokens/default.token" --key-file "$WORK/client.key" \
    --status-dir "$WORK/status" --tap vsbtap --ip 198.19.200.2/24 198.18.200.1:9999 >> "$log" 2>&1 &
  pid=$!
  until grep -q "connected to " "$log"; do
    now=$(date +%s%N)
    if ! kill -0 "$pid" 2> /dev/null || (( (now - start) / 1000000000 > CONNECT_TIMEOUT_S )); then
      echo "vport did not connect; its log:" >&2
      cat "$log" >&2
      exit 1
    fi
    sleep 0.005
  done
  now=$(date +%s%N)
  local rss
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status") # ip netns exec execs the vport: the pid is its own
  kill "$pid"
  wait "$pid" 2> /dev/null || true
  echo "$(( (now - start) / 1000000 )) $rss"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

declare -A MEDIAN RSS
run_variant() {
  local name=$1
  shift
  local times=() rss=() ms kib
  for _ in $(seq "$RUNS"); do
    read -r ms kib < <(time_to_connected "$@") || exit 1
    [[ -n $kib ]] || exit 1
    times+=("$ms")
    rss+=("$kib")
  done
  MEDIAN[$name]=$(printf '%s\n' "${times[@]}" | median)
  RSS[$name]=$(printf '%s\n' "${rss[@]}" | median)
  printf '%-34s median %5s ms, RSS %4s MB   runs (ms): %s\n' "$name" "${MEDIAN[$name]}" "$((RSS[$name] / 1024))" \
    "${times[*]}"
}

echo "vport start-up to 'TAP up and connected', $RUNS runs each:"
run_variant "fast-jar, system java" java -jar "$VPORT_JAR"
run_variant "download, bundled runtime, no AppCDS" "$RUNTIME_JAVA" -jar "$DIST_JAR"
run_variant "download launcher (AppCDS)" "$LAUNCHER"
[[ -z $VPORT_NATIVE ]] || run_variant "native executable" "$VPORT_NATIVE"

size() { stat -c %s "$1"; }
echo
printf 'vport download   %s: %s bytes, unpacked %s\n' "$(basename "$VPORT_TGZ")" "$(size "$VPORT_TGZ")" \
  "$(du -sh "$WORK/dist" | cut -f1)"
printf 'switch download  %s: %s bytes\n' "$(basename "$SWITCH_TGZ")" "$(size "$SWITCH_TGZ")"
native_json=null
if [[ -n $VPORT_NATIVE ]]; then
  printf 'vport native executable %s: %s bytes\n' "$(basename "$VPORT_NATIVE")" "$(size "$VPORT_NATIVE")"
  native_json=$(printf '{"ms":%d,"rss_kb":%d,"bytes":%d}' "${MEDIAN[native executable]}" "${RSS[native executable]}" \
    "$(size "$VPORT_NATIVE")")
fi
printf 'RESULT {"bench":"startup","runs":%d,"fastjar_ms":%d,"dist_no_appcds_ms":%d,"dist_appcds_ms":%d,"fastjar_rss_kb":%d,"dist_appcds_rss_kb":%d,"vport_tgz_bytes":%d,"switch_tgz_bytes":%d,"native":%s}\n' \
  "$RUNS" "${MEDIAN[fast-jar, system java]}" "${MEDIAN[download, bundled runtime, no AppCDS]}" \
  "${MEDIAN[download launcher (AppCDS)]}" "${RSS[fast-jar, system java]}" "${RSS[download launcher (AppCDS)]}" \
  "$(size "$VPORT_TGZ")" "$(size "$SWITCH_TGZ")" "$native_json"
