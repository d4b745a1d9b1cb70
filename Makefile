# Two entry points for a fresh machine: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install install-prod demo test lint typecheck bench clean messages

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

# A production install (deploy/README.md): the package and PostgreSQL's driver, no test tools.
install-prod:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q '.[postgres]'

demo: install
	$(BIN)/ddor demo

lint: install
	$(BIN)/ruff check .

# mypy reads the packages under their installed names through a link tree: the repository
# keeps the design card's top-level folders, the wheel maps them into ddor_watch.
typecheck: install
	rm -rf build/typecheck && mkdir -p build/typecheck/ddor_watch
	for room in db scraper monitor publish; do ln -s ../../../$$room build/typecheck/ddor_watch/$$room; done
	$(BIN)/mypy -p ddor_watch

test: install lint typecheck
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/parse_bench.py
	$(BIN)/python bench/ingest_bench.py
	$(BIN)/python bench/reparse_bench.py
	$(BIN)/python bench/crawl_bench.py
	$(BIN)/python bench/map_bench.py
	$(BIN)/python bench/site_bench.py
	$(BIN)/python bench/agreements_bench.py
	$(BIN)/python bench/producers_bench.py

clean:
	rm -rf $(VENV) build dist *.egg-info demo

# Re-extract the catalogs' message ids (templates and publish/) and merge them into each language.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k "counted:2,3" --no-location --omit-header --sort-output \
		-o templates/locale/messages.pot .
	$(BIN)/pybabel update -i templates/locale/messages.pot -d templates/locale \
		--ignore-obsolete --no-fuzzy-matching --width 100
