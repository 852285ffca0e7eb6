"""Issue 11, point 3: Parquet in the import format goes through exactly the checks a CSV goes
through — the same issues at the same cells (a Parquet file has no header row: its first
record is row 1) — with typed values read as the text the checks expect: decimals exactly,
doubles as the decimal they show, dates as dates."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from shumao.ingest.importer import import_files
from shumao.store import connect
from tests.conftest import SAMPLE_FILES, copy_of, load_sample, run_json, snapshot

ENTERPRISE = "91990102B8QRD82822"      # tests/data/city
HEAD = ["合同编号", "统一社会信用代码", "签约日期", "发包方国别", "业务类别", "合同金额", "币种", "审核状态"]


@pytest.fixture
def city(request, tmp_path, templates):
    with connect(copy_of(request, templates, "sample", "duckdb", load_sample, tmp_path)) as store:
        yield store


def _found(result) -> list[tuple]:
    return [(i.row, i.column, i.code) for i in result.errors + result.warnings]


def _parquet(path: Path, columns: dict[str, pa.Array]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), path)
    return path


def _as_text(rows: list[list]) -> dict[str, pa.Array]:
    return {h: pa.array([r[i] for r in rows], pa.string()) for i, h in enumerate(HEAD)}


def _csv(path: Path, rows: list[list]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEAD)
        w.writerows([["" if c is None else c for c in r] for r in rows])
    return path


ROWS = [
    ["P-1", ENTERPRISE, "2024-03-05", "日本", "ITO", "1,234.56", "USD", "审核通过"],
    ["P-2", ENTERPRISE, "2024/3/7", "火星国", "BPO", "100", None, None],
    [None, ENTERPRISE, "2024年3月9日", "JP", "KPO", "12.5", "美元", None],
    ["P-4", ENTERPRISE, "2024-02-30", "US", "ITO", "-3", "USD", "待审核"],
    ["P-5", "91990102B8QRD8282X", "不是日期", "US", "咨询", "0.105", "欧元", "草稿"],
    ["P-6", ENTERPRISE, "2024-03-10", "US", "ITO", "一千", "USD", None],
    ["P-6", ENTERPRISE, "2024-03-11", "US", "ITO", "1e20", "USD", None],
]


def test_the_same_rows_give_the_same_issues_as_a_csv(city, tmp_path):
    """Text columns with every kind of defect: the CSV's issues, one row up (the CSV's header
    is its row 1), with the same columns, values and Chinese messages."""
    from_csv = import_files(city, [_csv(tmp_path / "合同.csv", ROWS)], today=dt.date(2025, 1, 1))
    from_pq = import_files(city, [_parquet(tmp_path / "合同.parquet", _as_text(ROWS))],
                           today=dt.date(2025, 1, 1))
    assert not from_csv.ok and not from_pq.ok
    want = [(i.row - 1 if i.row else None, i.column, i.value, i.code, i.message)
            for i in from_csv.errors + from_csv.warnings]
    got = [(i.row, i.column, i.value, i.code, i.message) for i in from_pq.errors + from_pq.warnings]
    assert got == want
    assert {i.file for i in from_pq.errors} == {"合同.parquet"}
    assert {(r, c, code) for r, c, _, code, _ in got} >= {
        (2, "client_country", "unknown-country"), (3, "contract_id", "missing-value"),
        (4, "signed_on", "impossible-date"), (4, "amount", "negative-amount"),
        (5, "enterprise_id", "unknown-enterprise"), (5, "signed_on", "bad-date"),
        (5, "category", "unknown-category"), (5, "amount", "fraction-of-cent"),
        (5, "status", "unknown-status"), (6, "amount", "bad-number"),
        (7, "amount", "amount-too-large"), (6, "contract_id", "duplicate-id")}


def test_typed_columns_load_as_their_csv(city, tmp_path):
    """Dates, exact decimals (a header's unit too), integers and doubles that are whole cents:
    the same records as the CSV that writes them as text."""
    rows = [["T-1", ENTERPRISE, "2024-03-05", "JP", "ITO", "90.131432", "USD", "approved"],
            ["T-2", ENTERPRISE, "2024-03-06", "SG", "BPO", "1234.5", "USD", "pending"],
            ["T-3", ENTERPRISE, "2024-03-07", "CN", "KPO", "0", "USD", "approved"]]
    head = [*HEAD[:5], "合同金额（万美元）", *HEAD[6:]]
    text = tmp_path / "csv" / "合同.csv"
    text.parent.mkdir()
    with text.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([head, *rows])
    with connect(tmp_path / "csv.duckdb") as a:
        assert import_files(a, [*SAMPLE_FILES, text]).ok
        want = snapshot(a)["contracts"]
    typed = {
        "合同编号": pa.array([r[0] for r in rows]),
        "统一社会信用代码": pa.array([r[1] for r in rows]),
        "签约日期": pa.array([dt.date.fromisoformat(r[2]) for r in rows], pa.date32()),
        "发包方国别": pa.array([r[3] for r in rows]),
        "业务类别": pa.array([r[4] for r in rows]),
        "合同金额（万美元）": pa.array([Decimal(r[5]) for r in rows], pa.decimal128(38, 10)),
        "币种": pa.array([r[6] for r in rows]),
        "审核状态": pa.array([r[7] for r in rows]),
    }
    as_ints = {**typed, "合同金额（万美元）": pa.array([90, 1234, 0], pa.int64())}
    as_doubles = {**typed, "签约日期": pa.array(
        [dt.datetime.fromisoformat(r[2]) for r in rows], pa.timestamp("ms")),
        "合同金额（万美元）": pa.array([90.131432, 1234.5, 0.0], pa.float64())}
    for name, columns in (("decimal", typed), ("double", as_doubles)):
        with connect(tmp_path / f"{name}.duckdb") as b:
            result = import_files(b, [*SAMPLE_FILES, _parquet(tmp_path / name / "合同.parquet",
                                                             columns)])
            assert result.ok, result.errors
            assert snapshot(b)["contracts"] == want, name
    with connect(tmp_path / "ints.duckdb") as c:
        assert import_files(c, [*SAMPLE_FILES, _parquet(tmp_path / "ints" / "合同.parquet",
                                                       as_ints)]).ok
        cents = {r[0]: r[5] for r in snapshot(c)["contracts"]}
        assert (cents["T-1"], cents["T-2"]) == (90_000_000, 1_234_000_000)


@pytest.mark.parametrize("amounts, found", [
    # a double that is not a whole number of cents: the decimal it shows, as in a CSV
    (pa.array([1234.56, 0.105], pa.float64()), [(2, "amount", "0.105", "fraction-of-cent")]),
    # never rounded to a millionth first (issue 19): 0.1 + 0.2 is 0.30000000000000004
    (pa.array([0.1 + 0.2, 7.0], pa.float64()),
     [(1, "amount", "0.30000000000000004", "fraction-of-cent")]),
    (pa.array([float("nan"), 1e20], pa.float64()),
     [(1, "amount", "nan", "bad-number"), (2, "amount", "1e+20", "amount-too-large")]),
    # exact decimals, never through a float: 1.005 is not 1.00 or 1.01
    (pa.array([Decimal("1.005"), Decimal("2.5")], pa.decimal128(38, 10)),
     [(1, "amount", "1.005", "fraction-of-cent")]),
    (pa.array([None, 5], pa.int32()), [(1, "amount", None, "missing-value")]),
])
def test_typed_amounts_are_checked_as_the_text_they_show(city, tmp_path, amounts, found):
    path = _parquet(tmp_path / "contracts.parquet", {
        "contract_id": pa.array(["A-1", "A-2"]), "enterprise_id": pa.array([ENTERPRISE] * 2),
        "signed_on": pa.array([dt.date(2024, 3, 1)] * 2), "client_country": pa.array(["JP"] * 2),
        "category": pa.array(["ITO"] * 2), "amount": amounts})
    before = snapshot(city)
    result = import_files(city, [path])
    assert [(i.row, i.column, i.value, i.code) for i in result.errors] == found
    assert (snapshot(city) == before) == bool(found)


def test_a_null_id_is_a_missing_value_at_its_row(city, tmp_path):
    path = _parquet(tmp_path / "executions.parquet", {
        "execution_id": pa.array(["X-1", None, "X-3"]),
        "contract_id": pa.array(["HT000000001"] * 3),
        "executed_on": pa.array([dt.date(2024, 3, 1)] * 3),
        "amount": pa.array([Decimal("1.00")] * 3, pa.decimal128(18, 2))})
    result = import_files(city, [path])
    assert _found(result) == [(2, "execution_id", "missing-value")]
    assert result.errors[0].message == "“execution_id”为必填项，不能为空"


def test_blank_records_are_skipped_and_rows_keep_their_numbers(city, tmp_path):
    path = _parquet(tmp_path / "合同.parquet", _as_text([
        ROWS[0], [None] * 8, ["  "] + [None] * 7, ["合计", None, None, None, None, "9", None, None],
        ["P-9", ENTERPRISE, "2024-03-05", "火星国", "ITO", "1", None, None]]))
    result = import_files(city, [path])
    assert _found(result) == [(5, "client_country", "unknown-country")]


@pytest.mark.parametrize("content", [b"PAR1 not really", b"\x00" * 64, "truncated"])
def test_a_corrupt_file_is_unreadable(city, tmp_path, content):
    path = tmp_path / "合同.parquet"
    if content == "truncated":
        _parquet(path, _as_text(ROWS))
        content = path.read_bytes()[:-40]
    path.write_bytes(content)
    result = import_files(city, [path])
    assert _found(result) == [(None, None, "unreadable-file")]
    assert "不是有效的Parquet文件" in result.errors[0].message


def test_wrong_columns(city, tmp_path):
    missing = _parquet(tmp_path / "合同.parquet", {
        "合同编号": pa.array(["W-1"]), "统一社会信用代码": pa.array([ENTERPRISE]),
        "签约日期": pa.array(["2024-03-01"]), "发包方国别": pa.array(["JP"]),
        "合同金额": pa.array([1.5]), "备注": pa.array(["x"])})
    unknown = _parquet(tmp_path / "数据.parquet", {"a": pa.array([1]), "b": pa.array(["x"])})
    result = import_files(city, [missing, unknown])
    assert [(i.file, i.row, i.column, i.code) for i in result.errors] == [
        ("合同.parquet", None, "category", "missing-column"),
        ("数据.parquet", None, None, "unknown-file-kind")]
    assert result.errors[0].message == "缺少必填列“业务类别”"


def test_rates_with_the_month_as_a_date(city, tmp_path):
    path = _parquet(tmp_path / "汇率.parquet", {
        "币种": pa.array(["CNY", "JPY", "EUR"]),
        "月份": pa.array([dt.date(2024, 3, 1), dt.date(2024, 3, 1), dt.date(2024, 3, 15)]),
        "兑美元汇率": pa.array([Decimal("0.1384123457"), Decimal("0.0067"), Decimal("1.08")],
                           pa.decimal128(20, 10))})
    result = import_files(city, [path])
    assert [(i.row, i.column, i.value, i.code) for i in result.errors] == [
        (3, "month", "2024-03-15", "bad-month")]
    ok = _parquet(tmp_path / "ok" / "汇率.parquet", {
        "currency": pa.array(["CNY"]), "month": pa.array([dt.date(2024, 3, 1)]),
        "usd_per_unit": pa.array([Decimal("0.1384123457")], pa.decimal128(20, 10))})
    assert import_files(city, [ok]).ok
    assert city.records.rates().to_pylist() == [{"currency": "CNY", "month": dt.date(2024, 3, 1),
                                         "usd_per_unit": Decimal("0.1384123457")}]


def test_a_folder_is_read_as_a_data_set(city, tmp_path):
    """Every Parquet file inside, each named by the folder and its path; the kind from the
    nearest folder that names one, else from the columns; what Hive and Spark hide is left."""
    folder = tmp_path / "数据"
    _parquet(folder / "contracts" / "year=2024" / "month=3" / "part-0.parquet", _as_text(ROWS[:2]))
    _parquet(folder / "misc" / "part-0.parquet", {      # executions by their columns
        "execution_id": pa.array(["F-1"]), "contract_id": pa.array(["没有的合同"]),
        "executed_on": pa.array([dt.date(2024, 3, 2)]), "amount": pa.array([Decimal("1")])})
    (folder / "contracts" / "_SUCCESS").write_bytes(b"")
    _parquet(folder / "_temporary" / "part-0.parquet", {"x": pa.array([1])})
    _parquet(folder / "contracts" / ".part-1.parquet", {"x": pa.array([1])})
    result = import_files(city, [folder])
    assert [(i.file, i.row, i.column, i.code) for i in result.errors] == [
        ("数据/contracts/year=2024/month=3/part-0.parquet", 2, "client_country", "unknown-country"),
        ("数据/misc/part-0.parquet", 1, "contract_id", "unknown-contract")]


def test_the_command_line_names_file_row_and_column(city, tmp_path):
    path = _parquet(tmp_path / "合同.parquet", _as_text(ROWS[:2]))
    url = city.url
    before = snapshot(city)
    city.close()
    code, out = run_json("import", path, "--db", url)
    assert code == 1 and not out["ok"]
    assert [(e["file"], e["row"], e["column"], e["code"]) for e in out["errors"]] == [
        ("合同.parquet", 2, "client_country", "unknown-country")]
    with connect(url, read_only=True) as again:
        assert snapshot(again) == before

    empty = tmp_path / "空"
    empty.mkdir()
    code, out = run_json("import", empty, "--db", url)
    assert code == 2 and "其中也没有 Parquet 文件" in out["error"]["message"]


def test_a_data_sets_partitions_are_one_table_with_each_file_named(city, tmp_path):
    """The partitions of one kind are read in one scan, yet every issue names its own file
    and row, and the batch keeps each file with its rows and sha256."""
    folder = tmp_path / "湖"
    march = _parquet(folder / "contracts" / "year=2024" / "month=3" / "part-0.parquet",
                     _as_text([ROWS[0], ROWS[0][:1] + [ENTERPRISE, "2024-03-06", "JP", "ITO",
                                                        "1", None, None]]))
    april = folder / "contracts" / "year=2024" / "month=4" / "part-0.parquet"
    rows = [["Q-1", ENTERPRISE, "2024-04-01", "JP", "ITO", "5", None, None],
            ["Q-2", ENTERPRISE, "2024-04-02", "火星国", "ITO", "5", None, None]]
    _parquet(april, _as_text(rows))
    result = import_files(city, [folder])
    assert [(i.file, i.row, i.column, i.code) for i in result.errors] == [
        ("湖/contracts/year=2024/month=3/part-0.parquet", 1, "contract_id", "duplicate-id"),
        ("湖/contracts/year=2024/month=3/part-0.parquet", 2, "contract_id", "duplicate-id"),
        ("湖/contracts/year=2024/month=4/part-0.parquet", 2, "client_country", "unknown-country")]
    assert result.errors[-1].message == "国别（地区）“火星国”无法识别（应为ISO代码或中文简称，如 JP、日本、中国香港）"

    _parquet(march, _as_text([ROWS[0]]))
    _parquet(april, _as_text(rows[:1]))
    assert import_files(city, [folder]).ok
    files = city.records.batches()[0]["files"]
    assert [(f["file"], f["kind"], f["rows"]) for f in files] == [
        ("湖/contracts/year=2024/month=3/part-0.parquet", "contracts", 1),
        ("湖/contracts/year=2024/month=4/part-0.parquet", "contracts", 1)]
    assert all(len(f["sha256"]) == 64 for f in files)


def test_a_damaged_partition_is_named_and_the_others_still_checked(city, tmp_path):
    """A file whose footer reads but whose data does not: the scan of all of them fails, so
    each is read alone and only the damaged one is unreadable."""
    folder = tmp_path / "湖"
    good = [["D-1", ENTERPRISE, "2024-03-05", "火星国", "ITO", "5", None, None]]
    _parquet(folder / "contracts" / "a.parquet", _as_text(good))
    bad = folder / "contracts" / "b.parquet"
    pq.write_table(pa.table(_as_text([ROWS[0]] * 50)), bad, compression="none")
    raw = bytearray(bad.read_bytes())
    raw[4:64] = b"\xff" * 60                   # the first page's header
    bad.write_bytes(bytes(raw))
    result = import_files(city, [folder])
    assert [(i.file, i.row, i.column, i.code) for i in result.errors] == [
        ("湖/contracts/b.parquet", None, None, "unreadable-file"),       # the reader's, first
        ("湖/contracts/a.parquet", 1, "client_country", "unknown-country")]
