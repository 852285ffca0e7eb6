"""The usual-amount check's two plans for the medians (checks.MEDIANS) flag the same rows,
the rows model.rules flags; the plan is chosen by the staging's memory limit, and when
median() runs out of memory all the same the check sorts rather than failing the import."""

import statistics

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shumao.ingest import checks
from shumao.model import rules

row = st.tuples(st.sampled_from(["E1", "E2", "E3"]),
                st.one_of(st.none(), st.integers(0, 10**9), st.sampled_from([1, 100, 10**6])))


def staged(rows: list[tuple[str, int | None]], config: dict | None = None):
    """A staging database holding just what the check reads: incoming contracts and an
    empty store_usual."""
    con = duckdb.connect(config=config or {})
    con.execute("CREATE TABLE f_contracts (_file VARCHAR, _sheet VARCHAR, _row BIGINT, "
                "amount_raw VARCHAR, amount_cents BIGINT, signed_on DATE, enterprise_id VARCHAR)")
    if rows:
        con.executemany("INSERT INTO f_contracts VALUES ('合同.csv', NULL, ?, ?, ?, "
                        "DATE '2024-03-01', ?)", [(i + 2, str(a), a, e) for i, (e, a) in enumerate(rows)])
    con.execute("CREATE TABLE store_usual (enterprise_id VARCHAR, median_cents DOUBLE, low_cents DOUBLE, "
                "n BIGINT, basis VARCHAR)")
    return con


def expected(rows: list[tuple[str, int | None]]) -> list[int]:
    """The spreadsheet rows model.rules calls unusual, from Python's own median."""
    out = []
    for i, (e, a) in enumerate(rows):
        mine = [x for f, x in rows if f == e]
        known = [x for x in mine if x is not None]
        u = rules.usual(("import", statistics.median(known) if known else None,
                         rules.low(known) if known else None, len(mine)))
        if a is not None and u is not None and u.above(a):
            out.append(i + 2)
    return out


@settings(max_examples=100, deadline=None)
@given(st.lists(row, max_size=40))
def test_both_plans_flag_what_the_rule_flags(rows):
    con = staged(rows)
    flagged = {plan: checks.unusual_amounts(con, "contracts", plan) for plan in checks.MEDIANS}
    assert flagged["in memory"] == flagged["sorted"]
    assert [f.row for f in flagged["sorted"]] == expected(rows)
    assert all(f.code == "unusual-amount" and f.column == "amount" for f in flagged["sorted"])


@pytest.fixture(scope="module", params=[1000, 1], ids=["1000 enterprises", "one enterprise"])
def big_table(tmp_path_factory, request):
    """1.2·10⁷ amounts: built once for the module's tests (each sets the limit again)."""
    con = duckdb.connect(config={"memory_limit": "64MB", "threads": 2,
                                 "temp_directory": str(tmp_path_factory.mktemp("spill"))})
    con.execute(f"""CREATE TABLE f_contracts AS SELECT '合同.csv' AS _file, NULL::VARCHAR AS _sheet,
                       i + 2 AS _row, '1' AS amount_raw, CASE WHEN i = 7 THEN 10000000
                       ELSE 1 + hash(i) % 1000 END::BIGINT AS amount_cents,
                       DATE '2024-03-01' AS signed_on, 'E' || (i % {request.param}) AS enterprise_id
                   FROM range(12000000) t(i)""")
    con.execute("CREATE TABLE store_usual (enterprise_id VARCHAR, median_cents DOUBLE, low_cents DOUBLE, "
                "n BIGINT, basis VARCHAR)")
    yield con
    con.close()


@pytest.fixture
def big(big_table):
    """1.2·10⁷ amounts in 64 MB: median() cannot hold them, sorting spills to disk — also
    when they all belong to one enterprise (a single window partition of 1.2·10⁷ rows)."""
    big_table.execute("SET memory_limit = '64MB'")
    return big_table


def flagged_row_9(con, found):
    # row 9 (i = 7) is 10,000,000, its enterprise's other amounts 1–1000: above 100 × their median
    con.execute("SET memory_limit = '2GB'")                  # for median() here, after the check
    median = con.execute("SELECT median(amount_cents) FROM f_contracts WHERE enterprise_id = "
                         "(SELECT enterprise_id FROM f_contracts WHERE _row = 9) AND _row <> 9"
                         ).fetchall()[0][0]
    assert [(f.row, f.value) for f in found] == [(9, "1")]
    assert found[0].detail.split()[:3] == ["import", "contracts", str(float(median))]


def test_the_plan_follows_the_memory_limit(big):
    assert checks.median_plan(big, "contracts") == "sorted"
    with pytest.raises(duckdb.OutOfMemoryException):
        checks.unusual_amounts(big, "contracts", "in memory")
    flagged_row_9(big, checks.unusual_amounts(big, "contracts"))
    small = staged([("E1", 5)] * 10, {"memory_limit": "64MB"})
    assert checks.median_plan(small, "contracts") == "in memory"


def test_out_of_memory_falls_back_to_sorting(big, monkeypatch):
    monkeypatch.setattr(checks, "median_plan", lambda con, kind: "in memory")
    flagged_row_9(big, checks.unusual_amounts(big, "contracts"))
