"""Issue 23, start-up: a command imports only what it needs.  ``shumao --help`` imports none of
the heavy libraries; ``status`` and ``user list`` on a DuckDB store import DuckDB and nothing
else heavy (no pyarrow, numpy, Ibis, Pydantic — Typer's value checks go without it for text,
flags and paths: shumao/cli/coercion.py).  The figures themselves: ``shumao bench startup``."""

import json
import subprocess
import sys

import pytest

from tests.conftest import run_cli

HEAVY = ("numpy", "pyarrow", "ibis", "duckdb", "pandas", "polars", "jinja2", "starlette", "fastapi",
         "uvicorn", "pydantic", "pydantic_core", "psycopg", "httpx", "sqlglot", "openpyxl",
         "matplotlib", "pyspark", "markdown_it", "docx", "reportlab", "weasyprint")

PROBE = """
import contextlib, io, json, sys
from shumao.cli.app import run
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = run(sys.argv[1:])
print(json.dumps({"code": code, "out": out.getvalue(),
                  "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def imported(*argv: str) -> tuple[int, str, set[str]]:
    """Run one command line in a fresh interpreter: its exit code, stdout and the top-level
    packages it imported."""
    p = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout.splitlines()[-1])
    return r["code"], r["out"], set(r["modules"])


def test_help_imports_nothing_heavy():
    code, out, modules = imported("--help")
    assert code == 0 and "shumao" in out and "status" in out
    assert modules & set(HEAVY) == set()


@pytest.mark.parametrize("argv", [("status",), ("user", "list")])
def test_a_reading_command_imports_duckdb_and_nothing_else_heavy(tmp_path, argv):
    db = tmp_path / "s.duckdb"
    assert run_cli("user", "add", "amy", "--role", "admin", "--password-stdin", "--db", db,
                   input="correct horse battery\n").returncode == 0
    code, out, modules = imported(*argv, "--db", str(db), "--json")
    assert code == 0
    shown = json.loads(out)
    assert (shown["enterprises"] == 0) if argv == ("status",) else [u["name"] for u in shown] == ["amy"]
    assert modules & set(HEAVY) == {"duckdb"}


def test_a_text_or_path_value_is_as_given_and_a_number_is_still_checked(tmp_path):
    """The fast coercion (coercion.py) keeps every value and message of Typer's own."""
    p = run_cli("status", "--db", tmp_path / "no such.duckdb")
    assert p.returncode != 0 and "no such.duckdb" in p.stderr          # the text as typed
    p = run_cli("generate", "--out", tmp_path / "g", "--executions", "zwei")
    assert p.returncode == 2 and "--executions" in p.stderr and "zwei" in p.stderr
    p = run_cli("bench", "startup", "--repeat", "0")
    assert p.returncode == 2 and "不小于 1" in p.stderr
