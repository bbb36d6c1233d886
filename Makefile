# KotaCerdas — `make run` to try it, `make test` to check it.
# Only Python 3.11+, git and make are needed: scripts/uv uses the uv on PATH
# or installs one into .tools/ (see docs/operations.md).

UV ?= scripts/uv
# The project's console script, inside the environment uv keeps in .venv/.
KOTACERDAS = $(UV) run --frozen --no-sync kotacerdas
# Extra pytest arguments: make test ARGS="-k figures -x"
ARGS ?=
# pytest-xdist workers for make test: one per CPU core, each given whole test
# files (their module fixtures are built once). JOBS=0 runs in this process
# (for --pdb), as does a run of named tests: make test ARGS=tests/...::test_x
JOBS ?= $(if $(findstring ::,$(ARGS)),0,auto)
# Compiled bytecode of everything the suite imports (Django and the other
# libraries, src, the tests as pytest rewrites them) is kept under var/pycache
# and reused by every process of a run: the xdist workers and the many Python
# processes the tests start. With PYTHONDONTWRITEBYTECODE (CI sets it) each of
# them compiled it all again: half the CPU of starting a process. The prefix
# keeps the tree free of __pycache__ folders, which the variable was for.
PYCACHE ?= $(CURDIR)/var/pycache

.DEFAULT_GOAL := help
.PHONY: help run install install-dev test lint format clean

help: ## Daftar perintah / list the targets
	@echo "KotaCerdas"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

run: install ## Siapkan demo Kota Dumai dan jalankan (web + pekerja latar) di http://127.0.0.1:8000 / set up the demo and serve it (web + worker)
	$(KOTACERDAS) migrate --noinput
	$(KOTACERDAS) demo
	$(KOTACERDAS) collectstatic --noinput --verbosity 0
	$(KOTACERDAS) serve

install: ## Pasang dependensi aplikasi dari uv.lock / install the runtime dependencies
	$(UV) sync --frozen --no-dev --inexact

install-dev: ## Pasang dependensi aplikasi + pengembangan / install runtime and dev dependencies
	$(UV) sync --frozen

test: install-dev ## Jalankan seluruh uji (DATABASE_URL dihormati) / run the whole suite
	scripts/ensure-chromium
	scripts/ensure-redis
	env -u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX=$(PYCACHE) \
		$(UV) run --frozen --no-sync pytest -n $(JOBS) --dist loadfile $(ARGS)

lint: install-dev ## ruff check, ruff format --check, mypy src
	@status=0; \
	$(UV) run --frozen --no-sync ruff check || status=1; \
	$(UV) run --frozen --no-sync ruff format --check || status=1; \
	$(UV) run --frozen --no-sync mypy src || status=1; \
	exit $$status

format: install-dev ## Rapikan kode (ruff) / fix imports and format the code
	$(UV) run --frozen --no-sync ruff check --fix --exit-zero
	$(UV) run --frozen --no-sync ruff format

clean: ## Hapus cache dan berkas hasil (basis data di var/ tetap) / remove caches, keep the database
	rm -rf .mypy_cache .ruff_cache .pytest_cache .hypothesis build dist var/static var/test-artifacts var/pycache
	find src tests -name __pycache__ -type d -prune -exec rm -rf {} +
