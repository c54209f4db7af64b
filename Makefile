# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
# Three virtualenvs, each from its own hashed lock (make lock):
#   .venv-run     requirements.lock only: what `make run` and the container run, no dev tools
#   .venv         requirements.lock + requirements-dev.lock: tests, lint, type checks, e2e
#   .venv-checks  requirements-checks.lock: checkov and hadolint (checkov pins packaging<24)
RUN_VENV := .venv-run
VENV := .venv
CHECKS_VENV := .venv-checks
RUN_STAMP := $(RUN_VENV)/.installed
STAMP := $(VENV)/.installed
CHECKS_STAMP := $(CHECKS_VENV)/.installed
BIN := $(VENV)/bin
PIP_HASHED := -m pip install --quiet --require-hashes --no-deps
# Must never be importable in the runtime venv (issue 11): checked after every install.
# holidays and dateutil are test-only: they check domain/swedish_holidays.py.
DEV_ONLY := pytest mypy playwright ruff hypothesis checkov jsonschema holidays dateutil
CHECK_RUNTIME_VENV = $(RUN_VENV)/bin/python -c "import importlib.util as u, sys; \
  bad = [m for m in sys.argv[1:] if u.find_spec(m)]; sys.exit(f'dev tools in $(RUN_VENV): {bad}' if bad else 0)" \
  $(DEV_ONLY) && echo "$(RUN_VENV): runtime lock only (none of: $(DEV_ONLY))"

.PHONY: run test lint typecheck unit e2e playground bench bench-scale lock clean package deploy-check \
        hadolint checkov manifest check-runtime-venv

define make_venv
	@command -v $(PYTHON) >/dev/null || { echo "needs $(PYTHON) (python3.11)"; exit 1; }
	test -x $(1)/bin/python || $(PYTHON) -m venv $(1)
	$(1)/bin/python -m pip install --quiet --upgrade pip
endef

$(RUN_STAMP): requirements.lock
	$(call make_venv,$(RUN_VENV))
	$(RUN_VENV)/bin/python $(PIP_HASHED) -r requirements.lock
	$(CHECK_RUNTIME_VENV)
	touch $(RUN_STAMP)

$(STAMP): requirements.lock requirements-dev.lock
	$(call make_venv,$(VENV))
	$(BIN)/python $(PIP_HASHED) -r requirements.lock -r requirements-dev.lock
	touch $(STAMP)

$(CHECKS_STAMP): requirements-checks.lock
	$(call make_venv,$(CHECKS_VENV))
	$(CHECKS_VENV)/bin/python $(PIP_HASHED) -r requirements-checks.lock
	touch $(CHECKS_STAMP)

## make run — start the bot on 127.0.0.1:3978 with the embedded store and no credentials
run: $(RUN_STAMP)
	$(RUN_VENV)/bin/python bot.py

## the runtime venv holds the runtime lock and nothing else (also checked by `make test`)
check-runtime-venv: $(RUN_STAMP)
	$(CHECK_RUNTIME_VENV)

## make test — lint, type-check, the test suite and the deployment checks
test: $(STAMP) lint typecheck unit deploy-check check-runtime-venv

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy .

unit: $(STAMP) $(RUN_STAMP) $(CHECKS_STAMP) deployment/teams-app/node_modules
	@command -v redis-server >/dev/null || { echo "redis-server is missing: apt-get install redis-server"; exit 1; }
	$(BIN)/python -m pytest -q

## deployment checks, offline once installed: Dockerfile lint, IaC policies, the Teams manifest schema
deploy-check: hadolint checkov manifest

hadolint: $(CHECKS_STAMP)
	$(CHECKS_VENV)/bin/hadolint deployment/Dockerfile

checkov: $(CHECKS_STAMP)
	$(CHECKS_VENV)/bin/checkov --quiet --compact --skip-download --framework bicep dockerfile \
	  -d deployment --skip-path node_modules

manifest: $(STAMP) deployment/teams-app/node_modules
	$(BIN)/python scripts/teams_package.py --check

## make package — the Teams app zip (TEAMS_APP_ID and BOT_ID from the environment) in dist/
package: $(STAMP) deployment/teams-app/node_modules
	$(BIN)/python scripts/teams_package.py --out dist/skyddad-id-teams-app.zip

deployment/teams-app/node_modules: deployment/teams-app/package-lock.json
	cd deployment/teams-app && npm ci --no-audit --no-fund
	touch deployment/teams-app/node_modules

## make e2e — browser tests through the Microsoft 365 Agents Playground (Debian chromium)
e2e: $(STAMP) deployment/playground/node_modules
	$(BIN)/python -m pytest -q -m e2e tests/e2e

deployment/playground/node_modules: deployment/playground/package-lock.json
	cd deployment/playground && npm ci --no-audit --no-fund
	touch deployment/playground/node_modules

## make playground — the bot plus the local Teams client; open the printed URL
playground: $(STAMP) deployment/playground/node_modules
	bash scripts/playground.sh

## make bench — identity guard micro-benchmark, then the side-by-side turn benchmark (bench/README.md)
bench: $(STAMP)
	$(BIN)/python bench/bench_guard.py
	$(BIN)/python bench/bench_turns.py

## make bench-scale — sweep, idle poll, påminnelser, statistik and overview at 1k / 10k / 100k open cases,
## both stores (bench/README.md; ~10 minutes on 2 cores)
bench-scale: $(STAMP)
	$(BIN)/python bench/bench_scale.py

## make lock — re-resolve the three requirements*.in into hashed locks (pip-tools, in a scratch venv);
## pins that still satisfy the .in files are kept; `make lock UPGRADE=1` moves everything to the newest
LOCK_VENV := /tmp/skyddad-lock
LOCK_UPGRADE := $(if $(UPGRADE),--upgrade,)
lock:
	$(PYTHON) -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/pip install -q pip-tools
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe \
	  --strip-extras $(LOCK_UPGRADE) --output-file requirements.lock requirements.in
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe \
	  --strip-extras $(LOCK_UPGRADE) --output-file requirements-dev.lock requirements-dev.in
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe \
	  --strip-extras $(LOCK_UPGRADE) --output-file requirements-checks.lock requirements-checks.in
	rm -rf $(LOCK_VENV)

clean:
	rm -rf $(VENV) $(RUN_VENV) $(CHECKS_VENV) .mypy_cache .ruff_cache dist
