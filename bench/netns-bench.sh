#!/usr/bin/env bash
# End-to-end benchmark of vswitch's data path on one machine, against the kernel's own paths and the user-space peers.
#
# A switch namespace and two hosts (--hosts: more), each host wired to the switch namespace by a veth pair (the
# "underlay"). Over that, these paths from host 1 to host 2 are measured with the same tools:
#   direct   a veth pair straight between the hosts: the ceiling of what one machine can do
#   vde      VDE, when installed (Debian: vde2): vde_switch in the switch namespace, vde_plug2tap on each host, joined
#            by Unix datagram sockets: a plaintext user-space switch with the same three processes as vswitch
#   n2n      n2n 1.x, when installed (Debian: n2n): its supernode in the switch namespace and an edge on each host,
#            Twofish-encrypted over the underlay. Measured before the hosts have routes to each other, so the edges
#            cannot go peer to peer and every frame crosses the supernode, as every frame crosses vswitch's switch
#   vxlan    kernel VXLAN between the hosts, its UDP routed through the switch namespace by the kernel, i.e. over the
#            same two veth hops vswitch's UDP takes: what a kernel L2-over-UDP tunnel costs
#   plain    vport --legacy --offload=off on both hosts, the switch's plaintext legacy port (the seed's format)
#   plain-offload  as plain, with vport --offload=on: TCP segments of up to 64 KB cross as one offload frame each
#   plain-auto     as plain, with vport --offload=auto (vport's default): offload frames only where probes prove the path
#   secure   vport with the network's join token, --offload=off: Noise handshake, every frame AES-256-GCM sealed to
#            the switch, opened there, sealed again to the other vport
#   offload  as secure, with vport --offload=on: TCP segments of up to 64 KB from the TAP cross the switch as one message
#            each (the underlay carries them as IP fragments), whatever the path
#   auto     as secure, with vport --offload=auto (vport's default): as offload where probes prove that the path carries
#            large datagrams; elsewhere the TAP's segments are cut into path-MTU frames by the vports and the switch
#   p2p      as auto, with the hosts routed to each other through the switch namespace and direct paths on: the switch
#            introduces the vports, they punch and then talk straight to each other; the switch only relays broadcast.
#            Every other mode runs with direct paths off (vswitch.direct-paths=false), so it measures the relayed path
# With --underlay no-fragments, the underlay drops IP fragments (an nftables netdev ingress rule on every veth end), as
# many real paths do (cloud UDP load balancers, NATs, firewalls): the path users really have, beside the lab's.
# For each: ping RTT (min/avg/p99), iperf3 TCP both ways, iperf3 UDP loss at fixed offered rates, frames/s on host 2's
# interface; for vswitch and the peers also CPU seconds and peak RSS of the switch and both ports' processes, and for
# vswitch the switch's own frame counter. A fresh switch is started per mode, so its peak RSS belongs to that mode alone.
# With more than two hosts, every vswitch mode also carries TCP between all host pairs at once (1->2, 3->4, ...):
# what one switch forwards for several flows, and what it costs it.
#
# Prints a table with ratios to the baselines, then one line "RESULT {json}" for machines.
# Safety: everything lives in namespaces named vsb-<pid>-*, all addresses are in 198.18.0.0/15 (benchmarking range)
# on interfaces inside them, every load is bounded by count and time, and namespaces, links, processes and the work
# folder are removed on exit, also on failure or Ctrl-C.
set -euo pipefail

