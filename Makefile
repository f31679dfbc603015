# Koers: `make serve` and `make test` are all a fresh machine (python3, git, make) needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: serve build test check clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --requirement requirements.txt
	$(PIP) install --no-deps --editable .
	touch $(STAMP)

serve: $(STAMP)  ## Serve the site on http://127.0.0.1:8000, rebuilding on every change
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

# Build into a scratch folder first, so a failing build never leaves a half-written site/.
build: $(STAMP)  ## Build the site into site/
	rm -rf .site-build
	$(BIN)/mkdocs build --strict --site-dir .site-build
	rm -rf site && mv .site-build site

check: $(STAMP)  ## Validate the content without building
	$(BIN)/koers check

test: $(STAMP)  ## Run the test suite
	$(BIN)/python -m pytest

clean:
	rm -rf site .site-build $(VENV)
