#!/usr/bin/env bash
# Issue 4 benchmark: Herald's authoritative responder against NSD and Knot on the same zones.
#
# Usage: Benchmarks/dns-vs-nsd.sh [DOMAINS ...]          (default: 10000 100000)
#
# For each inventory size it generates (or reuses from $BENCH_CACHE) an inventory of N customer
# domains, each with the four hosted TXT records (DMARC, flattened SPF built from
# Zones/esp-snapshot.zone, MTA-STS id, TLS-RPT), exports Herald's zones with
# `herald zone export`, and serves the same zones with `herald serve`, NSD and Knot on
# 127.0.0.1, each pinned to CPU 0 (taskset -c 0). Each server is started alone and timed from
# process start to its first answer (dig polled every 20 ms) and to being idle (at most one
# clock tick of CPU per 0.5 s, twice: loading, compiling and any background rebuild done), and
# its memory read once idle (PSS of all its processes, /proc/PID/smaps_rollup). Herald restarts
# from its snapshot image (ADR 0005); when the cache has none yet, a priming start builds it and
# its times are printed as Herald's cold start. All three run without response-rate limiting
# (NSD `rrl-ratelimit: 0`, Knot has none configured, Herald `--no-rrl`). Then, for UDP and for TCP, ROUNDS rounds
# alternate Herald, NSD, Knot: each run is dnsperf pinned to CPU 1 for DURATION seconds at
# saturation, with the server's CPU time (utime+stime of all its processes, /proc/PID/stat)
# read before and after, and PSS after. After each throughput run, a latency run at a fixed
# rate (LAT_QPS, dnsperf -Q, with -v per-query output) gives p50/p99: dnsperf prints only the
# average, and at saturation latency is queueing (outstanding ÷ qps), so percentiles are taken
# at equal offered load. Herald serves with --self-signed and a certificate directory kept in
# the cache: its C22 gate announces an MTA-STS id only once mta-sts.D has a certificate, and
# the first start issues them (that start's load time includes the issuance).
#
# Environment (defaults in brackets):
#   DURATION [12]   seconds per throughput run      ROUNDS [3]    rounds per transport
#   UDP_CLIENTS [10] UDP_OUTSTANDING [1000]          TCP_CLIENTS [20] TCP_OUTSTANDING [500]
#   LAT_QPS [20000] LAT_SECONDS [4]                  TRANSPORTS ["udp tcp"]
#   SERVERS ["herald nsd knot"]                      NX_SHARE [2]  percent of NXDOMAIN names
#   HERALD_BIN      a herald binary to use instead of building `swift build -c release`
#   HERALD_BENCH_BIN  likewise for herald-bench      BENCH_CACHE [/dev/shm/herald-dns-bench]
#   HERALD_ARGS     extra `herald serve` arguments    FRESH=1  regenerate cached inventories
#   FRESH_IMAGE=1   delete Herald's snapshot image first (time a cold start again)
#
# Binds no fixed ports (free ports are found by binding port 0), needs no internet once the
# packages are installed, and stops every process it started on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

DURATION=${DURATION:-12}
ROUNDS=${ROUNDS:-3}
UDP_CLIENTS=${UDP_CLIENTS:-10}
UDP_OUTSTANDING=${UDP_OUTSTANDING:-1000}
TCP_CLIENTS=${TCP_CLIENTS:-20}
TCP_OUTSTANDING=${TCP_OUTSTANDING:-500}
LAT_QPS=${LAT_QPS:-20000}
LAT_SECONDS=${LAT_SECONDS:-4}
TRANSPORTS=${TRANSPORTS:-udp tcp}
SERVERS=${SERVERS:-herald nsd knot}
NX_SHARE=${NX_SHARE:-2}
BENCH_CACHE=${BENCH_CACHE:-/dev/shm/herald-dns-bench}
HERALD_ARGS=${HERALD_ARGS:-}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
for size in "${sizes[@]}"; do
    case $size in
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        ''|*[!0-9]*|0) echo "dns-vs-nsd.sh: '$size' is not a number of customer domains (try --help)" >&2; exit 64 ;;
    esac
done

