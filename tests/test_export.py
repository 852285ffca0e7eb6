"""Issue 11, point 3: ``shumao export DIR --format parquet`` — the approved records as a
Hive-partitioned Parquet data set that the indicator code reads unchanged, and that
``shumao import DIR`` reads back into an empty store with the same figures to the cent; the
folder appears whole or not at all."""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from shumao.ingest.importer import import_files
from shumao.lake import export, verify
from shumao.model.periods import Period
from shumao.model.records import DATE_OF, EXPORTED, RECORDS
from shumao.report.data import as_json
from shumao.report.service import ReportSettings, build_report, report_of
from shumao.store import connect
from shumao.store.backend import Backend
from shumao.store.base import Store
from shumao.store.duckdb import DuckDBBackend
from shumao.store.records import export_sql
from tests.conftest import SAMPLE_FILES, run_cli, run_json, sql
from tests.support.records import set_status

PERIODS = ("2024", "2024-03", "2024Q2", "2023H2")
ENTERPRISE = "91990102B8QRD82822"          # tests/data/city
PART = re.compile(r"(contracts|executions)/year=(\d{4})/month=(\d{1,2})/part-0\.parquet")


def _extras(folder: Path) -> list[Path]:
    """Rates, and contracts in other currencies: a CSV in 万元 and a workbook whose numbers
    are rounded to the cent on reading ("the decimal it shows"), so the round trip must
    reproduce cents converted at a rate, not only dollars."""
    rates = folder / "rates.csv"
    rates.write_text("currency,month,usd_per_unit\nCNY,2024-03,0.1384123457\n"
                     "JPY,2024-03,0.0067123456\nCNY,2024-05,0.1380000001\n", encoding="utf-8")
    csv_ = folder / "合同-外币.csv"
    csv_.write_text("合同编号,统一社会信用代码,签约日期,发包方国别,业务类别,合同金额（万元）\n"
                    f"RT-1,{ENTERPRISE},2024-03-05,日本,ITO,90.131432\n"
                    f"RT-2,{ENTERPRISE},2024-03-20,新加坡,BPO,0.0001\n", encoding="utf-8")
    book = Workbook()
    ws = book.active
    ws.append(["合同编号", "统一社会信用代码", "签约日期", "发包方国别", "业务类别", "合同金额", "币种"])
    ws.append(["RT-3", ENTERPRISE, "2024-03-09", "JP", "KPO", 12345.678, "日元"])
    ws.append(["RT-4", ENTERPRISE, "2024-05-02", "DE", "ITO", 3.3333333, "人民币"])
    xlsx = folder / "合同-表格.xlsx"
    book.save(xlsx)
    ex = folder / "执行-外币.csv"
    ex.write_text("执行编号,合同编号,执行日期,执行金额,币种\n"
                  "RX-1,RT-1,2024-03-28,1234.57,CNY\nRX-2,RT-3,2024-05-30,99.99,USD\n",
                  encoding="utf-8")
    return [rates, csv_, xlsx, ex]


def _city(store: Store, folder: Path) -> Store:
    """The sample city, the extras, and review decisions that take records out of the
    figures: a pending contract (its approved executions no longer count), a returned
    execution of an approved contract."""
    result = import_files(store, [*SAMPLE_FILES, *_extras(folder)])
    assert result.ok, result.errors
    (contract,), = sql(store, "SELECT min(contract_id) FROM executions WHERE status = 'approved' "
                              "AND executed_on >= DATE '2024-01-01'")
    (execution,), = sql(store, "SELECT min(x.execution_id) FROM executions x JOIN contracts c "
                               "USING (contract_id) WHERE x.status = 'approved' AND c.status = "
                               "'approved' AND c.contract_id <> ? AND x.executed_on >= DATE "
                               "'2024-03-01'", [contract])
    set_status(store, "contracts", contract, "pending", actor="测试")
    set_status(store, "executions", execution, "returned", actor="测试")
    set_status(store, "contracts", "RT-2", "returned", actor="测试")
    return store


def _reports(url: str) -> dict[str, dict]:
    out = {}
    for p in PERIODS:
        r = run_cli("report", "--period", p, "--format", "json", "--db", url)
        assert r.returncode == 0, r.stderr
        out[p] = json.loads(r.stdout)
    return out


