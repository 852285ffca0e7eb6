"""``shumao bench`` runs end to end on a small size and reports the shape of cli.md (the
figures themselves are measurements, never asserted)."""

import json

import pytest

from tests.conftest import run_cli


@pytest.mark.parametrize("step", ["import", "report"])
def test_bench_json(tmp_path, step):
    p = run_cli("bench", step, "--executions", "2000", "--json", env={"XDG_CACHE_HOME": str(tmp_path)})
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    assert {"step", "executions", "seconds", "baseline_seconds", "ratio", "peak_rss_mb"} <= set(r)
    assert r["step"] == step and r["executions"] == 2000
    assert r["seconds"] > 0 and r["baseline_seconds"] > 0 and r["peak_rss_mb"] > 0
    assert r["ratio"] == pytest.approx(r["seconds"] / r["baseline_seconds"], rel=0.05)  # rounded times


# -- issue 23: ``shumao bench startup`` (the imports themselves: tests/test_startup.py) -------------
def test_bench_startup_json(tmp_path):
    p = run_cli("bench", "startup", "--repeat", "1", "--json", env={"XDG_CACHE_HOME": str(tmp_path)})
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    assert r["step"] == "startup" and r["targets"] == {"help": 5.0, "status": 10.0}
    for name in ("help", "status", "user_list"):
        assert r[f"{name}_seconds"] > r["baseline_seconds"] > 0
        assert r[f"{name}_ratio"] == pytest.approx(r[f"{name}_seconds"] / r["baseline_seconds"], rel=0.05)


