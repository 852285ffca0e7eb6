"""Issue 11, point 4: ``shumao report --data DIR [--engine duckdb|spark] [--spark-master URL]``
— the whole 数据月报 from a Parquet data set of ``shumao export``, through the same Ibis
indicator expressions as the stores, on DuckDB and on PySpark in local mode (the extra
``shumao[spark]`` and Debian's Java, both installed by the test setup)."""

from __future__ import annotations

import json
import os
import re
import sys
from contextlib import ExitStack, nullcontext
from pathlib import Path

import pytest

from shumao.errors import EngineError, InputError
from shumao.ingest.importer import import_files
from shumao.lake import export
from shumao.lake.read import TABLES, open_lake
from shumao.model.periods import Period
from shumao.report import formats
from shumao.report.data import as_json
from shumao.report.service import ReportSettings, build_report, report_of
from shumao.samples.synth import Plan, generate
from shumao.store import connect
from tests.conftest import (
    SAMPLE,
    SHARED_SAMPLE,
    SHARED_SAMPLE_FILES,
    need_shared,
    run_cli,
    run_process,
)

EXPECTED = sorted(SAMPLE.glob("expected_*.txt"))
SETTINGS = ReportSettings(region="示例市", short="我市")
# the JVM of the tests' small data sets compiles with its quick compiler only: most of a first
# report's time on Spark is Java warming up (C2's compiling), not computing — 6 reports in
# about half the time; the same shumao code and Spark plans (not for the 10⁶ scale test)
QUICK_JVM = {"PYSPARK_SUBMIT_ARGS": "--driver-java-options -XX:TieredStopAtLevel=1 pyspark-shell"}


@pytest.fixture(scope="module")
def city(tmp_path_factory, sample_db):
    """The sample city in a DuckDB store and exported beside it as a Parquet data set."""
    folder = tmp_path_factory.mktemp("lake")
    with connect(sample_db, read_only=True) as store:
        export.export(store, folder / "湖")
    return sample_db, folder / "湖"


@pytest.fixture(scope="module")
def spark(city):
    """One Spark session (local mode) on the sample city's data set for the module."""
    with ExitStack() as stack:
        with pytest.MonkeyPatch.context() as mp:
            for k, v in QUICK_JVM.items():
                mp.setenv(k, v)              # read as the JVM starts, and only then
            con = stack.enter_context(open_lake(city[1], "spark"))
        yield con


def _period(expected) -> Period:
    return Period.parse(expected.stem.removeprefix("expected_"))


@pytest.fixture(scope="module")
def own(city):
    """The store's own report of each expected period: computed once, for both engines."""
    with connect(city[0], read_only=True) as store:
        return {e.name: build_report(store, _period(e), SETTINGS) for e in EXPECTED}


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_expected_texts_and_json_from_the_data_set(city, own, request, engine):
    """Every expected text of the sample city, character for character, and every figure of
    the JSON equal to the store's report."""
    lake = city[1]
    with open_lake(lake) if engine == "duckdb" else nullcontext(request.getfixturevalue("spark")) as con:
        for expected in EXPECTED:
            doc = report_of(con, _period(expected), SETTINGS)
            assert doc.text == expected.read_text(encoding="utf-8"), expected.name
            assert as_json(doc) == as_json(own[expected.name]), expected.name
            assert formats.markdown(doc) == formats.markdown(own[expected.name])


def test_the_shared_sample_city_on_spark(city, spark, tmp_path):
    """shared/examples/sample_city (when it is beside the repository): its expected texts,
    character for character, from its Parquet export on Spark."""
    need_shared()
    with connect(tmp_path / "shared.duckdb") as store:
        assert import_files(store, SHARED_SAMPLE_FILES).ok
        export.export(store, tmp_path / "湖")
    expected = sorted(SHARED_SAMPLE.glob("expected_*.txt"))
    assert len(expected) == 6
    try:
        with open_lake(tmp_path / "湖", "spark") as con:    # borrows the module's session
            for e in expected:
                assert report_of(con, _period(e), SETTINGS).text == e.read_text(encoding="utf-8"), e.name
    finally:       # the module's own views back for the tests after this one
        for kind in TABLES:
            spark.read_parquet(f"{city[1]}/{kind}", table_name=kind)


