#!/usr/bin/env bash
# Issue 6 benchmark: `herald reports ingest` on FILES generated aggregate report files (default
# 10000: about 50 % .xml, 30 % .xml.gz, 20 % .zip, 4–24 rows each, for 20 customer domains,
# plus 10 duplicates and 5 malformed files), into a fresh inventory. Prints the command's own
# closing lines, the wall time and the peak RSS (GNU time -v).
#
# Usage: Benchmarks/reports-ingest.sh [FILES]
# Environment:
#   HERALD_BIN   a herald binary to use instead of building one
#   BENCH_CONFIG [release]  release or debug: which `swift build` configuration to use (the
#                output says which one ran)
# Needs python3 (report generation) and /usr/bin/time; no network, no ports.
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-10000}
config=${BENCH_CONFIG:-release}
if [ -n "${HERALD_BIN:-}" ]; then
  herald=$HERALD_BIN
  echo "binary: $herald (given)"
else
  swift build -c "$config" --product herald >/dev/null
  herald="$(swift build -c "$config" --show-bin-path)/herald"
  echo "binary: $herald ($config build)"
fi
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HERALD_DB="$work/herald.sqlite" HERALD_ACTOR=bench
"$herald" init --zone hosted.example.net --report-zone reports.example.net --ns ns1.hosted.example.net \
  --policy-address 192.0.2.80 >/dev/null
for i in $(seq 1 20); do "$herald" domain add "customer$i.example" >/dev/null; done

python3 - "$work/reports" "$files" <<'PY'
import gzip, io, os, random, sys, zipfile
out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(out)
rng = random.Random(6)
orgs = ["google.com", "Enterprise Outlook", "Yahoo", "Mimecast", "example.net"]
def report(i, org):
    domain = f"customer{i % 20 + 1}.example"
    begin = 1767225600 + (i // 20) * 86400
    ns = ' xmlns="urn:ietf:params:xml:ns:dmarc-2.0"' if i % 3 == 0 else ""
    rows = []
    for r in range(rng.randint(4, 24)):
        ip = f"192.0.2.{rng.randint(1, 254)}" if r % 2 else f"198.51.100.{rng.randint(1, 254)}"
        ok = rng.random() < 0.9
        rows.append(f"<record><row><source_ip>{ip}</source_ip><count>{rng.randint(1, 500)}</count><policy_evaluated>"
                    f"<disposition>none</disposition><dkim>{'pass' if ok else 'fail'}</dkim><spf>{'pass' if ok else 'fail'}</spf>"
                    f"</policy_evaluated></row><identifiers><header_from>{domain}</header_from></identifiers><auth_results>"
                    f"<dkim><domain>{domain}</domain><result>{'pass' if ok else 'fail'}</result></dkim>"
                    f"<spf><domain>{domain}</domain><result>pass</result></spf></auth_results></record>")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<feedback{ns}><report_metadata><org_name>{org}</org_name>'
            f"<email>dmarc@example.net</email><report_id>bench-{i}</report_id><date_range><begin>{begin}</begin>"
            f"<end>{begin + 86399}</end></date_range></report_metadata><policy_published><domain>{domain}</domain>"
            f"<adkim>r</adkim><aspf>r</aspf><p>none</p><pct>100</pct></policy_published>{''.join(rows)}</feedback>\n").encode()
for i in range(n):
    org = orgs[i % len(orgs)]
    data = report(i, org)
    base = f"{out}/{i // 1000:02d}/{org.replace(' ', '_')}!customer{i % 20 + 1}.example!{i}"
    os.makedirs(os.path.dirname(base), exist_ok=True)
    kind = i % 10
    if kind < 5:
        open(base + ".xml", "wb").write(data)
    elif kind < 8:
        open(base + ".xml.gz", "wb").write(gzip.compress(data, mtime=0))
    else:
        with zipfile.ZipFile(base + ".zip", "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(os.path.basename(base) + ".xml", data)
for i in range(10):      # duplicates of stored reports
    open(f"{out}/dup-{i}.xml", "wb").write(report(i * 7, orgs[(i * 7) % len(orgs)]))
for i in range(5):       # malformed
    open(f"{out}/bad-{i}.xml", "wb").write(report(100000 + i, "google.com")[:300])
PY
echo "generated: $(find "$work/reports" -type f | wc -l) files, $(du -sh "$work/reports" | cut -f1)"
set +e
/usr/bin/time -v -o "$work/time.txt" "$herald" reports ingest "$work/reports" 2>"$work/stderr.txt" >"$work/stdout.txt"
status=$?
set -e
tail -n 1 "$work/stderr.txt" | tr '\r' '\n' | tail -n 1
grep -v '^rejected' "$work/stdout.txt"
grep -c '^rejected' "$work/stdout.txt" | sed 's/^/rejected lines: /'
echo "exit status: $status (2 = some files refused, as expected with the 5 malformed ones)"
awk -F': ' '/Elapsed \(wall clock\)/ {print "wall time: " $2} /Maximum resident set size/ {printf "peak RSS: %.1f MiB\n", $2/1024}' "$work/time.txt"
