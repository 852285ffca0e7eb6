"""The ``shumao`` command: parse, call the library, render, set the exit code (cli.md).

Exit codes: 0 done; 1 the data or content has errors (nothing changed); 2 wrong usage;
3 any other failure, one Chinese line on stderr (a traceback only with --debug).  ``run(argv)``
is the one place exceptions become exit codes; ``main()`` and the tests both go through it.

With ``--json`` (and ``report --format json``) stdout carries exactly one JSON object, also on
failure: ``{"ok": false, "error": {"code": "usage", "message": "…"}}``, the codes the exceptions' own
(``shumao/errors.py``).

The commands live by subject (data, report, publish, portal, bench); this module names them,
in the order ``shumao --help`` lists them.  The path rules are in ``options``.
"""

import sys
from collections.abc import Callable
from typing import Annotated

import typer
from rich.markup import escape
from typer._click import exceptions as click_errors  # Typer 0.29 vendors Click (pinned)

from shumao.cli import bench, data, digital, portal, publish, report
from shumao.cli.help import Command, Group, usage_message
from shumao.cli.options import FLAGS, STATE, err, print_json
from shumao.errors import ContentError, FlaggedFigures, IncompleteMonths, Interrupted, ShumaoError

CONTEXT = {"help_option_names": ["-h", "--help"]}
app = typer.Typer(cls=Group, add_completion=False, no_args_is_help=True, context_settings=CONTEXT,
                  help="shumao（数贸）：服务外包与数字贸易统计 — 导入企业填报数据，生成数据月报与简报。"
                       "\n\n每个命令的用法：shumao 命令 --help，如 shumao report --help。")
bench_app = typer.Typer(cls=Group, no_args_is_help=True, help="性能基准：与 DuckDB 裸查询在同一次运行中对比。")
app.add_typer(bench_app, name="bench")
user_app = typer.Typer(cls=Group, no_args_is_help=True, help="网页门户的账号：新增、签发与撤销 API 令牌、列出、停用与启用、重设密码。")
app.add_typer(user_app, name="user")
sdmx_app = typer.Typer(cls=Group, no_args_is_help=True, help="SDMX：数字贸易统计的国际交换格式。")
app.add_typer(sdmx_app, name="sdmx")


@app.callback()
def _main(debug: Annotated[bool, typer.Option("--debug", help="出错时显示完整的调用栈")] = False):
    STATE["debug"] = debug


# the command tree, in the order ``shumao --help`` lists it (Typer: commands as added, then groups)
COMMANDS: tuple[tuple[typer.Typer, str, Callable[..., None]], ...] = (
    (app, "import", data.import_), (app, "status", data.status), (app, "codes", data.codes),
    (app, "export", data.export_),
    (app, "report", report.report), (app, "explain", report.explain), (app, "vintages", report.vintages),
    (app, "digital", digital.digital),
    (app, "bulletin", publish.bulletin), (app, "generate", publish.generate), (app, "demo", publish.demo),
    (app, "serve", portal.serve), (app, "remind", portal.remind),
    (user_app, "add", portal.user_add), (user_app, "token", portal.user_token),
    (user_app, "tokens", portal.user_tokens), (user_app, "revoke", portal.user_revoke),
    (sdmx_app, "structure", data.sdmx_structure),
    (user_app, "list", portal.user_list), (user_app, "disable", portal.user_disable),
    (user_app, "enable", portal.user_enable), (user_app, "passwd", portal.user_passwd),
    (bench_app, "import", bench.bench_import), (bench_app, "report", bench.bench_report),
    (bench_app, "web", bench.bench_web), (bench_app, "curve", bench.bench_curve),
    (bench_app, "filings", bench.bench_filings), (bench_app, "startup", bench.bench_startup),
    (bench_app, "publish", bench.bench_publish),
)
for group, name, command in COMMANDS:
    group.command(name, cls=Command)(command)


# --- errors: each exception's exit code and JSON code are its own (errors.py) ----------------

