"""How ``shumao`` fails (cli.md, issue 7): exit codes, one JSON object with ``--json`` whatever
went wrong, one rule for missing paths, output folders that must exist, Chinese usage errors.
In-process through ``cli.run`` — the same mapping ``main()`` uses."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from shumao.cli.app import run
from shumao.store import connect
from tests.conftest import DATA, SAMPLE

ENGLISH = ("Missing", "No such", "Invalid", "Got unexpected", "Error", "Usage", "Try ", "Possible",
           "Did you mean", "Input should", "Traceback")


@dataclass
class Ran:
    code: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        return json.loads(self.stdout)  # fails unless stdout is exactly one JSON document


def shumao(*args, cli=None, env: dict | None = None) -> Ran:
    with CliRunner().isolation(env={"COLUMNS": "80", **(env or {})}) as (out, err, _):
        code = run([str(a) for a in args], **({"cli": cli} if cli else {}))
        sys.stdout.flush()
        sys.stderr.flush()
        return Ran(code, out.getvalue().decode(), err.getvalue().decode())


@pytest.fixture
def empty_db(tmp_path) -> Path:
    db = tmp_path / "empty.duckdb"
    connect(db).close()
    return db


def failing_cli(exc: BaseException) -> typer.Typer:
    """A one-command app with --json that raises ``exc``: the failures no real input provokes."""
    cli = typer.Typer()

    @cli.command()
    def boom(as_json: Annotated[bool, typer.Option("--json")] = False):
        raise exc

    return cli


def assert_error(r: Ran, code: int, kind: str, words: str) -> None:
    assert r.code == code, (r.stdout, r.stderr)
    assert r.json() == {"ok": False, "error": {"code": kind, "message": r.json()["error"]["message"]}}
    assert words in r.json()["error"]["message"] and words in r.stderr
    if kind == "usage":  # other messages may quote a library's own words
        assert not any(w in r.stderr for w in ENGLISH), r.stderr


# --- 1. --json prints exactly one JSON object, also for exit 2 and 3 --------------------------

def test_json_error_for_usage_errors(tmp_path):
    assert_error(shumao("import", "--json"), 2, "usage", "缺少参数：文件…")
    assert_error(shumao("bench", "import", "--executions", "abc", "--json"), 2, "usage", "应是整数")
    assert_error(shumao("status", "--json", "--bogus"), 2, "usage", "没有这个选项：--bogus")


def test_json_error_for_each_error_class(tmp_path, empty_db):
    assert_error(shumao("status", "--db", tmp_path / "typo.duckdb", "--json"), 2, "bad-input", "数据库不存在")
    assert_error(shumao("explain", "exec_bri", "--period", "2024Q5", "--db", empty_db, "--json"),
                 2, "bad-period", "2024Q5")
    not_a_store = tmp_path / "notes.duckdb"
    not_a_store.write_text("这不是数据库", encoding="utf-8")
    assert_error(shumao("status", "--db", not_a_store, "--json"), 3, "store", "不是 shumao 的数据库")
    # report has no --json; --format json is how a script reads it, and gets the same object
    assert_error(shumao("report", "--period", "2024", "--format", "json", "--db", empty_db),
                 1, "no-data", "没有已审核通过的")


def test_json_error_for_unexpected_failures():
    assert_error(shumao("--json", cli=failing_cli(RuntimeError("磁盘坏了"))), 3, "internal", "磁盘坏了")
    assert_error(shumao("--json", cli=failing_cli(KeyboardInterrupt())), 130, "interrupted", "已中断")
    r = shumao(cli=failing_cli(RuntimeError("磁盘坏了")))  # without --json: nothing on stdout
    assert r.code == 3 and r.stdout == "" and "程序出错" in r.stderr


def test_rejected_import_prints_only_its_own_json(tmp_path):
    r = shumao("import", DATA / "contracts-unknown-country.csv", "--db", tmp_path / "s.duckdb", "--json")
    assert r.code == 1 and r.json()["ok"] is False and "error" not in r.json()
    assert "unknown-country" in {i["code"] for i in r.json()["errors"]}


def test_no_json_object_for_commands_without_json():
    r = shumao("report", "--period", "2024", "--json")  # report has no --json: a usage error only
    assert r.code == 2 and r.stdout == "" and "--format json" in r.stderr


# --- 3. one rule for a missing input path: exit 2, nothing created ---------------------------

@pytest.mark.parametrize("args, words", [
    (["import", "{tmp}/没有.csv"], "找不到文件：{tmp}/没有.csv"),
    (["report", "--period", "2024", "--db", "{db}", "--bri-file", "{tmp}/没有.csv"], "找不到文件：{tmp}/没有.csv"),
    (["report", "--period", "2024", "--db", "{db}", "--group", "{tmp}/欧盟.csv"], "找不到文件：{tmp}/欧盟.csv"),
    (["explain", "exec_bri", "--period", "2024", "--db", "{db}", "--bri-file", "{tmp}/x.csv"], "找不到文件：{tmp}/x.csv"),
    (["bulletin", "{tmp}/2024-10", "--db", "{db}", "--out", "{tmp}/简报"], "找不到文件夹：{tmp}/2024-10"),
    (["status", "--db", "{tmp}/typo/typo.duckdb"], "数据库不存在：{tmp}/typo/typo.duckdb"),
    (["report", "--period", "2024", "--db", "{tmp}/typo.duckdb"], "数据库不存在：{tmp}/typo.duckdb"),
    (["explain", "exec_bri", "--period", "2024", "--db", "{tmp}/typo.duckdb"], "数据库不存在：{tmp}/typo.duckdb"),
    (["bulletin", str(DATA), "--db", "{tmp}/typo.duckdb", "--out", "{tmp}/简报"], "数据库不存在：{tmp}/typo.duckdb"),
])
def test_missing_input_path_is_usage(tmp_path, empty_db, args, words):
    before = sorted(tmp_path.rglob("*"))
    r = shumao(*(a.format(tmp=tmp_path, db=empty_db) for a in args))
    assert r.code == 2 and words.format(tmp=tmp_path) in r.stderr, r.stderr
    assert sorted(tmp_path.rglob("*")) == before  # no store, no folder, no output


def test_missing_store_from_environment(tmp_path):
    r = shumao("status", env={"SHUMAO_DB": str(tmp_path / "没有" / "统计.duckdb")})
    assert r.code == 2 and "数据库不存在" in r.stderr and not (tmp_path / "没有").exists()


def test_status_reads_an_existing_store(empty_db):
    r = shumao("status", "--db", empty_db, "--json")
    assert r.code == 0 and r.json()["executions"] == 0


# --- 2. outputs: their folder must exist; a file is not a folder ------------------------------

@pytest.mark.parametrize("args, words", [
    (["import", str(DATA / "contracts-unknown-country.csv"), "--db", "{tmp}/s.duckdb",
      "--errors-out", "{tmp}/没有/问题.csv"], "输出文件夹不存在：{tmp}/没有"),
    (["report", "--period", "2024", "--db", "{db}", "--out", "{tmp}/没有/月报.html"], "输出文件夹不存在：{tmp}/没有"),
    (["report", "--period", "2024", "--db", "{db}", "--out", "{tmp}"], "已有的文件夹：{tmp}"),
    (["import", str(DATA / "contracts-unknown-country.csv"), "--db", "{tmp}/s.duckdb",
      "--errors-out", "{tmp}/已有.csv"], "已有的文件夹：{tmp}/已有.csv"),
    (["bulletin", str(DATA), "--db", "{db}", "--out", "{tmp}/没有/简报"], "输出文件夹不存在：{tmp}/没有"),
    (["bulletin", str(DATA), "--db", "{db}", "--out", "{db}"], "已有的文件：{db}"),
    (["generate", "--out", "{tmp}/没有/模拟数据"], "输出文件夹不存在：{tmp}/没有"),
    (["demo", "--out", "{tmp}/没有/demo"], "输出文件夹不存在：{tmp}/没有"),
])
def test_output_folder_must_exist(tmp_path, empty_db, args, words):
    (tmp_path / "已有.csv").mkdir()
    before = sorted(tmp_path.rglob("*"))
    r = shumao(*(a.format(tmp=tmp_path, db=empty_db) for a in args))
    assert r.code == 2 and words.format(tmp=tmp_path, db=empty_db) in r.stderr, r.stderr
    assert sorted(tmp_path.rglob("*")) == before


def test_output_folder_itself_is_created(tmp_path):
    r = shumao("generate", "--out", tmp_path / "模拟数据", "--enterprises", "2", "--executions", "8")
    assert r.code == 0, r.stderr
    assert (tmp_path / "模拟数据" / "executions.csv").is_file()


@pytest.fixture
def unwritable(tmp_path) -> Path:
    """A folder this process cannot write in: chmod 555, or — as root, which ignores that —
    /sys (sysfs refuses new files even to root); skipped only where neither holds."""
    folder = tmp_path / "只读"
    folder.mkdir()
    folder.chmod(0o555)
    for candidate in (folder, Path("/sys")):
        try:
            (candidate / "探测.txt").open("w").close()
            (candidate / "探测.txt").unlink()
        except OSError:
            return candidate
    pytest.skip("no folder this process cannot write in (root without a read-only /sys)")


@pytest.mark.parametrize("args", [
    ["report", "--period", "2024", "--db", "{db}", "--format", "html", "--out", "{ro}/月报.html"],
    ["report", "--period", "2024", "--db", "{db}", "--format", "xlsx", "--out", "{ro}/月报.xlsx"],
    ["import", str(DATA / "contracts-future-date.csv"), "--db", "{tmp}/s.duckdb", "--errors-out", "{ro}/问题.xlsx"],
    ["import", str(DATA / "contracts-future-date.csv"), "--db", "{tmp}/s.duckdb", "--errors-out", "{ro}/问题.csv"],
    ["generate", "--out", "{ro}/模拟数据", "--enterprises", "2", "--executions", "8"],
], ids=["report-html", "report-xlsx", "import-xlsx", "import-csv", "generate"])
def test_an_unwritable_output_is_refused_before_any_work(tmp_path, empty_db, unwritable, args):
    """F2, F3: said in Chinese before anything is done (no store created, nothing imported),
    never 程序出错 with a traceback."""
    argv = [a.format(tmp=tmp_path, db=empty_db, ro=unwritable) for a in args]
    r = shumao(*argv, "--json") if argv[0] == "import" else shumao(*argv)
    target = argv[-1] if argv[0] != "generate" else argv[2]
    assert r.code == 2, r.stderr
    assert f"无法写入：{target}" in r.stderr and "程序出错" not in r.stderr, r.stderr
    assert not any(w in r.stderr for w in ENGLISH + ("OSError", "Read-only")), r.stderr
    assert not (tmp_path / "s.duckdb").exists()


def test_an_issue_list_that_fails_after_the_commit_does_not_report_failure(tmp_path, monkeypatch):
    """F3: the batch landed; a write of the issue list that still fails (the disk filled since
    the check) is said as such, and the import reports what it committed."""
    from shumao.ingest import issue_list

    def full(path, items):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(issue_list, "write_issues", full)
    db = tmp_path / "s.duckdb"
    assert shumao("import", SAMPLE / "enterprises.csv", "--db", db).code == 0
    r = shumao("import", DATA / "contracts-future-date.csv", "--db", db, "--json",
               "--errors-out", tmp_path / "问题.csv")
    assert r.code == 0 and r.json()["ok"] is True and r.json()["batch_id"], r.stderr
    assert "问题清单未能写入" in r.stderr and "磁盘空间不足" in r.stderr and "导入已完成" in r.stderr


# --- 4. usage errors in Chinese, naming the option or argument --------------------------------

@pytest.mark.parametrize("args, words", [
    (["import"], "缺少参数：文件…"),
    (["import", "--bogus", "x.csv"], "没有这个选项：--bogus"),
    (["report"], "缺少选项：--period"),
    (["report", "--period"], "选项 --period 后面缺少取值"),
    (["report", "--relative=yes", "--period", "2024"], "选项 --relative 不带取值"),
    (["bench", "import", "--executions", "abc"], "--executions 应是整数（收到“abc”）"),
    (["bench", "import", "--executions", "5"], "--executions 应不小于 1,000（收到“5”）"),
    (["explain", "exec_bri", "--period", "2024", "--top", "0"], "--top 应不小于 1"),
    (["improt"], "没有命令“improt”，是否想用 import？"),
    (["bench", "x"], "没有命令“x”（可用的命令：import、report、web、curve、filings、startup、publish）"),
    (["status", "extra"], "多余的参数：extra"),
])
def test_usage_errors_are_chinese(args, words):
    r = shumao(*args)
    assert r.code == 2 and r.stdout == ""
    assert r.stderr.startswith("用法错误：") and words in r.stderr, r.stderr
    assert "--help 查看用法" in r.stderr
    assert not any(w in r.stderr for w in ENGLISH), r.stderr


def test_bare_shumao_prints_the_command_list():
    for args, commands in (([], ("import", "report", "bulletin", "bench")), (["bench"], ("import", "report"))):
        r = shumao(*args)
        assert r.code == 2 and "用法错误" not in r.stderr and r.stderr == ""
        assert "用法：shumao" in r.stdout and "命令" in r.stdout
        assert all(c in r.stdout for c in commands)


# --- 4. the library names a field, the command line its option (errors.py, cli/app.py FLAGS) ---

@pytest.mark.parametrize("args, words", [
    (["user", "add", "qiye", "--role", "enterprise", "--password-stdin"],
     "错误：企业填报员账号须用 --enterprise 指定所属企业的统一社会信用代码"),
    (["user", "add", "kezhang", "--role", "staff", "--enterprise", "91110000MA01ABCD2X", "--password-stdin"],
     "错误：只有企业填报员账号才属于某家企业，其他角色的 --enterprise 请留空"),
])
def test_a_library_message_names_the_option_the_clerk_typed(empty_db, args, words):
    r = shumao(*args, "--db", empty_db)
    assert r.code == 2 and words in r.stderr, r.stderr


def _fields_named_by_library_errors() -> set[str]:
    """Every constant ``field=``/``also=`` an error outside the content folder's gets in shumao/."""
    import ast

    from shumao import errors

    named = {n for n, c in vars(errors).items()
             if isinstance(c, type) and issubclass(c, errors.ShumaoError)
             and not issubclass(c, errors.ContentError)}
    found = set()
    for path in (Path(errors.__file__).parent).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in named:
                for k in node.keywords:
                    for v in ast.walk(k.value) if k.arg in ("field", "also") else ():
                        if isinstance(v, ast.Constant) and isinstance(v.value, str):
                            found.add(v.value)
    return found


