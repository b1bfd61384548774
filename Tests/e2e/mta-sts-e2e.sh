#!/usr/bin/env bash
# End-to-end proof of MTA-STS hosting (issue 5), no internet:
#   pebble (ACME test CA) validates HTTP-01 through Herald's --http listener, resolving names
#   through Herald's own DNS responder; lego (driven by `herald serve --acme`) installs the
#   certificate; Herald then announces _mta-sts (field case C22) and a real MTA-STS client,
#   postfix-mta-sts-resolver's `mta-sts-query`, resolves _mta-sts.customer.test and fetches the
#   policy over HTTPS trusting only pebble's root.
# Everything runs in a private network namespace (ports 53/80/443 private to the test; its
# resolv.conf points at Herald). Needs root and netns support; skips with a message otherwise.
#
# Usage: Tests/e2e/mta-sts-e2e.sh [path/to/herald]   (default .build/debug/herald)
set -euo pipefail

HERALD=$(realpath "${1:-${HERALD:-.build/debug/herald}}")
NS="herald-e2e-$$"
WORK=$(mktemp -d /tmp/herald-e2e.XXXXXX)
H=hosted.herald.test
R=reports.herald.test
CUSTOMER=customer.test
SECOND=second.test
ELSEWHERE=elsewhere.test
PASS=0
FAIL=0
PIDS=()

say() { printf '%s\n' "e2e: $*"; }
skip() { say "SKIPPED: $*"; exit 0; }
die() {
  say "FAILED: $*"
  for log in herald.log pebble.log; do
    [ -f "$WORK/$log" ] && { say "---- last lines of $log"; tail -n 40 "$WORK/$log"; }
  done
  exit 1
}
check() {  # check "description" command...
  local what=$1; shift
  if "$@" >"$WORK/check.out" 2>&1; then PASS=$((PASS + 1)); say "ok   $what"
  else FAIL=$((FAIL + 1)); say "FAIL $what"; sed 's/^/       /' "$WORK/check.out" | tail -n 15; fi
}
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  # Anything else still running inside the namespace was started by this script.
  for pid in $(ip netns pids "$NS" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "/etc/netns/$NS"
  [ -n "${KEEP_E2E:-}" ] && say "kept $WORK" || rm -rf "$WORK"
}

[ "$(id -u)" = 0 ] || skip "needs root for a network namespace (run as root, as CI does)"
command -v ip >/dev/null || skip "iproute2 (ip) not installed"
for tool in lego pebble mta-sts-query curl dig openssl; do
  command -v "$tool" >/dev/null || die "$tool not installed (make deps installs it)"
done
[ -x "$HERALD" ] || die "no herald binary at $HERALD (swift build first)"
ip netns add "$NS" 2>/dev/null || skip "no network namespace support here (ip netns add failed)"
trap cleanup EXIT
ip -n "$NS" link set lo up
mkdir -p "/etc/netns/$NS"
echo "nameserver 127.0.0.1" >"/etc/netns/$NS/resolv.conf"
ns() { ip netns exec "$NS" "$@"; }
herald() { HERALD_DB="$WORK/herald.sqlite" "$HERALD" "$@"; }

# wait_for SECONDS "what" command... — polls every 0.2 s.
wait_for() {
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "$what did not happen within ${seconds}s"
    sleep 0.2
  done
}

# ---- the inventory: H, R, one customer pointing at us, one pointing elsewhere
say "work directory $WORK, namespace $NS"
herald init --zone $H --report-zone $R --ns ns1.$H --policy-address 127.0.0.1 >/dev/null
for d in $CUSTOMER $SECOND $ELSEWHERE; do
  herald domain add $d >/dev/null
  herald mta-sts set $d --mode enforce --mx "mail.$d" --mx "*.mx.$d" >/dev/null
done

