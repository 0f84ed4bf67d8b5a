# The two commands an editor or developer needs: `make serve` and `make test`.
# Everything else is set up here from requirements.txt; nothing is installed by hand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: venv build serve test check clean

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
	$(BIN)/invoke livereload

check: venv
	$(BIN)/invoke check

test: venv
	$(BIN)/python -m pytest

clean:
	rm -rf output output.* .cache
