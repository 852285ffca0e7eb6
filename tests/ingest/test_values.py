"""Issue 19, values at their edges (reliability review F4, F7, F12, F18): a date outside the
years a filing may name is an error at its row — never a crash, never silently stored — by
the same rule the web filing applies; a Parquet timestamp with a time zone is the date in its
own zone, whatever the machine's; an amount with more decimals than the store keeps is
refused, never rounded to a millionth first."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest

from shumao.filing import fields
from shumao.ingest.importer import import_files
from shumao.model import rules
from shumao.store import connect
from tests.conftest import copy_of, load_sample, run_process, snapshot
from tests.ingest.test_parquet import ENTERPRISE, _parquet, city  # noqa: F401

HEAD = ["contract_id", "enterprise_id", "signed_on", "client_country", "category", "amount",
        "currency"]


def _contracts(path: Path, rows: list[tuple[str, str]], head: list[str] = HEAD) -> Path:
    """One contract per (signed_on, amount)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(head)
        w.writerows([f"V-{i}", ENTERPRISE, d, "JP", "ITO", a, "USD"]
                    for i, (d, a) in enumerate(rows, 1))
    return path


def _errors(result) -> list[tuple]:
    return [(i.row, i.column, i.value, i.code) for i in result.errors]


# -- F4, F7: dates outside the filing years --------------------------------------------------
OUTSIDE = ["0001-01-01", "1899-12-31", "1900-01-01", "0999-05-05", "1989-12-31", "9999-12-31",
           "3000-01-01"]


def test_dates_outside_the_filing_years_are_errors_at_their_row(city, tmp_path):  # noqa: F811
    before = snapshot(city)
    path = _contracts(tmp_path / "contracts.csv",
                      [("2024-03-05", "100.00"), *((d, "100.00") for d in OUTSIDE),
                       ("1990-01-01", "100.00"), ("2999-12-31", "100.00")])
    result = import_files(city, [path], today=dt.date(2026, 12, 7))
    assert _errors(result) == [(r, "signed_on", d, "date-out-of-range")
                               for r, d in enumerate(OUTSIDE, 3)]
    [first] = [i for i in result.errors if i.row == 3]
    assert first.message == "日期“0001-01-01”超出可填报的范围（年份须在1990年到2999年之间）"
    # the year 2999 is inside: only the warning it was before
    assert [(i.row, i.code) for i in result.warnings] == [(11, "future-date")]
    assert snapshot(city) == before


def test_an_execution_date_outside_is_named_too(city, tmp_path):  # noqa: F811
    path = tmp_path / "executions.csv"
    path.write_text("execution_id,contract_id,executed_on,amount,currency\n"
                    "X-1,HT000000001,0001-01-01,1.00,USD\n", encoding="utf-8")
    assert _errors(import_files(city, [path])) == [
        (2, "executed_on", "0001-01-01", "date-out-of-range")]


def test_parquet_dates_of_year_one_and_excel_day_zero(city, tmp_path):  # noqa: F811
    path = _parquet(tmp_path / "contracts.parquet", {
        "contract_id": pa.array(["A-1", "A-2", "A-3"]),
        "enterprise_id": pa.array([ENTERPRISE] * 3),
        "signed_on": pa.array([dt.date(1, 1, 1), dt.date(1899, 12, 31), dt.date(2024, 3, 1)],
                              pa.date32()),
        "client_country": pa.array(["JP"] * 3), "category": pa.array(["ITO"] * 3),
        "amount": pa.array([Decimal("1.00")] * 3, pa.decimal128(18, 2))})
    assert _errors(import_files(city, [path])) == [
        (1, "signed_on", "0001-01-01", "date-out-of-range"),
        (2, "signed_on", "1899-12-31", "date-out-of-range")]


def test_the_web_filing_applies_the_same_years():
    assert (fields.FIRST_YEAR, fields.LAST_YEAR) == (rules.FIRST_YEAR, rules.LAST_YEAR)
    for day in OUTSIDE:
        _, problems = fields.read("contracts", {"signed_on": day}, ENTERPRISE)
        [p] = [p for p in problems if p.field == "signed_on"]
        assert p.code == "date-out-of-range" and "1990年到2999年" in p.message, day
    record, problems = fields.read("contracts", {"signed_on": "1990-01-01"}, ENTERPRISE)
    assert record["signed_on"] == dt.date(1990, 1, 1)
    assert "signed_on" not in {p.field for p in problems}
    _, problems = fields.read("contracts", {"signed_on": "2023-02-30"}, ENTERPRISE)
    assert [p.code for p in problems if p.field == "signed_on"] == ["bad-date"]


