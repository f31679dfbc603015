# Koers: `make serve` and `make test` are all a fresh machine (python3, git, make) needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: serve build test check lint clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --requirement requirements.txt
	$(PIP) install --no-deps --editable .
	touch $(STAMP)

# An editable install leaves Koers' own modules uncompiled, and where PYTHONDONTWRITEBYTECODE is
# set (CI images often set it) every build would compile them again: about 50 ms of each build.
COMPILED := $(VENV)/.compiled
$(COMPILED): $(STAMP) $(wildcard koers/*.py hooks/*.py)
	$(BIN)/python -m compileall -q koers hooks
	touch $(COMPILED)

serve: $(COMPILED)  ## Serve the site on http://127.0.0.1:8000, rebuilding on every change
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

# Build into a scratch folder first, so a failing build never leaves a half-written site/.
build: $(COMPILED)  ## Build the site into site/
	rm -rf .site-build
	$(BIN)/mkdocs build --strict --site-dir .site-build
	rm -rf site && mv .site-build site

check: $(STAMP)  ## Validate the content without building
	$(BIN)/koers check

lint: $(STAMP)  ## Static checks of the Python code (ruff: pyflakes, pycodestyle, import order)
	$(BIN)/ruff check koers hooks tests $(wildcard bench)

test: $(COMPILED)  ## Run the test suite
	$(BIN)/python -m pytest

clean:
	rm -rf site .site-build $(VENV)

# Benchmarks at scale (bench/RESULTS.md). The comparison plugin is pinned in bench/requirements.txt,
# installed into .venv for this target only; it is not a dependency of Koers.
BENCH_SIZES ?= 250 1000 4000
BENCH_STAMP := $(VENV)/.bench-installed
.PHONY: bench

$(BENCH_STAMP): $(STAMP) bench/requirements.txt
	$(PIP) install --requirement bench/requirements.txt
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP) $(COMPILED)  ## Benchmark builds with BENCH_SIZES goals (slow at 4000); writes bench/RESULTS.md
	$(BIN)/python -m bench.run --sizes $(BENCH_SIZES)

# Quality gate in headless Chromium (audit/audit.mjs): accessibility (axe-core, WCAG 2.1 AA),
# privacy (no requests to other hosts), links and anchors, keyboard, phone and print.
# Needs node and npm; installs Debian's chromium when it is missing (test tools never download
# a browser). Screenshots and PDFs go to audit/screenshots/ (ignored by git).
CHROMIUM ?= /usr/bin/chromium
AUDIT_STAMP := audit/node_modules/.installed
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
.PHONY: audit

$(CHROMIUM):
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

$(AUDIT_STAMP): audit/package.json audit/package-lock.json
	cd audit && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
	touch $(AUDIT_STAMP)

audit: build $(AUDIT_STAMP) | $(CHROMIUM)  ## Check every page of the built site in headless Chromium
	cd audit && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 CHROMIUM=$(CHROMIUM) node audit.mjs ../site
