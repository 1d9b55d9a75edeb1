# Two commands on a fresh machine: `make demo` and `make test`. Everything else is set up on the way.
SHELL := /bin/bash
# The first Python 3.11+ on PATH, looked for once. Its errors are hidden: a pyenv shim for a
# version the current pyenv setting lacks exists on PATH, and says so at length when run.
ifndef PYTHON
PYTHON := $(shell for p in python3.13 python3.12 python3.11 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; \
	done)
endif
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEMO := build/demo
DEMO_BIN := $(DEMO)/.venv/bin
DEMO_NO_VENV := error: $(DEMO) has no .venv (its install failed): retry as kiln new said, \
	or rm -rf $(DEMO) and run make demo again

.PHONY: install test lint system-deps demo bench clean

$(INSTALLED): pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: kiln needs Python 3.11 or newer; install it, or run: make PYTHON=/path/to/python3.11" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(INSTALLED)

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# Debian packages the generated projects' tests use, each skipped (saying why) where it is missing:
# Chromium for the api template's docs-page test, pebble (a local ACME server) for the broker
# template's certificate tests. Installed only as root on Debian (CI); anywhere else this says how.
SYSTEM_PACKAGES := chromium pebble
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do command -v $$p >/dev/null || printf '%s ' $$p; done); \
	missing=$${missing% }; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && grep -qx 'ID=debian' /etc/os-release 2>/dev/null; then \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; } \
		|| echo "note: could not install $$missing; the tests that need it will be skipped"; \
	else echo "note: no $$missing; the tests that need it will be skipped (Debian: sudo apt-get install $$missing)"; fi

# The 15 slowest tests are listed after every run, so a new slow one shows at once.
test: lint system-deps
	$(BIN)/pytest -n 2 --dist loadgroup --durations=15

# kiln new installs the demo's .venv itself, with kiln from this checkout (editable, like ours).
demo: $(INSTALLED)
	@test -d $(DEMO) || $(BIN)/kiln new demo --directory $(DEMO) --no-input
	@test -x $(DEMO_BIN)/kiln || { echo "$(DEMO_NO_VENV)" >&2; exit 1; }
	cd $(DEMO) && .venv/bin/kiln db seed && exec .venv/bin/kiln serve

bench: $(INSTALLED)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	@test ! -x $(DEMO_BIN)/kiln || (cd $(DEMO) && .venv/bin/kiln db destroy --yes)
	rm -rf build $(VENV)
