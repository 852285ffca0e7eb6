"""Issue 11, point 4: ``shumao report --data DIR [--engine duckdb|spark] [--spark-master URL]``
— the whole 数据月报 from a Parquet data set of ``shumao export``, through the same Ibis
indicator expressions as the stores, on DuckDB and on PySpark in local mode (the extra
``shumao[spark]`` and Debian's Java, both installed by the test setup)."""

from __future__ import annotations

import json
import os
import sys
from contextlib import nullcontext
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
    with open_lake(city[1], "spark") as con:
        yield con


def _period(expected) -> Period:
    return Period.parse(expected.stem.removeprefix("expected_"))


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_expected_texts_and_json_from_the_data_set(city, request, engine):
    """Every expected text of the sample city, character for character, and every figure of
    the JSON equal to the store's report."""
    db, lake = city
    with connect(db, read_only=True) as store, \
            (open_lake(lake) if engine == "duckdb" else nullcontext(request.getfixturevalue("spark"))) as con:
        for expected in EXPECTED:
            doc = report_of(con, _period(expected), SETTINGS)
            assert doc.text == expected.read_text(encoding="utf-8"), expected.name
            own = build_report(store, _period(expected), SETTINGS)
            assert as_json(doc) == as_json(own), expected.name
            assert formats.markdown(doc) == formats.markdown(own)


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
                        env={**os.environ, "TMPDIR": str(tmp)})
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


def test_a_damaged_file_is_a_chinese_error_with_javas_log_kept(city, tmp_path):
    """A Spark job that fails is exit 3 with the first line of Spark's error and the log
    file's name; on DuckDB a damaged data set is wrong input (exit 2) naming the folder;
    nothing of the data set changes."""
    import shutil

    lake = tmp_path / "湖"
    shutil.copytree(city[1], lake)
    victim = sorted((lake / "executions").rglob("*.parquet"))[0]
    victim.write_bytes(b"PAR1 not really parquet PAR1")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    p = run_process("report", "--period", "2024", "--data", lake, "--engine", "spark",
                    env={**os.environ, "TMPDIR": str(tmp)})
    assert p.returncode == 3, p.stderr
    assert "Spark 计算失败" in p.stderr
    [log] = tmp.glob("shumao-spark-*.log")
    assert str(log) in p.stderr and log.stat().st_size > 0
    assert "Traceback" not in p.stderr
    p = run_cli("report", "--period", "2024", "--data", str(lake))
    assert p.returncode == 2 and f"无法读取 Parquet 数据集 {lake}" in p.stderr
    assert victim.read_bytes() == b"PAR1 not really parquet PAR1"


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

