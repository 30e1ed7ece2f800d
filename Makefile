# linli — every target does its own set-up on a fresh Debian machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
MONGO_VENV := .venv-mongo
MONGOECO_VERSION := 4.11.0
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: run test fuzz bench lint venv mongo-venv redis nginx browser clean help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.installed  ## create .venv with linli and its dev tools

# mongoeco (the MongoDB wire test server) needs Python >= 3.13, in a venv of its own.
$(MONGO_VENV)/.installed:
	@py313=""; \
	for candidate in python3.13 python3.14 $$HOME/.pyenv/versions/3.1[3-9]*/bin/python; do \
	  if "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 13))' 2>/dev/null; then \
	    py313=$$candidate; break; fi; \
	done; \
	if [ -z "$$py313" ]; then \
	  echo "!! No Python >= 3.13 found: the MongoDB backend tests will be SKIPPED (install python3.13 to run them)"; \
	else \
	  echo "mongoeco wire server: using $$py313"; \
	  "$$py313" -m venv $(MONGO_VENV) && \
	  $(MONGO_VENV)/bin/pip install --quiet 'mongoeco[wire]==$(MONGOECO_VERSION)' && touch $@; \
	fi

mongo-venv: $(MONGO_VENV)/.installed  ## create .venv-mongo with the mongoeco wire server

redis:  ## make sure redis-server is installed (tests start their own instances)
	@command -v redis-server >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	  else echo "!! redis-server missing: install it (apt-get install redis-server)"; exit 1; fi; }

nginx:  ## make sure nginx is installed (the deploy tests start their own, on loopback)
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null \
	    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	  else echo "!! nginx missing: install it (apt-get install nginx)"; exit 1; fi; }

# Browser tests drive Debian's chromium through Playwright (never `playwright install`); the
# CJK fonts make Chinese text render in screenshots instead of boxes.
browser:  ## make sure /usr/bin/chromium and CJK and emoji fonts are installed (browser tests)
	@missing=""; [ -x /usr/bin/chromium ] || missing="chromium"; \
	for pkg in fonts-noto-cjk fonts-noto-color-emoji; do \
	  dpkg -s $$pkg 2>/dev/null | grep -q '^Status: install ok installed' || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing$$missing for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -qq $$missing >/dev/null; \
	  else echo "!! browser tests need$$missing: run as root, or: sudo apt-get install$$missing"; \
	    exit 1; fi; fi

run: venv  ## start linli on SQLite with demo data (prints the address and log-ins)
	$(BIN)/linli serve --demo

test: venv mongo-venv redis nginx browser  ## run the whole test suite
	$(BIN)/pytest $(PYTEST_ARGS)

# The fuzz tests also run in `make test`, with a few examples each (profile "ci").
fuzz: venv  ## fuzz every REST route and Socket.IO event with many more examples
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest tests/fuzz --hypothesis-show-statistics $(PYTEST_ARGS)

bench: venv  ## fan-out benchmark: linli vs a bare python-socketio server
	$(BIN)/python -m bench.fanout $(BENCH_ARGS)

lint: venv  ## ruff, mypy and the layer contracts (import-linter, see pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:  ## remove virtual environments and caches (keeps ./data)
	rm -rf $(VENV) $(MONGO_VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
