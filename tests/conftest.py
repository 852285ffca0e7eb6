"""Shared fixtures: the project's own sample city (tests/data/city, generated and verified
here), the shared examples as an extra check when they are beside the repository, fresh
stores on every backend, and a helper to run the real ``shumao`` command.

``store`` is one fixture over both backends: a DuckDB file, and a fresh database in a
throwaway PostgreSQL cluster started once per session (``-m duckdb`` or ``-m postgres``
selects one)."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shumao.ingest.importer import import_files
from shumao.store import connect

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "city"             # in the repository: see tests/data/city/README.md
CITY_FILES = ("enterprises.csv", "contracts.csv", "executions.csv")
SAMPLE_FILES = [SAMPLE / f for f in CITY_FILES]
# shared/examples/sample_city (beside the repository, or SHUMAO_SHARED): an extra check only;
# tests that use it skip when it is absent.
SHARED = Path(os.environ.get("SHUMAO_SHARED", REPO.parent / "shared"))
SHARED_SAMPLE = SHARED / "examples" / "sample_city"
SHARED_SAMPLE_FILES = [SHARED_SAMPLE / f for f in CITY_FILES]


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


@pytest.fixture
def sample_store(store):
    result = import_files(store, SAMPLE_FILES)
    assert result.ok, result.errors
    return store


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


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The ``shumao`` command in this process, through ``cli.run`` — the same exception to
    exit-code mapping ``main()`` uses, without starting Python again."""
    from typer.testing import CliRunner

    from shumao.cli.app import run

    argv = [str(a) for a in args]
    with CliRunner().isolation(env=env) as (out, err, _):
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


@pytest.fixture
def sample_duckdb(tmp_path):
    """The sample city in an embedded store only (for tests about other engines)."""
    with connect(tmp_path / "sample.duckdb") as s:
        assert import_files(s, SAMPLE_FILES).ok
        yield s
