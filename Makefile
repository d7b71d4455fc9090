# Lifeline — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Most test time is spent waiting on servers; two workers (one per core) nearly halve the
# wall time of the unit and integration tests (each module stays on one worker). The
# end-to-end tests (browsers, X servers, agents, benches) run one at a time: in parallel
# on two cores their polling deadlines become a matter of luck.
TEST_WORKERS ?= 2

.PHONY: run test venv lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[agent,test]'
	touch $(STAMP)

venv: $(STAMP)

## make run: install, migrate the SQLite database, seed the demo organization, serve.
run: $(STAMP)
	$(BIN)/lifeline db upgrade
	$(BIN)/lifeline demo seed
	$(BIN)/lifeline serve

## make test: lint first (a lint error fails in seconds), then install the system packages and
## services the tests need, then the whole suite.
test: $(STAMP) lint
	bash scripts/system-deps.sh test
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile tests/unit tests/integration $(PYTEST_ARGS)
	$(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

## make lint: ruff and mypy (pinned in the `test` extra, configured in pyproject.toml), in seconds.
lint: $(STAMP)
	$(BIN)/ruff check lifeline tests bench
	$(BIN)/mypy lifeline

bench: $(STAMP)
	bash scripts/system-deps.sh test
	$(BIN)/python bench/screen.py
	$(BIN)/python bench/api.py

clean:
	rm -rf $(VENV) var test-artifacts
