"""The indicator expressions are engine-agnostic: the same Ibis code on SQLite (a second
backend) gives the identical figures and text as on DuckDB."""

from __future__ import annotations

import sqlite3

import ibis
import pytest

from shumao.indicators import Basis, compute
from shumao.model.periods import Period
from shumao.model.records import RECORDS
from shumao.report.narrative import text
from shumao.report.service import ReportSettings
from shumao.store import connect
from tests.conftest import sql

# SQLite's type for each logical type of the store's columns (model.records); dates and
# decimals travel as text, which SQLite keeps as given
SQLITE = {"text": "TEXT", "int": "INTEGER", "bigint": "INTEGER", "date": "DATE", "amount": "TEXT"}


def copy_to_sqlite(store, path) -> None:
    db = sqlite3.connect(path)
    for kind in ("enterprises", "contracts", "executions"):
        columns = RECORDS[kind].columns
        select = ", ".join(f"CAST({c} AS VARCHAR)" if t in ("date", "amount") else c
                           for c, t, _ in columns)
        db.execute(f"CREATE TABLE {kind} ({', '.join(f'{c} {SQLITE[t]}' for c, t, _ in columns)})")
        db.executemany(f"INSERT INTO {kind} VALUES ({', '.join('?' * len(columns))})",
                       sql(store, f"SELECT {select} FROM {kind}"))
    db.commit()
    db.close()


@pytest.fixture(scope="module")
def sample(sample_db):
    with connect(sample_db, read_only=True) as s:
        yield s


@pytest.mark.engine
@pytest.mark.parametrize("period", ["2024-01..2024-09", "2023H2", "2024-03", "2024", "2024Q2"])
@pytest.mark.parametrize("bri", [None, "route65", "partners"])
def test_sqlite_gives_identical_figures(sample, tmp_path, period, bri):
    copy_to_sqlite(sample, tmp_path / "s.sqlite")
    other = ibis.sqlite.connect(tmp_path / "s.sqlite")
    p, basis = Period.parse(period), Basis(bri=bri)
    s = ReportSettings(region="示例市", basis=basis)
    a, b = compute(sample.ibis(), p, basis), compute(other, p, basis)
    assert a.figures == b.figures
    assert [(x.country, x.current, x.previous) for x in a.partners] == \
           [(x.country, x.current, x.previous) for x in b.partners]
    assert text(a, s) == text(b, s)