@pytest.fixture(scope="module")
def digital_city(tmp_path_factory):
    """The sample city with every digital-trade input (customs e-commerce rows in USD and in
    万元 CNY, full-scope totals, platforms, contracts' delivery fields, services direct reports,
    the enterprise survey, benchmark totals) in a DuckDB store, exported beside it."""
    from tests.report.test_digital_inputs import (
        TODAY,
        city_with_services,
        full_scope_file,
        survey_file,
        totals_file,
    )

    folder = tmp_path_factory.mktemp("digital")
    db = city_with_services(str(folder / "city.duckdb"), folder)
    with connect(db) as store:
        done = import_files(store, [survey_file(folder), totals_file(folder),
                                    full_scope_file(folder)[0]], today=TODAY)
        assert done.ok, done.errors
        export.export(store, folder / "湖")
    return db, folder / "湖"


def _sorted(stdout: str) -> str:
    return json.dumps(json.loads(stdout), ensure_ascii=False, sort_keys=True)


def test_digital_trade_on_spark_is_the_stores_byte_for_byte(city, spark, digital_city):
    """Issue 22: `shumao digital --data DIR --engine spark` — every kind digital trade reads in
    the data set, the same Ibis expressions — gives the store's JSON byte for byte (sorted
    keys) for a half year, a year to date and a range not from January, and its text
    with every optional input in use (direct reports, survey imputation, full-scope goods,
    benchmark totals).  Before: the data set held no customs rows, no command took --data."""
    db, lake = digital_city
    try:
        for p in ("2024H1", "2024-01..2024-09", "2024-03..2024-08"):
            args = ("digital", "--period", p, "--region", "示例市", "--format", "json")
            want = run_cli(*args, "--db", db)
            assert want.returncode == 0, want.stderr
            got = run_cli(*args, "--data", lake, "--engine", "spark")
            assert got.returncode == 0, got.stderr
            assert _sorted(got.stdout) == _sorted(want.stdout), p
            made = json.loads(got.stdout)
            assert made["blocks"]["X"]["A_G"] > 0 and made["blocks"]["X"]["B"] > 0, p
            ids = {i["id"] for i in made["indicators"]}
            assert "cbec_dip_x" in ids and ("dt_share_goods_trade" in ids) == (p == "2024H1"), p
        every = ("digital", "--period", "2024H1", "--region", "示例市", "--services-source",
                 "direct_reports", "--impute-delivery", "survey", "--goods-basis", "full")
        want = run_cli(*every, "--db", db)
        got = run_cli(*every, "--data", lake, "--engine", "spark")
        assert got.returncode == 0 and want.returncode == 0, got.stderr
        assert got.stdout == want.stdout and got.stderr == want.stderr
        assert got.stdout.startswith("【数字贸易】") and "部分交付方式为估算" in got.stdout
        assert "跨境电商按海关全业态口径统计" in got.stdout
    finally:       # the module's own views back for the tests after this one
        for kind in TABLES:
            spark.read_parquet(f"{city[1]}/{kind}", table_name=kind)


@pytest.mark.parametrize("args, words", [
    (("--engine", "spark"), "请用 --data 指定"),
    (("--engine", "polars", "--data", "{lake}"), "--engine 只能是 duckdb、spark"),
    (("--data", "{lake}", "--spark-master", "spark://h:7077"), "--spark-master 只用于 --engine spark"),
    (("--data", "{lake}", "--db", "{db}"), "不能同时使用 --db"),
    (("--data", "{lake}", "--vintage", "1"), "不能同时使用 --vintage"),
    (("--data", "{tmp}/没有"), "找不到文件夹"),
])
def test_digital_from_a_data_set_wrong_usage_exits_2_in_chinese(digital_city, tmp_path, args, words):
    db, lake = digital_city
    args = tuple(a.format(lake=lake, db=db, tmp=tmp_path) for a in args)
    p = run_cli("digital", "--period", "2024H1", *args)
    assert p.returncode == 2, p.stderr
    assert words in p.stderr and "Traceback" not in p.stderr and p.stdout == ""


