#!/usr/bin/env bash
# The embedded demo: a fresh inventory of three customers, built against the ESP snapshot,
# served on 127.0.0.1:5353 (DNS, UDP+TCP) and 127.0.0.1:8443 (HTTPS MTA-STS policies).
# Usage: scripts/demo.sh HERALD_BINARY DEMO_DIR
set -euo pipefail
herald_bin=$(realpath "$1"); dir=$2
DNS=${HERALD_DEMO_DNS:-127.0.0.1:5353}
HTTPS=${HERALD_DEMO_HTTPS:-127.0.0.1:8443}
rm -rf "$dir"; mkdir -p "$dir"
export HERALD_DB="$dir/herald.sqlite"
h() { echo "+ herald $*"; "$herald_bin" "$@"; }

bash "$(dirname "$0")/demo-inventory.sh" "$herald_bin" "$HERALD_DB"
h build --offline-zone Zones/esp-snapshot.zone
h records example.org

dns_host=${DNS%:*}; dns_port=${DNS##*:}; https_port=${HTTPS##*:}
cat <<TXT

Herald demo is serving. In another terminal try:

  dig @$dns_host -p $dns_port example.org._dmarc.hosted.example.net TXT
  dig @$dns_host -p $dns_port shop.example._spf.hosted.example.net TXT
  dig @$dns_host -p $dns_port +tcp hosted.example.net SOA
  kdig @$dns_host -p $dns_port example.com._mta-sts.hosted.example.net TXT
  dig @$dns_host -p $dns_port _mta-sts.example.com TXT     # the customer's CNAME (Zones/static), chased into H
  HERALD_DB=$HERALD_DB $herald_bin certs status --cert-dir $dir/certs
  curl -k --resolve mta-sts.example.org:$https_port:$dns_host https://mta-sts.example.org:$https_port/.well-known/mta-sts.txt
  HERALD_DB=$HERALD_DB $herald_bin dmarc advance example.com --force --reason demo
  dig @$dns_host -p $dns_port example.com._dmarc.hosted.example.net TXT   # p=quarantine; t=y; pct=0 within 1 s

Press Ctrl-C to stop.
TXT
exec "$herald_bin" serve --dns "$DNS" --https "$HTTPS" --cert-dir "$dir/certs" --self-signed --offline-zone Zones/esp-snapshot.zone \
  --zones Zones/static
