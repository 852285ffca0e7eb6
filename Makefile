# make demo — set everything up and run the demo;  make test — set up and run the tests.
VENV := .venv
STAMP := $(VENV)/.shumao-installed

.PHONY: setup demo test lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $@

demo: setup
	$(VENV)/bin/shumao demo

test: setup lint
	@{ command -v soffice && $(VENV)/bin/python -c 'import pyspark'; } >/dev/null 2>&1 || \
		SHUMAO_SETUP_TESTS=1 bash scripts/setup.sh
	$(VENV)/bin/python -m pytest

lint: setup
	$(VENV)/bin/ruff check shumao tests
	$(VENV)/bin/mypy

bench: setup
	$(VENV)/bin/shumao bench import --executions 1000000

clean:
	rm -rf $(VENV) demo .pytest_cache
