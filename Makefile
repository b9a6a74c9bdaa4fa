# Gesprekscoach: `make run` installs and starts the skill; `make test` installs and runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8080

.PHONY: install run test lint check-model e2e-deps speak-deps browser-deps screenshot bench clean

install: $(VENV)/.installed

# oscrypto 1.3.0 (pulled in by ask-sdk-webservice-support -> certvalidator) cannot parse OpenSSL's
# version from 3.0.10 on (oscrypto issue 78) and fails at import. elements-oscrypto 1.4.0b1 is the
# same library with that fix; it is laid over 1.3.0 so the SDK's own verifier works (the benchmark
# compares against it). Our own verifier does not need oscrypto at all; see skill/web/sdk_compat.py.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	$(BIN)/python -m pip install -q --no-deps --force-reinstall 'elements-oscrypto==1.4.0b1'
	touch $@

run: install
	$(BIN)/gesprekscoach serve --dev --host $(HOST) --port $(PORT)

test: install e2e-deps speak-deps browser-deps lint
	$(BIN)/gesprekscoach check-model
	$(BIN)/python -m pytest -q

# ruff (rules, format and line length in pyproject.toml) and cfn-lint on the SAM template
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/cfn-lint template.yaml infrastructure/cfn-deployer/skill-stack.yaml

check-model: install
	$(BIN)/gesprekscoach check-model

# virtual-alexa for the end-to-end tests (pinned in tests/e2e/package-lock.json; needs node and npm)
e2e-deps: tests/e2e/node_modules/.installed

tests/e2e/node_modules/.installed: tests/e2e/package-lock.json
	npm ci --prefix tests/e2e --no-audit --no-fund
	touch $@

# espeak-ng for `gesprekscoach chat --speak` and its test (Debian package; needs root, as CI has)
speak-deps:
	@command -v espeak-ng >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq espeak-ng >/dev/null; }

# The browser page's tests (tests/test_browser.py): Playwright for Python (pip extra "browser") driving
# Debian's chromium (apt-get; needs root, as CI has). Playwright's own browser download is never used.
browser-deps: $(VENV)/.browser-installed
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

$(VENV)/.browser-installed: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[dev,browser]'
	touch $@

# Refresh docs/browser.png (the README's picture of the page) with the browser tests' own browser.
screenshot: install browser-deps
	GESPREKSCOACH_SCREENSHOT=docs/browser.png $(BIN)/python -m pytest -q tests/test_browser.py -k screenshot

# Benchmarks (issues 6 and 16; not part of `make test`): the five benchmarks against the bare baseline. The HTTP
# one uses wrk when installed (apt-get install wrk), else a Python client. Fuzz and load: see bench/RESULTS.md.
bench: install $(VENV)/.bench-installed
	$(BIN)/python bench/dispatch.py
	$(BIN)/python bench/lambda_warm.py
	$(BIN)/python bench/verification.py
	$(BIN)/python bench/coldstart.py
	$(BIN)/python bench/http_bench.py

$(VENV)/.bench-installed: pyproject.toml
	$(BIN)/python -m pip install -q -e '.[bench]'
	touch $@

clean:
	rm -rf $(VENV) build *.egg-info
