# Two commands for a new user: `make run` and `make test`. Everything else is a step of those,
# or the production configuration (`make serve`, `make bench`, `make test-postgres`).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Local development: debug pages, a throwaway secret key, the SQLite file in the project.
DEV_ENV := DEBUG=1
# The production settings on this machine, behind nginx as deployed (deploy/). There is no TLS
# locally, so the HTTPS-only redirect and cookies are off; everything else is as deployed.
PORT ?= 8000
SERVE_ENV := SECRET_KEY=$${SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} \
	SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 PORT=$(PORT)
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: install lock run test test-postgres lint format migrate load export backup restore serve bench bench-search clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The locks (requirements/*.txt) pin every package, transitive ones included, with their sha256
# hashes; pip refuses anything that does not match (hash-checking mode).
$(VENV)/.installed: $(BIN)/python requirements/base.txt requirements/dev.txt
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed ## Create .venv and install the site and its test tools from the lock.

# Pip-tools compiles the locks from requirements/*.in; run after changing a pin there (README).
LOCK := PIP_CONFIG_FILE=/dev/null $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock: install ## Compile requirements/*.in into the hashed locks requirements/*.txt.
	$(LOCK) $(LOCK_FLAGS) --output-file requirements/base.txt requirements/base.in
	$(LOCK) $(LOCK_FLAGS) --output-file requirements/dev.txt requirements/dev.in

migrate: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

# Stops, changing nothing, if it would throw away work done in admin since the last export or load;
# LOAD_FLAGS=--discard-unexported loads anyway.
load: migrate ## Load the content from fixtures/ (idempotent).
	$(DEV_ENV) $(BIN)/python manage.py load_content $(LOAD_FLAGS)

run: load ## The site with its content at http://127.0.0.1:8000
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

export: install ## Write the current content back into fixtures/.
	$(DEV_ENV) $(BIN)/python manage.py export_content

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install ## Run the whole suite on SQLite, and the checks CI relies on.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

test-postgres: install ## Run the whole suite on PostgreSQL (DATABASE_URL, default the local server).
	DATABASE_URL=$${DATABASE_URL:-$(POSTGRES_URL)} $(BIN)/python -m pytest

# With the settings of the database to back up (DATABASE_URL; production's env file on a server).
backup: install ## Back up the database and MEDIA_ROOT's files into BACKUP_DIR (backups/); keeps the newest 30.
	$(DEV_ENV) $(BIN)/python manage.py backup

restore: install ## Replace the database with the newest backup, or BACKUP=residency-….tar.gz; asks first.
	$(DEV_ENV) $(BIN)/python manage.py restore $(BACKUP)

serve: install ## The production configuration: nginx on 127.0.0.1:$(PORT) in front of gunicorn; Ctrl-C stops both.
	@$(BIN)/python -c 'import sys; sys.path.insert(0, "deploy"); import stack; stack.nginx_binary() or sys.exit(stack.INSTALL_HINT)'
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput
	$(SERVE_ENV) $(BIN)/python manage.py load_content --if-empty
	$(SERVE_ENV) exec $(BIN)/python deploy/serve.py

# BENCH names the scenarios (bench/README.md): site and postgres by default; deploys measures make serve's reload and restart.
bench: install ## The deployment's targets measured with wrk: cached pages against files, edits, junk, searches, slow clients, load, outages.
	$(BIN)/python bench/run.py $(BENCH)

bench-search: install ## Searches answered afresh against a cached page, side by side on one gunicorn, on PostgreSQL.
	$(BIN)/python bench/searches.py

clean:
	rm -rf $(VENV) staticfiles
