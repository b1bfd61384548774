#!/usr/bin/env bash
# Fuzz/run.sh SECONDS [libFuzzer flags…]
#
# Builds herald-fuzz with libFuzzer and AddressSanitizer (scratch path .build-fuzz, so the
# normal .build is untouched) and fuzzes the request path for SECONDS on a temporary copy of
# Fuzz/corpus plus Fuzz/regressions. Exits non-zero on any crash, leak, timeout or OOM; the
# input that caused it is written to Fuzz/regressions/ (replayed by DNSServerTests'
# FuzzRegressionTests from then on). Prints libFuzzer's final stats (runs, exec/s).
#
# HERALD_FUZZ_CONFIG=release|debug picks the build (default release: ~10x the exec/s of
# debug; both keep bounds checks and preconditions).
set -euo pipefail

seconds=${1:?usage: Fuzz/run.sh SECONDS [libFuzzer flags…]}
shift
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
config=${HERALD_FUZZ_CONFIG:-release}
cd "$root"

work=$(mktemp -d "${TMPDIR:-/tmp}/herald-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

if ! swift build --scratch-path .build-fuzz -c "$config" --product herald-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DHERALD_LIBFUZZER >"$work/build.log" 2>&1; then
  grep -v -e "Cannot export local symbol" -e "^\[" "$work/build.log" >&2
  echo "run.sh: building herald-fuzz failed" >&2
  exit 1
fi
grep -E "^Build of product" "$work/build.log" || true
binary=.build-fuzz/$config/herald-fuzz
mkdir -p "$work/corpus" Fuzz/regressions
cp Fuzz/corpus/* "$work/corpus/"
find Fuzz/regressions -type f ! -name README.md -exec cp {} "$work/corpus/" \;

# The Swift runtime's backtracer would hold the crash; let libFuzzer and ASan report it.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:symbolize=1}

status=0
"$binary" "$work/corpus" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=1024 \
  -dict=Fuzz/dns.dict -artifact_prefix=Fuzz/regressions/ -print_final_stats=1 "$@" \
  >"$work/log" 2>&1 || status=$?
grep -E "^(#[0-9]+ +DONE|Done|stat::|==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)" "$work/log" || true
if [ "$status" -ne 0 ]; then
  echo "run.sh: herald-fuzz failed (exit $status); last lines of its log:" >&2
  tail -n 60 "$work/log" >&2
  echo "run.sh: the crashing input is in Fuzz/regressions/; commit it with the fix." >&2
  exit "$status"
fi
echo "run.sh: no crash in ${seconds} s"