def _approved(store: Store) -> dict[str, set]:
    return {
        "contracts": set(sql(store, "SELECT contract_id, enterprise_id, signed_on, client_country, "
                                    "category, amount_cents, currency FROM contracts "
                                    "WHERE status = 'approved'")),
        "executions": set(sql(store, "SELECT x.execution_id, x.contract_id, x.executed_on, "
                                     "x.amount_cents, x.currency FROM executions x JOIN contracts c "
                                     "USING (contract_id) WHERE x.status = 'approved' "
                                     "AND c.status = 'approved'")),
        "enterprises": set(sql(store, "SELECT enterprise_id, name, nature, region FROM enterprises")),
        "rates": set(sql(store, "SELECT currency, month, usd_per_unit FROM rates")),
    }


# -- the round trip ----------------------------------------------------------------------------
def test_round_trip_gives_the_same_report_to_the_cent(store_url, tmp_path):
    """On each backend (DuckDB writes with COPY, PostgreSQL through pyarrow.dataset): export,
    import the folder into an empty DuckDB store, and every figure of report --format json is
    the same, as is every approved record's cents."""
    with connect(store_url) as store:
        _city(store, tmp_path)
        before = _approved(store)
    reports = _reports(store_url)

    code, done = run_json("export", tmp_path / "湖", "--format", "parquet", "--db", store_url)
    assert code == 0, done
    assert done["counts"] == {k: len(before.get(k, ())) for k in EXPORTED}

    again = tmp_path / "again.duckdb"
    code, imported = run_json("import", tmp_path / "湖", "--db", again)
    assert code == 0 and imported["ok"], imported["errors"]
    assert {k: c["new"] for k, c in imported["counts"].items()} == done["counts"]
    assert _reports(str(again)) == reports
    with connect(again, read_only=True) as back:
        assert _approved(back) == before


DIGITAL_KEYS = {"ecommerce": "line_id", "platforms": "platform_id", "services": "record_id",
                "dt_survey": "enterprise_id, year", "totals": "name, period, flow"}


def _digital_rows(store: Store) -> dict[str, list]:
    """Every record of the digital-trade kinds, the amount as filed compared as the amount in
    its currency (the unit it was written in, 万元, is not kept by the data set)."""
    def cols(k):
        return ", ".join("orig_amount * orig_scale" if c == "orig_amount" else c
                         for c in RECORDS[k].names if c not in ("batch_id", "orig_scale"))

    return {k: sql(store, f"SELECT {cols(k)} FROM {k} ORDER BY {key}")
            for k, key in DIGITAL_KEYS.items()}


def test_round_trip_of_the_digital_trade_kinds(store_url, tmp_path):
    """Issue 22: every kind digital trade reads is in the data set — customs rows in 万元 and
    with no HS chapter (full-scope totals, ``_U``), platforms, services direct reports, the
    survey's remote shares (JSON), benchmark totals — exported from each backend, imported
    into an empty store record for record, cent for cent, and 【数字贸易】's JSON the same
    with every optional input in use.  Before: none of them was exported."""
    from tests.report.test_digital_inputs import (
        TODAY,
        city_with_services,
        full_scope_file,
        survey_file,
        totals_file,
    )

    city_with_services(store_url, tmp_path)
    with connect(store_url) as store:
        assert import_files(store, [survey_file(tmp_path), totals_file(tmp_path),
                                    full_scope_file(tmp_path)[0]], today=TODAY).ok
        before = _digital_rows(store)
    assert all(before.values()) and any(r[6] == "_U" for r in before["ecommerce"])
    assert any(r[4] for r in before["dt_survey"])               # remote shares answered
    every = ("--services-source", "direct_reports", "--impute-delivery", "survey",
             "--goods-basis", "full")
    want = [run_cli("digital", "--period", "2024H1", "--format", "json", "--db", store_url, *s).stdout
            for s in ((), every)]
    code, done = run_json("export", tmp_path / "湖", "--format", "parquet", "--db", store_url)
    assert code == 0, done
    assert {k: done["counts"][k] for k in before} == {k: len(v) for k, v in before.items()}
    again = tmp_path / "again.duckdb"
    code, imported = run_json("import", tmp_path / "湖", "--db", again)
    assert code == 0 and imported["ok"], imported["errors"]
    with connect(again, read_only=True) as back:
        assert _digital_rows(back) == before
    assert [run_cli("digital", "--period", "2024H1", "--format", "json", "--db", again, *s).stdout
            for s in ((), every)] == want


