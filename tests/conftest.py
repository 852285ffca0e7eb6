"""Shared fixtures: the project's own sample city (tests/data/city, generated and verified
here), the shared examples as an extra check when they are beside the repository, fresh
stores, and a helper to run the real ``shumao`` command."""

from __future__ import annotations

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


@pytest.fixture
def store(tmp_path):
    with connect(tmp_path / "store.duckdb") as s:
        yield s


@pytest.fixture
def sample_store(store):
    result = import_files(store, SAMPLE_FILES)
    assert result.ok, result.errors
    return store


def snapshot(store) -> dict[str, list[tuple]]:
    """Every record of every table, in key order (batch ids left out)."""
    out = {}
    for table, key in (("enterprises", "enterprise_id"), ("contracts", "contract_id"),
                       ("executions", "execution_id"), ("rates", "currency, month")):
        cols = [r[0] for r in store.con.execute(f"DESCRIBE {table}").fetchall() if r[0] != "batch_id"]
        out[table] = store.con.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {key}").fetchall()
    return out


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "shumao", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, env={**os.environ, **(env or {})}, timeout=600)


def run_json(*args: str, **kw) -> tuple[int, dict]:
    p = run_cli(*args, "--json", **kw)
    return p.returncode, json.loads(p.stdout)
