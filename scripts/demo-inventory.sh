#!/usr/bin/env bash
# Creates the demo inventory (three customers) in a new database. Used by `make demo` and by the
# integration tests (golden zone, pyspf equivalence).
# Usage: scripts/demo-inventory.sh HERALD_BINARY DATABASE
set -euo pipefail
herald_bin=$1
export HERALD_DB=$2
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