def test_the_history_window_of_the_first_year_does_not_crash():
    assert rules.history_window(dt.date(1, 3, 5)) == (dt.date(1, 1, 1), dt.date(1, 3, 4))


# -- F12: timestamps with a time zone --------------------------------------------------------
@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC", "+08:00"])
def test_a_timestamp_with_a_time_zone_is_the_date_in_its_own_zone(request, templates, tmp_path,
                                                                 zone):
    """Midnight and 23:30 on 1 April in the file's zone are 1 April, on a machine in New York
    (a process of its own: the zone is the process's)."""
    tz = dt.timezone(dt.timedelta(hours=8)) if zone == "+08:00" else ZoneInfo(zone)
    stamps = [dt.datetime(2024, 4, 1, 0, 0, tzinfo=tz), dt.datetime(2024, 4, 1, 23, 30, tzinfo=tz)]
    path = _parquet(tmp_path / "contracts.parquet", {
        "contract_id": pa.array(["Z-1", "Z-2"]), "enterprise_id": pa.array([ENTERPRISE] * 2),
        "signed_on": pa.array(stamps, pa.timestamp("us", tz=zone)),
        "client_country": pa.array(["JP"] * 2), "category": pa.array(["ITO"] * 2),
        "amount": pa.array([Decimal("1.00")] * 2, pa.decimal128(18, 2))})
    db = copy_of(request, templates, "sample", "duckdb", load_sample, tmp_path)
    p = run_process("import", path, "--db", db, "--json", env={"TZ": "America/New_York"})
    assert p.returncode == 0, p.stdout
    with connect(db) as store:
        got = store.db.execute("SELECT contract_id, signed_on FROM contracts "
                               "WHERE contract_id LIKE 'Z-%' ORDER BY 1")
    assert [tuple(r) for r in got] == [("Z-1", dt.date(2024, 4, 1)), ("Z-2", dt.date(2024, 4, 1))]


# -- F18: amounts with more decimals than the store keeps -----------------------------------
@pytest.mark.parametrize("amount", ["100.0000001", "1e-07", "0.30000000000000004", "1E-7",
                                    "1,000.0000001", "0.0000000000000000000001"])
def test_more_decimals_than_cents_are_a_fraction_of_a_cent(city, tmp_path, amount):  # noqa: F811
    before = snapshot(city)
    path = _contracts(tmp_path / "contracts.csv", [("2024-03-05", amount)])
    assert _errors(import_files(city, [path])) == [(2, "amount", amount, "fraction-of-cent")]
    assert snapshot(city) == before


@pytest.mark.parametrize("amount, cents", [("100.0000000", 10000), ("1.5e2", 15000),
                                           ("12.340000000000", 1234)])
def test_trailing_zeros_and_exponents_of_whole_cents_still_load(city, tmp_path, amount, cents):  # noqa: F811
    path = _contracts(tmp_path / "contracts.csv", [("2024-03-05", amount)])
    assert import_files(city, [path]).ok
    [(got,)] = city.db.execute("SELECT amount_cents FROM contracts WHERE contract_id = 'V-1'")
    assert got == cents


def test_a_header_unit_does_not_round_the_filed_amount(city, tmp_path):  # noqa: F811
    """1.00000004 万美元 is 10000.0004 USD: not 10000.00."""
    head = [*HEAD[:5], "合同金额（万美元）", "currency"]
    path = _contracts(tmp_path / "contracts.csv", [("2024-03-05", "1.00000004")], head)
    assert _errors(import_files(city, [path])) == [(2, "amount", "1.00000004", "fraction-of-cent")]


@pytest.mark.parametrize("amounts, bad", [
    (pa.array([Decimal("100.0000000001"), Decimal("100.001")], pa.decimal128(38, 10)),
     [(1, "100.0000000001"), (2, "100.001")]),
    (pa.array([0.1 + 0.2, 1e-7], pa.float64()), [(1, "0.30000000000000004"), (2, "1e-07")]),
])
def test_parquet_amounts_are_not_rounded_to_a_millionth(city, tmp_path, amounts, bad):  # noqa: F811
    path = _parquet(tmp_path / "contracts.parquet", {
        "contract_id": pa.array(["A-1", "A-2"]), "enterprise_id": pa.array([ENTERPRISE] * 2),
        "signed_on": pa.array([dt.date(2024, 3, 1)] * 2), "client_country": pa.array(["JP"] * 2),
        "category": pa.array(["ITO"] * 2), "amount": amounts})
    assert _errors(import_files(city, [path])) == [(r, "amount", v, "fraction-of-cent")
                                                   for r, v in bad]
