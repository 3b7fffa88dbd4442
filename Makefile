# CHW Learn: `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# Two test processes by default (the suite's files are independent); JOBS=0 runs in one process.
JOBS ?= 2
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: run test lint i18n i18n-extract i18n-update i18n-compile bench sysdeps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

sysdeps:
	@scripts/system-deps.sh

# Email is written to instance/outbox/ as .eml files instead of being sent, so password resets and invitations work
# without a mail server; LMS_MAIL_OUTBOX= make run sends by SMTP instead (README, "Email in development").
run: export LMS_MAIL_OUTBOX ?= outbox
# A development site: no warnings about production settings (site and certificate names, DATABASE_URL).
run: export LMS_STARTUP_WARNINGS ?= false
run: $(VENV)/.installed sysdeps
	$(BIN)/lms init-secret
	$(BIN)/lms db upgrade
	$(BIN)/lms import-courses courses/
	$(BIN)/lms demo
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl+C to stop)"
	@if [ -n "$$LMS_MAIL_OUTBOX" ]; then echo "Emails are not sent: each is saved in the outbox folder above, and this console logs its file."; fi
	$(BIN)/flask --app wsgi run --host 127.0.0.1 --port $(PORT)

test: $(VENV)/.installed sysdeps
	$(BIN)/pytest -n $(JOBS) --dist loadfile $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check lms tests bench

i18n: i18n-extract i18n-update i18n-compile

i18n-extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-wrap --sort-by-file \
		--project "CHW Learn" --copyright-holder "CHW Learn contributors" -c "i18n:" -o translations/lms.pot .

i18n-update: $(VENV)/.installed
	$(BIN)/pybabel update -D lms -i translations/lms.pot -d translations --no-wrap --ignore-obsolete

i18n-compile: $(VENV)/.installed
	$(BIN)/pybabel compile -D lms -d translations --statistics

# Seeds a private PostgreSQL database (created and dropped) and a temporary SQLite file, then HTTP load, hours
# reports, soak, faults and PDFs; about 12 minutes. BENCH_ARGS="--only pdf" etc. (see bench/suite.py --help).
bench: $(VENV)/.installed sysdeps
	$(BIN)/python bench/suite.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
