# Gesprekscoach: `make run` installs and starts the skill; `make test` installs and runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8080

.PHONY: install run test check-model e2e-deps bench clean

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

test: install
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) build *.egg-info