log() { printf '%s\n' "$*" >&2; }

# ---------------------------------------------------------------- packages
need=()
command -v nsd >/dev/null || need+=(nsd)
command -v knotd >/dev/null || need+=(knot)
command -v kzonecheck >/dev/null || need+=(knot-dnssecutils)
command -v dnsperf >/dev/null || need+=(dnsperf)
command -v dig >/dev/null || need+=(bind9-dnsutils)
command -v taskset >/dev/null || need+=(util-linux)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || { apt-get update -qq >/dev/null; apt-get install -y -qq "${need[@]}" >/dev/null; }
fi
ncpu=$(nproc --all)
[ "$ncpu" -ge 2 ] || { log "needs 2 CPUs (server on CPU 0, dnsperf on CPU 1); this machine has $ncpu"; exit 1; }

# ---------------------------------------------------------------- Herald binaries
if [ -z "${HERALD_BIN:-}" ] || [ -z "${HERALD_BENCH_BIN:-}" ]; then
  bin=$(swift build -c release --show-bin-path)
  # A build is reused when no source or manifest file is newer than the binaries.
  fresh=1
  for b in "$bin/herald" "$bin/herald-bench"; do
    [ -x "$b" ] || { fresh=0; break; }
    if [ -n "$(find Sources Benchmarks/HeraldBench Package.swift Package.resolved -newer "$b" -type f -print -quit)" ]; then fresh=0; fi
  done
  if [ "$fresh" = 0 ]; then
    log "building herald and herald-bench (release)"
    swift build -c release --product herald >&2
    swift build -c release --product herald-bench >&2
  fi
  HERALD_BIN=${HERALD_BIN:-$bin/herald}
  HERALD_BENCH_BIN=${HERALD_BENCH_BIN:-$bin/herald-bench}
fi

# ---------------------------------------------------------------- processes
work=$(mktemp -d /tmp/herald-dns-vs-nsd.XXXXXX)
server_pid=""                 # the server being started
declare -A pid_of port_of     # running servers by name
stop_pid() {
  local root=$1 pids waited=0
  pids=$(tree_pids "$root")
  kill $pids 2>/dev/null || true
  while kill -0 "$root" 2>/dev/null; do
    sleep 0.05; waited=$((waited + 1))
    [ "$waited" -lt 200 ] || { kill -9 $pids 2>/dev/null || true; }
  done
  for p in $pids; do while kill -0 "$p" 2>/dev/null; do sleep 0.05; done; done
  wait "$root" 2>/dev/null || true
}
stop_servers() {
  local name
  for name in "${!pid_of[@]}"; do stop_pid "${pid_of[$name]}"; unset "pid_of[$name]"; done
  if [ -n "$server_pid" ]; then stop_pid "$server_pid"; server_pid=""; fi
}
cleanup() { stop_servers; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  # A port free for both UDP and TCP on 127.0.0.1 (found by binding port 0).
  python3 - <<'PY'
import socket
while True:
    t = socket.socket(); t.bind(("127.0.0.1", 0)); port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port)); print(port); break
    except OSError:
        pass
    finally:
        u.close(); t.close()
PY
}

