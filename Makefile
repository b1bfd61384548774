# Herald — two commands matter: `make demo` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := libldns-dev libsqlite3-dev zlib1g-dev libxml2-dev bind9-dnsutils knot-dnsutils nsd ldnsutils curl openssl \
	lego pebble iproute2
PY_PACKAGES := pyspf dnspython
DEMO_DIR := demo
DEMO_DB := $(DEMO_DIR)/herald.sqlite
HERALD_RELEASE := .build/release/herald
# Seconds of libFuzzer on the request path at the end of `make test`, and for `make fuzz`.
TEST_FUZZ_SECONDS ?= 30
FUZZ_SECONDS ?= 600

.PHONY: deps build release test demo demo-db clean fuzz

# Installs what a bare Debian machine lacks (apt needs root; CI and dev machines run as root).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
	@python3 -c "import spf, dns.resolver" 2>/dev/null || python3 -m pip install -q $(PY_PACKAGES) \
	  || python3 -m pip install -q --break-system-packages $(PY_PACKAGES)
	@command -v mta-sts-query >/dev/null 2>&1 || python3 -m pip install -q postfix-mta-sts-resolver \
	  || python3 -m pip install -q --break-system-packages postfix-mta-sts-resolver

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Unit, integration (real sockets on port 0, dig/kdig, libldns decoder), golden zone,
# nsd-checkzone and pyspf equivalence tests, the MTA-STS end-to-end proof (pebble, lego and
# mta-sts-query in a network namespace; Tests/e2e), then a bounded libFuzzer run over the request
# path (Fuzz/run.sh; fails on any crash). No internet needed.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	bash Tests/e2e/mta-sts-e2e.sh $$($(SWIFT) build --show-bin-path)/herald
	bash Fuzz/run.sh $(TEST_FUZZ_SECONDS)

# A longer fuzz session (FUZZ_SECONDS, default 10 minutes); crashers land in Fuzz/regressions/.
fuzz:
	bash Fuzz/run.sh $(FUZZ_SECONDS)

# Builds the demo inventory from scratch and serves DNS on 127.0.0.1:5353, HTTPS on 127.0.0.1:8443.
demo: release
	@bash scripts/demo.sh $(HERALD_RELEASE) $(DEMO_DIR)

clean:
	rm -rf .build $(DEMO_DIR)
