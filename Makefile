# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := output/demo

.PHONY: demo test bench previews screenshots lint types docs format golden system browser app clean messages

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q generator  # its bytecode, as an install from a wheel leaves it
	@touch $(STAMP)

## Render demo handouts, a worksheet and the workshop packet for a sample client into output/demo/.
demo: $(STAMP)
	$(BIN)/handouts build journey codependency-vs-interdependence where-am-i \
	  --practice content/practice.example.yaml --client "Jordan D." --date 2026-11-22 \
	  --session 4 --note "Ask one person for help each day this week." --out $(DEMO)
	$(BIN)/handouts packet interdependence-workshop --practice content/practice.example.yaml \
	  --client "Jordan D." --date 2027-03-02 --date 2027-03-09 --date 2027-03-16 \
	  --date 2027-03-23 --out $(DEMO)

## The web app: prints the address to open (Ctrl-C to stop).
app: $(STAMP)
	$(BIN)/handouts app

## The whole test suite, its files shared out over every core (each file whole in one worker,
## so the renders its tests share are made once).
test: $(STAMP) browser types
	$(BIN)/python -m pytest -q -n auto --dist loadfile

## Speed figures: per module, in-process and as a fresh command, against bare WeasyPrint.
bench: $(STAMP)
	$(BIN)/python tests/bench.py
	$(BIN)/python tests/bench_phone.py

## Page 1 of every module as PNG in output/previews/, plus library.png showing them all.
previews: $(STAMP)
	$(BIN)/handouts previews --out output/previews

## The browser tests, saving every page they open in output/screenshots/ for review.
screenshots: $(STAMP) browser
	$(BIN)/python -m pytest -q -n auto --dist loadfile --screenshots \
	  tests/test_app_browser.py tests/test_app_usability_browser.py tests/test_app_clients_browser.py \
	  tests/test_phone_browser.py tests/test_phone_site.py

## Rewrite the golden files from the current output (review the diff before committing).
golden: $(STAMP)
	$(BIN)/python -m pytest -q tests/test_golden.py --update-golden

lint: $(STAMP) types
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

## The type checker over the package (the API and the core fully annotated: see pyproject.toml).
types: $(STAMP)
	$(BIN)/mypy

## The README's command reference, made again from each command's --help.
docs: $(STAMP)
	$(BIN)/cog -r README.md

format: $(STAMP)
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

## System libraries WeasyPrint needs; say clearly what is missing.
system:
	@command -v $(PYTHON) >/dev/null 2>&1 || { \
	  echo "make: '$(PYTHON)' not found. Install Python 3.10 or newer (Debian: apt-get install python3 python3-venv)."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || { \
	  echo "make: Python 3.10 or newer is needed; '$(PYTHON)' is older."; exit 1; }
	@$(PYTHON) -c 'import ctypes.util as u, sys; sys.exit(not (u.find_library("pango-1.0") and u.find_library("pangoft2-1.0")))' || { \
	  echo "make: WeasyPrint needs the Pango library (1.44 or newer), and it is not installed."; \
	  echo "      Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"; \
	  echo "      Fedora: sudo dnf install pango    macOS: brew install pango"; exit 1; }
	@$(PYTHON) -c 'import ctypes.util as u, sys; sys.exit(not u.find_library("harfbuzz-subset"))' || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "make: installing libharfbuzz-subset0 (faster, smaller font embedding)"; \
	    apt-get install -y -qq libharfbuzz-subset0 >/dev/null 2>&1 || \
	      { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq libharfbuzz-subset0 >/dev/null 2>&1; } || \
	      echo "make: could not install libharfbuzz-subset0; PDFs will still build, a little slower."; \
	  else \
	    echo "make: note: libharfbuzz-subset0 is not installed; PDFs will still build, a little slower."; \
	  fi; }

## A browser for the web app's tests: Debian's chromium-headless-shell (Chromium's engine without
## its windows, lighter to run), installed when missing and run as root; chromium also does.
browser:
	@command -v chromium-headless-shell >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "make: installing chromium-headless-shell (the web app's tests drive it)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell >/dev/null 2>&1 || \
	      { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell >/dev/null 2>&1; } || \
	      command -v chromium >/dev/null 2>&1 || \
	      echo "make: could not install chromium-headless-shell; the browser tests will fail under CI=true"; \
	  elif ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then \
	    echo "make: note: Chromium is not installed; the browser tests need it (Debian: apt-get install chromium-headless-shell)"; \
	  fi; }

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache

## Page and app strings: gather them from the code and templates into generator/locale/handouts.pot
## and add the new ones to each language's .po, to translate (see README, "Adding a language").
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k both -k plain -k N_ --no-location --sort-output \
	  --project handouts --copyright-holder "Handouts project contributors" \
	  -o generator/locale/handouts.pot .
	$(BIN)/pybabel update -i generator/locale/handouts.pot -d generator/locale -D handouts --width 100 \
	  --ignore-obsolete
