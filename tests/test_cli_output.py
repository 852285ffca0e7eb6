"""What the import prints (F23): an import that changes nothing says its warnings were reported
before instead of listing them again; a data set's ignored columns once for the set, not per
partition file; tables to a pipe at full width (no 说明 broken every few characters); the help
names every format it reads."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import DATA, SAMPLE, run_cli


def test_an_unchanged_import_does_not_repeat_its_warnings(tmp_path):
    db = tmp_path / "s.duckdb"
    assert run_cli("import", SAMPLE / "enterprises.csv", "--db", db).returncode == 0
    first = run_cli("import", DATA / "contracts-future-date.csv", "--db", db)
    assert first.returncode == 0 and "future-date" in first.stdout
    again = run_cli("import", DATA / "contracts-future-date.csv", "--db", db)
    assert again.returncode == 0, again.stderr
    assert "future-date" not in again.stdout
    assert "数据库未做任何修改" in again.stdout and "1 条警告" in again.stdout and "已报告" in again.stdout
    # a script still gets every issue
    r = run_cli("import", DATA / "contracts-future-date.csv", "--db", db, "--json")
    assert r.returncode == 0 and [w["code"] for w in json.loads(r.stdout)["warnings"]] == ["future-date"]


def test_a_data_sets_ignored_columns_are_named_once(tmp_path, sample_db):
    lake = tmp_path / "导出"
    assert run_cli("export", lake, "--db", sample_db).returncode == 0
    assert len(list(lake.rglob("*.parquet"))) > 5
    r = run_cli("import", lake, "--db", tmp_path / "s.duckdb", "--json")
    ignored = json.loads(r.stdout)["ignored_columns"]
    assert list(ignored) == ["导出"], ignored           # the data set, by the name issues give it
    assert "nature" in ignored["导出"] and len(set(ignored["导出"])) == len(ignored["导出"])


def test_tables_to_a_pipe_are_not_wrapped_at_80_columns(tmp_path):
    """A real process writing to a pipe, no COLUMNS set: each issue's 说明 on one line."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    r = subprocess.run([sys.executable, "-m", "shumao", "import", DATA / "contracts-unknown-country.csv",
                        "--db", tmp_path / "s.duckdb"], capture_output=True, text=True, env=env)
    assert r.returncode == 1, r.stderr
    rows = [line for line in r.stdout.splitlines() if "unknown-country" in line]
    assert rows and all(line.rstrip().endswith("│") for line in rows)
    message = rows[0].split("│")[-2].strip()
    assert len(message) > 20, rows            # the whole sentence, not a 6-character slice
    assert max(len(line) for line in r.stdout.splitlines()) > 80


def test_import_help_names_xls():
    assert "CSV、XLSX、XLS 或 Parquet" in run_cli("import", "--help").stdout


def test_a_report_written_with_out_prints_nothing_on_stdout(tmp_path, sample_db):
    """(The late-write guard around --out must not also print the report.)"""
    r = run_cli("report", "--period", "2024", "--db", sample_db, "--format", "md", "--out", tmp_path / "月报.md")
    assert r.returncode == 0 and r.stdout == "" and (tmp_path / "月报.md").read_text(encoding="utf-8")
