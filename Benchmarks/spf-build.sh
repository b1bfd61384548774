#!/usr/bin/env bash
# Issue 3 benchmark: build N customer domains (3–6 providers each from the ESP snapshot) against
# a local authoritative server (NSD) over real UDP; prints wall time, upstream queries, peak RSS.
# Usage: Benchmarks/spf-build.sh [DOMAINS]   (default 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
domains=${1:-10000}
command -v nsd >/dev/null || { apt-get update -qq && apt-get install -y -qq nsd >/dev/null; }
swift build ${BENCH_CONFIG:--c release} --product herald-bench >/dev/null
work=$(mktemp -d)
cleanup() {
  local pid; pid=$(cat "$work/nsd.pid" 2>/dev/null || true)
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done; fi
  rm -rf "$work"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
{ echo '. 300 SOA ns. hostmaster. 1 3600 600 86400 300'; echo '. 300 NS ns.'; echo 'ns. 300 A 127.0.0.1';
  grep -v '^\$TTL' Zones/esp-snapshot.zone; } > "$work/root.zone"
cat > "$work/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1@$port
  username: ""
  zonesdir: "$work"
  database: ""
  pidfile: "$work/nsd.pid"
  xfrdfile: "$work/xfrd.state"
  zonelistfile: "$work/zone.list"
  logfile: "$work/nsd.log"
  rrl-ratelimit: 0
  verbosity: 0
remote-control:
  control-enable: no
zone:
  name: "."
  zonefile: "root.zone"
CONF
nsd -c "$work/nsd.conf"
for _ in $(seq 100); do dig +short +time=1 +tries=1 @127.0.0.1 -p "$port" _spf.google.com TXT >/dev/null 2>&1 && break; sleep 0.1; done
echo "NSD 127.0.0.1:$port serving the ESP snapshot; building $domains domains"
$(swift build ${BENCH_CONFIG:--c release} --show-bin-path)/herald-bench --domains "$domains" --resolver "127.0.0.1:$port" --db "$work/bench.sqlite"