def test_an_export_of_schema_version_1_gives_the_report_and_refuses_digital_trade(digital_city, tmp_path):
    """A data set exported before the digital-trade kinds were (schema version 1: the four
    kinds of a filing) is still read for the 数据月报, and refused for 数字贸易 in one Chinese
    line asking for a new export — before any engine starts, on DuckDB as on Spark."""
    import shutil

    from shumao.model.records import EXPORTED_V1

    lake = tmp_path / "湖"
    shutil.copytree(digital_city[1], lake)
    manifest = json.loads((lake / export.MANIFEST).read_text(encoding="utf-8"))
    for kind in set(manifest["counts"]) - set(EXPORTED_V1):
        shutil.rmtree(lake / kind)
        del manifest["counts"][kind], manifest["tables"][kind]
    manifest["files"] = {f: e for f, e in manifest["files"].items() if f.split("/")[0] in EXPORTED_V1}
    (lake / export.MANIFEST).write_text(json.dumps({**manifest, "schema_version": 1}), encoding="utf-8")
    assert run_cli("report", "--period", "2024H1", "--data", lake).returncode == 0
    for engine in ("duckdb", "spark"):
        p = run_cli("digital", "--period", "2024H1", "--data", lake, "--engine", engine)
        assert p.returncode == 2 and p.stdout == "", p.stderr
        assert "较早版本的 shumao 导出，不含数字贸易所需的记录" in p.stderr and "shumao export 重新导出" in p.stderr
        assert len(p.stderr.strip().splitlines()) == 1, p.stderr


def test_a_file_url_is_the_local_folder(city):
    """file:///…/湖 (as Spark users write paths) reads the same data set as the path."""
    db, lake = city
    url = Path(lake).resolve().as_uri()          # percent-encodes 湖
    with open_lake(url) as con, open_lake(lake) as plain:
        assert as_json(report_of(con, Period.parse("2024"), SETTINGS)) == \
            as_json(report_of(plain, Period.parse("2024"), SETTINGS))


def test_other_bases_and_groups_on_spark(city, spark, tmp_path):
    """The basis a user chooses (Belt and Road list, their own country group, 港澳台 apart)
    reaches Spark through the same expressions."""
    group = tmp_path / "东亚.csv"
    group.write_text("country\nJP\nKR\nHK\n", encoding="utf-8")
    settings = ReportSettings.from_options(bri="route65", groups=(group,), hmt_separate=True)
    with connect(city[0], read_only=True) as store:
        for p in ("2024", "2024-01..2024-09"):
            assert as_json(report_of(spark, Period.parse(p), settings)) == \
                as_json(build_report(store, Period.parse(p), settings))


def test_the_command_on_spark_prints_only_the_report(city, tmp_path):
    """The real process: `shumao report --engine spark` answers the store's JSON byte for
    byte, and Java's log lines and progress bars stay out of the terminal."""
    db, lake = city
    args = ("--period", "2024Q2", "--region", "示例市", "--format", "json")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    spark = run_process("report", *args, "--data", lake, "--engine", "spark",
                        env={**os.environ, **QUICK_JVM, "TMPDIR": str(tmp)})
    assert spark.returncode == 0, spark.stderr
    assert not list(tmp.glob("shumao-spark-*.log"))     # Java's log goes once all went well
    assert spark.stdout == run_cli("report", *args, "--db", db).stdout
    assert "WARN" not in spark.stderr and "log4j" not in spark.stderr and "Stage" not in spark.stderr
    json.loads(spark.stdout)


@pytest.mark.scale
def test_a_generated_million_on_spark_equals_duckdb_to_the_cent(tmp_path):
    """Issue 11: for a generated set of 10⁶ executions every figure of the JSON — cents,
    records, enterprises, growth, shares, partners — is DuckDB's."""
    generate(tmp_path / "csv", Plan(enterprises=2000, executions=1_000_000, seed=11))
    with connect(tmp_path / "big.duckdb") as store:
        assert import_files(store, sorted((tmp_path / "csv").glob("*.csv"))).ok
        export.export(store, tmp_path / "湖")
        periods = [Period.parse(p) for p in ("2024", "2024-03", "2023H2")]
        own = [as_json(build_report(store, p, ReportSettings())) for p in periods]
    with open_lake(tmp_path / "湖", "spark") as con:
        assert [as_json(report_of(con, p, ReportSettings())) for p in periods] == own


