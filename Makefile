# MEL ESS — Entreprendre Autrement.
#
#   make demo   → installs into .venv, loads reference + demo data, serves http://127.0.0.1:8000
#                 (SQLite under var/, no database server or broker needed)
#   make test   → installs into .venv, runs pytest (SQLite; PostgreSQL when DATABASE_URL is set)
#
# Install is incremental: it re-runs only when pyproject.toml or the constraints change.
# L'installation est incrémentale : elle ne se refait que si pyproject.toml ou le verrou change.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        ?= .venv
VENV_PY     := $(VENV)/bin/python
STAMP       := $(VENV)/.install-stamp
CONSTRAINTS := requirements/constraints.txt
MANAGE      := $(VENV_PY) manage.py
# Interpreters tried in order; override with `make PYTHON=/path/to/python3.12 demo`.
PYTHON      ?=
PYTHON_CANDIDATES := $(if $(PYTHON),$(PYTHON),python3.13 python3.12 python3.11 python3)
PYTEST_ARGS ?=

.PHONY: help install demo test lint typecheck check worker beat lock mailsink bench bench-quick

help: ## List the targets / Liste des cibles
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# --- Virtual environment and install ---------------------------------------------------------

$(VENV_PY):
	@py=""; tried=""; \
	for c in $(PYTHON_CANDIDATES); do \
	  v="$$("$$c" -c 'import platform; print(platform.python_version())' 2>/dev/null)" || v=""; \
	  tried="$$tried $$c=$${v:-absent}"; \
	  if [ -n "$$v" ] && "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
	    py="$$c"; break; \
	  fi; \
	done; \
	if [ -z "$$py" ]; then \
	  echo "ERREUR : Python 3.11 ou plus récent est requis (essayés :$$tried)." >&2; \
	  echo "         Installez python3.11, 3.12 ou 3.13, ou indiquez-le : make PYTHON=/chemin/python3.12 demo" >&2; \
	  echo "ERROR:   Python 3.11 or newer is required (tried:$$tried)." >&2; \
	  echo "         Install python3.11, 3.12 or 3.13, or point to it: make PYTHON=/path/to/python3.12 demo" >&2; \
	  exit 1; \
	fi; \
	echo "==> Creating $(VENV) with $$py ($$("$$py" --version 2>&1))"; \
	"$$py" -m venv "$(VENV)" || { rm -rf "$(VENV)"; exit 1; }

$(STAMP): pyproject.toml $(CONSTRAINTS) | $(VENV_PY)
	@echo "==> Installing the project and its dev tools into $(VENV) (pinned by $(CONSTRAINTS))"
	$(VENV_PY) -m pip install --progress-bar off -c $(CONSTRAINTS) -e ".[dev]"
	@touch $@

install: $(STAMP) ## Create .venv if needed and install (incremental) / Installer

# --- The two commands ------------------------------------------------------------------------

demo: $(STAMP) ## Demo on SQLite at http://127.0.0.1:8000 / Démo sur SQLite
	$(MANAGE) migrate --noinput
	$(MANAGE) load_territory
	$(MANAGE) load_programme_rules
	$(MANAGE) seed_demo
	@echo "==> http://127.0.0.1:8000  (Ctrl+C pour arrêter / to stop)"
	$(MANAGE) runserver_embedded 127.0.0.1:8000

test: $(STAMP) ## Run the tests (PostgreSQL if DATABASE_URL is set) / Lancer les tests
	@if [ -n "$${DATABASE_URL:-}" ]; then \
	  echo "==> pytest on $${DATABASE_URL%%:*} (DATABASE_URL)"; \
	else \
	  echo "==> pytest on SQLite (set DATABASE_URL for PostgreSQL)"; \
	fi
	@rc=0; $(VENV_PY) -m pytest $(PYTEST_ARGS) || rc=$$?; \
	if [ "$$rc" -eq 5 ]; then \
	  echo "ERREUR : pytest n'a collecté aucun test (code 5) — un test qui ne lance rien échoue." >&2; \
	  echo "ERROR:  pytest collected no tests (exit 5) — running nothing counts as a failure." >&2; \
	fi; \
	exit $$rc

# --- Quality gates (CI runs all of these) ----------------------------------------------------