def said(e: ShumaoError) -> str:
    """A library error in the command line's words: an argument by its option (``--enterprise``).
    A ContentError's fields are the content folder's, named as the file writes them; flagged
    figures are let through with ``bulletin --allow-flagged``, short months with
    ``--allow-incomplete``."""
    if isinstance(e, FlaggedFigures | IncompleteMonths):
        return e.say({"allow_flagged": "请加 --allow-flagged", "allow_incomplete": "请加 --allow-incomplete"})
    return str(e) if isinstance(e, ContentError) else e.say(FLAGS)


def run(argv: list[str] | None = None, cli: typer.Typer = app) -> int:
    """Run one command line of ``cli`` and return its exit code; every exception becomes a code,
    a Chinese line on stderr and, when JSON was asked for, one ``{"ok": false, "error": …}`` on
    stdout.  ``cli`` is a seam for tests (a command that fails on purpose)."""
    argv = [str(a) for a in (sys.argv[1:] if argv is None else argv)]
    STATE.update(debug=False, json_printed=False)
    try:
        code = cli(args=argv, prog_name="shumao", standalone_mode=False)
        if code == 130:  # Typer turns Ctrl-C into Exit(130) (typer/core.py _main)
            raise KeyboardInterrupt
        return code if isinstance(code, int) else 0  # Click returns an Exit's code in this mode
    except typer.Exit as e:
        return e.exit_code
    except click_errors.NoArgsIsHelpError as e:  # bare `shumao` or `shumao bench`: the help
        sys.stdout.write(e.message.rstrip("\n") + "\n")
        return 2
    except click_errors.UsageError as e:
        where = " ".join(["shumao", *_resolve(cli, argv)[1]])
        code, kind, message = 2, "usage", usage_message(e)
        err.print(f"[red]用法错误：{escape(message)}[/]\n运行 {escape(where)} --help 查看用法。")
    except (KeyboardInterrupt, typer.Abort, Interrupted) as e:   # Ctrl-C (or SIGTERM: import)
        stop = e if isinstance(e, Interrupted) else Interrupted(Interrupted.MESSAGE)
        code, kind, message = stop.exit_code, stop.code, str(stop)
        err.print(message)
    except ShumaoError as e:
        if STATE["debug"]:
            raise
        code, kind = e.exit_code, e.code       # errors.py: the same code as the web's
        message = said(e)
        err.print(f"[red]错误：{escape(message)}[/]")
    except Exception as e:  # noqa: BLE001 — the one place every failure becomes a line
        if STATE["debug"]:
            raise
        code, kind, message = 3, "internal", f"程序出错：{type(e).__name__}: {e}"
        err.print(f"[red]{escape(message)}[/]（加 --debug 查看详情）")
    if _wants_json(cli, argv) and not STATE["json_printed"]:
        # cli.md: with --json, stdout holds exactly one JSON object, also on failure
        print_json({"ok": False, "error": {"code": kind, "message": message}})
    return code


def _resolve(cli: typer.Typer, argv: list[str]):
    """The command ``argv`` names (the root group if none) and its names, e.g. ["bench", "import"]."""
    cmd, names = typer.main.get_command(cli), list[str]()
    for a in argv:
        if a == "--":
            break
        if not a.startswith("-"):
            sub = getattr(cmd, "commands", {}).get(a)
            if sub is None:
                break
            cmd, names = sub, [*names, a]
    return cmd, names


def _wants_json(cli: typer.Typer, argv: list[str]) -> bool:
    """Whether ``argv`` asks a command that has ``--json`` (or ``report --format json``) for JSON."""
    args = argv[:argv.index("--")] if "--" in argv else argv
    cmd = _resolve(cli, argv)[0]
    opts = {o for p in cmd.params for o in p.opts}
    fmt_json = any(a == "--format=json" or (a == "json" and i and args[i - 1] == "--format")
                   for i, a in enumerate(args))
    return ("--json" in opts and "--json" in args) or ("--format" in opts and fmt_json)


def main() -> None:
    sys.exit(run())


if __name__ == "__main__":
    main()
