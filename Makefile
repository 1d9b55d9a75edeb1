# Two commands on a fresh machine: `make demo` and `make test`. Everything else is set up on the way.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' && { echo $$p; break; }; \
	done)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEMO := build/demo
DEMO_BIN := $(DEMO)/.venv/bin

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

# Chromium, for the generated project's docs-page test (it skips without one). Installed only as
# root on Debian (CI); anywhere else this says how, and the test goes on without it.
system-deps:
	@if command -v chromium >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && grep -qx 'ID=debian' /etc/os-release 2>/dev/null; then \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
		|| echo "note: could not install chromium; the docs-page test will be skipped"; \
	else echo "note: no chromium; the docs-page test will be skipped (Debian: sudo apt-get install chromium)"; fi

test: lint system-deps
	$(BIN)/pytest -n 2 --dist loadgroup

demo: $(INSTALLED)
	@test -d $(DEMO) || $(BIN)/kiln new demo --directory $(DEMO) --no-input
	@test -x $(DEMO_BIN)/kiln || { \
		$(BIN)/python -m venv $(DEMO)/.venv && \
		$(DEMO_BIN)/python -m pip install --quiet --upgrade pip && \
		$(DEMO_BIN)/python -m pip install --quiet -e . -e '$(DEMO)[dev]'; }
	cd $(DEMO) && .venv/bin/kiln db seed && exec .venv/bin/kiln serve

bench: $(INSTALLED)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	@test ! -x $(DEMO_BIN)/kiln || (cd $(DEMO) && .venv/bin/kiln db destroy --yes)
	rm -rf build $(VENV)
