# make demo — set everything up and run the demo;  make test — set up and run the tests.
VENV := .venv
STAMP := $(VENV)/.shumao-installed

.PHONY: setup setup-tests demo test test-load lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $@

demo: setup
	$(VENV)/bin/shumao demo

# what only the tests need: LibreOffice (the Word output's page count) and Spark (report --engine spark)
setup-tests: setup
	@{ command -v soffice && $(VENV)/bin/python -c 'import pyspark'; } >/dev/null 2>&1 || \
		SHUMAO_SETUP_TESTS=1 bash scripts/setup.sh

# the main run, a test process per core (a module's tests stay together: its fixtures are built
# once); the slowest 25 tests are listed at the end
PYTEST := $(VENV)/bin/python -m pytest -n 2 --dist loadscope
test: setup-tests lint
	$(PYTEST) -m "not load and not scale" --durations=25

# many users or processes at once for a minute, 10⁶ executions on Spark, the size curve
test-load: setup-tests
	$(PYTEST) -m "load or scale" --durations=10

lint: setup
	$(VENV)/bin/ruff check shumao tests
	$(VENV)/bin/mypy

bench: setup
	$(VENV)/bin/shumao bench import --executions 1000000

clean:
	rm -rf $(VENV) demo .pytest_cache
