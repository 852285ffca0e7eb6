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

# setup with what only the tests need: LibreOffice (the Word output's page count) and Spark
# (report --engine spark) — in the same one pass when setting up from scratch
setup-tests:
	@{ command -v soffice && $(VENV)/bin/python -c 'import pyspark'; } >/dev/null 2>&1 || rm -f $(STAMP)
	@SHUMAO_SETUP_TESTS=1 $(MAKE) --no-print-directory setup

# the main run, three test processes on two cores (a module's tests stay together: its fixtures
# are built once): browser, Spark and server tests spend much of their time waiting on another
# process, so a third worker fills the cores; the modules are handed out slowest first
# (tests/support/order.py, the seconds measured in tests/weights.csv) instead of xdist's own
# order by number of tests; the slowest 25 tests are listed at the end
PYTEST := $(VENV)/bin/python -m pytest -n 3 --dist loadscope --no-loadscope-reorder
test: setup-tests lint
	$(PYTEST) -m "not load and not scale" --durations=25

# many users or processes at once for a minute, 10⁶ executions on Spark, the size curve: each
# test on whichever process is free, five at once, each starting on one of the five long tests
# (tests/support/order.py) — the two filing minutes last a fixed time and the browsing load
# mostly waits on its server, so they overlap the 10⁶ run instead of queueing behind it
test-load: setup-tests
	$(VENV)/bin/python -m pytest -n 5 --dist load -m "load or scale" --durations=10

lint: setup
	$(VENV)/bin/ruff check shumao tests
	$(VENV)/bin/mypy

bench: setup
	$(VENV)/bin/shumao bench import --executions 1000000

clean:
	rm -rf $(VENV) demo .pytest_cache