# -- what a user can get wrong --------------------------------------------------------------------
@pytest.mark.parametrize("args, words", [
    (("--engine", "spark"), "请用 --data 指定"),
    (("--engine", "polars"), "--engine 只能是 duckdb、spark"),
    (("--spark-master", "spark://h:7077"), "--spark-master 只用于 --engine spark"),
    (("--engine", "spark", "--spark-master", "spark://h:7077"), "请用 --data 指定"),
    (("--data", "{lake}", "--db", "{db}"), "不能同时使用 --db"),
    (("--data", "{lake}", "--vintage", "1"), "不能同时使用 --vintage"),
    (("--data", "{lake}", "--spark-master", "spark://h:7077"), "--spark-master 只用于 --engine spark"),
    (("--data", "hdfs://nn/湖"), "只有 --engine spark 能读取"),
    (("--data", "{tmp}/没有"), "找不到文件夹"),
    (("--data", "{tmp}"), "不是 shumao 导出的 Parquet 数据集"),
])
def test_wrong_usage_exits_2_in_chinese(city, tmp_path, args, words):
    db, lake = city
    args = tuple(a.format(lake=lake, db=db, tmp=tmp_path) for a in args)
    p = run_cli("report", "--period", "2024", *args)
    assert p.returncode == 2, p.stderr
    assert words in p.stderr and "Traceback" not in p.stderr


def test_without_the_spark_extra_the_error_says_what_to_install(city, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(EngineError, match=r"pip install 'shumao\[spark\]'"), open_lake(city[1], "spark"):
        pass


def test_without_java_the_error_says_what_to_install(city, monkeypatch):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    p = run_cli("report", "--period", "2024", "--data", str(city[1]), "--engine", "spark")
    assert p.returncode == 3
    assert "Java 17" in p.stderr and "default-jre-headless" in p.stderr


UNCHECKED = """
import sys
from shumao.lake import verify
verify.check = lambda folder, manifest: None       # damaged after the check (a shared disk)
from shumao.cli.app import main
sys.argv = ["shumao", *sys.argv[1:]]
main()
"""


def test_a_failing_spark_job_is_one_chinese_line_with_javas_log_kept(city, tmp_path):
    """A Spark job that fails (a file damaged where the check could not see it) is exit 3 and
    one line naming the file and the log file, which keeps Java's output and the whole
    error; before, 15–20 lines of Java stack."""
    import shutil
    import subprocess

    lake = tmp_path / "湖"
    shutil.copytree(city[1], lake)
    victim = sorted((lake / "executions").rglob("*.parquet"))[0]
    victim.write_bytes(b"PAR1 not really parquet PAR1")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    p = subprocess.run([sys.executable, "-c", UNCHECKED, "report", "--period", "2024", "--data",
                        str(lake), "--engine", "spark"], capture_output=True, text=True, timeout=600,
                       env={**os.environ, **QUICK_JVM, "TMPDIR": str(tmp)})
    assert p.returncode == 3, p.stderr
    [log] = tmp.glob("shumao-spark-*.log")
    assert len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert "Spark" in p.stderr and str(log) in p.stderr and victim.name in p.stderr
    assert "at org." not in p.stderr and "Traceback" not in p.stderr
    assert "at org.apache" in log.read_text(encoding="utf-8")
    assert victim.read_bytes() == b"PAR1 not really parquet PAR1"


def test_the_hadoop_listing_of_a_remote_data_set_is_checked(city, spark, tmp_path):
    """hdfs://, s3a://: the files and sizes Spark's Hadoop file system lists are checked
    against the manifest (here through the local file system, the same code)."""
    import shutil

    from shumao.lake import read, verify

    session = spark._session
    manifest = export.read_manifest(city[1])
    listed = read._listing(session, f"file://{city[1]}")
    assert listed == {rel: e["bytes"] for rel, e in manifest["files"].items()}
    lake = tmp_path / "湖"
    shutil.copytree(city[1], lake)
    named = _damage(lake, "dup_file")
    with pytest.raises(InputError, match=re.escape(named)):
        verify.check_listing(f"hdfs://nn{lake}", manifest, read._listing(session, f"file://{lake}"))


def test_the_manifest_is_checked_before_anything_runs(city, tmp_path):
    import shutil

    lake = tmp_path / "湖"
    shutil.copytree(city[1], lake)
    manifest = json.loads((lake / export.MANIFEST).read_text(encoding="utf-8"))
    (lake / export.MANIFEST).write_text(json.dumps({**manifest, "schema_version": 99}), encoding="utf-8")
    with pytest.raises(InputError, match="更新版本的 shumao"), open_lake(lake):
        pass
    (lake / export.MANIFEST).write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InputError, match="内容不对"), open_lake(lake):
        pass



