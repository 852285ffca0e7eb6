"""Help as a newcomer meets it (issue 7): all Chinese, never cut, at least 80 columns wide
whatever the terminal, lines broken where Chinese allows (CJK characters are two columns)."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from shumao.cli.help import wrap
from tests.test_cli_errors import shumao

COMMANDS = [[], ["import"], ["status"], ["report"], ["explain"], ["bulletin"], ["generate"],
            ["demo"], ["bench"], ["bench", "import"], ["bench", "report"], ["bench", "curve"], ["vintages"]]
ENGLISH = ("Show this message", "Usage", "Options", "Arguments", "Commands", "<bool>", "<str>",
           "<path>", "<int", "[default", "default:", "[required]", "TEXT", "INTEGER", "PATH",
           "list[", "x>=")
PERIODS = "2024-03、2024Q2、2024H1、2024、2024-01..2024-09"


@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: " ".join(c) or "shumao")
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_is_chinese_and_fits(cmd, flag):
    r = shumao(*cmd, flag)
    assert r.code == 0 and r.stderr == ""
    assert r.stdout.startswith("用法：shumao") and "显示本帮助并退出" in r.stdout
    assert not [w for w in ENGLISH if w in r.stdout], r.stdout
    assert max(cell_len(line) for line in r.stdout.splitlines()) <= 80


@pytest.mark.parametrize("columns", ["40", "80", "200"])
def test_period_grammar_is_whole(columns):
    for cmd in ("report", "explain"):
        r = shumao(cmd, "--help", env={"COLUMNS": columns})
        assert any(PERIODS in line for line in r.stdout.splitlines()), r.stdout
        width = max(cell_len(line) for line in r.stdout.splitlines())
        assert 80 <= width <= 100  # never narrower than 80, never a sprawling 200


def test_help_names_arguments_options_and_defaults():
    out = shumao("import", "--help").stdout
    assert "用法：shumao import [选项] 文件…" in out and "--errors-out 文件" in out
    out = shumao("bench", "import", "--help").stdout
    assert "--executions 数量" in out and "至少 1,000" in out and "1,000,000" in out
    out = shumao("bench", "curve", "--help").stdout  # an on/off pair names both and the default
    assert "--spark / --no-spark" in out and "默认 --spark" in out and "（默认 1）" not in out
    out = shumao("--help").stdout
    assert all(f"│ {c} " in out for c in ("import", "status", "report", "explain", "bulletin", "bench"))


def test_wrap_breaks_where_chinese_allows():
    text = "要统计的时期。写法：" + PERIODS + "（一个月、一个季度），另见 ./shumao.duckdb 文件。"
    for width in range(50, 90):
        lines = wrap(text, width)
        assert all(cell_len(line) <= width for line in lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost or cut
        assert any(PERIODS in line for line in lines)  # a list of codes is not broken
        assert not any(line[0] in "，。、；：）”" for line in lines if line)
    assert wrap("中文中文中文", 4) == ["中文", "中文", "中文"]  # two columns each
    assert wrap("abcdefghij", 4) == ["abcd", "efgh", "ij"]  # a word longer than a line is folded