@pytest.mark.parametrize("sample_url", ["duckdb"], indirect=True)
def test_the_indicator_code_reads_the_data_set_as_the_stores_tables(sample_store, tmp_path):
    """What report --engine spark will do: the four folders as tables of the same names, with
    Hive partitioning; the same Ibis expressions give the same report, and each table has the
    store's columns and types first."""
    export.export(sample_store, tmp_path / "湖")
    con = ibis.duckdb.connect()
    for kind in EXPORTED:
        con.read_parquet(f"{tmp_path / '湖' / kind}/**/*.parquet", table_name=kind,
                         hive_partitioning=True)
    stored = sample_store.ibis()
    for kind in ("enterprises", "contracts", "executions", "rates"):
        own = stored.table(kind).schema()
        lake = con.table(kind).schema()
        assert list(lake)[:len(own)] == list(own)
        assert all(lake[c].copy(nullable=True) == own[c].copy(nullable=True) for c in own), kind
    settings = ReportSettings.from_options()
    for p in PERIODS:
        assert as_json(report_of(con, Period.parse(p), settings)) == \
            as_json(build_report(sample_store, Period.parse(p), settings))


# -- what is written -----------------------------------------------------------------------------
def test_only_approved_records_are_written_by_year_and_month(tmp_path):
    with connect(tmp_path / "s.duckdb") as store:
        _city(store, tmp_path)
        approved = _approved(store)
        statuses = dict(sql(store, "SELECT status, count(*) FROM contracts GROUP BY status"))
        done = export.export(store, tmp_path / "湖")
    assert set(statuses) == {"approved", "pending", "returned"}
    lake = tmp_path / "湖"
    months: dict[str, set] = {"contracts": set(), "executions": set()}
    for f in sorted(lake.rglob("*.parquet")):
        rel = f.relative_to(lake).as_posix()
        if rel.split("/")[0] not in DATE_OF:
            assert rel.endswith("/part-0.parquet") and rel.count("/") == 1
            continue
        m = PART.fullmatch(rel)
        assert m, rel
        kind, year, month = m[1], int(m[2]), int(m[3])
        t = pq.read_table(f)
        assert "year" not in t.column_names and "month" not in t.column_names  # in the path only
        date = t.column("signed_on" if kind == "contracts" else "executed_on").to_pylist()
        assert {(d.year, d.month) for d in date} == {(year, month)}
        assert set(t.column("status").to_pylist()) == {"approved"}
        months[kind].add((year, month))
    assert months["contracts"] == {(r[2].year, r[2].month) for r in approved["contracts"]}
    assert months["executions"] == {(r[2].year, r[2].month) for r in approved["executions"]}

    table = ds.dataset(lake / "executions", partitioning="hive").to_table()
    assert {(r["execution_id"], r["contract_id"], r["executed_on"], r["amount_cents"], r["currency"])
            for r in table.to_pylist()} == approved["executions"]
    assert done.counts["executions"] == table.num_rows == len(approved["executions"])
    contracts = ds.dataset(lake / "contracts", partitioning="hive").to_table().to_pylist()
    ids = {r["contract_id"] for r in contracts}
    assert ids == {r[0] for r in approved["contracts"]} and "RT-2" not in ids
    jp = next(r for r in contracts if r["contract_id"] == "RT-3")
    # the amount as filed, and the amount to the cent the import counted (a workbook number)
    assert (str(jp["orig_amount"]), jp["orig_scale"], str(jp["amount"]), jp["currency"]) == \
        ("12345.678000", 1, "12345.68", "JPY")
    assert jp["amount_cents"] == int((Decimal(1234568) * Decimal("0.0067123456")).quantize(
        Decimal(1), rounding=ROUND_HALF_UP))
    assert (jp["nature"], jp["region"]) == next(
        (n, r) for e, _, n, r in approved["enterprises"] if e == ENTERPRISE)

    manifest = export.read_manifest(lake)
    assert manifest["counts"] == done.counts
    assert manifest["format"] == "shumao-parquet" and manifest["schema_version"] == export.VERSION == 2
    assert manifest["source"]["backend"] == "duckdb"
    assert manifest["tables"]["executions"]["partitioning"] == ["year", "month"]
    assert [c["name"] for c in manifest["tables"]["contracts"]["columns"]] == \
        EXPORTED["contracts"].names