# ---- the customers' own zones, served as static zones by Herald
mkdir -p "$WORK/zones" "$WORK/certs"
cat >"$WORK/zones/$CUSTOMER.zone" <<ZONE
\$ORIGIN $CUSTOMER.
\$TTL 300
@            SOA   ns1.$H. hostmaster.$CUSTOMER. 2026112901 3600 600 1209600 300
@            NS    ns1.$H.
@            MX    10 mail.$CUSTOMER.
mail         A     127.0.0.1
_mta-sts     CNAME $CUSTOMER._mta-sts.$H.
mta-sts      CNAME mta-sts.$H.
_smtp._tls   CNAME $CUSTOMER._smtp._tls.$H.
_dmarc       CNAME $CUSTOMER._dmarc.$H.
ZONE
cat >"$WORK/zones/$SECOND.zone" <<ZONE
\$ORIGIN $SECOND.
\$TTL 300
@            SOA   ns1.$H. hostmaster.$SECOND. 1 3600 600 1209600 300
@            NS    ns1.$H.
@            MX    10 mail.$SECOND.
_mta-sts     CNAME $SECOND._mta-sts.$H.
mta-sts      CNAME mta-sts.$H.
ZONE
cat >"$WORK/zones/$ELSEWHERE.zone" <<ZONE
\$ORIGIN $ELSEWHERE.
\$TTL 300
@            SOA   ns1.$H. hostmaster.$ELSEWHERE. 1 3600 600 1209600 300
@            NS    ns1.$H.
@            MX    10 mail.$ELSEWHERE.
_mta-sts     CNAME $ELSEWHERE._mta-sts.$H.
; the customer's web host, not ours (TEST-NET-1, never contacted: checked before any ACME request)
mta-sts      A     192.0.2.80
ZONE

# ---- pebble: its HTTPS certificate (a throwaway CA), config, start
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=herald e2e pebble-https CA" \
  -keyout "$WORK/https-ca.key" -out "$WORK/https-ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
  -keyout "$WORK/pebble.key" -out "$WORK/pebble.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$WORK/pebble.ext"
openssl x509 -req -in "$WORK/pebble.csr" -CA "$WORK/https-ca.pem" -CAkey "$WORK/https-ca.key" -CAcreateserial \
  -days 2 -extfile "$WORK/pebble.ext" -out "$WORK/pebble.pem" 2>/dev/null
cat >"$WORK/pebble.json" <<JSON
{"pebble": {"listenAddress": "127.0.0.1:14000", "managementListenAddress": "127.0.0.1:15000",
  "certificate": "$WORK/pebble.pem", "privateKey": "$WORK/pebble.key",
  "httpPort": 80, "tlsPort": 5001, "ocspResponderURL": "", "externalAccountBindingRequired": false}}
JSON
# `ip netns exec` execs the command, so $! is the server's own pid (a shell function would not be).
ip netns exec "$NS" env PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 pebble -config "$WORK/pebble.json" \
  -dnsserver 127.0.0.1:53 >"$WORK/pebble.log" 2>&1 &
PIDS+=($!)
wait_for 30 "pebble listening" ns curl -sf --cacert "$WORK/https-ca.pem" https://127.0.0.1:14000/dir
ns curl -sf --cacert "$WORK/https-ca.pem" https://127.0.0.1:15000/roots/0 >"$WORK/pebble-root.pem" \
  || die "could not fetch pebble's root from its management interface"
grep -q "BEGIN CERTIFICATE" "$WORK/pebble-root.pem" || die "pebble's root is not a PEM certificate"
say "pebble up; issuing root: $(openssl x509 -in "$WORK/pebble-root.pem" -noout -subject)"

# ---- Herald: DNS :53, HTTPS :443, HTTP-01 :80, static zones, ACME against pebble
ip netns exec "$NS" "$HERALD" serve --db "$WORK/herald.sqlite" --dns 127.0.0.1:53 --https 127.0.0.1:443 --http 127.0.0.1:80 \
  --cert-dir "$WORK/certs" --zones "$WORK/zones" --no-refresh --resolver 127.0.0.1 \
  --acme --acme-directory https://127.0.0.1:14000/dir --acme-ca-bundle "$WORK/https-ca.pem" \
  --acme-email hostmaster@$H --ready-file "$WORK/ready.json" >"$WORK/herald.log" 2>&1 &
PIDS+=($!)
wait_for 60 "herald listening" test -s "$WORK/ready.json"

# C22: before the certificate, no announcement.
dig_short() { ns dig @127.0.0.1 +norec +short "$@"; }
say "waiting for lego to obtain mta-sts.$CUSTOMER through pebble"
wait_for 120 "certificate for mta-sts.$CUSTOMER installed" test -s "$WORK/certs/mta-sts.$CUSTOMER.crt"
wait_for 60 "certificate for mta-sts.$SECOND installed" test -s "$WORK/certs/mta-sts.$SECOND.crt"
wait_for 10 "_mta-sts.$CUSTOMER announced after the certificate" bash -c \
  "ip netns exec $NS dig @127.0.0.1 +norec +short _mta-sts.$CUSTOMER TXT | grep -q STSv1"

