# Quick start: `make run` (validate, plan the sync offline, build the site) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
TODAY  ?=

.PHONY: setup run validate sync-plan site browser test test-fast lint format bench clean

# Re-install only when the project's dependencies change.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

setup: $(STAMP)

run: setup validate sync-plan site

validate: setup
	$(BIN)/postmortem validate postmortems/ $(if $(TODAY),--today $(TODAY))

sync-plan: setup
	$(BIN)/postmortem sync postmortems/ --offline --dry-run

site: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet
	@echo "Site built: $(CURDIR)/site/index.html"
	@echo "Live preview (drafts shown, marked): POSTMORTEM_PREVIEW=true $(BIN)/mkdocs serve --dirty, then http://127.0.0.1:8000/"

# The browser tests drive Debian's chromium (never a downloaded browser); install it when we can.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "note: the browser tests need Debian's chromium (sudo apt-get install chromium)" >&2; fi; }

# The whole suite (what CI runs). Tests that read ../shared skip, saying so, when it is absent.
test: setup browser
	$(BIN)/ruff format --check tools tests benchmarks
	$(BIN)/ruff check tools tests benchmarks
	$(BIN)/pytest -n 2 --dist loadfile -q

# The edit-test loop: everything but the tests marked slow (hang detector, corpus, site builds).
test-fast: setup
	$(BIN)/pytest -n 2 --dist loadfile -q -m "not slow"

lint: setup
	$(BIN)/ruff format --check tools tests benchmarks
	$(BIN)/ruff check tools tests benchmarks

format: setup
	$(BIN)/ruff format tools tests benchmarks
	$(BIN)/ruff check --fix tools tests benchmarks

bench: setup
	$(BIN)/python benchmarks/peers.py
	$(BIN)/python benchmarks/profile_validate.py
	$(BIN)/python benchmarks/blame_eval.py --no-corpus
	$(BIN)/python benchmarks/sync_resync.py
	$(BIN)/python benchmarks/sync_faults.py
	$(BIN)/python benchmarks/site_build.py --count 300 --repeat 1
	$(BIN)/python benchmarks/similarity_eval.py
	$(BIN)/python benchmarks/similarity_speed.py

clean:
	rm -rf site build test-artifacts .pytest_cache
