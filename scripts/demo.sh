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

h init --zone hosted.example.net --report-zone reports.example.net \
  --ns ns1.hosted.example.net --ns ns2.hosted.example.net --policy-address 127.0.0.1

h domain add example.com
for s in google-workspace sendgrid mailchimp; do h sender approve example.com "$s"; done
h mta-sts set example.com --mode testing --mx mail.example.com

h domain add example.org
for s in microsoft-365 amazon-ses zendesk; do h sender approve example.org "$s"; done
h range add example.org 192.0.2.0/24 --note "office outbound relay"
h dmarc set example.org quarantine-test --force --reason "demo: start enforcement test"
h mta-sts set example.org --mode enforce --mx '*.mail.protection.outlook.com'

h domain add shop.example
for s in google-workspace mailgun postmark marketo brevo salesforce amazon-ses; do h sender approve shop.example "$s"; done
h dmarc set shop.example reject --force --reason "demo: fully enforced"

h build --offline-zone Zones/esp-snapshot.zone
h records example.org

dns_host=${DNS%:*}; dns_port=${DNS##*:}; https_port=${HTTPS##*:}
cat <<TXT

Herald demo is serving. In another terminal try:

  dig @$dns_host -p $dns_port example.org._dmarc.hosted.example.net TXT
  dig @$dns_host -p $dns_port shop.example._spf.hosted.example.net TXT
  dig @$dns_host -p $dns_port +tcp hosted.example.net SOA
  kdig @$dns_host -p $dns_port example.com._mta-sts.hosted.example.net TXT
  curl -k --resolve mta-sts.example.org:$https_port:$dns_host https://mta-sts.example.org:$https_port/.well-known/mta-sts.txt
  HERALD_DB=$HERALD_DB $herald_bin dmarc advance example.com --force --reason demo
  dig @$dns_host -p $dns_port example.com._dmarc.hosted.example.net TXT   # p=quarantine; t=y; pct=0 within 1 s

Press Ctrl-C to stop.
TXT
exec "$herald_bin" serve --dns "$DNS" --https "$HTTPS" --cert-dir "$dir/certs"