# ---- checks
txt=$(dig_short "_mta-sts.$CUSTOMER" TXT | grep STSv1 | tr -d '"')
dns_id=${txt##*id=}
records_id=$(herald records $CUSTOMER | sed -n "s/.*$CUSTOMER._mta-sts.$H.*\"v=STSv1; id=\([A-Za-z0-9]*\)\".*/\1/p")
check "certificate issued by pebble for mta-sts.$CUSTOMER (SAN exactly the host)" bash -c \
  "openssl x509 -in '$WORK/certs/mta-sts.$CUSTOMER.crt' -noout -issuer -ext subjectAltName | tee /dev/stderr | grep -q 'DNS:mta-sts.$CUSTOMER\$'"
check "certificate chains to pebble's root only" \
  openssl verify -CAfile "$WORK/pebble-root.pem" -untrusted "$WORK/certs/mta-sts.$CUSTOMER.crt" "$WORK/certs/mta-sts.$CUSTOMER.crt"
check "_mta-sts.$CUSTOMER TXT via the customer's CNAME carries the id herald records shows ($records_id)" \
  test -n "$dns_id" -a "$dns_id" = "$records_id"
check "static zone served authoritatively (MX of $CUSTOMER)" bash -c \
  "ip netns exec $NS dig @127.0.0.1 +norec $CUSTOMER MX | grep -E 'flags: qr aa' && ip netns exec $NS dig @127.0.0.1 +norec +short $CUSTOMER MX | grep -q 'mail.$CUSTOMER'"
check "C22: $ELSEWHERE (mta-sts not pointing at us) is not announced" bash -c \
  "! ip netns exec $NS dig @127.0.0.1 +norec +short _mta-sts.$ELSEWHERE TXT | grep -q STSv1"
check "certs status: issuer/expiry for $CUSTOMER, 'not pointing at us' for $ELSEWHERE" bash -c \
  "HERALD_DB='$WORK/herald.sqlite' '$HERALD' certs status --cert-dir '$WORK/certs' | tee /dev/stderr | grep 'mta-sts.$CUSTOMER' | grep -q Pebble && HERALD_DB='$WORK/herald.sqlite' '$HERALD' certs status --cert-dir '$WORK/certs' | grep 'mta-sts.$ELSEWHERE' | grep -q 'not pointing at us'"
check "no ACME request was made for $ELSEWHERE" bash -c "! grep -q 'mta-sts.$ELSEWHERE' '$WORK/pebble.log'"

# The real MTA-STS client: DNS through resolv.conf (Herald), HTTPS trusting only pebble's root.
ns env SSL_CERT_FILE="$WORK/pebble-root.pem" SSL_CERT_DIR=/nonexistent mta-sts-query $CUSTOMER >"$WORK/query.out" 2>&1 || true
say "mta-sts-query $CUSTOMER: $(cat "$WORK/query.out")"
check "mta-sts-query: VALID policy with Herald's id, mode and mx patterns" bash -c \
  "grep -q \"STSFetchResult.VALID\" '$WORK/query.out' && grep -q \"'$dns_id'\" '$WORK/query.out' && grep -q \"'mode': 'enforce'\" '$WORK/query.out' && grep -q \"'mx': \[.*'mail.$CUSTOMER'\" '$WORK/query.out' && grep -q \"'\*.mx.$CUSTOMER'\" '$WORK/query.out' && grep -q \"'max_age': 604800\" '$WORK/query.out'"
ns env SSL_CERT_FILE="$WORK/https-ca.pem" SSL_CERT_DIR=/nonexistent mta-sts-query $CUSTOMER >"$WORK/query-wrong-ca.out" 2>&1 || true
check "mta-sts-query trusting another CA gets no policy (the chain really is pebble's)" \
  grep -q "FETCH_ERROR" "$WORK/query-wrong-ca.out"
ns mta-sts-query $ELSEWHERE >"$WORK/query-elsewhere.out" 2>&1 || true
check "mta-sts-query $ELSEWHERE: no policy announced" grep -q "STSFetchResult.NONE" "$WORK/query-elsewhere.out"

url="https://mta-sts.$CUSTOMER/.well-known/mta-sts.txt"
ns curl -sS --fail --cacert "$WORK/pebble-root.pem" -D "$WORK/get.headers" -o "$WORK/policy.txt" "$url" \
  || die "curl --cacert pebble-root $url failed"
check "curl --cacert pebble-root: 200, text/plain, CRLF body with version first" bash -c \
  "head -1 '$WORK/get.headers' | grep -q ' 200' && grep -qi '^content-type: text/plain' '$WORK/get.headers' && head -c 15 '$WORK/policy.txt' | grep -q 'version: STSv1' && grep -q \$'mode: enforce\r' '$WORK/policy.txt'"
check "curl --cacert pebble-root succeeds for every hosted domain that points at us, each with its own certificate" bash -c \
  "for d in $CUSTOMER $SECOND; do
     ip netns exec $NS curl -sS --fail --cacert '$WORK/pebble-root.pem' https://mta-sts.\$d/.well-known/mta-sts.txt | grep -q \"mx: mail.\$d\" || exit 1
     echo | ip netns exec $NS openssl s_client -connect 127.0.0.1:443 -servername mta-sts.\$d 2>/dev/null | openssl x509 -noout -ext subjectAltName | grep -q \"DNS:mta-sts.\$d\$\" || exit 1
   done"
check "HEAD: 200 with the body's Content-Length, no body" bash -c \
  "ip netns exec $NS curl -sS --cacert '$WORK/pebble-root.pem' -I '$url' -o '$WORK/head.out' && head -1 '$WORK/head.out' | grep -q ' 200' && grep -qi \"^content-length: \$(wc -c <'$WORK/policy.txt')\" '$WORK/head.out'"
check "no redirects anywhere (HTTPS policy path, unknown path, plain HTTP)" bash -c \
  "for u in '$url' 'https://mta-sts.$CUSTOMER/' 'http://mta-sts.$CUSTOMER/.well-known/mta-sts.txt' 'http://mta-sts.$CUSTOMER/'; do
     code=\$(ip netns exec $NS curl -s --cacert '$WORK/pebble-root.pem' -o /dev/null -w '%{http_code} %{redirect_url}' \"\$u\");
     echo \"\$u -> \$code\"; case \"\$code\" in 3*|*' http'*) exit 1;; esac; done"
check "unknown Host over a valid TLS session → 404, never another customer's policy" bash -c \
  "out=\$(ip netns exec $NS curl -s --cacert '$WORK/pebble-root.pem' -H 'Host: mta-sts.unknown.test' -w '%{http_code}' '$url'); echo \"\$out\"; case \"\$out\" in *404) ! echo \"\$out\" | grep -q STSv1;; *) exit 1;; esac"
check "wrong SNI ($ELSEWHERE, no certificate): handshake fails, no customer certificate offered" bash -c \
  "! ip netns exec $NS curl -s --cacert '$WORK/pebble-root.pem' -o /dev/null 'https://mta-sts.$ELSEWHERE/.well-known/mta-sts.txt' --resolve mta-sts.$ELSEWHERE:443:127.0.0.1 &&
   ! (echo | ip netns exec $NS openssl s_client -connect 127.0.0.1:443 -servername mta-sts.$ELSEWHERE 2>&1 | grep -Eq 'mta-sts.($CUSTOMER|$SECOND)') &&
   ! (echo | ip netns exec $NS openssl s_client -connect 127.0.0.1:443 -noservername 2>&1 | grep -Eq 'mta-sts.($CUSTOMER|$SECOND)')"
check "HTTP-01 listener: path traversal and other paths → 404" bash -c \
  "for p in /.well-known/acme-challenge/..%2F..%2Fherald.sqlite /.well-known/acme-challenge/x.y /.well-known/acme-challenge/missing /; do
     c=\$(ip netns exec $NS curl -s --path-as-is -o /dev/null -w '%{http_code}' \"http://127.0.0.1:80\$p\"); echo \"\$p -> \$c\"; [ \"\$c\" = 404 ] || exit 1; done"
check "herald certs renew: nothing due (certificate current), no new request" bash -c \
  "ip netns exec $NS env HERALD_DB='$WORK/herald.sqlite' '$HERALD' certs renew $CUSTOMER --cert-dir '$WORK/certs' --acme-directory https://127.0.0.1:14000/dir --acme-ca-bundle '$WORK/https-ca.pem' --resolver 127.0.0.1 | tee /dev/stderr | grep -q 'mta-sts.$CUSTOMER: current'"

# Static zone reload: a change to the customer's zone file is served without a restart.
sed -i "s/2026112901/2026112902/; s/^mail .*/mail A 127.0.0.1\nwww A 127.0.0.1/" "$WORK/zones/$CUSTOMER.zone"
check "static zone file change served without restart (mtime poll)" bash -c \
  "for i in \$(seq 50); do ip netns exec $NS dig @127.0.0.1 +norec +short www.$CUSTOMER A | grep -q 127.0.0.1 && exit 0; sleep 0.2; done; exit 1"
say "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ] || die "$FAIL check(s) failed"