# The process and all its descendants.
tree_pids() {
  local root=$1 all="$1" frontier="$1" next p
  while [ -n "$frontier" ]; do
    next=""
    for p in $frontier; do
      for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do next="$next $c"; done
    done
    all="$all$next"; frontier=$(echo $next)
  done
  echo $all
}
# utime+stime of the process tree, clock ticks.
cpu_ticks() {
  local total=0 p s
  for p in $(tree_pids "$1"); do
    s=$(cat /proc/"$p"/stat 2>/dev/null) || continue
    s=${s##*) }          # fields from 3 on (the comm may contain spaces)
    set -- $s
    total=$((total + ${12} + ${13}))
  done
  echo $total
}
# PSS of the process tree, KiB.
pss_kib() {
  local total=0 p v
  for p in $(tree_pids "$1"); do
    v=$(awk '/^Pss:/ {print $2}' /proc/"$p"/smaps_rollup 2>/dev/null) || continue
    total=$((total + ${v:-0}))
  done
  echo $total
}
now_ns() { date +%s%N; }
clk_tck=$(getconf CLK_TCK)

# Waits until the server at $port answers $probe over UDP; prints seconds since $1 (ns).
wait_answer() {
  local started=$1 port=$2 probe=$3 qtype=${4:-TXT} deadline=$(( $(now_ns) + 1800000000000 ))
  while :; do
    if dig +norec +tries=1 +time=1 -p "$port" @127.0.0.1 "$probe" "$qtype" 2>/dev/null | grep -q 'ANSWER: [1-9]'; then break; fi
    kill -0 "$server_pid" 2>/dev/null || { log "server exited before answering"; exit 1; }
    [ "$(now_ns)" -lt "$deadline" ] || { log "server did not answer within 1800 s"; exit 1; }
    sleep 0.02
  done
  python3 -c "print(f'{($(now_ns) - $started) / 1e9:.3f}')"
}

# ---------------------------------------------------------------- inventory and zones
prepare() {
  local n=$1 dir=$BENCH_CACHE/$n
  mkdir -p "$dir"
  if [ "${FRESH:-0}" = 1 ] || [ ! -s "$dir/inventory.ok" ]; then
    rm -f "$dir"/bench.sqlite*
    log "generating an inventory of $n domains (herald-bench inventory --mta-sts; built offline from Zones/esp-snapshot.zone)"
    "$HERALD_BENCH_BIN" inventory --domains "$n" --mta-sts --offline-zone Zones/esp-snapshot.zone --db "$dir/bench.sqlite" >&2
    echo ok > "$dir/inventory.ok"
  fi
  rm -rf "$dir/zones"
  HERALD_DB=$dir/bench.sqlite "$HERALD_BIN" zone export --directory "$dir/zones" >/dev/null
  for z in "$dir"/zones/*.zone; do
    local origin; origin=$(basename "$z" .zone)
    nsd-checkzone "$origin" "$z" >/dev/null || { log "nsd-checkzone rejects $z"; exit 1; }
    # The inventory's name servers have no address records in H (they are the operator's
    # hosts), which kzonecheck's semantic checks report as "missing glue"; anything else fails.
    local kz; kz=$(kzonecheck -o "$origin" "$z" 2>&1) || {
      if grep -v -e 'missing glue record' -e '^Error summary' -e '^$' <<<"$kz" | grep -q .; then log "kzonecheck rejects $z: $kz"; exit 1; fi
    }
  done
  # Query file: uniform random over every customer's four names, NX_SHARE % nonexistent names.
  python3 - "$n" "$NX_SHARE" "$dir/queries.txt" <<'PY'
import random, sys
n, nx, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(4)
suffixes = ["_dmarc", "_spf", "_mta-sts", "_smtp._tls"]
with open(path, "w") as f:
    for _ in range(max(200_000, 4 * n)):
        i = rng.randrange(n)
        if rng.randrange(100) < nx:
            f.write(f"nx{i}.example.{rng.choice(suffixes)}.hosted.example.net TXT\n")
        else:
            f.write(f"customer{i}.example.{rng.choice(suffixes)}.hosted.example.net TXT\n")
PY
}

# ---------------------------------------------------------------- servers
# start_<server> N PORT: starts it pinned to CPU 0 in the background, sets server_pid.
start_herald() {
  local n=$1 port=$2
  mkdir -p "$BENCH_CACHE/$n/certs"
  HERALD_DB=$BENCH_CACHE/$n/bench.sqlite taskset -c 0 "$HERALD_BIN" serve --dns "127.0.0.1:$port" --https off \
    --no-refresh --self-signed --cert-dir "$BENCH_CACHE/$n/certs" --threads 1 --no-rrl --log-level warning $HERALD_ARGS \
    >"$work/herald.log" 2>&1 &
  server_pid=$!
}
start_nsd() {
  local n=$1 port=$2 d=$work/nsd
  rm -rf "$d"; mkdir -p "$d"
  {
    cat <<CONF
server:
  ip-address: 127.0.0.1@$port
  server-count: 1
  username: ""
  chroot: ""
  zonesdir: "$BENCH_CACHE/$n/zones"
  database: ""
  pidfile: "$d/nsd.pid"
  xfrdfile: "$d/xfrd.state"
  zonelistfile: "$d/zone.list"
  logfile: "$d/nsd.log"
  rrl-ratelimit: 0
  verbosity: 0
remote-control:
  control-enable: no
CONF
    for z in "$BENCH_CACHE/$n"/zones/*.zone; do
      printf 'zone:\n  name: "%s"\n  zonefile: "%s"\n' "$(basename "$z" .zone)" "$(basename "$z")"
    done
  } > "$d/nsd.conf"
  taskset -c 0 nsd -d -c "$d/nsd.conf" >"$d/stdout.log" 2>&1 &
  server_pid=$!
}
start_knot() {
  local n=$1 port=$2 d=$work/knot
  rm -rf "$d"; mkdir -p "$d/db"
  {
    cat <<CONF
server:
  rundir: "$d"
  pidfile: "$d/knot.pid"
  listen: 127.0.0.1@$port
  udp-workers: 1
  tcp-workers: 1
  background-workers: 1
database:
  storage: "$d/db"
log:
  - target: stderr
    any: error
template:
  - id: default
    storage: "$BENCH_CACHE/$n/zones"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
CONF
    for z in "$BENCH_CACHE/$n"/zones/*.zone; do
      printf '  - domain: %s\n    file: %s\n' "$(basename "$z" .zone)" "$(basename "$z")"
    done
  } > "$d/knot.conf"
  taskset -c 0 knotd -c "$d/knot.conf" >"$d/stdout.log" 2>&1 &
  server_pid=$!
}

# Empty-zone baseline: each server started on zones holding only the apexes (SOA, NS) and
# Herald on an inventory without customers, so that memory per customer is also given as the
# marginal (PSS(N) − PSS(0)) / N, free of each program's fixed size.
declare -A base_pss
measure_baselines() {
  local dir=$BENCH_CACHE/0 server port t0
  mkdir -p "$dir/certs"
  if [ ! -s "$dir/bench.sqlite" ]; then
    "$HERALD_BIN" init --db "$dir/bench.sqlite" --zone hosted.example.net --report-zone reports.example.net \
      --ns ns1.example.net --ns ns2.example.net --policy-address 192.0.2.1 >/dev/null
  fi
  rm -rf "$dir/zones"
  HERALD_DB=$dir/bench.sqlite "$HERALD_BIN" zone export --directory "$dir/zones" >/dev/null
  for server in $SERVERS; do
    port=$(free_port)
    t0=$(now_ns)
    "start_$server" 0 "$port"
    wait_answer "$t0" "$port" hosted.example.net SOA >/dev/null
    wait_idle "$server_pid" "$t0" >/dev/null
    base_pss[$server]=$(pss_kib "$server_pid")
    stop_pid "$server_pid"; server_pid=""
    log "  $server with no customers: PSS ${base_pss[$server]} KiB"
  done
}

# ---------------------------------------------------------------- runs
results=$work/results.tsv
: > "$results"
# Waits until the server has been idle (at most 1 clock tick of CPU per 0.5 s, twice in a row:
# done loading, compiling or rebuilding after its first answer); prints seconds since $2 (ns).
wait_idle() {
  local pid=$1 started=$2 before after quiet=0 deadline=$(( $(now_ns) + 1800000000000 ))
  before=$(cpu_ticks "$pid")
  while [ "$quiet" -lt 2 ]; do
    sleep 0.5
    after=$(cpu_ticks "$pid")
    if [ $((after - before)) -le 1 ]; then quiet=$((quiet + 1)); else quiet=0; fi
    before=$after
    [ "$(now_ns)" -lt "$deadline" ] || { log "server still busy after 1800 s"; break; }
  done
  python3 -c "print(f'{($(now_ns) - $started) / 1e9 - 1.0:.3f}')"
}

# start_one N SERVER: starts it alone, times start → first answer and start → idle (loading
# done), reads PSS once idle; keeps it running. Herald restarts from its snapshot image
# (<db>.image, written by every publication): when there is none yet (or FRESH_IMAGE=1) a
# priming start without it is timed first and reported as the cold start.
declare -A load_of pss_load_of settle_of cold_of
start_one() {
  local n=$1 server=$2 port t0 first
  if [ "$server" = herald ] && { [ "${FRESH_IMAGE:-0}" = 1 ] || [ ! -s "$BENCH_CACHE/$n/bench.sqlite.image" ]; }; then
    rm -f "$BENCH_CACHE/$n/bench.sqlite.image"
    port=$(free_port)
    t0=$(now_ns)
    start_herald "$n" "$port"
    first=$(wait_answer "$t0" "$port" "customer$((n / 2)).example._mta-sts.hosted.example.net")
    cold_of[$n]="first answer after $first s, idle after $(wait_idle "$server_pid" "$t0") s, PSS $(pss_kib "$server_pid") KiB"
    log "  herald cold start (no snapshot image): ${cold_of[$n]}"
    stop_pid "$server_pid"; server_pid=""
  fi
  port=$(free_port)
  t0=$(now_ns)
  "start_$server" "$n" "$port"
  load_of[$server]=$(wait_answer "$t0" "$port" "customer$((n / 2)).example._mta-sts.hosted.example.net")
  first=$(pss_kib "$server_pid")
  settle_of[$server]=$(wait_idle "$server_pid" "$t0")
  pss_load_of[$server]=$(pss_kib "$server_pid")
  pid_of[$server]=$server_pid
  port_of[$server]=$port
  server_pid=""
  log "  started $server (pid ${pid_of[$server]}, port $port): first answer after ${load_of[$server]} s (PSS $first KiB), idle after ${settle_of[$server]} s, PSS ${pss_load_of[$server]} KiB"
}

# run_one N TRANSPORT SERVER ROUND: one throughput run and one latency run; appends a row to $results.
run_one() {
  local n=$1 transport=$2 server=$3 round=$4 pid port c0 c1 pss_run out
  pid=${pid_of[$server]}
  port=${port_of[$server]}
  local clients=$UDP_CLIENTS outstanding=$UDP_OUTSTANDING
  if [ "$transport" = tcp ]; then clients=$TCP_CLIENTS; outstanding=$TCP_OUTSTANDING; fi
  c0=$(cpu_ticks "$pid")
  out=$(taskset -c 1 dnsperf -s 127.0.0.1 -p "$port" -m "$transport" -e -d "$BENCH_CACHE/$n/queries.txt" \
        -l "$DURATION" -c "$clients" -q "$outstanding" -t 2 2>&1) || { log "dnsperf failed: $out"; }
  c1=$(cpu_ticks "$pid")
  pss_run=$(pss_kib "$pid")
  local completed qps avg codes
  completed=$(awk '/Queries completed:/ {print $3; exit}' <<<"$out")
  qps=$(awk '/Queries per second:/ {print $4; exit}' <<<"$out")
  avg=$(awk '/Average Latency/ {print $4; exit}' <<<"$out")
  codes=$(awk -F': *' '/Response codes:/ {print $2; exit}' <<<"$out" | tr ' ' '_')
  # Latency percentiles at a fixed offered rate (same for every server), from -v lines.
  local lat p50 p99
  lat=$(taskset -c 1 dnsperf -s 127.0.0.1 -p "$port" -m "$transport" -e -d "$BENCH_CACHE/$n/queries.txt" \
        -l "$LAT_SECONDS" -Q "$LAT_QPS" -c "$clients" -q "$outstanding" -t 2 -v 2>/dev/null \
        | awk '$1 == ">" {print $NF}' | sort -g | awk '{v[NR] = $1} END {if (NR == 0) {print "- -"; exit}
            i50 = int(NR * 0.50); if (i50 < 1) i50 = 1; i99 = int(NR * 0.99); if (i99 < 1) i99 = 1; print v[i50], v[i99]}')
  read -r p50 p99 <<<"$lat"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$n" "$transport" "$server" "$round" "${qps:-0}" "${avg:-0}" "$p50" "$p99" "$((c1 - c0))" "${completed:-0}" \
    "${pss_load_of[$server]}" "$pss_run" "${load_of[$server]}" "$codes" "${settle_of[$server]}" >> "$results"
  log "$(printf '  %-4s %-6s round %s: %9.0f qps  avg %s s  p50 %s s  p99 %s s  cpu %d ticks  pss %d KiB  %s' \
    "$transport" "$server" "$round" "${qps:-0}" "${avg:-0}" "$p50" "$p99" "$((c1 - c0))" "$pss_run" "$codes")"
}

summarize() {
  local n=$1
  local bases=""
  for s in $SERVERS; do bases="$bases $s=${base_pss[$s]:-0}"; done
  python3 - "$results" "$n" "$clk_tck" "$SERVERS" "$LAT_QPS" "$bases" <<'PY'
import sys, statistics
path, n, tck, servers, lat_qps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split(), sys.argv[5]
base = {kv.split("=")[0]: int(kv.split("=")[1]) for kv in sys.argv[6].split()}
rows = [l.rstrip("\n").split("\t") for l in open(path) if l.strip()]
rows = [r for r in rows if int(r[0]) == n]
def med(xs): return statistics.median(xs) if xs else float("nan")
def num(x):
    try: return float(x)
    except ValueError: return float("nan")
summary = {}
for t in ["udp", "tcp"]:
    for s in servers:
        rs = [r for r in rows if r[1] == t and r[2] == s]
        if not rs: continue
        qps = med([num(r[4]) for r in rs])
        cpu = med([int(r[8]) / tck / max(1, int(r[9])) * 1e6 for r in rs])   # µs per completed query
        summary[(t, s)] = dict(
            qps=qps, avg=med([num(r[5]) * 1e3 for r in rs]), p50=med([num(r[6]) * 1e3 for r in rs]),
            p99=med([num(r[7]) * 1e3 for r in rs]), cpu=cpu,
            pss_load=med([int(r[10]) for r in rs]) / 1024, pss_run=med([int(r[11]) for r in rs]) / 1024,
            per_customer=med([int(r[10]) for r in rs]) * 1024 / n, load=med([num(r[12]) for r in rs]),
            settle=med([num(r[14]) for r in rs]),
            marginal=(med([int(r[10]) for r in rs]) - base.get(s, 0)) * 1024 / n,
            qps_all=" ".join(f"{num(r[4])/1000:.0f}k" for r in rs), codes=rs[-1][13].replace("_", " "))
print(f"\n=== {n} customers: medians of {max(len([r for r in rows if r[1]==t and r[2]==servers[0]]) for t in ['udp','tcp'])} rounds (CPU µs/q = server utime+stime ÷ queries completed; p50/p99 at {lat_qps} qps offered) ===")
hdr = f"{'transport':9} {'server':7} {'qps':>9} {'rounds':>17} {'avg ms':>7} {'p50 ms':>7} {'p99 ms':>7} {'CPU µs/q':>8} {'PSS idle MiB':>12} {'PSS run MiB':>11} {'B/customer':>10} {'load s':>7} {'idle s':>7}"
print(hdr)
for (t, s), v in summary.items():
    print(f"{t:9} {s:7} {v['qps']:9.0f} {v['qps_all']:>17} {v['avg']:7.3f} {v['p50']:7.3f} {v['p99']:7.3f} {v['cpu']:8.2f} {v['pss_load']:12.1f} {v['pss_run']:11.1f} {v['per_customer']:10.0f} {v['load']:7.3f} {v['settle']:7.3f}")
print("memory: PSS once idle after start; B/customer = PSS ÷ N; marginal = (PSS − PSS with no customers) ÷ N")
for s in servers:
    v = summary.get(("udp", s)) or summary.get(("tcp", s))
    if v: print(f"  {s:7} PSS {v['pss_load']:8.1f} MiB, with no customers {base.get(s, 0) / 1024:6.1f} MiB, {v['per_customer']:6.0f} B/customer, marginal {v['marginal']:6.0f} B/customer")
print("response codes (last round):")
for (t, s), v in summary.items():
    print(f"  {t} {s}: {v['codes']}")
if "herald" in servers:
    print("\nratios Herald/NSD, Herald/Knot:")
    for t in ["udp", "tcp"]:
        h = summary.get((t, "herald"))
        if not h: continue
        for peer in ["nsd", "knot"]:
            p = summary.get((t, peer))
            if not p: continue
            print(f"  {t} vs {peer:4}: qps {h['qps']/p['qps']:.2f}  CPU/q {h['cpu']/p['cpu']:.2f}  p99 {h['p99']/p['p99']:.2f}  avg {h['avg']/p['avg']:.2f}  memory {h['pss_load']/p['pss_load']:.2f}  load {h['load']/p['load']:.2f}")
    print("\ngoals:")
    for t in ["udp", "tcp"]:
        h = summary.get((t, "herald"))
        peers = [summary[(t, p)] for p in ["nsd", "knot"] if (t, p) in summary]
        if not h or not peers: continue
        best = max(p["qps"] for p in peers)
        print(f"  {t} qps ≥ 1.1 × better peer ({1.1*best:.0f}): {h['qps']:.0f} → {'MET' if h['qps'] >= 1.1*best else 'NOT MET'} ({h['qps']/best:.2f}×)")
        best_p99 = min(p["p99"] for p in peers)
        print(f"  {t} p99 latency no worse than peers (≤ {best_p99:.3f} ms, the better peer's, at {lat_qps} qps offered): {h['p99']:.3f} ms → {'MET' if h['p99'] <= best_p99 else 'NOT MET'}")
    h, nsd, knot = summary.get(("udp", "herald")), summary.get(("udp", "nsd")), summary.get(("udp", "knot"))
    if h and nsd:
        print(f"  UDP CPU/query ≤ 0.9 × NSD ({0.9*nsd['cpu']:.2f} µs): {h['cpu']:.2f} µs → {'MET' if h['cpu'] <= 0.9*nsd['cpu'] else 'NOT MET'}")
    if h and knot:
        print(f"  memory/customer below Knot ({knot['per_customer']:.0f} B, PSS ÷ N): {h['per_customer']:.0f} B → {'MET' if h['per_customer'] < knot['per_customer'] else 'NOT MET'}")
        if base.get("herald") and base.get("knot"):
            print(f"  marginal memory/customer below Knot's ({knot['marginal']:.0f} B): {h['marginal']:.0f} B → {'MET' if h['marginal'] < knot['marginal'] else 'NOT MET'}")
    if h and n >= 100000:
        print(f"  load of {n} customers ≤ 1 s: {h['load']:.3f} s → {'MET' if h['load'] <= 1 else 'NOT MET'}")
PY
}

log "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
start_load=$(cut -d' ' -f1-3 /proc/loadavg)
log "baselines (no customers):"
measure_baselines
for n in "${sizes[@]}"; do
  prepare "$n"
  log "== $n customers: $(wc -l < "$BENCH_CACHE/$n/queries.txt") queries in the file; zones: $(ls "$BENCH_CACHE/$n/zones" | tr '\n' ' ')"
  for server in $SERVERS; do start_one "$n" "$server"; done
  for transport in $TRANSPORTS; do
    for round in $(seq "$ROUNDS"); do
      for server in $SERVERS; do
        run_one "$n" "$transport" "$server" "$round"
      done
    done
  done
  stop_servers
  summarize "$n"
  [ -z "${cold_of[$n]:-}" ] || echo "herald cold start at $n customers (no snapshot image; built from the inventory): ${cold_of[$n]}"
done
echo
echo "herald $("$HERALD_BIN" --version 2>/dev/null || echo '?') ($HERALD_BIN); $(nsd -v 2>&1 | head -1); $(knotd --version); dnsperf $(dnsperf -h 2>&1 | awk '/^Version/ {print $2}')"
echo "date $(date -u +%FT%TZ); DURATION=$DURATION s ROUNDS=$ROUNDS UDP -c $UDP_CLIENTS -q $UDP_OUTSTANDING, TCP -c $TCP_CLIENTS -q $TCP_OUTSTANDING, latency at $LAT_QPS qps for $LAT_SECONDS s, EDNS on"
echo "load average at start: $start_load; at end: $(cut -d' ' -f1-3 /proc/loadavg)"
