"""The real ``shumao`` command, as scripts use it (cli.md): exit codes, --json shapes,
--errors-out, and a store that survives a killed import."""

from __future__ import annotations

import csv
import json

from python_calamine import CalamineWorkbook

from tests.conftest import DATA, SAMPLE_FILES, run_cli, run_json, run_process

COUNTS = (25, 375, 1500)   # tests/data/city: enterprises, contracts, executions (README.md)


def test_import_status_and_reimport(tmp_path):
    db = tmp_path / "s.duckdb"
    code, result = run_json("import", *SAMPLE_FILES, "--db", db)
    assert code == 0 and result["ok"] and result["errors"] == []
    assert {k: v["new"] for k, v in result["counts"].items()} == {
        "enterprises": 25, "contracts": 375, "executions": 1500, "rates": 0,
        "platforms": 0, "ecommerce": 0, "services": 0, "dt_survey": 0, "totals": 0}
    code, status = run_json("status", "--db", db)
    assert code == 0
    assert (status["enterprises"], status["contracts"], status["executions"]) == COUNTS
    assert status["batches"] == 1 and status["rates"] == 0
    assert status["signed_on"] == ["2021-02-06", "2024-12-09"]
    assert status["executed_on"] == ["2021-03-24", "2024-12-31"]
    shown = run_cli("status", "--db", db).stdout        # a clerk reads Chinese dates, JSON ISO
    assert "2021年2月6日 至 2024年12月9日" in shown and "2021-02-06" not in shown
    code, again = run_json("import", *SAMPLE_FILES, "--db", db)
    assert code == 0
    assert {k: v["unchanged"] for k, v in again["counts"].items()} == {
        "enterprises": 25, "contracts": 375, "executions": 1500, "rates": 0,
        "platforms": 0, "ecommerce": 0, "services": 0, "dt_survey": 0, "totals": 0}
    assert run_json("status", "--db", db)[1] == status


def test_rejected_batch_json_and_errors_out(tmp_path):
    db = tmp_path / "s.duckdb"
    assert run_cli("import", *SAMPLE_FILES, "--db", db).returncode == 0
    before = run_json("status", "--db", db)[1]
    files = sorted(DATA.glob("*-*.csv"))
    for out in (tmp_path / "问题.csv", tmp_path / "问题.xlsx"):
        code, result = run_json("import", *files, "--db", db, "--errors-out", out)
        assert code == 1 and result["ok"] is False
        assert set(result) >= {"ok", "counts", "errors", "warnings"}
        assert set(result["counts"]) == {"enterprises", "contracts", "executions", "rates",
                                         "platforms", "ecommerce", "services", "dt_survey", "totals"}
        for issue in result["errors"] + result["warnings"]:
            assert set(issue) >= {"file", "row", "column", "value", "code", "message"}
        first = next(i for i in result["errors"] if i["code"] == "unknown-country")
        assert first == {**first, "file": "contracts-unknown-country.csv", "row": 3,
                         "column": "client_country", "value": "火星国"}
        n = len(result["errors"]) + len(result["warnings"])
        if out.suffix == ".csv":
            with out.open(encoding="utf-8-sig") as f:
                rows = list(csv.reader(f))
        else:
            rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("问题清单").to_python()
        assert rows[0][:4] == ["文件", "工作表", "行", "列"] and len(rows) == n + 1
    assert run_json("status", "--db", db)[1] == before


def test_human_output_is_chinese(tmp_path):
    p = run_cli("import", DATA / "contracts-unknown-country.csv", "--db", tmp_path / "s.duckdb")
    assert p.returncode == 1
    assert "导入未执行" in p.stdout and "火星国" in p.stdout


def test_usage_errors_exit_2(tmp_path):
    p = run_cli("import", tmp_path / "nope.csv")
    assert p.returncode == 2 and "找不到文件" in p.stderr
    p = run_cli("import", "--bogus")
    assert p.returncode == 2 and "用法错误" in p.stderr


def test_failure_through_main_keeps_json_on_stdout_and_words_on_stderr(tmp_path):
    """The real process: exit code from main(), one JSON object on stdout, the Chinese line on
    stderr, and a mistyped store is not created (issue 7)."""
    p = run_process("status", "--db", tmp_path / "typo" / "统计.duckdb", "--json")
    assert p.returncode == 2 and not (tmp_path / "typo").exists()
    assert json.loads(p.stdout) == {"ok": False, "error": {
        "code": "bad-input", "message": f"数据库不存在：{tmp_path / 'typo' / '统计.duckdb'}"
                                        "（请先用 shumao import 导入数据，或用 --db 指定数据库文件）"}}
    assert p.stderr.startswith("错误：数据库不存在") and "\n" not in p.stderr.rstrip("\n")
    p = run_cli("import", "--json")
    assert p.returncode == 2 and json.loads(p.stdout)["error"]["code"] == "usage"
    assert p.stderr.startswith("用法错误：缺少参数：文件…")


def test_a_period_in_words_is_the_same_period(sample_db):
    """portal-ux S-2: the CLI reads the words the pages print, as the portal does."""
    for words, code in (("2024年上半年", "2024H1"), ("2024年1-9月", "2024-01..2024-09"), ("2024年3月", "2024-03")):
        said = run_cli("report", "--period", words, "--db", str(sample_db), "--format", "json")
        assert said.returncode == 0, said.stderr
        assert said.stdout == run_cli("report", "--period", code, "--db", str(sample_db), "--format", "json").stdout
    bad = run_cli("report", "--period", "2024年五季度", "--db", str(sample_db))
    assert bad.returncode == 2 and "无法识别的时期“2024年五季度”" in bad.stderr
