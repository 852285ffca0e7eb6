"""Stores that cannot be read as they are (F13, F19, F20): an older store on read-only media,
damaged internals, a file that is no database — each a Chinese line naming the store and
what is wrong, never 程序出错 or DuckDB's English."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from shumao.publication import vintages
from shumao.report.service import ReportSettings
from shumao.store import connect
from tests.conftest import run_cli

ENGLISH = ("Error", "Traceback", "KeyError", "ValueError", "JSON", "Catalog", "IO ", "exists")


@pytest.fixture
def db(tmp_path, sample_db) -> Path:
    """A copy of the sample city with one published vintage (id 1)."""
    path = tmp_path / "s.duckdb"
    shutil.copy(sample_db, path)
    with connect(path) as store:
        assert vintages.freeze(store, "2024Q2", ReportSettings(), actor="秘书处") == 1
    return path


def damage(db: Path, *statements: str) -> None:
    con = duckdb.connect(str(db))
    for s in statements:
        con.execute(s)
    con.close()


def said(r, code: int, *words: str) -> None:
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    assert "程序出错" not in r.stderr and not any(w in r.stderr for w in ENGLISH), r.stderr
    for w in words:
        assert w in r.stderr, r.stderr


@pytest.mark.parametrize("statements, args, words", [
    (["UPDATE vintages SET settings = '{}'"], ["vintages", "1"], "第 1 号数据版本"),
    (["UPDATE vintages SET settings = '{}'"], ["report", "--vintage", "1"], "第 1 号数据版本"),
    (["UPDATE vintages SET settings = 'not json'"], ["vintages"], "第 1 号数据版本"),
    (["UPDATE vintages SET settings = 'not json'"], ["report", "--vintage", "1"], "第 1 号数据版本"),
    (["DROP TABLE vintage_executions"], ["report", "--vintage", "1"], "vintage_executions"),
    (["DROP TABLE vintage_executions"], ["status"], "vintage_executions"),
    (["UPDATE meta SET value = 'abc' WHERE key = 'schema_version'"], ["status"], "版本信息“abc”"),
    (["UPDATE meta SET value = '' WHERE key = 'schema_version'"], ["report", "--period", "2024"], "版本信息“”"),
], ids=["settings-empty-vintages", "settings-empty-report", "settings-not-json-list",
        "settings-not-json-report", "table-dropped-report", "table-dropped-status",
        "version-abc", "version-empty"])
def test_damaged_internals_are_said_as_damage(db, statements, args, words):
    """F19."""
    damage(db, *statements)
    said(run_cli(*args, "--db", db), 3, f"数据库 {db} 已损坏", words)


@pytest.mark.parametrize("content", [b"hello\n", b"x", "这不是数据库".encode()])
def test_a_text_file_as_the_store(tmp_path, content):
    """F20: whatever its length, a file that is not DuckDB's is said so, in Chinese."""
    f = tmp_path / "notadb.duckdb"
    f.write_bytes(content)
    said(run_cli("status", "--db", f), 3, "不是 shumao 的数据库")
    said(run_cli("import", Path(__file__).parent / "nothing.csv", "--db", f), 2)   # a missing file first
    assert f.read_bytes() == content


def readonly_run(folder: Path, *args) -> subprocess.CompletedProcess:
    """``python -m shumao ARGS`` with ``folder`` a read-only mount: in a private mount namespace
    (unshare), so nothing outlives the process; skipped where the system forbids that."""
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("unshare -rm not allowed here: no read-only mount to test on")
    script = ('mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && '
              'exec "$@"')
    return subprocess.run(["unshare", "-rm", "sh", "-c", script, str(folder), sys.executable,
                           "-m", "shumao", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, "SHUMAO_LOCK_WAIT": "0"}, timeout=300)


def test_an_older_store_on_read_only_media(db):
    """F13: an older store needs one write to be upgraded: said so, with the way out; once
    upgraded where it can be written, the same read-only copy reads."""
    damage(db, "UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    r = readonly_run(db.parent, "status", "--db", db, "--json")
    if "Permission denied" in r.stderr or "mount:" in r.stderr:
        pytest.skip(f"no read-only mount: {r.stderr.strip()}")
    said(r, 3, f"数据库 {db} 由较早版本的 shumao 创建（结构版本 3）", "只读", "复制到可写入的文件夹")
    assert r.stdout.startswith('{"ok": false')
    assert run_cli("status", "--db", db).returncode == 0           # upgraded where writable
    r = readonly_run(db.parent, "status", "--db", db, "--json")
    assert r.returncode == 0 and '"enterprises": 25' in r.stdout, r.stderr
