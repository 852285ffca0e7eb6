"""Shared fixtures: the project's own sample city (tests/data/city, generated and verified
here), the shared examples as an extra check when they are beside the repository, fresh
stores on every backend, and a helper to run the real ``shumao`` command.

``store`` is one fixture over both backends: a DuckDB file, and a fresh database in a
throwaway PostgreSQL cluster started once per session (``-m duckdb`` or ``-m postgres``
selects one).  The sample city is imported once per backend per session and copied for each
test (tests/support/templates.py): ``sample_store`` is a fresh copy on each backend (a test
about one backend parametrizes ``sample_url`` indirectly), ``sample_db`` one DuckDB copy
shared by the session's tests that only read it."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shumao.store import connect
from tests.support.browser import chromium  # noqa: F401  (the session's browser, for every test folder)
from tests.support.paths import (  # noqa: F401  (tests import them from here)
    CITY_FILES,
    DATA,
    REPO,
    SAMPLE,
    SAMPLE_FILES,
    SHARED,
    SHARED_SAMPLE,
    SHARED_SAMPLE_FILES,
)
from tests.support.portal import load_portal, load_sample
from tests.support.templates import Templates


def need_shared() -> None:
    """Skip the calling test when the shared examples are not beside the repository."""
    if not SHARED_SAMPLE.is_dir():
        pytest.skip(f"shared examples not found at {SHARED_SAMPLE} (set SHUMAO_SHARED to check them too)")


@pytest.fixture(scope="session")
def pg_cluster():
    from tests.support.pgcluster import Cluster

    with Cluster() as cluster:
        yield cluster


_databases = itertools.count()
BACKENDS = [pytest.param("duckdb", marks=pytest.mark.duckdb),
            pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path):
    """The URL of a new, empty store: a DuckDB file, or a fresh PostgreSQL database."""
    if request.param == "postgres":
        cluster = request.getfixturevalue("pg_cluster")
        name = f"t{next(_databases)}"
        yield cluster.create_database(name)
        cluster.drop_database(name)
    else:
        yield str(tmp_path / "store.duckdb")


@pytest.fixture
def store(store_url):
    with connect(store_url) as s:
        yield s


@pytest.fixture(scope="session")
def templates(tmp_path_factory) -> Templates:
    return Templates(tmp_path_factory.mktemp("templates"))


def copy_of(request, templates: Templates, name: str, backend: str, build, folder: Path):
    """A fresh copy of the template ``name`` on ``backend`` (its PostgreSQL database dropped
    when the requesting test ends)."""
    cluster = request.getfixturevalue("pg_cluster") if backend == "postgres" else None
    url = templates.copy(name, backend, build, folder, cluster)
    if cluster is not None:
        request.addfinalizer(lambda: cluster.drop_database(url.rsplit("/", 1)[1]))
    return url


@pytest.fixture(params=BACKENDS)
def sample_url(request, tmp_path, templates):
    """The URL of a fresh copy of the sample city, on each backend."""
    return copy_of(request, templates, "sample", request.param, load_sample, tmp_path)


@pytest.fixture
def sample_store(sample_url):
    with connect(sample_url) as s:
        yield s


@pytest.fixture
def portal_url(request, tmp_path, templates) -> str:
    """A fresh copy of the portal store (tests/support/portal.py), on DuckDB unless a test
    parametrizes it (``indirect``) with BACKENDS."""
    return copy_of(request, templates, "portal", getattr(request, "param", "duckdb"), load_portal, tmp_path)


@pytest.fixture
def portal_store(portal_url, templates):
    """The portal store; the accounts' facts in ``.facts``."""
    with connect(portal_url) as store:
        store.facts = templates.facts("portal", "postgres" if portal_url.startswith("postgresql") else "duckdb")
        yield store


@pytest.fixture(scope="session")
def sample_db(request, tmp_path_factory, templates) -> Path:
    """One DuckDB copy of the sample city for the whole session: for tests that only read it
    (open it ``read_only``; the CLI's reading commands do)."""
    return Path(copy_of(request, templates, "sample", "duckdb", load_sample, tmp_path_factory.mktemp("sample")))


def snapshot(store) -> dict[str, list[tuple]]:
    """Every record of every table, in key order (batch ids left out)."""
    from shumao.model.records import RECORDS

    out = {}
    for kind, table in RECORDS.items():
        cols = ", ".join(c for c in table.names if c != "batch_id")
        out[kind] = sql(store, f"SELECT {cols} FROM {kind} ORDER BY {', '.join(table.key)}")
    return out


def sql(store, statement: str, params=()) -> list[tuple]:
    """Tests only: a statement on the store, on either backend (the package itself never
    reaches past the Store interface)."""
    return store.db.execute(statement, params)


def run_cli(*args: str, env: dict | None = None, input: str | None = None) -> subprocess.CompletedProcess:
    """The ``shumao`` command in this process, through ``cli.run`` — the same exception to
    exit-code mapping ``main()`` uses, without starting Python again; ``input`` its stdin."""
    from typer.testing import CliRunner

    from shumao.cli.app import run

    argv = [str(a) for a in args]
    with CliRunner().isolation(input=input, env=env) as (out, err, _):
        code = run(argv)
        sys.stdout.flush()
        sys.stderr.flush()
        return subprocess.CompletedProcess(["shumao", *argv], code, out.getvalue().decode(),
                                           err.getvalue().decode())


def run_process(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real ``python -m shumao`` process: where the process itself is under test."""
    return subprocess.run([sys.executable, "-m", "shumao", *map(str, args)], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=600)


def run_json(*args: str, **kw) -> tuple[int, dict]:
    p = run_cli(*args, "--json", **kw)
    return p.returncode, json.loads(p.stdout)


def pytest_collection_modifyitems(config, items):
    """The slowest work first (tests/support/order.py): the workers finish together."""
    from tests.support.order import slowest_first

    slowest_first(items, by_module=config.getoption("dist", "no") != "load")
