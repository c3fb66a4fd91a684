# Two commands for a new user: `make run` and `make test`. Everything else is a step of those.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Local development: debug pages, a throwaway secret key, the SQLite file in the project.
DEV_ENV := DEBUG=1

.PHONY: install run test lint format migrate load export clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements/base.txt requirements/dev.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed ## Create .venv and install the site and its test tools.

migrate: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

load: migrate ## Load the content from fixtures/ (idempotent).
	$(DEV_ENV) $(BIN)/python manage.py load_content

run: load ## The site with its content at http://127.0.0.1:8000
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

export: install ## Write the current content back into fixtures/.
	$(DEV_ENV) $(BIN)/python manage.py export_content

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install ## Run the whole suite (SQLite) and the checks CI relies on.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) staticfiles
