"""The command line in Chinese: help pages at a width that never cuts a line (CJK counted
double), and Click's usage errors as Chinese sentences naming the option or argument.
``cli.py`` builds its Typer app from ``Command``/``Group`` and maps errors with
``usage_message``."""

from __future__ import annotations

import io
import re
import shutil
import sys
from pathlib import Path
from typing import Any, cast

from rich.cells import cell_len, chop_cells
from rich.console import Console
from rich.measure import Measurement
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from typer._click import exceptions as click_errors  # Typer 0.29 vendors Click (pinned)
from typer.core import TyperCommand, TyperGroup

from shumao.cli.coercion import without_pydantic

# --- help in Chinese, at a width that never cuts a line --------------------------------------

HELP_WIDTH = (80, 100)  # at least 80 columns (wider terminals up to 100), whatever the terminal
TYPE_WORDS = {int: "整数", float: "数字", str: "文本", Path: "路径"}
_CJK = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_OPEN, _CLOSE = "（“‘《「【〔", "，。、；：？！）”’》」】〕…"
# a line may break between two CJK characters or at a space, never inside a Latin word or a
# number nor a list of them (2024-03、2024Q2), never before closing nor after opening punctuation
_LATIN = rf"[^\s{_CJK}{_OPEN}]+"
_CHUNK = re.compile(rf"[{_OPEN}]*(?:[{_CJK}]|{_LATIN}(?:、{_LATIN})*)[{_CLOSE}]*\s*|\s+")


def wrap(text: str, width: int) -> list[str]:
    """Break ``text`` into lines of at most ``width`` terminal cells (CJK counts double)."""
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for chunk in _CHUNK.findall(para) or [""]:
            if line and cell_len((line + chunk).rstrip()) > width:
                lines.append(line.rstrip())
                line = chunk.lstrip()
            else:
                line += chunk
            while cell_len(line.rstrip()) > width:  # a word longer than a line: fold it
                head, *rest = chop_cells(line, width)
                lines.append(head)
                line = "".join(rest)
        lines.append(line.rstrip())
    return lines


class Wrapped:
    """Rich renderable: text wrapped by ``wrap`` to whatever width Rich gives it."""

    def __init__(self, text: str, style: str = ""):
        self.text, self.style = text, style

    def __rich_measure__(self, console, options) -> Measurement:
        longest_word = max((cell_len(c.strip()) for c in _CHUNK.findall(self.text)), default=0)
        longest_line = max((cell_len(ln) for ln in self.text.split("\n")), default=0)
        return Measurement(min(longest_word, options.max_width), min(longest_line, options.max_width))

    def __rich_console__(self, console, options):
        yield Text("\n".join(wrap(self.text, options.max_width)), style=self.style)


def _metavar(p) -> str:
    if p.metavar:
        return p.metavar
    return TYPE_WORDS.get(_annotation(p), "值")


def _annotation(p) -> Any:
    """The Python type Typer read a parameter as (its internals are loosely typed)."""
    return getattr(getattr(p, "type_descriptor", None), "annotation", None)


def _param_label(p) -> str:
    if p.param_type_name == "argument":
        return _metavar(p)
    names = ", ".join(sorted(p.opts, key=len))  # -h, --help
    if getattr(p, "secondary_opts", None):  # an on/off pair: --spark / --no-spark
        names += " / " + ", ".join(p.secondary_opts)
    return names + ("" if getattr(p, "is_flag", False) else f" {_metavar(p)}")


def _param_help(p, ctx) -> str:
    if p is ctx.command.get_help_option(ctx):
        return "显示本帮助并退出"
    notes = []
    lo, hi = getattr(p, "min", None), getattr(p, "max", None)
    if lo is not None or hi is not None:
        notes.append(f"至少 {lo:,}" if hi is None else f"{lo} 到 {hi}")
    if p.required:
        notes.append("必填")
    default = p.default
    if isinstance(default, bool):  # a flag: name the one in force, never "默认 1"
        if getattr(p, "secondary_opts", None):
            notes.append(f"默认 {p.opts[0] if default else p.secondary_opts[0]}")
    elif p.show_default is not False and default not in (None, (), []) and not callable(default):
        notes.append(f"默认 {default:,}" if isinstance(default, int) else f"默认 {default}")
    return (p.help or "") + (f"（{'；'.join(notes)}）" if notes else "")