@pytest.mark.parametrize("sample_url", ["duckdb"], indirect=True)
def test_the_schema_is_exactly_the_declared_one(sample_store, tmp_path):
    export.export(sample_store, tmp_path / "湖")
    for kind, table in EXPORTED.items():
        want = [(f.name, f.type) for f in table.arrow()
                if kind not in DATE_OF or f.name not in ("year", "month")]
        for f in (tmp_path / "湖" / kind).rglob("*.parquet"):
            assert [(x.name, x.type) for x in pq.read_schema(f)] == want, f


def test_a_kind_without_records_still_has_its_schema(tmp_path):
    with connect(tmp_path / "s.duckdb") as store:
        assert import_files(store, [SAMPLE_FILES[0]]).ok      # enterprises only
        done = export.export(store, tmp_path / "湖")
    assert done.counts == {k: 25 if k == "enterprises" else 0 for k in EXPORTED}
    for kind in set(EXPORTED) - {"enterprises"}:
        files = list((tmp_path / "湖" / kind).rglob("*.parquet"))
        assert [f.name for f in files] == ["part-0.parquet"]
        t = pq.read_table(files[0])
        assert t.num_rows == 0 and t.column_names == EXPORTED[kind].names
    code, result = run_json("import", tmp_path / "湖", "--db", tmp_path / "again.duckdb")
    assert code == 0 and result["counts"]["enterprises"]["new"] == 25


@pytest.mark.parametrize("sample_url", ["duckdb"], indirect=True)
def test_pyarrow_and_duckdb_write_the_same_data_set(sample_store, tmp_path):
    """The PostgreSQL path (the store's batches through pyarrow.dataset), run here on the
    DuckDB store: the same files, the same rows."""
    assert import_files(sample_store, [_extras(tmp_path)[0]]).ok      # some rates too
    duck, arrow = tmp_path / "duck", tmp_path / "arrow"
    duck.mkdir()
    arrow.mkdir()
    sample_store.records.export_parquet(duck)
    for kind, table in EXPORTED.items():
        Backend.write_parquet(sample_store.db, export_sql(kind), table.arrow(), arrow / kind,
                              kind in DATE_OF)

    def files(root):         # (a kind without rows: DuckDB writes an empty file, pyarrow none)
        return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.parquet")
                      if pq.read_metadata(p).num_rows)

    assert files(duck) == files(arrow)
    for kind in EXPORTED:
        a, b = (ds.dataset(root / kind, partitioning="hive").to_table() if (root / kind).exists()
                else EXPORTED[kind].arrow().empty_table() for root in (duck, arrow))
        key = [(EXPORTED[kind].key[0], "ascending")]
        assert a.sort_by(key).equals(b.sort_by(key).cast(a.schema)), kind


@pytest.mark.postgres
def test_the_manifest_names_the_store_without_its_password(pg_cluster, tmp_path):
    url = pg_cluster.create_database("export_password")
    secret = url.replace("postgres@", "postgres:s3cret-pw@")
    try:
        with connect(secret) as store:
            assert import_files(store, SAMPLE_FILES).ok
            export.export(store, tmp_path / "湖")
    finally:
        pg_cluster.drop_database("export_password")
    text = (tmp_path / "湖" / export.MANIFEST).read_text(encoding="utf-8")
    assert "s3cret" not in text
    assert json.loads(text)["source"]["store"].startswith("postgresql://postgres@127.0.0.1:")