lint: $(STAMP) ## ruff check + ruff format --check + import contracts (.importlinter)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	PYTHONPATH=. $(VENV)/bin/lint-imports --no-cache

typecheck: $(STAMP) ## mypy .
	$(VENV)/bin/mypy .

check: $(STAMP) ## Migrations up to date + Django deploy check / Migrations à jour + contrôle de déploiement
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	@echo "==> manage.py check --deploy (config.settings.production, throw-away secret key)"
	@DJANGO_SETTINGS_MODULE=config.settings.production \
	DJANGO_SECRET_KEY="$$($(VENV_PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	DJANGO_ALLOWED_HOSTS=ess.example.org \
	$(MANAGE) check --deploy --fail-level WARNING

# --- Capacity benchmarks (docs/performance.md) ------------------------------------------------
# PostgreSQL on 127.0.0.1:5432 (BENCH_DATABASE_URL, a database of its own that is recreated)
# and Redis on 127.0.0.1:6379. The full run adds gunicorn (bench/requirements.txt) and wrk.

BENCH_SIZES ?= 1000,10000,100000

bench: $(STAMP) ## Capacity benchmarks P1-P9 at 1k, 10k, 100k dossiers (PostgreSQL) / Bancs d'essai
	$(VENV_PY) -m pip install --progress-bar off -q -c $(CONSTRAINTS) -r bench/requirements.txt
	@command -v wrk >/dev/null || { echo "==> installing wrk (Debian)"; apt-get install -y -qq wrk >/dev/null || echo "wrk absent: P6 will say so"; }
	$(VENV_PY) -m bench --sizes $(BENCH_SIZES)

bench-quick: $(STAMP) ## Benchmarks, counts only on small N (CI) / Bancs d'essai, comptages seulement
	$(VENV_PY) -m bench --quick

# --- PostgreSQL + Redis deployments ----------------------------------------------------------
# Both need a real broker: export CELERY_BROKER_URL=redis://127.0.0.1:6379/0 (and DATABASE_URL,
# DJANGO_SETTINGS_MODULE=config.settings.production ... see README.md and .env.example).

require_broker = @$(VENV_PY) -c 'import os, sys; os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local"); import django; django.setup(); from django.conf import settings; sys.exit("ERREUR : CELERY_BROKER_URL absent (memory://), les tâches tournent déjà dans le processus web.\nERROR:  CELERY_BROKER_URL is not set (memory://): tasks already run inside the web process.\n        export CELERY_BROKER_URL=redis://127.0.0.1:6379/0" if settings.CELERY_BROKER_URL.startswith("memory://") or not settings.CELERY_BROKER_URL else 0)'

worker: $(STAMP) ## Celery worker (needs CELERY_BROKER_URL) / Worker Celery
	$(require_broker)
	$(VENV)/bin/celery -A config worker --loglevel=INFO

beat: $(STAMP) ## Celery beat (needs CELERY_BROKER_URL) / Planificateur Celery
	$(require_broker)
	@mkdir -p var
	$(VENV)/bin/celery -A config beat --loglevel=INFO --schedule=var/celerybeat-schedule

# --- Maintenance -----------------------------------------------------------------------------

lock: $(STAMP) ## Rewrite requirements/constraints.txt from .venv / Régénérer le verrou
	@head="$$(sed '/^# ---- pip freeze/q' $(CONSTRAINTS))"; \
	keep="$$(printf '%s\n' "$$head" | grep -v '^#' | sed 's/==.*/==/')"; \
	{ printf '%s\n' "$$head"; \
	  $(VENV)/bin/pip freeze --exclude-editable | grep -vi '^mel[-_]ess' \
	    | { if [ -n "$$keep" ]; then grep -viF -e "$$keep"; else cat; fi; }; \
	} > $(CONSTRAINTS).new
	@mv $(CONSTRAINTS).new $(CONSTRAINTS)
	@touch $(STAMP)
	@echo "==> $(CONSTRAINTS) rewritten; review with git diff"

mailsink: $(STAMP) ## Local SMTP sink on 127.0.0.1:1025 (prints mail) / Serveur SMTP local de test
	@echo "==> EMAIL_URL=smtp://127.0.0.1:1025  (Ctrl+C pour arrêter / to stop)"
	$(VENV)/bin/python -m aiosmtpd -n -l 127.0.0.1:1025
