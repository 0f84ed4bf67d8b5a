# The two commands an editor or developer needs: `make serve` and `make test`.
# Everything else is set up here: Python packages from requirements.txt, and
# for the tests Debian's Chromium and a Java runtime (.ci/system-packages);
# nothing is installed by hand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000

.PHONY: venv system-packages build serve test check clean

venv: $(STAMP)

# Re-install only when the dependency file changed (make compares timestamps).
$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed, found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

build: venv
	$(BIN)/invoke build

serve: venv
	$(BIN)/invoke livereload --port $(PORT)

check: venv
	$(BIN)/invoke check

# Chromium and Java when missing (with sudo only when not root); silent and
# instant when both are there.
system-packages:
	@.ci/system-packages

test: venv system-packages
	$(BIN)/python -m pytest -n auto

clean:
	rm -rf output output.* .cache