def render_help(cmd, ctx) -> str:
    """The help page of a command or group: usage, description, arguments, options, commands."""
    cols = shutil.get_terminal_size((HELP_WIDTH[0], 24)).columns
    tty = sys.stdout.isatty()
    con = Console(file=io.StringIO(), width=max(HELP_WIDTH[0], min(cols, HELP_WIDTH[1])),
                  highlight=False, force_terminal=tty, color_system="auto" if tty else None)
    params = [p for p in cmd.get_params(ctx) if not getattr(p, "hidden", False)]
    args = [p for p in params if p.param_type_name == "argument"]
    opts = [p for p in params if p.param_type_name == "option"]
    usage = [ctx.command_path, "[选项]", *(_metavar(a) for a in args)]
    subs = [(n, cmd.get_command(ctx, n)) for n in cmd.list_commands(ctx)] if isinstance(cmd, TyperGroup) else []
    if subs:
        usage.append("命令 [参数]…")
    con.print(Wrapped("用法：" + " ".join(usage), "bold"))
    if cmd.help:
        con.print()
        con.print(Wrapped(cmd.help.split("\f")[0].strip()))
    con.print()
    sections = (("参数", [(_param_label(p), _param_help(p, ctx)) for p in args]),
                ("选项", [(_param_label(p), _param_help(p, ctx)) for p in opts]),
                ("命令", [(n, (c.help or "").split("\n\n")[0].strip()) for n, c in subs if c is not None and not c.hidden]))
    for title, rows in sections:
        if rows:
            grid = Table.grid(padding=(0, 2), expand=True)
            grid.add_column(no_wrap=True, style="bold cyan")
            grid.add_column(ratio=1)
            for label, text in rows:
                grid.add_row(label, Wrapped(text))
            con.print(Panel(grid, title=title, title_align="left", border_style="dim"))
    return cast(io.StringIO, con.file).getvalue()


class _ChineseHelp:
    def format_help(self, ctx, formatter) -> None:
        formatter.write(render_help(self, ctx))

    def parse_args(self, ctx, args):
        without_pydantic(self.get_params(ctx))    # coercion.py: text and paths start fast
        return super().parse_args(ctx, args)


class Command(_ChineseHelp, TyperCommand):
    """A command whose help is Chinese (``render_help``)."""


class Group(_ChineseHelp, TyperGroup):
    """A group whose help is Chinese (``render_help``)."""


def _name(p) -> str:
    return _metavar(p) if p.param_type_name == "argument" else "/".join(p.opts)


def _bad_value(e) -> str:
    """What a parameter expected, in words, with the value given (from the type check)."""
    p, cause = e.param, e.__cause__
    detail = cause.errors()[0] if hasattr(cause, "errors") else {}
    given = f"“{detail['input']}”" if "input" in detail else ""
    kind = TYPE_WORDS.get(_annotation(p), "")
    limits = detail.get("ctx", {})
    if "ge" in limits or "le" in limits:
        want = "、".join(f"{w} {limits[k]:,}" for k, w in (("ge", "不小于"), ("le", "不大于")) if k in limits)
        return f"{_name(p)} 应{want}（收到{given}）"
    if kind:
        return f"{_name(p)} 应是{kind}（收到{given}）" if given else f"{_name(p)} 应是{kind}"
    return f"{_name(p)} 的取值无效{('：' + given) if given else ''}"


USAGE_MESSAGES = (  # Click's plain UsageError messages (typer/_click/core.py, typer/core.py)
    (re.compile(r"No such command '(.*?)'\.(?: Did you mean '(.*?)'\?)?"),
     lambda m, e: f"没有命令“{m[1]}”" + (f"，是否想用 {m[2]}？" if m[2] else _commands(e))),
    (re.compile(r"Got unexpected extra argument\(s\) \((.*)\)"), lambda m, e: f"多余的参数：{m[1]}"),
    (re.compile(r"Missing command\."), lambda m, e: f"缺少命令{_commands(e)}"),
)


def _commands(e) -> str:
    cmd = e.ctx.command if e.ctx else None
    names = list(getattr(cmd, "commands", {}))
    return f"（可用的命令：{'、'.join(names)}）" if names else ""


def usage_message(e) -> str:
    """A usage error from Click, as a Chinese sentence naming the option or argument."""
    if isinstance(e, click_errors.MissingParameter) and e.param is not None:
        p = e.param
        what = "参数" if p.param_type_name == "argument" else "选项"
        return f"缺少{what}：{_name(p)}" + (f" — {h}" if (h := getattr(p, "help", None)) else "")
    if isinstance(e, click_errors.NoSuchOption):
        opts = {o for p in (e.ctx.command.params if e.ctx else ()) for o in p.opts}
        if e.option_name == "--json" and "--format" in opts:
            return "这个命令没有 --json 选项；要 JSON 输出请用 --format json"
        hint = f"，是否想用 {'、'.join(sorted(e.possibilities))}？" if e.possibilities else ""
        return f"没有这个选项：{e.option_name}{hint}"
    if isinstance(e, click_errors.BadOptionUsage):
        if "does not take a value" in e.message:
            return f"选项 {e.option_name} 不带取值"
        return f"选项 {e.option_name} 后面缺少取值"
    if isinstance(e, click_errors.BadParameter) and e.param is not None:
        return _bad_value(e)
    for pattern, say in USAGE_MESSAGES:
        m = pattern.fullmatch(e.message.strip())
        if m:
            return say(m, e)
    return f"命令写法不对（{e.message}）"