# -- a damaged data set: refused before any figure, on both engines (reliability F1, F5) --------------
def _month(lake: Path) -> Path:
    """A 2024 partition of the executions (the period the tests report)."""
    return sorted((lake / "executions").glob("year=2024/month=*/part-0.parquet"))[0]


def _rewrite(path: Path, change) -> None:
    import pyarrow.parquet as pq

    pq.write_table(change(pq.read_table(path)), path)


def _cents(table, values):
    import pyarrow as pa

    i = table.schema.get_field_index("amount_cents")
    return table.set_column(i, pa.field("amount_cents", values.type), values)


def _damage(lake: Path, variant: str) -> str:
    """The data set ``lake`` damaged as the reliability review's table 2.4 did; the file (or
    folder) the refusal must name."""
    import pyarrow as pa
    import pyarrow.compute as pc

    part = _month(lake)
    rel = part.relative_to(lake).as_posix()
    if variant == "missing_part":
        import shutil
        shutil.rmtree(part.parent)
        return rel.rsplit("/", 1)[0] + "/"
    elif variant == "dup_file":
        copy = part.with_name("part-0 (copy).parquet")
        copy.write_bytes(part.read_bytes())
        return copy.relative_to(lake).as_posix()
    elif variant == "null_cents":
        _rewrite(part, lambda t: _cents(t, pa.nulls(t.num_rows, pa.int64())))
    elif variant == "lying_counts":
        manifest = json.loads((lake / export.MANIFEST).read_text(encoding="utf-8"))
        manifest["counts"]["executions"] = 999999
        (lake / export.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        return export.MANIFEST
    elif variant == "bad_type":
        _rewrite(part, lambda t: _cents(t, pc.cast(t.column("amount_cents"), pa.float64())))
    elif variant == "truncated":
        part.write_bytes(part.read_bytes()[:500])
    elif variant == "no_exec_dir":
        import shutil
        shutil.rmtree(lake / "executions")
        return "executions/"
    elif variant == "same_size_changed":      # one byte of the data changed, the size kept
        data = bytearray(part.read_bytes())
        data[len(data) // 3] ^= 0xFF
        part.write_bytes(bytes(data))
    elif variant == "moved_partition":
        import shutil
        shutil.move(part.parent, part.parent.with_name("month=13"))
        return rel.rsplit("/", 1)[0] + "/"
    return rel


VARIANTS = ("missing_part", "dup_file", "null_cents", "lying_counts", "bad_type", "truncated",
            "no_exec_dir", "same_size_changed", "moved_partition")


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_damaged_data_set_is_refused_before_any_figure(city, tmp_path, variant):
    """Before: exit 0 with wrong figures (missing_part 976.26 instead of 1238.95 万美元 in the
    review's set), or an English IO error. Now exit 2, one Chinese line naming the folder and the
    file, nothing on stdout; the files are left as they were."""
    import shutil

    lake = tmp_path / "湖"
    shutil.copytree(city[1], lake)
    named = _damage(lake, variant)
    before = {p: p.read_bytes() for p in lake.rglob("*") if p.is_file()}
    p = run_cli("report", "--period", "2024", "--data", str(lake))
    assert p.returncode == 2, (p.stdout[:200], p.stderr)
    assert p.stdout == ""
    message = " ".join(p.stderr.split())
    assert str(lake) in message and named in message, message
    assert "Error" not in message and "Traceback" not in message
    assert {p: p.read_bytes() for p in lake.rglob("*") if p.is_file()} == before


def test_files_no_engine_reads_are_not_damage_but_a_hidden_parquet_file_is(city, tmp_path):
    """Hadoop's .crc beside each file, _SUCCESS and a desktop's .DS_Store are read by neither
    engine, so the data set gives its figures; a hidden .parquet file DuckDB's glob would read
    is refused as an extra file."""
    import shutil

    lake = tmp_path / "湖"
    shutil.copytree(city[1], lake)
    part = _month(lake)
    want = run_cli("report", "--period", "2024", "--data", str(lake), "--format", "json").stdout
    for name in (".part-0.parquet.crc", "_SUCCESS", ".DS_Store"):
        (part.parent / name).write_bytes(b"x")
    p = run_cli("report", "--period", "2024", "--data", str(lake), "--format", "json")
    assert p.returncode == 0, p.stderr
    assert p.stdout == want
    hidden = part.with_name(".part-1.parquet")
    hidden.write_bytes(part.read_bytes())
    p = run_cli("report", "--period", "2024", "--data", str(lake))
    assert p.returncode == 2 and hidden.name in p.stderr, p.stderr


def test_nulls_and_types_are_named_as_such(city, tmp_path):
    import shutil

    lake = tmp_path / "湖"
    shutil.copytree(city[1], lake)
    _damage(lake, "null_cents")
    with pytest.raises(InputError, match="amount_cents.*空值"), open_lake(lake):
        pass
    shutil.rmtree(lake)
    shutil.copytree(city[1], lake)
    _damage(lake, "bad_type")
    with pytest.raises(InputError, match="amount_cents.*double.*int64"), open_lake(lake):
        pass


def test_an_export_without_file_entries_asks_for_a_new_export(city, tmp_path):
    """An export of an earlier shumao (a manifest without ``files``) cannot be checked: it is
    refused with a request to export again, not read unchecked."""
    import shutil

    lake = tmp_path / "湖"
    shutil.copytree(city[1], lake)
    manifest = json.loads((lake / export.MANIFEST).read_text(encoding="utf-8"))
    del manifest["files"]
    (lake / export.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(InputError, match="重新导出"), open_lake(lake):
        pass


def test_a_damaged_data_set_is_refused_on_spark_before_java_starts(city, tmp_path):
    """Spark: before, a duplicated file gave wrong figures with exit 0 and a DOUBLE, truncated
    or missing partition a Java stack of 15–20 lines. Now the same one Chinese line as on
    DuckDB, before any JVM starts (no log file is made)."""
    import shutil

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    for variant in ("dup_file", "bad_type", "truncated", "no_exec_dir"):
        lake = tmp_path / variant
        shutil.copytree(city[1], lake)
        named = _damage(lake, variant)
        p = run_process("report", "--period", "2024", "--data", lake, "--engine", "spark",
                        env={**os.environ, **QUICK_JVM, "TMPDIR": str(tmp)})
        assert p.returncode == 2, (variant, p.stderr[-2000:])
        assert p.stdout == "" and named in p.stderr and str(lake) in p.stderr, variant
        assert len(p.stderr.strip().splitlines()) == 1, p.stderr
        assert not list(tmp.glob("shumao-spark-*.log")), variant


def test_an_unreachable_spark_master_fails_quickly_in_chinese(city):
    """Before: 97 s, then a Java stack of the failed connection. Now a few seconds."""
    import socket
    import time

    with socket.socket() as s:                     # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    start = time.monotonic()
    p = run_process("report", "--period", "2024", "--data", city[1], "--engine", "spark",
                    "--spark-master", f"spark://127.0.0.1:{port}")
    assert time.monotonic() - start < 30
    assert p.returncode == 3, p.stderr
    assert f"spark://127.0.0.1:{port}" in p.stderr and "无法连接" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and "at org." not in p.stderr