# -- the folder: whole or not at all ---------------------------------------------------------------
class FailingBackend(DuckDBBackend):
    """A store whose export fails after contracts were written (a full disk, a lost server)."""

    def write_parquet(self, sql, schema_, folder, partitioned):
        if folder.name == "executions":
            raise OSError(28, "No space left on device")
        return super().write_parquet(sql, schema_, folder, partitioned)


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_failure_leaves_nothing_half_written(tmp_path):
    with connect(tmp_path / "s.duckdb") as store:
        assert import_files(store, SAMPLE_FILES).ok
    with Store(FailingBackend(str(tmp_path / "s.duckdb"), read_only=True, create=False)) as store:
        with pytest.raises(Exception, match="磁盘空间不足"):
            export.export(store, tmp_path / "湖")
        assert not (tmp_path / "湖").exists()

        with connect(tmp_path / "s.duckdb", read_only=True) as good:
            export.export(good, tmp_path / "湖")
        earlier = _tree(tmp_path / "湖")
        with pytest.raises(Exception, match="磁盘空间不足"):
            export.export(store, tmp_path / "湖", overwrite=True)
        assert _tree(tmp_path / "湖") == earlier
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.duckdb", "湖"]   # no temporary folder


@pytest.mark.parametrize("sample_url", ["duckdb"], indirect=True)
def test_overwrite_replaces_an_earlier_export_and_nothing_else(sample_store, tmp_path):
    lake = tmp_path / "湖"
    export.export(sample_store, lake)
    stale = lake / "contracts" / "year=1999" / "month=1" / "part-0.parquet"
    stale.parent.mkdir(parents=True)
    stale.write_bytes((lake / "rates" / "part-0.parquet").read_bytes())
    url = sample_store.url
    sample_store.close()

    p = run_cli("export", lake, "--db", url)
    assert p.returncode == 2 and "不是空的" in "".join(p.stderr.split()) and stale.exists()
    code, done = run_json("export", lake, "--db", url, "--overwrite")
    assert code == 0 and not stale.exists() and (lake / export.MANIFEST).is_file()

    other = tmp_path / "别的"
    other.mkdir()
    (other / "笔记.txt").write_text("不要删", encoding="utf-8")
    code, refused = run_json("export", other, "--db", url, "--overwrite")
    assert code == 2 and refused["error"]["code"] == "bad-input"
    assert "不是 shumao 导出的数据集" in refused["error"]["message"]
    assert _tree(other) == {"笔记.txt": "不要删".encode()}

    empty = tmp_path / "空"
    empty.mkdir()
    assert run_json("export", empty, "--db", url)[0] == 0 and (empty / export.MANIFEST).is_file()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("args, code, words", [
    (["湖", "--format", "csv"], 2, "--format 只能是 parquet"),
    (["文件.txt"], 2, "这是文件，不是文件夹"),
    (["没有/湖"], 2, "输出文件夹不存在"),
])
@pytest.mark.parametrize("sample_url", ["duckdb"], indirect=True)
def test_wrong_usage_exits_2(sample_store, tmp_path, args, code, words):
    (tmp_path / "文件.txt").write_text("x", encoding="utf-8")
    argv = [str(tmp_path / args[0]), *args[1:]]
    got, out = run_json("export", *argv, "--db", sample_store.url)
    assert got == code and words in out["error"]["message"]


def test_a_store_that_does_not_exist_is_wrong_usage(tmp_path):
    code, out = run_json("export", tmp_path / "湖", "--db", tmp_path / "没有.duckdb")
    assert code == 2 and "数据库不存在" in out["error"]["message"]
    assert not (tmp_path / "没有.duckdb").exists() and not (tmp_path / "湖").exists()


@pytest.mark.parametrize("sample_url", ["duckdb"], indirect=True)
def test_the_text_output_names_the_counts(sample_store, tmp_path):
    url = sample_store.url
    sample_store.close()
    p = run_cli("export", tmp_path / "湖", "--db", url)
    assert p.returncode == 0
    assert "已导出 Parquet 数据集" in p.stdout and "1468" in p.stdout and "_shumao.json" in p.stdout


def test_read_manifest_refuses_a_later_version(tmp_path):
    (tmp_path / export.MANIFEST).write_text(json.dumps(
        {"format": "shumao-parquet", "schema_version": 99}), encoding="utf-8")
    with pytest.raises(Exception, match="更新版本"):
        export.read_manifest(tmp_path)
    with pytest.raises(Exception, match="不是 shumao 导出的"):
        export.read_manifest(tmp_path / "没有")


@pytest.mark.parametrize("sample_url", ["duckdb"], indirect=True)
def test_pa_types_are_the_stores(sample_store):
    """Money stays exact: cents are integers, amounts decimals, never floats."""
    for table in EXPORTED.values():
        for f in table.arrow():
            assert not pa.types.is_floating(f.type), f