# -- issue 10: ``shumao bench filings`` (the load itself: tests/web/test_filing_load.py) ------------
@pytest.mark.load
def test_bench_filings_json_on_a_generated_city(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:      # its own event loop, whatever runs in this thread
        p = pool.submit(run_cli, "bench", "filings", "--users", "8", "--seconds", "2", "--json",
                        env={"XDG_CACHE_HOME": str(tmp_path)}).result()
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    assert r["step"] == "filings" and r["users"] == 8 and r["enterprises"] == 25
    assert r["problems"] == [] and r["errors"] == 0 and "sent" not in r
    assert r["created"] > 0 and {"requests_per_second", "p50_ms", "p95_ms", "baseline_p95_ms",
                                 "ratio"} <= set(r)


# -- issue 11: ``shumao bench curve`` (the figures at 10⁵…10⁸: README, measured by hand) ----------
@pytest.mark.scale
def test_bench_curve_writes_the_table_the_plot_and_json(tmp_path):
    out = tmp_path / "曲线"
    p = run_cli("bench", "curve", "--sizes", "3000,2e3", "--out", str(out), "--repeat", "1",
                "--no-spark", "--json", env={"XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    assert [row["executions"] for row in r["rows"]] == [2000, 3000]      # sorted, as numbers
    for row in r["rows"]:
        for step in ("import", "report"):
            assert row[f"{step}_seconds"] > 0 and row[f"{step}_baseline_seconds"] > 0
            assert row[f"{step}_rss_mb"] > 0
            assert row[f"{step}_ratio"] == pytest.approx(
                row[f"{step}_seconds"] / row[f"{step}_baseline_seconds"], rel=0.01)
        assert "spark_seconds" not in row
    table = (out / "curve.md").read_text(encoding="utf-8").splitlines()
    assert table[0].startswith("`shumao bench curve`") and "核" in table[0]
    assert [line.split("|")[1].strip() for line in table[4:]] == ["2,000", "3,000"]
    assert (out / "curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((out / "curve.json").read_text(encoding="utf-8"))["rows"] == r["rows"]


@pytest.mark.parametrize("sizes, words", [("1e5,abc", "不是数字"), ("1234.5", "整数"), ("10", "1000 到")])
def test_bench_curve_sizes_are_checked_before_any_work(tmp_path, sizes, words):
    p = run_cli("bench", "curve", "--sizes", sizes, "--out", str(tmp_path / "o"))
    assert p.returncode == 2 and words in p.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.scale
def test_a_size_too_big_for_one_import_is_recorded_and_built_in_parts(tmp_path, monkeypatch):
    """Where one `shumao import` fails (at 10⁸ the staging's spill outgrew this machine's
    disk), the curve records why and builds the report's store in parts; that store gives
    the same report as one import."""
    from shumao.bench import curve as bench_curve
    from shumao.bench import harness as bench

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    files = bench.dataset(5000, lambda m: None)
    monkeypatch.setattr(bench_curve, "PART", 1500)
    whole, parts = tmp_path / "whole.duckdb", tmp_path / "parts.duckdb"
    assert run_cli("import", *(str(files[k]) for k in ("enterprises", "contracts", "executions")),
                   "--db", str(whole)).returncode == 0
    seconds, n = bench_curve._import_in_parts(files, parts, tmp_path)
    assert n == 4 and seconds > 0                    # 1500 + 1500 + 1500 + 500
    report = ("report", "--period", "2024", "--format", "json", "--db")
    assert run_cli(*report, str(parts)).stdout == run_cli(*report, str(whole)).stdout
    assert not list(tmp_path.glob("part-*"))

    row = {"executions": 5000, "import_error": "No space left on device", "import_parts": n,
           "import_parts_seconds": seconds, "import_baseline_seconds": 0.5, "report_seconds": 2.0,
           "report_baseline_seconds": 1.0, "report_ratio": 2.0, "report_rss_mb": 300.0}
    table = bench_curve.markdown({"date": "2026-11-28", "machine": "2 核", "repeat": 1,
                                  "period": "2024", "rows": [row]})
    assert "| 5,000 | 失败[1] | 0.50 | — | — | 2.00 |" in table
    assert "1. 5,000 条：`shumao import` 一次导入失败（No space left on device）" in table
    assert "再分 4 批导入执行记录" in table


@pytest.mark.scale
def test_a_failing_step_is_recorded_and_the_curve_goes_on(tmp_path, monkeypatch):
    """point(): one import that fails → the reason, the store built in parts, the report
    timed on it; Spark that fails → its reason in the row, not an aborted curve."""
    from shumao.bench import curve as bench_curve
    from shumao.bench import harness as bench

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    real = bench.run_process

    def flaky(argv):
        if argv[2:4] == ["shumao", "import"] and len(argv) > 9:     # the one import of all three
            raise RuntimeError(f"{argv[:4]} 失败（退出码 3）：程序出错：No space left on device"
                               "（加 --debug 查看详情）\n（加 --debug 查看详情）")
        if "--engine" in argv:
            raise RuntimeError(f"{argv[:4]} 失败（退出码 3）：Spark 计算失败：boom")
        return real(argv)

    monkeypatch.setattr(bench, "run_process", flaky)
    monkeypatch.setattr(bench_curve, "PART", 1000)
    row = bench_curve.point(2000, 1, True, lambda m: None)
    assert row["import_error"] == "程序出错：No space left on device"
    assert row["import_parts"] == 2 and "import_seconds" not in row and "import_ratio" not in row
    assert row["report_seconds"] > 0 and row["report_ratio"] > 0 and row["export_seconds"] > 0
    assert row["spark_error"] == "Spark 计算失败：boom"
    assert (tmp_path / "cache" / "shumao" / "bench" / "report-2000.duckdb").exists()
    assert not list((tmp_path / "cache" / "shumao" / "bench").glob("*.partial.duckdb"))
    table = bench_curve.markdown({"date": "d", "machine": "m", "repeat": 1, "period": "2024",
                                  "rows": [row]})
    assert "2. 2,000 条：Spark 未完成（Spark 计算失败：boom）。" in table


# -- issue 23: ``shumao bench publish`` (the outputs themselves: tests/bulletin/test_side_by_side.py) --
@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """One round of ``shumao bench publish`` (each way's timed process publishing twice: the
    first and a next): its JSON; the command's words are checked on it below."""
    from shumao.bench import publishing

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        return publishing.bench_publish(executions=1000, repeat=1, runs=2)


def test_bench_publish_json_on_a_small_city(published):
    r = published
    assert r["step"] == "publish" and r["executions"] == 1000 and r["same_output"] == []
    assert r["formats"] == ["pdf", "docx", "html", "email", "wechat"] and r["target"] == 0.333
    for mode in ("side", "sequential"):
        for when in ("first", "next"):
            run = r[mode][when]
            assert set(run) == {"total", "data", "charts", "files"}
            assert run["total"] >= run["data"] + run["charts"] + run["files"] - 0.01 > 0
    for when in ("first", "next"):
        assert r[f"{when}_ratio"] == pytest.approx(r["side"][when]["total"] / r["sequential"][when]["total"],
                                                   abs=0.01)
    assert r["ratio"] == pytest.approx(r["side"]["next"]["total"] / r["baseline_seconds"], abs=0.01)


def test_bench_publish_prints_each_figure_in_words(published, monkeypatch):
    """The same run's figures in words (the command in this process, the bench not run again)."""
    from shumao.bench import publishing
    from tests.test_cli_errors import shumao

    monkeypatch.setattr(publishing, "bench_publish", lambda *a, **k: published)
    p = shumao("bench", "publish", "--executions", "1000", "--repeat", "1")
    assert p.code == 0, p.stderr
    for words in ("进程中第一次发布", "此后每次发布", "并行（本版）", "依次（原做法）", "计算数字", "绘制图表",
                  "生成文件", "比值", "基线", "WeasyPrint", "两种做法的输出：完全一致"):
        assert words in p.stdout, words
    as_json = shumao("bench", "publish", "--executions", "1000", "--repeat", "1", "--json")
    assert as_json.code == 0 and json.loads(as_json.stdout) == published
    monkeypatch.setattr(publishing, "bench_publish", lambda *a, **k: {**published, "same_output": ["pdf"]})
    differs = shumao("bench", "publish", "--executions", "1000", "--repeat", "1")
    assert differs.code == 1 and "不一致：pdf" in differs.stdout
