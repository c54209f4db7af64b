# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit e2e playground bench lock clean

$(STAMP): requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "needs $(PYTHON) (python3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $(STAMP)

## make run — start the bot on 127.0.0.1:3978 with the embedded store and no credentials
run: $(STAMP)
	$(BIN)/python bot.py

## make test — lint, type-check and the whole test suite (Redis contract tests start their own redis-server)
test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy .

unit: $(STAMP)
	@command -v redis-server >/dev/null || { echo "redis-server is missing: apt-get install redis-server"; exit 1; }
	$(BIN)/python -m pytest -q

## make e2e — browser tests through the Microsoft 365 Agents Playground (Debian chromium)
e2e: $(STAMP) deployment/playground/node_modules
	$(BIN)/python -m pytest -q -m e2e tests/e2e

deployment/playground/node_modules: deployment/playground/package-lock.json
	cd deployment/playground && npm ci --no-audit --no-fund
	touch deployment/playground/node_modules

## make playground — the bot plus the local Teams client; open the printed URL
playground: $(STAMP) deployment/playground/node_modules
	bash scripts/playground.sh

bench: $(STAMP)
	$(BIN)/python bench/bench_guard.py

## make lock — re-resolve requirements*.in into requirements.lock
lock:
	$(PYTHON) -m venv /tmp/skyddad-lock && /tmp/skyddad-lock/bin/pip install -q -r requirements-dev.in \
	  && /tmp/skyddad-lock/bin/pip freeze --exclude pip > requirements.lock && rm -rf /tmp/skyddad-lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