def test_every_field_a_library_error_names_is_an_option_of_the_command_line():
    from shumao.cli.app import FLAGS, app

    fields = _fields_named_by_library_errors()
    assert {"enterprise", "days", "formats", "db", "engine", "spark_master"} <= fields
    assert fields <= set(FLAGS), fields - set(FLAGS)
    options: set[str] = set()
    stack = [typer.main.get_command(app)]
    while stack:
        cmd = stack.pop()
        options |= {o for p in cmd.params for o in (*p.opts, *p.secondary_opts)}
        stack += list(getattr(cmd, "commands", {}).values())
    assert set(FLAGS.values()) <= options, set(FLAGS.values()) - options


def test_a_failed_first_import_leaves_no_store(tmp_path):
    """F21: an import with errors into a new path writes nothing, so it leaves nothing: the
    next status says the store does not exist (not zeros)."""
    db = tmp_path / "新.duckdb"
    r = shumao("import", DATA / "contracts-unknown-country.csv", "--db", db, "--json")
    assert r.code == 1 and r.json()["ok"] is False
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    assert_error(shumao("status", "--db", db, "--json"), 2, "bad-input", "数据库不存在")
    # a store that held something before is kept, whatever the import's fate
    assert shumao("import", SAMPLE / "enterprises.csv", "--db", db).code == 0
    assert shumao("import", DATA / "contracts-unknown-country.csv", "--db", db).code == 1
    assert shumao("status", "--db", db, "--json").json()["enterprises"] == 25