usage() {
  cat << 'EOF'
Usage: sudo bench/netns-bench.sh [OPTIONS]

Measures vswitch (plaintext and encrypted) between two network namespaces against a direct veth, kernel VXLAN and,
when installed, the user-space peers VDE (vde2) and n2n, in the same run.
Needs root, iproute2, ping, iperf3, curl, python3 and a JDK 17+. Run from anywhere; it works in the repository root.

Options:
  --no-build          use the existing quarkus-run.jar files instead of running 'mvn -B -q package -DskipTests'
  --quick             shorter run (about a minute): 50 pings, TCP 2 s, UDP 1 s at 100M and 1G, 1 s warm-up
  --modes LIST        vswitch modes to measure, comma-separated: plain,plain-offload,plain-auto,secure,offload,auto,
                      p2p (default: all); p2p: vports on a direct path to each other, the others through the switch
  --hosts N           host namespaces, an even number from 2 to 8 (default 2); with more than 2, each vswitch mode
                      also runs TCP 1->2, 3->4, ... at once for the TCP run's length and reports their sum
  --baselines LIST    paths to compare with, comma-separated: direct,vde,n2n,vxlan (default: all; vde and n2n only
                      when installed, e.g. apt-get install vde2 n2n; '' for none, and no ratios then)
  --no-baselines      the same as --baselines ''
  --pings N           pings per path (default 200)
  --ping-interval LIST  milliseconds between pings, 1-1000, comma-separated for one series each (default 10); the
                      longer the idle time between them, the colder each hop's thread, CPU and caches when the next
                      arrives. The first series is the one in the main table and the ratios; with more than one, a
                      table gives each path's average and median per spacing, e.g. --ping-interval 10,1
  --tcp-seconds N     length of each iperf3 TCP run, one per direction (default 5)
  --udp-seconds N     length of each iperf3 UDP run (default 3)
  --udp-rates LIST    offered UDP rates, comma-separated iperf3 -b values from 1K to 10G (default 100M,300M,1G;
                      '' for no UDP runs)
  --warmup N          seconds of unmeasured TCP through vswitch before measuring, so the JIT has compiled the data
                      path (default 3)
  --underlay KIND     lab (default): the veths carry everything; no-fragments: every veth end drops IPv4 and IPv6
                      fragments on ingress (nftables, Debian: nftables), as many internet paths, NATs and cloud load
                      balancers do; its 1500-byte MTU stays
  --mtu N             TAP MTU of the vports (default: theirs, 1438 plain and 1406 secure); above the underlay's 1500
                      the kernel fragments the UDP datagrams, which a LAN or data-centre underlay carries well and the
                      internet often does not. The switch's vswitch.max-frame-size is raised to match.
  --soak N            after the measurements, N seconds (10-600) of TCP at full rate through vswitch, with each
                      JVM's heap after a full GC read before and after: a leak shows as growth (default 0: off)
  --native-vports     measure each mode twice, the second time ("MODE+native") with the vports' native executable
                      (vport-cli/target/*-runner, from mvn -Dnative package; the switch stays the JVM build): native
                      against JVM vports in one run; not with --soak or --jfr, which read the vports' JVMs
  --java-opts "OPTS"  JVM options for the switch and the vports instead of the downloads' defaults (switch
                      "-XX:+UseSerialGC -Xmx256m", vport "-XX:+UseSerialGC -Xmx64m"), e.g. "-XX:+UseG1GC"
  --jfr DIR           record the switch and both vports with Java Flight Recorder (settings=profile) during the
                      TCP 1->2 run of each mode, into DIR/<mode>-<process>.jfr; bench/jfr-top.py summarises them
  -h, --help          this help

Example: sudo bench/netns-bench.sh --no-build --modes secure --jfr /tmp/vsb-jfr
EOF
}

# ---- options -------------------------------------------------------------------------------------------------------

BUILD=1
MODES=plain,plain-offload,plain-auto,secure,offload,auto,p2p
HOSTS=2
BASELINES=direct,vde,n2n,vxlan
PINGS=200
PING_INTERVALS=10
TCP_SECONDS=5
UDP_SECONDS=3
UDP_RATES=100M,300M,1G
WARMUP=3
JAVA_OPTS=""
VPORT_MTU=""
UNDERLAY=lab
SOAK_SECONDS=0
JFR_DIR=""
NATIVE_VPORTS=0
ARGS="$*" # for the sudo hint

die() {
  echo "netns-bench: $*" >&2
  exit 2
}
# Checks that option $1's value $2 is an integer in [$3, $4]: every load the script generates stays bounded.
bounded() {
  [[ $2 =~ ^[0-9]+$ ]] && ((10#$2 >= $3 && 10#$2 <= $4)) || die "$1 wants an integer from $3 to $4, got '$2'"
}

while (($#)); do
  case $1 in
    --no-build) BUILD=0 ;;
    --quick) PINGS=50 TCP_SECONDS=2 UDP_SECONDS=1 UDP_RATES=100M,1G WARMUP=1 ;;
    --modes) MODES=${2:?--modes needs a value}; shift ;;
    --hosts) HOSTS=${2:?}; shift ;;
    --baselines) BASELINES=${2?}; shift ;;
    --no-baselines) BASELINES="" ;;
    --pings) PINGS=${2:?}; shift ;;
    --ping-interval) PING_INTERVALS=${2:?}; shift ;;
    --tcp-seconds) TCP_SECONDS=${2:?}; shift ;;
    --udp-seconds) UDP_SECONDS=${2:?}; shift ;;
    --udp-rates) UDP_RATES=${2?}; shift ;;
    --warmup) WARMUP=${2:?}; shift ;;
    --java-opts) JAVA_OPTS=${2?}; shift ;;
    --underlay) UNDERLAY=${2:?}; shift ;;
    --mtu) VPORT_MTU=${2:?}; shift ;;
    --soak) SOAK_SECONDS=${2:?}; shift ;;
    --jfr) JFR_DIR=${2:?}; shift ;;
    --native-vports) NATIVE_VPORTS=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option '$1'" ;;
  esac
  shift
done
bounded --hosts "$HOSTS" 2 8
HOSTS=$((10#$HOSTS))
((HOSTS % 2 == 0)) || die "--hosts wants an even number: the hosts pair up, 1->2, 3->4, ..."
bounded --pings "$PINGS" 1 2000
IFS=, read -ra PING_INTERVAL_LIST <<< "$PING_INTERVALS"
((${#PING_INTERVAL_LIST[@]})) || die "--ping-interval wants at least one value"
for i in "${!PING_INTERVAL_LIST[@]}"; do
  bounded --ping-interval "${PING_INTERVAL_LIST[i]}" 1 1000
  PING_INTERVAL_LIST[i]=$((10#${PING_INTERVAL_LIST[i]}))
done
PING_INTERVALS=$(IFS=,; echo "${PING_INTERVAL_LIST[*]}") # normalised, for the report
bounded --tcp-seconds "$TCP_SECONDS" 1 60
bounded --udp-seconds "$UDP_SECONDS" 1 60
bounded --warmup "$WARMUP" 0 60
[[ -z $VPORT_MTU ]] || bounded --mtu "$VPORT_MTU" 576 9000
[[ $UNDERLAY =~ ^(lab|no-fragments)$ ]] || die "--underlay takes lab or no-fragments, got '$UNDERLAY'"
((SOAK_SECONDS == 0)) || bounded --soak "$SOAK_SECONDS" 10 600
IFS=, read -ra MODE_LIST <<< "$MODES"
for mode in "${MODE_LIST[@]}"; do
  [[ $mode =~ ^(plain|plain-offload|plain-auto|secure|offload|auto|p2p)$ ]] \
    || die "--modes takes plain, plain-offload, plain-auto, secure, offload, auto and/or p2p, got '$mode'"
done
if ((NATIVE_VPORTS)); then
  ((SOAK_SECONDS == 0)) && [[ -z $JFR_DIR ]] || die "--native-vports does not go with --soak or --jfr (they read JVMs)"
  for i in "${!MODE_LIST[@]}"; do MODE_LIST[i]="${MODE_LIST[i]} ${MODE_LIST[i]}+native"; done
  read -ra MODE_LIST <<< "${MODE_LIST[*]}" # each mode, then the same with native vports
fi
IFS=, read -ra BASELINE_LIST <<< "$BASELINES"
for baseline in "${BASELINE_LIST[@]}"; do
  [[ $baseline =~ ^(direct|vde|n2n|vxlan)$ ]] || die "--baselines takes direct, vde, n2n and/or vxlan, got '$baseline'"
done
IFS=, read -ra RATE_LIST <<< "$UDP_RATES"
declare -A UNIT=([K]=1000 [M]=1000000 [G]=1000000000)
for rate in "${RATE_LIST[@]}"; do
  # iperf3 -b syntax, from 1K to 10G: 0 would mean "unlimited" to iperf3
  [[ $rate =~ ^([1-9][0-9]{0,5})([KMG])$ ]] && ((BASH_REMATCH[1] * UNIT[${BASH_REMATCH[2]}] <= 10 ** 10)) \
    || die "--udp-rates takes rates from 1K to 10G like 100M or 1G, got '$rate'"
done
# The JVM options the downloads' launchers use (make-dist.sh's JVM_DEFAULTS in each module's pom), unless replaced
read -ra SWITCH_JVM <<< "${JAVA_OPTS:-"-XX:+UseSerialGC -Xmx256m"}"
read -ra VPORT_JVM <<< "${JAVA_OPTS:-"-XX:+UseSerialGC -Xmx64m"}"
[[ -z $JFR_DIR ]] || JFR_DIR=$(realpath -m -- "$JFR_DIR") # relative to where the user is, before the cd below

# ---- prerequisites -------------------------------------------------------------------------------------------------

[[ $EUID -eq 0 ]] || die "needs root (it creates network namespaces and TAP devices): sudo $0 $ARGS"
cd "$(dirname "$0")/.."
missing=()
tools=(ip ping iperf3 curl python3 java ss timeout)
[[ -z $JFR_DIR ]] || tools+=(jcmd)
[[ $UNDERLAY == lab ]] || tools+=(nft)
for tool in "${tools[@]}"; do
  command -v "$tool" > /dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "netns-bench: missing ${missing[*]}. On Debian/Ubuntu: apt-get install iperf3 iputils-ping iproute2 curl" \
    "python3 nftables (java and jcmd come with a JDK 17+, e.g. openjdk-17-jdk-headless)" >&2
  exit 2
fi
[[ -c /dev/net/tun ]] || die "no /dev/net/tun: load the driver with 'modprobe tun'"

SWITCH_JAR=switch-service/target/quarkus-app/quarkus-run.jar
VPORT_JAR=vport-cli/target/quarkus-app/quarkus-run.jar
if ((BUILD)); then
  echo "==> building: mvn -B -q package -DskipTests" >&2
  mvn -B -q package -DskipTests
fi
[[ -f $SWITCH_JAR && -f $VPORT_JAR ]] || die "no $SWITCH_JAR or $VPORT_JAR: run without --no-build"
VPORT_NATIVE=$(ls vport-cli/target/*-runner 2> /dev/null | head -n 1 || true)
((NATIVE_VPORTS == 0)) || [[ -x $VPORT_NATIVE ]] \
  || die "--native-vports needs vport's native executable: mvn -B -pl vport-cli -am -Dnative package (README)"
[[ -z $JFR_DIR ]] || mkdir -p "$JFR_DIR"

# ---- topology and bookkeeping --------------------------------------------------------------------------------------

NS_SW="vsb-$$-sw"
HOST_NUMBERS=($(seq "$HOSTS"))
declare -a NS_HOST # host n's namespace is ${NS_HOST[n]}
for n in "${HOST_NUMBERS[@]}"; do
  NS_HOST[n]="vsb-$$-h$n"
done
PORT=9999        # the switch's secure port
LEGACY_PORT=9998 # its plaintext port, opened in the plain modes only
N2N_PORT=7654    # n2n's supernode
IPERF_PORT=5201
READY_SECONDS=60
WORK=$(mktemp -d /tmp/vsb-netns-bench.XXXXXX)
RAW=$WORK/raw # what each measurement wrote, read by the report at the end
mkdir -p "$RAW"
PIDS=()                  # every background process we started, for the cleanup
declare -A MODE_PIDS=()  # role (switch, vport1, vport2) -> pid, while vswitch or a peer runs
VSWITCH_RUNS=0           # 1 while a vswitch mode runs: its switch then has metrics to read
HZ=$(getconf CLK_TCK)    # /proc/PID/stat counts CPU time in these ticks
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

step() { printf '==> %s\n' "$*" >&2; }
in_ns() {
  local ns=$1
  shift
  ip netns exec "$ns" "$@"
}

# Stops pid $1: SIGTERM (a vport then removes its TAP, the switch closes its ports), SIGKILL after 15 s.
stop_pid() {
  kill -TERM "$1" 2> /dev/null || return 0
  for _ in $(seq 150); do
    kill -0 "$1" 2> /dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$1" 2> /dev/null || true
}

cleanup() {
  local status=$?
  trap - EXIT
  trap '' INT TERM # a second Ctrl-C must not leave half the cleanup undone
  if ((status != 0)); then
    echo "netns-bench failed (exit $status). Last lines of each log:" >&2
    for log in "$WORK"/*.log; do
      [[ -f $log ]] && { echo "--- $log" >&2; tail -n 15 "$log" >&2; }
    done
  fi
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  for ns in "${NS_HOST[@]}" "$NS_SW"; do
    ip netns pids "$ns" 2> /dev/null | xargs -r kill -KILL 2> /dev/null || true
    ip netns del "$ns" 2> /dev/null || true
  done
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Starts "${@:3}" in namespace $1 in the background, output to $WORK/$2.log; its pid is left in LAST_PID.
# ip netns exec execs the command, so the pid is the JVM's own, whose /proc entries we read.
start_bg() {
  local ns=$1 name=$2
  shift 2
  ip netns exec "$ns" "$@" > "$WORK/$name.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}

# Retries "${@:2}" every 0.1 s for at most READY_SECONDS; $1 says what for.
wait_for() {
  local what=$1
  shift
  for _ in $(seq $((READY_SECONDS * 10))); do
    "$@" && return 0
    sleep 0.1
  done
  echo "gave up after ${READY_SECONDS}s waiting for $what" >&2
  return 1
}
has_line() { grep -F -- "$2" "$1" 2> /dev/null | grep -qF -- "${3:-}"; }
has_link() { ip -n "$1" link show "$2" > /dev/null 2>&1; }
pings_once() { in_ns "$1" ping -c 1 -W 1 "$2" > /dev/null 2>&1; }
listens() { [[ -n $(in_ns "${1:-${NS_HOST[2]}}" ss -H -l -t -n "sport = :$IPERF_PORT") ]]; }

step "namespaces $NS_SW and vsb-$$-h1 to h$HOSTS; work folder $WORK; load average $LOAD_START"
ip netns add "$NS_SW"
ip -n "$NS_SW" link set lo up
for n in "${HOST_NUMBERS[@]}"; do
  ip netns add "${NS_HOST[n]}"
  ip -n "${NS_HOST[n]}" link set lo up
done
# Underlay: host N is 198.18.N.2, the switch namespace 198.18.N.1 on the other end.
for n in "${HOST_NUMBERS[@]}"; do
  ip -n "$NS_SW" link add "vsb-h$n" type veth peer name vsb-sw netns "${NS_HOST[n]}"
  ip -n "$NS_SW" address add "198.18.$n.1/24" dev "vsb-h$n"
  ip -n "$NS_SW" link set "vsb-h$n" up
  ip -n "${NS_HOST[n]}" address add "198.18.$n.2/24" dev vsb-sw
  ip -n "${NS_HOST[n]}" link set vsb-sw up
  wait_for "underlay link $n" pings_once "${NS_HOST[n]}" "198.18.$n.1"
done
# Drops every IPv4 fragment (more-fragments flag or an offset) and IPv6 fragment arriving on interface $2 of
# namespace $1; the table goes with the namespace.
drop_fragments() {
  in_ns "$1" nft -f - << EOF
table netdev vsb_no_fragments_${2//-/_} {
  chain ingress {
    type filter hook ingress device "$2" priority 0; policy accept;
    ip frag-off & 0x3fff != 0 counter drop
    exthdr frag exists counter drop
  }
}
EOF
}
if [[ $UNDERLAY == no-fragments ]]; then
  for n in "${HOST_NUMBERS[@]}"; do
    drop_fragments "$NS_SW" "vsb-h$n"
    drop_fragments "${NS_HOST[n]}" vsb-sw
  done
  # Proof that it bites: a ping of 3000 bytes (two fragments) must not get through, one of 1000 must.
  in_ns "${NS_HOST[1]}" ping -c 1 -W 1 -s 1000 198.18.1.1 > /dev/null 2>&1 || die "the underlay drops whole packets too"
  ! in_ns "${NS_HOST[1]}" ping -c 1 -W 1 -s 3000 198.18.1.1 > /dev/null 2>&1 \
    || die "the underlay still carries IP fragments: the nftables rule did not take"
  step "underlay drops IP fragments (nftables netdev ingress on every veth end)"
fi

# ---- measurements --------------------------------------------------------------------------------------------------

# Writes a snapshot of the counters to $1 as key=value lines: packets through host 2's end of the path ($PATH_DEV),
# CPU ticks (user, system) and peak RSS of each process in MODE_PIDS, and, while a vswitch mode runs, the switch's
# frame counter.
probe() {
  local out=$1 role stat fields metrics rx tx
  {
    echo "time=$(date +%s.%N)"
    rx=$(in_ns "${NS_HOST[2]}" cat "/sys/class/net/$PATH_DEV/statistics/rx_packets")
    tx=$(in_ns "${NS_HOST[2]}" cat "/sys/class/net/$PATH_DEV/statistics/tx_packets")
    echo "iface_packets=$((rx + tx))"
    for role in "${!MODE_PIDS[@]}"; do
      stat=$(< "/proc/${MODE_PIDS[$role]}/stat")
      read -ra fields <<< "${stat##*) }" # after the command name, which may hold blanks: field 3 is fields[0]
      echo "cpu_user_ticks_$role=${fields[11]}" # utime
      echo "cpu_sys_ticks_$role=${fields[12]}"  # stime
      echo "hwm_kb_$role=$(awk '/^VmHWM:/ {print $2}' "/proc/${MODE_PIDS[$role]}/status")"
    done
    if ((VSWITCH_RUNS)); then
      metrics=$(in_ns "$NS_SW" curl -sf --max-time 5 http://127.0.0.1:8080/q/metrics) # fails the run if it fails
      echo "switch_frames=$(awk '/^vswitch_frames_received_total/ {sum += $2} END {printf "%d", sum}' <<< "$metrics")"
    fi
  } > "$out"
}

# One iperf3 run from host 1 to $PATH_IP (host 2), its JSON to $1; "${@:2}" are iperf3 client options.
# A one-off server per run, so that a run that failed cannot leave a busy server to the next one. A failed run is
# recorded (its JSON holds "error"), not fatal: the other figures are still worth having.
iperf() {
  local out=$1 seconds=$TCP_SECONDS server
  shift
  [[ " $* " == *" -u "* ]] && seconds=$UDP_SECONDS
  start_bg "${NS_HOST[2]}" iperf-server timeout $((seconds + 30)) iperf3 -s -1 -B "$PATH_IP" -p "$IPERF_PORT"
  server=$LAST_PID
  wait_for "iperf3 server" listens
  in_ns "${NS_HOST[1]}" timeout $((seconds + 30)) iperf3 -c "$PATH_IP" -p "$IPERF_PORT" -J --connect-timeout 5000 \
    -t "$seconds" "$@" > "$out" 2> /dev/null || echo "    iperf3 $* failed: its figures show as - or 'failed'" >&2
  stop_pid "$server"
}

# With --jfr, "flight_recording start" starts a flight recording in each JVM of the running mode, and
# "flight_recording stop" writes it to $JFR_DIR/<path>-<process>.jfr. jcmd attaches through a socket file in /tmp,
# which the namespaces share. Only the TCP 1->2 run is recorded, so the frames the switch counted in that run are
# what the recording is about.
flight_recording() {
  [[ -n $JFR_DIR ]] || return 0
  local role
  for role in "${!MODE_PIDS[@]}"; do
    if [[ $1 == start ]]; then
      jcmd "${MODE_PIDS[$role]}" JFR.start name=vsb settings=profile > /dev/null
    else
      jcmd "${MODE_PIDS[$role]}" JFR.stop name=vsb filename="$JFR_DIR/$PATH_NAME-$role.jfr" > /dev/null
    fi
  done
}

# Heap in use right after a full GC, in KiB, of JVM $1 (jcmd GC.run, then GC.heap_info's "total NK, used NK" lines:
# one for G1's heap, one per generation for the serial collector, which are added up).
heap_after_gc() {
  jcmd "$1" GC.run > /dev/null
  jcmd "$1" GC.heap_info | awk 'match($0, /total [0-9]+K, used [0-9]+K/) {
      split(substr($0, RSTART, RLENGTH), f, /[ K,]+/); used += f[4] } END { print used + 0 }'
}

# --soak: $SOAK_SECONDS of TCP 1->2 at full rate; each JVM's heap after GC before and after, and the growth.
# Prints a table and a "SOAK {json}" line for machines.
soak() {
  local mode=$1 roles=(switch vport1 vport2) role before=() after=() json="" line i
  ((SOAK_SECONDS)) || return 0
  step "$mode: ${SOAK_SECONDS}s soak at full rate, heap after GC before and after"
  for role in "${roles[@]}"; do before+=("$(heap_after_gc "${MODE_PIDS[$role]}")"); done
  TCP_SECONDS=$SOAK_SECONDS iperf "$WORK/$mode-soak.json"
  for role in "${roles[@]}"; do after+=("$(heap_after_gc "${MODE_PIDS[$role]}")"); done
  for i in 0 1 2; do
    role=${roles[i]}
    line=$(printf '%s soak %-7s heap after GC %6d KiB -> %6d KiB (%+d KiB)' "$mode" "$role" "${before[i]}" \
      "${after[i]}" $((after[i] - before[i])))
    SOAK_LINES+=("$line")
    json+=$(printf '%s"%s":{"before_kib":%d,"after_kib":%d}' "${json:+,}" "$role" "${before[i]}" "${after[i]}")
  done
  SOAK_LINES+=("SOAK {\"mode\":\"$mode\",\"seconds\":$SOAK_SECONDS,\"mbit_s\":$(python3 -c \
    'import json,sys; print(round(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]/1e6, 1))' \
    "$WORK/$mode-soak.json" 2> /dev/null || echo null),$json}")
}

# Measures the path to host 2's address $3 on its device $2 and writes raw results under $RAW/$1.
measure_path() {
  PATH_NAME=$1 PATH_DEV=$2 PATH_IP=$3 # global: probe, iperf, flight_recording use them
  local dir=$RAW/$PATH_NAME rate ms
  mkdir -p "$dir"
  in_ns "${NS_HOST[2]}" cat "/sys/class/net/$PATH_DEV/mtu" > "$dir/mtu"
  step "$PATH_NAME: $PINGS pings, TCP ${TCP_SECONDS}s each way${UDP_RATES:+, UDP ${UDP_SECONDS}s at $UDP_RATES}"
  probe "$dir/all.before"
  for ms in "${PING_INTERVAL_LIST[@]}"; do
    # about PINGS * interval seconds; -w bounds it if replies stop. ping -i wants seconds.
    in_ns "${NS_HOST[1]}" ping -n -c "$PINGS" -i "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))" -W 1 \
      -w $((PINGS * ms / 1000 + 5)) "$PATH_IP" > "$dir/ping-$ms.txt" || true
  done
  flight_recording start
  probe "$dir/tcp-fwd.before"
  iperf "$dir/tcp-fwd.json"
  probe "$dir/tcp-fwd.after"
  flight_recording stop
  probe "$dir/tcp-rev.before"
  iperf "$dir/tcp-rev.json" -R
  probe "$dir/tcp-rev.after"
  for rate in "${RATE_LIST[@]}"; do
    # 1300-byte datagrams fit every path's MTU (1406 in the secure mode), so no path fragments and all carry
    # the same packets per second at a given rate
    probe "$dir/udp-$rate.before"
    iperf "$dir/udp-$rate.json" -u -b "$rate" -l 1300
    probe "$dir/udp-$rate.after"
  done
  probe "$dir/all.after"
}

# Stops the processes in MODE_PIDS: the ports' first, so that none of them sees its switch go away.
stop_mode() {
  local role
  for role in "${!MODE_PIDS[@]}"; do
    [[ $role == switch ]] || stop_pid "${MODE_PIDS[$role]}"
  done
  stop_pid "${MODE_PIDS[switch]}"
  MODE_PIDS=()
  VSWITCH_RUNS=0
}

# Whether baseline $1 was asked for and, for a peer, its programs ${@:2} are installed (it says so when not).
wanted() {
  local baseline=$1 program
  [[ ,$BASELINES, == *,$baseline,* ]] || return 1
  shift
  for program in "$@"; do
    if ! command -v "$program" > /dev/null; then
      step "baseline $baseline skipped: no $program (Debian/Ubuntu: apt-get install ${PACKAGE[$baseline]})"
      return 1
    fi
  done
}
declare -A PACKAGE=([vde]=vde2 [n2n]=n2n)

# Adds address 198.19.$2.N/24 to device $1 on host N and brings it up, for N = 1 and 2.
overlay_addresses() {
  local n
  for n in 1 2; do
    ip -n "${NS_HOST[n]}" address add "198.19.$2.$n/24" dev "$1"
    ip -n "${NS_HOST[n]}" link set "$1" up
  done
}

if wanted direct; then
  step "baseline: direct veth between the hosts (198.18.100.1 - 198.18.100.2)"
  ip -n "${NS_HOST[1]}" link add vsb-d type veth peer name vsb-d netns "${NS_HOST[2]}"
  for n in 1 2; do
    ip -n "${NS_HOST[n]}" address add "198.18.100.$n/24" dev vsb-d
    ip -n "${NS_HOST[n]}" link set vsb-d up
  done
  wait_for "the direct veth" pings_once "${NS_HOST[1]}" 198.18.100.2
  measure_path direct vsb-d 198.18.100.2
fi

if wanted vde vde_switch vde_plug2tap; then
  step "baseline: VDE, vde_switch in $NS_SW and vde_plug2tap on each host (overlay 198.19.4.0/24)"
  # as a daemon, because in the foreground vde_switch reads commands from stdin and quits at its end
  in_ns "$NS_SW" vde_switch --sock "$WORK/vde.ctl" --daemon --pidfile "$WORK/vde.pid"
  wait_for "vde_switch's pid file" test -s "$WORK/vde.pid"
  PIDS+=("$(< "$WORK/vde.pid")")
  MODE_PIDS=([switch]=$(< "$WORK/vde.pid"))
  for n in 1 2; do
    start_bg "${NS_HOST[n]}" "vde-plug$n" vde_plug2tap --sock "$WORK/vde.ctl" vsb-vde
    MODE_PIDS[vport$n]=$LAST_PID
    wait_for "vde_plug2tap $n's TAP" has_link "${NS_HOST[n]}" vsb-vde
  done
  overlay_addresses vsb-vde 4
  wait_for "a ping across VDE" pings_once "${NS_HOST[1]}" 198.19.4.2
  measure_path vde vsb-vde 198.19.4.2
  stop_mode
fi

if wanted n2n supernode edge; then
  step "baseline: n2n, its supernode in $NS_SW and an edge on each host (overlay 198.19.5.0/24)"
  start_bg "$NS_SW" n2n-supernode supernode -l "$N2N_PORT"
  MODE_PIDS=([switch]=$LAST_PID)
  for n in 1 2; do
    # the edge names its TAP and sets its address itself; -k turns on n2n's Twofish encryption
    start_bg "${NS_HOST[n]}" "n2n-edge$n" edge -d vsb-n2n -a "198.19.5.$n" -s 255.255.255.0 -c vsb -k vsb-bench-key \
      -l "198.18.$n.1:$N2N_PORT"
    MODE_PIDS[vport$n]=$LAST_PID
  done
  wait_for "a ping across n2n" pings_once "${NS_HOST[1]}" 198.19.5.2
  measure_path n2n vsb-n2n 198.19.5.2
  stop_mode
fi

if wanted vxlan; then
  step "baseline: kernel VXLAN (VNI 42, overlay 198.19.3.0/24) over the underlay, routed by the switch namespace"
  ip netns exec "$NS_SW" sysctl -qw net.ipv4.ip_forward=1
  ip -n "${NS_HOST[1]}" route add 198.18.2.0/24 via 198.18.1.1
  ip -n "${NS_HOST[2]}" route add 198.18.1.0/24 via 198.18.2.1
  for n in 1 2; do
    # "dev" lets the kernel size the MTU for the 50 bytes of encapsulation (1450), so outer packets never fragment
    ip -n "${NS_HOST[n]}" link add vsb-vx type vxlan id 42 dstport 4789 dev vsb-sw \
      local "198.18.$n.2" remote "198.18.$((3 - n)).2"
  done
  overlay_addresses vsb-vx 3
  wait_for "the VXLAN tunnel" pings_once "${NS_HOST[1]}" 198.19.3.2
  measure_path vxlan vsb-vx 198.19.3.2
fi

# TCP from every odd host to the next even one in overlay 198.19.$1.0/24, all pairs at once for $3 seconds; each
# client's JSON to $2/<odd host>.json. A failed pair is recorded like a failed iperf run.
pairs_tcp() {
  local subnet=$1 dir=$2 seconds=$3 n servers=() clients=()
  mkdir -p "$dir"
  for ((n = 2; n <= HOSTS; n += 2)); do
    start_bg "${NS_HOST[n]}" "iperf-server$n" timeout $((seconds + 30)) iperf3 -s -1 -B "198.19.$subnet.$n" -p "$IPERF_PORT"
    servers+=("$LAST_PID")
    wait_for "iperf3 server on host $n" listens "${NS_HOST[n]}"
  done
  for ((n = 1; n < HOSTS; n += 2)); do
    in_ns "${NS_HOST[n]}" timeout $((seconds + 30)) iperf3 -c "198.19.$subnet.$((n + 1))" -p "$IPERF_PORT" -J \
      --connect-timeout 5000 -t "$seconds" > "$dir/$n.json" 2> /dev/null &
    clients+=($!)
  done
  for n in "${clients[@]}"; do
    wait "$n" || echo "    an iperf3 client between host pairs failed: its pair shows as failed" >&2
  done
  for n in "${servers[@]}"; do stop_pid "$n"; done
}

# The p2p mode's underlay: every host reaches every other through the switch namespace, which routes as the internet
# would, so that vports can reach each other around the switch.
route_hosts() {
  local n
  in_ns "$NS_SW" sysctl -qw net.ipv4.ip_forward=1
  for n in "${HOST_NUMBERS[@]}"; do
    ip -n "${NS_HOST[n]}" route replace 198.18.0.0/16 via "198.18.$n.1"
  done
}

# Whether host $1's vport lists a peer with a direct path in its status file (a ping to $2 keeps the unicast going).
direct_path_up() {
  pings_once "${NS_HOST[$1]}" "$2"
  grep -q '"path": "direct"' "$WORK/status-h$1/vsb-tap.json" 2> /dev/null
}

# Starts a fresh switch and a vport on each host in mode $1 (plain, plain-offload, plain-auto, secure, offload, auto or
# p2p; with "+native" after it, the vports are the native executable), overlay 198.19.$2.0/24, measures, and stops
# them all again.
run_mode() {
  local mode=$1 subnet=$2 keys=$WORK/keys-$1 n vport_args vport=(java "${VPORT_JVM[@]}" -jar "$VPORT_JAR")
  [[ $mode != *+native ]] || vport=("$VPORT_NATIVE")
  local base=${mode%+native}
  step "$mode: starting the switch in $NS_SW"
  local props=(-Dvswitch.port=$PORT -Dvswitch.host=0.0.0.0 -Dvswitch.key-dir="$keys" -Dquarkus.http.port=8080)
  [[ $base == plain* ]] && props+=(-Dvswitch.legacy-port=$LEGACY_PORT)
  [[ $base == p2p ]] || props+=(-Dvswitch.direct-paths=false) # relayed, even where the hosts reach each other
  [[ -z $VPORT_MTU ]] || props+=(-Dvswitch.max-frame-size=$((VPORT_MTU + 18)))
  start_bg "$NS_SW" "$mode-switch" java "${SWITCH_JVM[@]}" "${props[@]}" -jar "$SWITCH_JAR"
  MODE_PIDS=([switch]=$LAST_PID)
  VSWITCH_RUNS=1
  wait_for "the switch to listen" has_line "$WORK/$mode-switch.log" "vswitch listening on udp"
  wait_for "the switch's metrics" in_ns "$NS_SW" curl -sf -o /dev/null --max-time 2 http://127.0.0.1:8080/q/metrics

  for n in "${HOST_NUMBERS[@]}"; do
    if [[ $base == plain* ]]; then
      vport_args=(--legacy "198.18.$n.1:$LEGACY_PORT")
    else
      # the token names the switch by its host name; inside the namespaces it is 198.18.N.1
      wait_for "the join token" test -s "$keys/tokens/default.token"
      vport_args=(--token-file "$keys/tokens/default.token" --key-file "$WORK/$mode-h$n.key" "198.18.$n.1:$PORT")
    fi
    case $base in
      *offload) vport_args+=(--offload=on) ;;
      *auto | p2p) vport_args+=(--offload=auto) ;;
      *) vport_args+=(--offload=off) ;;
    esac
    start_bg "${NS_HOST[n]}" "$mode-vport$n" "${vport[@]}" connect "${vport_args[@]}" \
      --tap vsb-tap --ip "198.19.$subnet.$n/24" --status-dir "$WORK/status-h$n" ${VPORT_MTU:+--mtu "$VPORT_MTU"}
    MODE_PIDS[vport$n]=$LAST_PID
  done
  for n in "${HOST_NUMBERS[@]}"; do
    wait_for "vport $n to bring its TAP up" has_line "$WORK/$mode-vport$n.log" "vport:" " up"
    [[ $base == plain* ]] || wait_for "vport $n's handshake" has_line "$WORK/$mode-vport$n.log" "connected to"
  done
  wait_for "a ping across the $mode virtual LAN" pings_once "${NS_HOST[1]}" "198.19.$subnet.2"
  if [[ $base == p2p ]]; then
    # the ping's unicast made the switch introduce the vports; they punch within 5 s
    wait_for "vport 1's direct path to vport 2" direct_path_up 1 "198.19.$subnet.2"
    step "p2p: vport 1 reaches vport 2 on a direct path"
  fi

  if ((WARMUP)); then
    PATH_IP=198.19.$subnet.2 # the warm-up's iperf3 server
    # unmeasured: lets the JIT compile the data path of all the JVMs before the figures count
    step "$mode: ${WARMUP}s warm-up"
    if ((HOSTS > 2)); then
      pairs_tcp "$subnet" "$WORK/warmup-pairs" "$WARMUP"
    else
      TCP_SECONDS=$WARMUP iperf "$WORK/warmup.json"
    fi
  fi
  measure_path "$mode" vsb-tap "198.19.$subnet.2"
  if ((HOSTS > 2)); then
    step "$mode: TCP ${TCP_SECONDS}s between $((HOSTS / 2)) host pairs at once"
    probe "$RAW/$mode/pairs.before"
    pairs_tcp "$subnet" "$RAW/$mode/pairs" "$TCP_SECONDS"
    probe "$RAW/$mode/pairs.after"
  fi
  soak "$mode"
  # what --offload made of the path (auto: proven, unproven or fell back), from the vports' status files
  for n in "${HOST_NUMBERS[@]}"; do
    cp "$WORK/status-h$n/vsb-tap.json" "$RAW/$mode/status-vport$n.json" 2> /dev/null || true
  done

  step "$mode: stopping the vports and the switch"
  stop_mode
}

subnet=10 # overlays 198.19.10.0/24 and up: clear of the VXLAN baseline's 198.19.3.0/24
SOAK_LINES=()
for mode in "${MODE_LIST[@]}"; do
  [[ ${mode%+native} != p2p ]] || route_hosts
  run_mode "$mode" "$subnet"
  subnet=$((subnet + 1))
done

# ---- report --------------------------------------------------------------------------------------------------------

python3 - "$RAW" "$HZ" "$LOAD_START" "$(cut -d' ' -f1-3 /proc/loadavg)" "$PINGS" "$PING_INTERVALS" "$TCP_SECONDS" \
  "$UDP_SECONDS" "$UDP_RATES" "$WARMUP" "$(nproc)" "$(uname -r)" "$(java -version 2>&1 | head -n 1)" "$JAVA_OPTS" \
  "$JFR_DIR" "$UNDERLAY" << 'PY'
import json, math, os, re, sys

(raw, hz, load_start, load_end, pings, ping_ms, tcp_s, udp_s, rates, warmup, cpus, kernel, java, java_opts,
 jfr_dir, underlay) = sys.argv[1:]
hz = int(hz)
ping_intervals = [int(ms) for ms in ping_ms.split(",")]
rates = [r for r in rates.split(",") if r]
UDP_LENGTH = 1300  # the script's iperf3 -l for UDP
LABEL = {"direct": "direct veth", "vde": "VDE (plaintext)", "n2n": "n2n (Twofish)", "vxlan": "kernel VXLAN",
         "plain": "vswitch plain", "plain-offload": "vswitch plain+offload", "plain-auto": "vswitch plain+auto",
         "secure": "vswitch secure", "offload": "vswitch offload", "auto": "vswitch auto",
         "p2p": "vswitch auto p2p"}
LABEL.update({f"{mode}+native": f"native vport {mode}"  # --native-vports
              for mode in list(LABEL) if mode not in ("direct", "vde", "n2n", "vxlan")})
BASES = ("direct", "vde", "n2n", "vxlan")
ROLES = ["switch", "vport1", "vport2"]


def snapshot(path):
    with open(path) as f:
        return {k: float(v) for k, v in (line.strip().split("=", 1) for line in f if "=" in line)}


def iperf_json(path):
    """iperf3's JSON, or None when the run failed (no file, no JSON, or an "error" in it)."""
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    return None if "error" in data else data


def ping_stats(path):
    text = open(path).read()
    times = sorted(float(t) for t in re.findall(r"time=([\d.]+) ms", text))
    sent = re.search(r"(\d+) packets transmitted", text)
    # Lost: requests below the last one answered that got no reply. ping -c N -w keeps sending until N replies came, so
    # a late reply makes it send more, and the last requests may still be in flight when it stops: those are not lost.
    answered = {int(n) for n in re.findall(r"icmp_seq=(\d+) .*time=", text)}
    out = {"sent": int(sent.group(1)) if sent else 0, "received": len(times),
           "lost": max(answered) - len(answered) if answered else 0}
    if times:
        out.update(min_ms=times[0], p50_ms=times[math.ceil(0.5 * len(times)) - 1],
                   avg_ms=round(sum(times) / len(times), 4), p99_ms=times[math.ceil(0.99 * len(times)) - 1], max_ms=times[-1])  # p99 by nearest rank
    return out


def cpu_seconds(before, after, role, kind):
    key = f"cpu_{kind}_ticks_{role}"
    return (after[key] - before[key]) / hz


def window(d, name):
    """Counter deltas over one test: frames/s on host 2's interface and through vswitch's switch, CPU per process."""
    before, after = snapshot(f"{d}/{name}.before"), snapshot(f"{d}/{name}.after")
    seconds = after["time"] - before["time"]
    out = {"wall_s": round(seconds, 2), "iface_frames": int(after["iface_packets"] - before["iface_packets"])}
    out["iface_frames_per_s"] = round(out["iface_frames"] / seconds)
    if "switch_frames" in after:
        out["switch_frames"] = int(after["switch_frames"] - before["switch_frames"])
        out["switch_frames_per_s"] = round(out["switch_frames"] / seconds)
    if "cpu_user_ticks_switch" in after:
        out["cpu_s"] = {role: {kind: round(cpu_seconds(before, after, role, kind), 2) for kind in ("user", "sys")}
                        for role in ROLES}
    return out, after


results = {}
for name in LABEL:
    d = os.path.join(raw, name)
    if not os.path.isdir(d):
        continue
    r = {"mtu": int(open(f"{d}/mtu").read()), "ping": ping_stats(f"{d}/ping-{ping_intervals[0]}.txt")}
    if len(ping_intervals) > 1:
        r["ping_by_interval_ms"] = {ms: ping_stats(f"{d}/ping-{ms}.txt") for ms in ping_intervals}
    for direction in ("fwd", "rev"):
        j = iperf_json(f"{d}/tcp-{direction}.json")
        t = {"window": window(d, f"tcp-{direction}")[0]}
        if j:
            t["mbit_s"] = round(j["end"]["sum_received"]["bits_per_second"] / 1e6, 1)
            t["retransmits"] = j["end"]["sum_sent"].get("retransmits")
        r[f"tcp_{direction}"] = t
    offload = {}
    for role in ROLES[1:]:
        try:
            with open(f"{d}/status-{role}.json") as f:
                offload[role] = json.load(f).get("offload")
        except (OSError, ValueError):
            pass
    if any(offload.values()):
        r["offload"] = offload
    r["udp"] = {}
    for rate in rates:
        j = iperf_json(f"{d}/udp-{rate}.json")
        u = {"window": window(d, f"udp-{rate}")[0]}
        if j:
            sent, received = j["end"]["sum_sent"], j["end"]["sum_received"]
            # Loss from what arrived during the run (bytes / datagram length) against what was sent; iperf3's own
            # lost_packets only counts gaps below the highest sequence number seen, and so misses a lost tail.
            # Rates are over the sender's seconds, so that received / sent = 1 - loss.
            got = received["bytes"] // UDP_LENGTH
            u.update(sent_mbit_s=round(sent["bits_per_second"] / 1e6, 1), sent_packets=sent["packets"],
                     received_mbit_s=round(got * UDP_LENGTH * 8 / sent["seconds"] / 1e6, 1), received_packets=got,
                     received_pps=round(got / sent["seconds"]),
                     loss_percent=round(100 * (1 - got / sent["packets"]), 2) if sent["packets"] else None)
        r["udp"][rate] = u
    if os.path.isdir(f"{d}/pairs"):  # --hosts above 2: TCP between all host pairs at once
        flows = {}
        for f in sorted(os.listdir(f"{d}/pairs"), key=lambda f: int(f.split(".")[0])):
            j, first = iperf_json(f"{d}/pairs/{f}"), int(f.split(".")[0])
            flows[f"{first}->{first + 1}"] = round(j["end"]["sum_received"]["bits_per_second"] / 1e6, 1) if j else None
        r["pairs"] = {"flows_mbit_s": flows, "window": window(d, "pairs")[0]}
        if all(v is not None for v in flows.values()):
            r["pairs"]["sum_mbit_s"] = round(sum(flows.values()), 1)
    everything, last = window(d, "all")
    if "cpu_s" in everything:
        r["measured_wall_s"] = everything["wall_s"]
        r["processes"] = {role: {"cpu_user_s": c["user"], "cpu_sys_s": c["sys"],
                                 "peak_rss_mb": round(last[f"hwm_kb_{role}"] / 1024, 1)}
                          for role, c in everything["cpu_s"].items()}
        files = [f"{jfr_dir}/{name}-{role}.jfr" for role in ROLES]
        if jfr_dir and "switch_frames" in r["tcp_fwd"]["window"] and all(os.path.isfile(f) for f in files):
            r["jfr"] = {"files": files, "switch_frames": r["tcp_fwd"]["window"]["switch_frames"]}
    results[name] = r


def get(r, *keys):
    for k in keys:
        r = r.get(k) if isinstance(r, dict) else None
    return r


def ratio(a, b):
    return round(a / b, 4) if a and b else None


def compare(mode, base):
    return {"tcp_fwd": ratio(get(results, mode, "tcp_fwd", "mbit_s"), get(results, base, "tcp_fwd", "mbit_s")),
            "tcp_rev": ratio(get(results, mode, "tcp_rev", "mbit_s"), get(results, base, "tcp_rev", "mbit_s")),
            "ping_avg": ratio(get(results, mode, "ping", "avg_ms"), get(results, base, "ping", "avg_ms"))}


VSWITCH_MODES = ("plain", "plain-offload", "plain-auto", "secure", "offload", "auto", "p2p")
ratios = {f"{mode}/{base}": compare(mode, base)
          for mode in VSWITCH_MODES for base in BASES + ("auto",)
          if mode in results and base in results and (base != "auto" or mode == "p2p")}
# --native-vports: each mode with native vports against the same mode with JVM vports
ratios.update({f"{mode}+native/{mode}": compare(f"{mode}+native", mode)
               for mode in VSWITCH_MODES if mode in results and f"{mode}+native" in results})


def fmt(v, spec="{:.0f}"):
    return "-" if v is None else spec.format(v)


print()
print(f"vswitch netns benchmark: {cpus} CPUs, kernel {kernel}, {java}; load average {load_start} -> {load_end}")
print("underlay: " + ("drops IP fragments, as many internet paths do" if underlay == "no-fragments"
                      else "lab (carries IP fragments)"))
print(f"{pings} pings {' or '.join(map(str, ping_intervals))} ms apart, TCP {tcp_s} s per direction, UDP {udp_s} s per rate in {UDP_LENGTH}-byte "
      f"datagrams, warm-up {warmup} s" + (f", JVM options '{java_opts}'" if java_opts else ", the downloads' JVM options")
      + (", JFR recording during TCP 1->2" if jfr_dir else ""))
print()
print(f"{'path':<21} {'MTU':>4} {'ping min/p50/avg/p99 ms':>28} {'TCP 1->2':>9} {'TCP 2->1':>9} {'frames/s':>9}")
for name, r in results.items():
    p = r["ping"]
    ping = (f"{p['min_ms']:.3f}/{p['p50_ms']:.3f}/{p['avg_ms']:.3f}/{p['p99_ms']:.3f}" if p["received"]
            else "no replies")
    print(f"{LABEL[name]:<21} {r['mtu']:>4} {ping:>28} {fmt(get(r, 'tcp_fwd', 'mbit_s')):>9} "
          f"{fmt(get(r, 'tcp_rev', 'mbit_s')):>9} {fmt(get(r, 'tcp_fwd', 'window', 'iface_frames_per_s')):>9}")
print("(TCP in Mbit/s; frames/s: both ways through host 2's interface during TCP 1->2)")
offloads = {name: r["offload"] for name, r in results.items() if "offload" in r}
if offloads:
    print()
    print("--offload, as the vports' status files say at the end:")
    for name, by_vport in offloads.items():
        print(f"  {LABEL[name]:<21} " + "; ".join(
            f"{role} {o['mode']}, path {o['path']}, {o['fallbacks']} fallbacks, probes {o['probes_answered']}/{o['probes_sent']}"
            " answered" for role, o in by_vport.items() if o))

if len(ping_intervals) > 1:
    print()
    print(f"{'ping avg (p50) ms':<21} " + " ".join(f"{f'{ms} ms apart':>16}" for ms in ping_intervals))
    for name, r in results.items():
        cells = [f"{p['avg_ms']:.3f} ({p['p50_ms']:.3f})" if p["received"] else "no replies"
                 for p in (r["ping_by_interval_ms"][ms] for ms in ping_intervals)]
        print(f"{LABEL[name]:<21} " + " ".join(f"{c:>16}" for c in cells))

if rates:
    print()
    print(f"{'UDP 1->2':<21} " + " ".join(f"{'offered ' + rate:>26}" for rate in rates))
    for name, r in results.items():
        cells = []
        for rate in rates:
            u = r["udp"][rate]
            cells.append("failed" if "sent_mbit_s" not in u else
                         f"{u['sent_mbit_s']:.0f} -> {u['received_mbit_s']:.0f} ({fmt(u['loss_percent'], '{:.1f}')}% lost)")
        print(f"{LABEL[name]:<21} " + " ".join(f"{c:>26}" for c in cells))
    print("(Mbit/s sent -> received; the sender may fall short of the offered rate when it runs out of CPU)")

pairs = {n: r["pairs"] for n, r in results.items() if "pairs" in r}
if pairs:
    print()
    print(f"{'TCP, all pairs at once':<22} {'sum':>6} {'per pair':>36} {'switch frames/s':>15} {'switch CPU s':>12}")
    for name, p in pairs.items():
        w = p["window"]
        per_pair = " ".join(f"{k} {fmt(v)}" for k, v in p["flows_mbit_s"].items())
        print(f"{LABEL[name]:<22} {fmt(p.get('sum_mbit_s')):>6} {per_pair:>36} {fmt(w.get('switch_frames_per_s')):>15} "
              f"{sum(w['cpu_s']['switch'].values()):>12.2f}")
    print(f"(Mbit/s; each pair host N -> N+1 for {tcp_s} s through the one switch)")

if ratios:
    print()
    print(f"{'ratio':<22} {'TCP 1->2':>9} {'TCP 2->1':>9} {'ping avg':>9}")
    for key, v in ratios.items():
        print(f"{key:<22} " + " ".join(f"{fmt(v[k], '{:.4f}'):>9}" for k in ("tcp_fwd", "tcp_rev", "ping_avg")))

procs = {n: r for n, r in results.items() if "processes" in r}
if procs:
    print()
    print(f"{'processes':<21} {'CPU s in all tests':>23}   {'peak RSS MB':>20}   {'CPU us/frame in TCP 1->2':>24}")
    print(f"{'':<21} " + " ".join(f"{role:>7}" for role in ROLES * 3))
    for name, r in procs.items():
        w = r["tcp_fwd"]["window"]
        frames = w["iface_frames"] if name.startswith("p2p") else w.get("switch_frames", w["iface_frames"])  # p2p: no switch
        per_frame = [1e6 * sum(w["cpu_s"][role].values()) / frames if frames else None for role in ROLES]
        cells = [r["processes"][role]["cpu_user_s"] + r["processes"][role]["cpu_sys_s"] for role in ROLES]
        print(f"{LABEL[name]:<21} " + " ".join(f"{c:>7.1f}" for c in cells) + "   "
              + " ".join(f"{r['processes'][role]['peak_rss_mb']:>6.0f}" for role in ROLES) + "   "
              + " ".join(f"{fmt(v):>7}" for v in per_frame))
    print("(switch, vport1, vport2: for VDE vde_switch and vde_plug2tap, for n2n the supernode and the edges; frames:")
    print(" those vswitch's switch received during TCP 1->2, data one way and ACKs the other, or for a peer and a direct")
    print(" path those through host 2's interface, which are the same frames)")
    for name, r in procs.items():
        if "jfr" in r:
            print(f"JFR of {name}, TCP 1->2 with {r['jfr']['switch_frames']} frames: {' '.join(r['jfr']['files'])}")

result = {"version": 1,
          "host": {"cpus": int(cpus), "kernel": kernel, "java": java, "load_start": load_start, "load_end": load_end},
          "settings": {"pings": int(pings), "ping_interval_ms": ping_intervals[0], "ping_intervals_ms": ping_intervals, "tcp_seconds": int(tcp_s), "udp_seconds": int(udp_s), "udp_rates": rates,
                       "udp_length": UDP_LENGTH, "warmup_seconds": int(warmup), "java_opts": java_opts,
                       "jfr_dir": jfr_dir or None, "underlay": underlay},
          "paths": results, "ratios": ratios}
print()
print("RESULT " + json.dumps(result, separators=(",", ":")))
PY

if ((${#SOAK_LINES[@]})); then
  printf '%s\n' "" "${SOAK_LINES[@]}"
fi