# -- overwrite replaces an export and only that (reliability F8) ------------------------------------
@pytest.mark.parametrize("sample_url", ["duckdb"], indirect=True)
def test_overwrite_refuses_a_fake_manifest_and_a_users_own_files(sample_store, tmp_path):
    """Before: a folder holding any file named _shumao.json ('{}' is enough) was emptied, and a
    user's notes inside a real export went with it. Now both are refused (exit 2), naming what
    is not the export's; nothing is touched."""
    url = sample_store.url
    sample_store.close()
    fake = tmp_path / "假"
    fake.mkdir()
    (fake / export.MANIFEST).write_text("{}", encoding="utf-8")
    (fake / "data.txt").write_text("珍贵", encoding="utf-8")
    code, out = run_json("export", fake, "--db", url, "--overwrite")
    assert code == 2 and "不是 shumao 导出的数据集" in out["error"]["message"]
    assert _tree(fake) == {export.MANIFEST: b"{}", "data.txt": "珍贵".encode()}

    lake = tmp_path / "湖"
    assert run_json("export", lake, "--db", url)[0] == 0
    (lake / "my_notes.txt").write_text("我的笔记", encoding="utf-8")
    (lake / "executions" / "说明.txt").write_text("别删", encoding="utf-8")
    before = _tree(lake)
    code, out = run_json("export", lake, "--db", url, "--overwrite")
    assert code == 2, out
    assert "my_notes.txt" in out["error"]["message"] and "executions/说明.txt" in out["error"]["message"]
    assert _tree(lake) == before


@pytest.mark.parametrize("sample_url", ["duckdb"], indirect=True)
def test_overwrite_through_a_symbolic_link_replaces_what_it_points_to(sample_store, tmp_path):
    """Before: the link was replaced by a real folder and the export it pointed to kept its
    old content. Now the link stays and the folder it points to holds the new export."""
    url = sample_store.url
    sample_store.close()
    real = tmp_path / "真"
    assert run_json("export", real, "--db", url)[0] == 0
    (real / "contracts" / "year=1999").mkdir()
    (real / "contracts" / "year=1999" / "part-0.parquet").write_bytes(b"stale")
    link = tmp_path / "链接"
    link.symlink_to(real, target_is_directory=True)
    code, out = run_json("export", link, "--db", url, "--overwrite")
    assert code == 0, out
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert not (real / "contracts" / "year=1999").exists()
    verify.check(real, export.read_manifest(real))
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    dangling = tmp_path / "断链"
    dangling.symlink_to(tmp_path / "没有")
    code, out = run_json("export", dangling, "--db", url)
    assert code == 2 and "不存在" in out["error"]["message"] and not (tmp_path / "没有").exists()


# -- killed exports: DIR never absent; what they leave is cleared (reliability F9, F16) -----------
KILLER = """
import os, pathlib, sys
from shumao.lake import export, verify
from shumao.store import connect
point, db, target = sys.argv[1:4]
try:
    from shumao.lake import place, verify
except ImportError:                                   # shumao before place.py
    place = verify = None
if point == "two-renames":                            # a system without RENAME_EXCHANGE
    if place is not None:
        place._exchange = lambda a, b: False
    renamed = pathlib.Path.rename
    calls = []
    def rename(self, to):
        calls.append(self)
        if len(calls) == 2:
            os._exit(9)                               # killed between the two renames
        return renamed(self, to)
    pathlib.Path.rename = rename
elif point == "after-exchange":
    swapped = place._exchange
    def exchange(a, b):
        swapped(a, b)
        os._exit(9)                                   # killed before the old one is deleted
    place._exchange = exchange
elif point == "while-writing":
    import pyarrow.parquet as pq
    pq.write_table = lambda *a, **k: os._exit(9)      # killed in the middle of the export
    if verify is not None:
        verify.describe = lambda folder: os._exit(9)
with connect(db, read_only=True) as store:
    export.export(store, target, overwrite=True)
"""


def _killed(point: str, db: str, target: Path) -> None:
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "-c", KILLER, point, db, str(target)], capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == -9 or p.returncode == 9, (p.returncode, p.stderr[-2000:])


@pytest.mark.parametrize("point", ["two-renames", "after-exchange"])
@pytest.mark.parametrize("sample_url", ["duckdb"], indirect=True)
def test_overwrite_killed_at_the_swap_leaves_a_whole_data_set(sample_store, tmp_path, point):
    """Before: killed between its two renames, --overwrite left no data set at DIR (the old
    one in .DIR.shumao-old-*/old). Now the two folders are swapped in one step
    (renameat2 RENAME_EXCHANGE) — killed right after it, DIR holds the new export —, and
    where the system cannot swap, the next export in that folder puts the old one back."""
    url = sample_store.url
    sample_store.close()
    tmp_path = tmp_path / "出"          # beside the exports: nothing but them
    tmp_path.mkdir()
    lake = tmp_path / "湖"
    assert run_json("export", lake, "--db", url)[0] == 0
    earlier = _tree(lake)
    _killed(point, url, lake)
    if point == "after-exchange":
        assert lake.is_dir()
        verify.check(lake, export.read_manifest(lake))     # the new export, whole
    assert run_json("export", tmp_path / "别处", "--db", url)[0] == 0    # any export beside it
    if point == "two-renames":
        assert _tree(lake) == earlier                       # as it was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["别处", "湖"]   # nothing left over


@pytest.mark.parametrize("sample_url", ["duckdb"], indirect=True)
def test_what_a_killed_export_leaves_is_cleared_but_not_a_live_ones(sample_store, tmp_path):
    """Before: each killed export left its .DIR.shumao-* folder for ever. Now the next export
    in that folder removes those no living process holds, and leaves a running export's."""
    import fcntl
    import os

    url = sample_store.url
    sample_store.close()
    tmp_path = tmp_path / "出"          # beside the exports: nothing but them
    tmp_path.mkdir()
    _killed("while-writing", url, tmp_path / "湖")
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].startswith(".湖.shumao-"), left
    live = tmp_path / ".别的.shumao-0123abcd"
    live.mkdir()
    fd = os.open(live, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)                      # as a running export holds its folder
    try:
        assert run_json("export", tmp_path / "湖", "--db", url)[0] == 0
        assert sorted(p.name for p in tmp_path.iterdir()) == [live.name, "湖"]
    finally:
        os.close(fd)
    assert run_json("export", tmp_path / "湖2", "--db", url)[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["湖", "湖2"]


# -- a disk that is full or read-only: said as the import says it (reliability F10, F20) ------------
class FullDisk(DuckDBBackend):
    """DuckDB's own COPY failing as it does on a full disk (its IO error, JSON inside)."""

    def _copy(self, sql, target, opts):
        if target.parent.name.startswith("month="):
            import duckdb
            raise duckdb.IOException(
                'IO Error: Async write failed for range [offset=76861, size=15070]: {"exception_type":'
                f'"IO","exception_message":"Could not write file \\"{target}\\": No space left on '
                'device","errno":"28"}')
        return super()._copy(sql, target, opts)


def test_a_full_disk_is_said_in_chinese(tmp_path):
    with connect(tmp_path / "s.duckdb") as store:
        assert import_files(store, SAMPLE_FILES).ok
    with Store(FullDisk(str(tmp_path / "s.duckdb"), read_only=True, create=False)) as store, \
            pytest.raises(Exception) as caught:
        export.export(store, tmp_path / "湖")
    message = str(caught.value)
    assert message.startswith("磁盘空间不足") and str(tmp_path / "湖") in message, message
    assert "未做任何修改" in message and "IO Error" not in message and ".湖.shumao" not in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.duckdb"]


def test_a_read_only_place_is_said_in_chinese(tmp_path, monkeypatch):
    import errno

    with connect(tmp_path / "s.duckdb") as store:
        assert import_files(store, SAMPLE_FILES).ok
    made = Path.mkdir

    def mkdir(self, *a, **k):             # the folder's file system mounted read-only
        if self.parent == tmp_path and self.name.startswith(".湖"):
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        return made(self, *a, **k)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    code, out = run_json("export", tmp_path / "湖", "--db", tmp_path / "s.duckdb")
    assert code == 3, out
    assert "只读" in out["error"]["message"] and "Read-only" not in out["error"]["message"]
