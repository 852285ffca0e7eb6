"""The ``shumao`` command: parse, call the library, render, set the exit code (cli.md).

Exit codes: 0 done; 1 the data or content has errors (nothing changed); 2 wrong usage;
3 any other failure, one Chinese line on stderr (a traceback only with --debug).  ``run(argv)``
is the one place exceptions become exit codes; ``main()`` and the tests both go through it.

With ``--json`` (and ``report --format json``) stdout carries exactly one JSON object, also on
failure: ``{"ok": false, "error": {"code": "usage", "message": "…"}}``, the codes in ``ERRORS``.

Paths, one rule for every command:
- a path the user names to be read (an input file, a content folder, a group file, the store of
  a command that only reads: status, report, explain, bulletin) must exist, else it is wrong
  usage (exit 2): "找不到文件：X", "找不到文件夹：X", "数据库不存在：X".  Nothing is created.
- an output (``--out``, ``--errors-out``) may be new, but its folder must exist ("输出文件夹
  不存在：X", exit 2); an output folder itself is created, never its parents.  An output file
  that names an existing folder is refused.
- only ``import`` creates a store that does not exist yet.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional, cast

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer._click import exceptions as click_errors  # Typer 0.29 vendors Click (pinned)

from shumao.access.roles import ROLE_ZH, ROLES
from shumao.cli.help import Command, Group, usage_message
from shumao.errors import (
    ContentError,
    FlaggedFigures,
    InputError,
    ShumaoError,
)
from shumao.store.base import cli_actor

CONTEXT = {"help_option_names": ["-h", "--help"]}
app = typer.Typer(cls=Group, add_completion=False, no_args_is_help=True, context_settings=CONTEXT,
                  help="shumao（数贸）：服务外包与数字贸易统计 — 导入企业填报数据，生成数据月报与简报。"
                       "\n\n每个命令的用法：shumao 命令 --help，如 shumao report --help。")
bench_app = typer.Typer(cls=Group, no_args_is_help=True, help="性能基准：与 DuckDB 裸查询在同一次运行中对比。")
app.add_typer(bench_app, name="bench")
user_app = typer.Typer(cls=Group, no_args_is_help=True, help="网页门户的账号：新增、签发 API 令牌、列出、停用。")
app.add_typer(user_app, name="user")
out = Console(highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)  # the terminal wraps messages
STATE = {"debug": False, "json_printed": False}

DbOption = Annotated[Optional[str], typer.Option(
    "--db", metavar="数据库",
    help="DuckDB 数据库文件，或 postgresql://用户@主机/库名；不写时用环境变量 SHUMAO_DB，"
         "再不然用当前文件夹的 shumao.duckdb")]
JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 输出（供脚本读取），出错时也是")]
KIND_ZH = {"enterprises": "企业", "contracts": "合同", "executions": "合同执行", "rates": "汇率"}
SHOWN_ISSUES = 50


@app.callback()
def _main(debug: Annotated[bool, typer.Option("--debug", help="出错时显示完整的调用栈")] = False):
    STATE["debug"] = debug


def _print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False))
    STATE["json_printed"] = True


# --- paths: the rule of the module docstring --------------------------------------------------

def _input_folder(path: Path) -> Path:
    if path.exists() and not path.is_dir():
        raise InputError(f"这是文件，不是文件夹：{path}")
    if not path.is_dir():
        raise InputError(f"找不到文件夹：{path}")
    return path


def _output_file(path: Path, option: str) -> Path:
    if path.is_dir():
        raise InputError(f"{option} 应是文件，但这是已有的文件夹：{path}")
    if not path.parent.is_dir():
        raise InputError(f"输出文件夹不存在：{path.parent}（请先建好这个文件夹）")
    return path


def _output_folder(path: Path, option: str) -> Path:
    if path.exists() and not path.is_dir():
        raise InputError(f"{option} 应是文件夹，但这是已有的文件：{path}")
    if not path.parent.is_dir():
        raise InputError(f"输出文件夹不存在：{path.parent}（请先建好这个文件夹）")
    return path


@app.command("import", cls=Command)
def import_(
    files: Annotated[list[Path], typer.Argument(
        metavar="文件…", help="CSV、XLSX 或 Parquet 文件（企业、合同、合同执行、汇率），可以一次给多个；"
                             "也可以是 Parquet 数据集的文件夹（如 shumao export 导出的），读入其中全部 Parquet 文件")],
    db: DbOption = None,
    replace: Annotated[bool, typer.Option("--replace", help="以新数据替换已存在但内容不同的记录")] = False,
    as_json: JsonOption = False,
    errors_out: Annotated[Optional[Path], typer.Option(
        "--errors-out", metavar="文件", help="把全部问题写入 CSV 或 XLSX 文件，便于逐条修改")] = None,
) -> None:
    """检查并导入填报数据：全部通过才写入，有任何错误则不做任何修改。"""
    from shumao.ingest.importer import import_files
    from shumao.ingest.issue_list import write_issues
    from shumao.ingest.staging import parquet_files
    from shumao.store import connect

    folders = [str(f) for f in files if f.is_dir() and not parquet_files(f)]
    if folders:
        raise InputError("这是文件夹，不是文件，其中也没有 Parquet 文件：" + "、".join(folders))
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        raise InputError("找不到文件：" + "、".join(missing))
    if errors_out:
        if errors_out.suffix.lower() not in (".csv", ".xlsx"):
            raise InputError("--errors-out 只能是 .csv 或 .xlsx 文件")
        _output_file(errors_out, "--errors-out")
    result = import_files(lambda: connect(db), files, replace=replace)
    if errors_out:
        write_issues(errors_out, result.errors + result.warnings)
    if as_json:
        _print_json(result.as_dict())
    else:
        _print_import(result, errors_out)
    raise typer.Exit(0 if result.ok else 1)


def _print_import(result, errors_out) -> None:
    t = Table(title="导入结果" if result.ok else "导入未执行：数据有错误，数据库未做任何修改")
    for col in ("类别", "新增", "未变", "替换", "重复（已合并）"):
        t.add_column(col, justify="right" if col != "类别" else "left")
    for kind, c in result.counts.items():
        t.add_row(KIND_ZH[kind], *(str(c[k]) for k in ("new", "unchanged", "replaced", "duplicates")))
    out.print(t)
    same: dict[tuple[str, ...], list[str]] = {}    # a data set's files share their columns
    for file, cols in result.ignored_columns.items():
        same.setdefault(tuple(cols), []).append(file)
    for cols, names in same.items():
        where = names[0] if len(names) == 1 else f"{names[0]} 等 {len(names)} 个文件"
        out.print(f"[yellow]已忽略 {escape(where)} 中无法识别的列：{escape('、'.join(cols))}[/]")
    for label, items, style in (("错误", result.errors, "red"), ("警告", result.warnings, "yellow")):
        if not items:
            continue
        it = Table(title=f"{label}（共 {len(items)} 条）", title_style=style)
        for col in ("文件", "行", "列", "值", "代码", "说明"):
            it.add_column(col, overflow="fold")
        for i in items[:SHOWN_ISSUES]:
            it.add_row(i.file + (f"（{i.sheet}）" if i.sheet else ""), str(i.row or ""),
                       i.column or "", i.value or "", i.code, i.message)
        out.print(it)
        if len(items) > SHOWN_ISSUES:
            out.print(f"……其余 {len(items) - SHOWN_ISSUES} 条未显示，"
                      "请用 --errors-out 问题.xlsx 导出完整清单。")
    if errors_out:
        out.print(f"问题清单已写入：{errors_out}")


@app.command(cls=Command)
def status(db: DbOption = None, as_json: JsonOption = False) -> None:
    """数据库中的记录数与日期范围。"""
    from shumao.store import connect

    with connect(db, read_only=True) as store:
        s = store.records.summary()
        shown = store.url
    if as_json:
        _print_json(s)
        return
    t = Table(title=f"数据库：{shown}")
    t.add_column("项目")
    t.add_column("数量 / 范围", justify="right")
    for kind in ("enterprises", "contracts", "executions", "rates"):
        t.add_row(KIND_ZH[kind], str(s[kind]))
    t.add_row("导入批次", str(s["batches"]))
    t.add_row("签约日期", _span(s["signed_on"]))
    t.add_row("执行日期", _span(s["executed_on"]))
    out.print(t)


@app.command(cls=Command)
def codes(
    code: Annotated[Optional[str], typer.Argument(
        metavar="[代码]", help="只看这一个代码，如 unknown-country（在两个阶段都有的代码列出两条）")] = None,
    stage: Annotated[Optional[str], typer.Option(
        "--stage", help="只看一个阶段：import（导入）、filing（填报）或 publication（发布）")] = None,
    as_json: JsonOption = False,
) -> None:
    """每个代码的目录：导入检查、填报审核、发布前核对与措辞规则的阶段、级别、提示和规则说明。"""
    from shumao import catalogue

    if stage is not None and stage not in catalogue.STAGES:
        named = "、".join(f"{k}（{v}）" for k, v in catalogue.STAGES.items())
        raise click_errors.UsageError(f"--stage 只能是 {named}（收到“{stage}”）")
    rules = [r for r in catalogue.RULES
             if (stage is None or r.stage == stage) and (code is None or r.code == code)]
    if code is not None and not rules:
        raise click_errors.UsageError(f"没有代码“{code}”{f'（在{catalogue.STAGES[stage]}阶段）' if stage else ''}；"
                                      "不带参数的 shumao codes 列出全部代码")
    if as_json:
        _print_json([r.as_dict() for r in rules])
        return
    if code is None:
        t = Table(title=f"代码目录（{len(rules)} 条）")
        for column in ("代码", "阶段", "级别", "提示"):
            t.add_column(column)
        for r in rules:
            t.add_row(r.code, catalogue.STAGES[r.stage], catalogue.LEVEL_ZH[r.level], escape(r.message))
        out.print(t)
        return
    for r in rules:
        out.print(f"[bold]{r.code}[/]（{catalogue.STAGES[r.stage]}，{catalogue.LEVEL_ZH[r.level]}）")
        for label, value in (("提示", r.message), ("规则", r.rule), ("English", r.gloss),
                             ("字段", r.field), ("另一阶段的同一规则", r.same_as)):
            if value:
                out.print(f"  {label}：{escape(value)}")


EXPORT_FORMATS = ("parquet",)


@app.command("export", cls=Command)
def export_(
    out_dir: Annotated[Path, typer.Argument(
        metavar="文件夹", help="输出文件夹：新的或空的（没有就新建，但它的上级文件夹须已存在）")],
    fmt: Annotated[str, typer.Option(
        "--format", metavar="格式", help="输出格式：parquet（按年、月分区的 Parquet 数据集，目前唯一的格式）")] = "parquet",
    db: DbOption = None,
    overwrite: Annotated[bool, typer.Option(
        "--overwrite", help="文件夹中是以前用 shumao export 导出的数据集时，以本次导出替换它"
                            "（其他内容的文件夹从不覆盖）")] = False,
    as_json: JsonOption = False,
) -> None:
    """导出已审核通过的合同与执行（附企业、合同的属性）及全部企业、汇率，为按年、月分区的 Parquet 数据集：供省级或全国数据湖、Spark 读取，也可用 shumao import 导入另一个数据库。全部写完才出现在输出文件夹，中途出错则不留下任何文件。"""
    from shumao.lake import export as export_lib
    from shumao.store import connect

    if fmt not in EXPORT_FORMATS:
        raise InputError(f"--format 只能是 {'、'.join(EXPORT_FORMATS)}（收到“{fmt}”）")
    export_lib.check_target(out_dir, overwrite)      # before opening the store
    with connect(db, read_only=True) as store:
        done = export_lib.export(store, out_dir, overwrite=overwrite)
    if as_json:
        _print_json(done.as_dict())
        return
    out.print(f"已导出 Parquet 数据集：{escape(str(out_dir))}", soft_wrap=True)  # a path: never broken
    t = Table()
    t.add_column("类别")
    t.add_column("记录数", justify="right")
    for kind in ("enterprises", "contracts", "executions", "rates"):
        t.add_row(KIND_ZH[kind], str(done.counts[kind]))
    out.print(t)
    out.print(f"共 {done.files} 个文件，{done.bytes / 1e6:.1f} MB。合同、执行只含审核通过的记录，按年、月分区。")
    out.print(f"数据集说明：{escape(str(out_dir / export_lib.MANIFEST))}", soft_wrap=True)


def _span(iso: list[str | None]) -> str:
    """A date range from ``status --json`` as a clerk reads it: 2021年2月5日 至 2024年12月10日."""
    from datetime import date

    from shumao.indicators.catalog import day_words

    return " 至 ".join(day_words(date.fromisoformat(d)) if d else "—" for d in iso)


PeriodOption = Annotated[str, typer.Option(
    "--period", metavar="时期",
    help="要统计的时期。写法：2024-03、2024Q2、2024H1、2024、2024-01..2024-09"
         "（一个月、一个季度、半年、全年、几个月）")]


GroupOption = Annotated[Optional[list[Path]], typer.Option(
    "--group", metavar="文件", help="自定义国家组文件（可多次指定），每组增加指标 exec_group_<文件名>")]
BriOption = Annotated[Optional[str], typer.Option(
    "--bri", metavar="口径", help="“一带一路”口径：route65（沿线国家）或 partners（共建国家）；默认按时期")]
BriFileOption = Annotated[Optional[Path], typer.Option(
    "--bri-file", metavar="文件", help="自定义“一带一路”国家名单（CSV：country 列，可选 joined_on/left_on）")]


@app.command(cls=Command)
def report(
    period: Annotated[Optional[str], typer.Option(
        "--period", metavar="时期",
        help="要统计的时期。写法：2024-03、2024Q2、2024H1、2024、2024-01..2024-09"
             "（一个月、一个季度、半年、全年、几个月）；用 --vintage 时可不写")] = None,
    db: DbOption = None,
    region: Annotated[str, typer.Option(metavar="名称", help="地区名称，如 大连市")] = "本市",
    short: Annotated[str, typer.Option(metavar="简称", help="文中的简称，如 我市")] = "我市",
    source: Annotated[str, typer.Option(metavar="文字", help="数据来源")] = "商务部服务外包统一平台",
    bri: BriOption = None,
    bri_file: BriFileOption = None,
    group: GroupOption = None,
    relative: Annotated[bool, typer.Option("--relative", help="用“今年”代替年份")] = False,
    fmt: Annotated[str, typer.Option(
        "--format", metavar="格式", help="text（纯文本）、md、html（带图表）、xlsx 或 json")] = "text",
    out_file: Annotated[Optional[Path], typer.Option(
        "--out", metavar="文件", help="写入文件（不写时输出到屏幕；xlsx 必须写）")] = None,
    vintage: Annotated[Optional[str], typer.Option(
        "--vintage", metavar="编号",
        help="原样重现一个已发布的数据版本（发布简报或在网页上冻结数据月报时生成，编号用 "
             "shumao vintages 查看）：数字与文字同发布时一字不差，不受之后的审核、退回和更正影响；"
             "地区名称等设置也按发布时的")] = None,
    data: Annotated[Optional[str], typer.Option(
        "--data", metavar="文件夹",
        help="不读数据库，而从 shumao export 导出的 Parquet 数据集计算（同一套指标代码）；"
             "计算引擎见 --engine")] = None,
    engine: Annotated[str, typer.Option(
        "--engine", metavar="引擎",
        help="用 --data 时的计算引擎：duckdb（默认，本机）或 spark（需安装 shumao[spark] 和 Java 17+）")] = "duckdb",
    spark_master: Annotated[Optional[str], typer.Option(
        "--spark-master", metavar="地址",
        help="Spark 集群地址，如 spark://主机:7077；不写时在本机以 local 模式运行")] = None,
) -> None:
    """数据月报：按统计口径与规范措辞生成（文本、Markdown、带图表的 HTML、XLSX、JSON）；加 --vintage 则原样重现已发布的一版；加 --data 则从 Parquet 数据集计算（可用 Spark）。"""
    from shumao.model.periods import Period
    from shumao.report.render import RENDERERS
    from shumao.report.request import OptionError, ReportRequest, produce
    from shumao.report.settings import ReportSettings
    from shumao.store import connect

    if fmt not in RENDERERS:
        raise InputError(f"--format 只能是 {'、'.join(RENDERERS)}（收到“{fmt}”）")
    if RENDERERS[fmt].binary and out_file is None:
        raise InputError(f"{fmt.upper()} 格式需要用 --out 指定输出文件，如 --out 数据月报.{RENDERERS[fmt].ext}")
    if out_file:
        _output_file(out_file, "--out")
    given = tuple(name for name, v in (
        ("region", region != "本市"), ("short", short != "我市"), ("source", source != "商务部服务外包统一平台"),
        ("bri", bri), ("bri_file", bri_file), ("groups", group), ("relative", relative)) if v)
    # a vintage keeps the settings it was published with: none are read for it
    settings = (ReportSettings.from_options(region, short, source, bri, bri_file, tuple(group or ()), relative)
                if vintage is None else ReportSettings())
    req = ReportRequest(Period.parse(period) if period is not None else None, settings, vintage, data,
                        engine, spark_master, db, given, charts=RENDERERS[fmt].charts)
    try:
        made = produce(req, lambda: connect(db, read_only=True))
    except OptionError as e:
        raise _worded(e, req) from e
    body = made.body(fmt)
    if isinstance(body, bytes):
        cast(Path, out_file).write_bytes(body)     # checked above: a binary format needs --out
    elif out_file:
        out_file.write_text(body, encoding="utf-8")
    else:
        sys.stdout.write(body)
        STATE["json_printed"] = fmt == "json"
    if fmt != "json":  # report.md: the checks go to stderr or into the other formats
        for c in made.doc.flagged:
            err.print(f"[yellow]提示：{c.message}[/]")
    if out_file:
        err.print(f"已写出 {out_file}")


def _worded(e, req) -> Exception:
    """A report request's option conflict in the CLI's words (its options as flags)."""
    from shumao.report.request import VintagePeriod

    flag = [FLAGS.get(o, f"--{o}") for o in e.options]
    if e.rule == "engine":
        from shumao.lake.read import ENGINES
        return InputError(f"--engine 只能是 {'、'.join(ENGINES)}（收到“{req.engine}”）")
    if e.rule == "spark-master":
        return InputError("--spark-master 只用于 --engine spark")
    if e.rule == "engine-without-data":
        return InputError(f"--engine {req.engine} 用于从 Parquet 数据集计算：请用 --data 指定 shumao export 导出的文件夹")
    if e.rule == "data-with-store":
        return InputError(f"--data 从 Parquet 数据集计算，不能同时使用 {flag[1]}")
    if e.rule == "period-missing":
        also = "" if req.data is not None else "（或用 --vintage 编号 原样重现一个已发布的版本）"
        return click_errors.UsageError(f"缺少选项：--period — 报告的时期，如 2024-03、2024Q2、2024{also}")
    if e.rule == "vintage-settings":
        return InputError(f"--vintage 按发布时的设置原样重现，不能同时使用 {'、'.join(flag[1:])}")
    if isinstance(e, VintagePeriod):
        own, asked = e.own, e.asked
        return InputError(f"第 {e.vintage_id} 号数据版本是{own.words()}（{own.short()}）的数据月报，"
                          f"与 --period 指定的{asked.words()}（{asked.short()}）不符；"
                          "用 --vintage 时可以不写 --period")
    return e


@app.command(cls=Command)
def explain(
    figure: Annotated[str, typer.Argument(
        metavar="指标编号", help="指标编号，如 exec_offshore、exec_bri、signed_total")],
    period: PeriodOption,
    db: DbOption = None,
    bri: BriOption = None,
    bri_file: BriFileOption = None,
    group: GroupOption = None,
    top: Annotated[int, typer.Option(min=1, metavar="家数", help="列出贡献最大的企业数")] = 10,
    as_json: JsonOption = False,
) -> None:
    """核对一个数字：筛选条件、背后的记录数与企业数、贡献最大的企业（仅供内部核对，勿发布）。"""
    from shumao.indicators.catalog import day_words
    from shumao.model.codes import country_name
    from shumao.model.money import wan
    from shumao.model.periods import Period
    from shumao.report.explain import explain_figure
    from shumao.report.numbers import growth_phrase
    from shumao.report.service import ReportSettings
    from shumao.store import connect

    p = Period.parse(period)
    basis = ReportSettings.from_options(bri=bri, bri_file=bri_file, groups=tuple(group or ())).basis
    with connect(db, read_only=True) as store:
        e = explain_figure(store, p, figure, basis, top)
    if as_json:
        _print_json(e.as_dict())
        return
    f = e.figure
    out.print(f"[bold]{f.name}[/]（{figure}），{p.words()}")
    out.print(f"筛选条件：{e.filter}")
    out.print(f"本期 {wan(f.current)} 万美元，上年同期 {'—' if f.previous is None else wan(f.previous)} 万美元，"
              f"{growth_phrase(f.growth)}；{f.records} {e.unit}，{f.enterprises} 家企业。")
    t = Table(title=f"贡献最大的 {len(e.contributors)} 家企业（仅供内部核对，勿发布）")
    for col in ("统一社会信用代码", "企业名称", "金额（万美元）", "占比（%）", "记录数"):
        t.add_column(col, justify="right" if col in ("金额（万美元）", "占比（%）", "记录数") else "left")
    for c in e.contributors:
        t.add_row(c.enterprise_id, c.name, str(wan(c.current)), str(e.share(c.current) or "—"), str(c.records))
    out.print(t)
    r = Table(title=f"金额最大的 {len(e.largest)} {e.unit}（仅供内部核对，勿发布）")
    for col in ("编号", "日期", "企业名称", "发包方", "金额（万美元）", "占比（%）"):
        r.add_column(col, justify="right" if col in ("金额（万美元）", "占比（%）") else "left")
    for x in e.largest:
        r.add_row(x.record_id, day_words(x.day), x.name, country_name(x.client_country),
                  str(wan(x.amount)), str(e.share(x.amount) or "—"))
    out.print(r)


@app.command(cls=Command)
def vintages(
    vintage: Annotated[Optional[str], typer.Argument(
        metavar="[编号]", help="数据版本编号；写了则列出该版本发布以来的修订")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """已发布的数据版本（发布简报或冻结数据月报时保存的数字及其背后的记录）：不写编号时列出全部；写编号时列出每个指标的发布值、今日值、变动，以及引起变动的记录。原样重现某一版：shumao report --vintage 编号。"""
    from shumao.model.periods import Period
    from shumao.publication import vintages as v_
    from shumao.store import connect

    with connect(db, read_only=True) as store:
        if vintage is None:
            rows = store.vintages.all()
        else:
            revs = v_.revisions(store, vintage)
    if vintage is None:
        if as_json:
            _print_json(rows)
            return
        t = Table(title=f"数据版本（共 {len(rows)} 个）")
        for col in ("编号", "来源", "时期", "发布人", "时间"):
            t.add_column(col, justify="right" if col == "编号" else "left")
        for r in rows:
            src = v_.SOURCES[r["source"]] + (f"（第 {r['bulletin_id']} 号简报）" if r["bulletin_id"] else "")
            t.add_row(str(r["id"]), src, Period.parse(r["period"]).words(), r["created_by"],
                      _when(r["created_at"]))
        out.print(t)
        return
    if as_json:
        _print_json(revs.as_dict())
        return
    d = revs.as_dict()
    out.print(f"[bold]第 {d['vintage']['id']} 号数据版本[/]（{d['period_words']}，"
              f"{d['vintage']['created_by']} 于 {_when(d['vintage']['created_at'])} 发布）："
              f"{d['changed']} 个指标有变动")
    for f in d["figures"]:
        if not f["changed"]:
            continue
        prev = f["previous"]
        out.print(f"\n[bold]{escape(f['name'])}[/]（{f['id']}）：发布 {f['published']} 万美元，"
                  f"今日 {f['today']} 万美元，变动 {f['difference']} 万美元"
                  + (f"；上年同期 发布 {prev['published'] or '—'} 万美元，今日 {prev['today'] or '—'} 万美元"
                     if prev["difference_cents"] else ""))
        t = Table()
        widest = max((len(m["id"]) for m in f["records"]), default=4)
        for col in ("记录", "编号", "企业", "变化", "当时（万美元）", "今日（万美元）", "说明"):
            if col == "编号":     # an id is copied from here: never broken across lines
                t.add_column(col, no_wrap=True, min_width=widest)
            else:
                t.add_column(col, overflow="fold")
        for m in f["records"]:
            note = "、".join(m["what_zh"]) + ("已改" if m["what_zh"] else "")
            note = "；".join(x for x in (note, m["now"], "上年同期" if m["period"] == "previous" else "") if x)
            t.add_row("合同" if m["kind"] == "contract" else "执行", m["id"], m["enterprise"],
                      m["change_zh"], m["old"] or "—", m["new"] or "—", note)
        out.print(t)


def _when(iso: str) -> str:
    """A stored timestamp in Beijing time, as a clerk reads it: 2024年10月25日 14:03."""
    from datetime import datetime, timedelta, timezone

    t = datetime.fromisoformat(iso).astimezone(timezone(timedelta(hours=8)))
    return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}"


@app.command(cls=Command)
def bulletin(
    content_dir: Annotated[Path, typer.Argument(
        metavar="内容文件夹", help="简报内容文件夹（含 bulletin.toml 与各栏目 Markdown 文件）")],
    db: DbOption = None,
    out_dir: Annotated[Path, typer.Option(
        "--out", metavar="文件夹", help="输出文件夹（没有就新建，但它的上级文件夹须已存在）")] = Path("简报"),
    fmts: Annotated[str, typer.Option(
        "--formats", metavar="格式", help="输出格式，逗号分隔：pdf、docx、html，以及 email（可直接发送的邮件 .eml）、wechat（公众号文章与图片）")] = "pdf,docx,html",
    allow_flagged: Annotated[bool, typer.Option(
        "--allow-flagged", help="数据月报中有未通过发布前核对的数字（如少于3家企业、单一企业超过85%）"
                                "时仍然发布，并在各输出文件的元数据中记录")] = False,
) -> None:
    """生成一期简报：数据月报（含图表）、行业资讯、会员风采、协会动态 → PDF、Word、HTML。"""
    from shumao.bulletin.publish import parse_formats, publish
    from shumao.store import connect

    formats_ = parse_formats(fmts)
    _input_folder(content_dir)
    _output_folder(out_dir, "--out")
    with connect(db, read_only=True) as store:
        done = publish(content_dir, store, out_dir, formats_, allow_flagged=allow_flagged)
    for m in done.document.overrides:
        err.print(f"[yellow]已按 --allow-flagged 放行（已记录在输出文件中）：{escape(m)}[/]")
    for fmt, path in done.items():
        out.print(f"已写出 {fmt.upper():5} {path}")


@app.command(cls=Command)
def generate(
    out_dir: Annotated[Path, typer.Option(
        "--out", metavar="文件夹", help="输出文件夹（没有就新建，但它的上级文件夹须已存在）")],
    enterprises: Annotated[int, typer.Option(min=1, metavar="数量", help="企业数")] = 50,
    executions: Annotated[int, typer.Option(
        min=1, metavar="数量", help="合同执行记录数（合同数约为其四分之一）")] = 5000,
    seed: Annotated[int, typer.Option(metavar="整数", help="随机种子（相同种子生成相同数据）")] = 1,
) -> None:
    """生成逼真的模拟填报数据（任意规模，流式写出，内存占用有上限）。"""
    from shumao.samples.synth import Plan

    _output_folder(out_dir, "--out")
    files = _generate(out_dir, Plan(enterprises=enterprises, executions=executions, seed=seed))
    for f in files.values():
        out.print(f"已写出 {f}")


def _with_progress(total: int, work):
    """Run ``work(advance)`` under a Rich progress bar of ``total`` executions (stderr)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=err, transient=True) as bar:
        task = bar.add_task("生成执行记录", total=total)
        return work(lambda n: bar.advance(task, n))


def _generate(out_dir: Path, plan) -> dict:
    from shumao.samples.synth import generate as gen

    return _with_progress(plan.executions, lambda advance: gen(out_dir, plan, progress=advance))


HostOption = Annotated[str, typer.Option("--host", metavar="地址", help="监听地址（默认只允许本机访问）")]
PortOption = Annotated[int, typer.Option("--port", min=1, max=65535, metavar="端口", help="监听端口")]


def _serve(db: str | None, host: str, port: int) -> None:
    import uvicorn

    from shumao.web.app import create_app
    from shumao.web.assets import missing

    if missing():
        raise InputError("网页所需的 ECharts/htmx 文件尚未安装：请先运行 make setup"
                         "（或 python -m shumao.web.assets）")
    app_ = create_app(db)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    out.print(f"[bold]数贸门户已启动：http://{shown}:{port}[/]  （按 Ctrl-C 停止）")
    # keep-alive longer than uvicorn's 5 s: while an import holds the CPU the event loop can
    # stall past 5 s and then close connections whose next request is already on its way
    uvicorn.run(app_, host=host, port=port, log_level="warning", proxy_headers=True,
                timeout_keep_alive=65)


@app.command(cls=Command)
def demo(out_dir: Annotated[Path, typer.Option(
        "--out", metavar="文件夹", help="输出文件夹（没有就新建，但它的上级文件夹须已存在）")] = Path("demo"),
         no_serve: Annotated[bool, typer.Option("--no-serve", help="只生成演示数据与文件，不启动网页门户")] = False,
         host: HostOption = "127.0.0.1", port: PortOption = 8000,
         ) -> None:
    """演示：生成模拟数据 → 导入到新数据库 → 简报 → 汇总 → 数据月报 → 启动网页门户（每种角色一个账号）。"""
    from shumao.samples import demo as demo_

    _output_folder(out_dir, "--out")
    d = _with_progress(demo_.PLAN.executions, lambda advance: demo_.run(
        out_dir, log=lambda m: out.print(f"[bold]{escape(m)}[/]"), progress=advance,
        imported=lambda result: _print_import(result, None)))  # step 2's table under its heading
    if not d.imported.ok:
        raise typer.Exit(1)
    s = d.summary
    out.print(f"[bold]4. 数据库汇总[/]：企业 {s['enterprises']} 家，合同 {s['contracts']} 份，"
              f"执行记录 {s['executions']} 条；签约日期 {_span(s['signed_on'])}，"
              f"执行日期 {_span(s['executed_on'])}。")
    out.print(f"[bold]5. 数据月报[/]（{d.report.period.words()}）\n")
    out.print(d.report.text, end="", soft_wrap=True, markup=False)
    for c in d.report.flagged:
        if c.code not in ("few-enterprises", "dominant-enterprise"):
            out.print(f"[red]核对未通过：{c.message}[/]")
    out.print("[bold]6. 输出文件[/]")
    for kind, path in d.outputs.items():
        out.print(f"  {kind.upper():8} {path}")

    out.print("[bold]7. 网页门户账号[/]（每种角色一个，密码每次演示重新生成）")
    for name, role, password in d.accounts:
        out.print(f"  {ROLE_ZH[role]:　<6} 用户名 {name:<10} 密码 {password}")
    if d.accounts:
        out.print("  企业填报员已在网上填报并提交了本月的一份合同和一笔执行，审核员登录后在“审核”中处理。")
    if not no_serve:
        _serve(str(d.db), host, port)


@app.command(cls=Command)
def serve(db: DbOption = None, host: HostOption = "127.0.0.1", port: PortOption = 8000) -> None:
    """启动网页门户：统计人员导入、查看、发布；企业填报；审核；公众阅读简报（直到按 Ctrl-C）。"""
    _serve(db, host, port)


_ROLE_WORDS = [f"{r}（{ROLE_ZH[r]}）" for r in ROLES]      # the portal's roles, the same words
RoleOption = Annotated[str, typer.Option(
    "--role", metavar="角色", help="、".join(_ROLE_WORDS[:-1]) + "或 " + _ROLE_WORDS[-1])]


@user_app.command("add", cls=Command)
def user_add(
    name: Annotated[str, typer.Argument(metavar="用户名")],
    role: RoleOption,
    enterprise: Annotated[Optional[str], typer.Option(
        "--enterprise", metavar="信用代码", help="企业填报员所属企业的统一社会信用代码")] = None,
    region: Annotated[Optional[str], typer.Option(
        "--region", metavar="区县", help="审核员负责的区县（不写为全部）")] = None,
    email: Annotated[Optional[str], typer.Option(
        "--email", metavar="邮箱", help="电子邮箱；企业填报员的邮箱接收催报邮件")] = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="从标准输入读取密码（第一行）；不写时交互输入两次")] = False,
    db: DbOption = None,
) -> None:
    """新增一个账号（密码至少 10 个字符，以 Argon2id 散列保存）。"""
    from shumao.access import accounts
    from shumao.store import connect

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("密码", hide_input=True, confirmation_prompt="再输入一次")
    with connect(db) as store:
        user = accounts.add(store, name, role, password, enterprise=enterprise, region=region,
                            email=email, actor=cli_actor())
    out.print(f"已新增账号 {escape(user.name)}（{ROLE_ZH[user.role]}）")


@user_app.command("token", cls=Command)
def user_token(
    name: Annotated[str, typer.Argument(metavar="用户名")],
    days: Annotated[int, typer.Option("--days", min=1, metavar="天数", help="有效天数")] = 90,
    db: DbOption = None,
) -> None:
    """为账号签发一个 API 令牌（只显示这一次；数据库只保存其散列）。"""
    from shumao.access import accounts
    from shumao.store import connect

    with connect(db) as store:
        token = accounts.issue_token(store, name, days, actor=cli_actor())
    err.print(f"API 令牌（{days} 天内有效，只显示这一次，请妥善保存）：")
    sys.stdout.write(token + "\n")


@user_app.command("list", cls=Command)
def user_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """列出全部账号。"""
    from shumao.store import connect

    with connect(db, read_only=True) as store:
        users = store.users.all()
    if as_json:
        _print_json([{"name": u.name, "role": u.role, "enterprise_id": u.enterprise_id,
                      "region": u.region, "email": u.email, "disabled": u.disabled} for u in users])
        return
    t = Table(title=f"账号（共 {len(users)} 个）")
    for col in ("用户名", "角色", "所属企业", "区县", "电子邮箱", "状态"):
        t.add_column(col)
    for u in users:
        t.add_row(escape(u.name), ROLE_ZH[u.role], u.enterprise_id or "—", escape(u.region or "全部"),
                  escape(u.email or "—"), "已停用" if u.disabled else "正常")
    out.print(t)


@user_app.command("disable", cls=Command)
def user_disable(name: Annotated[str, typer.Argument(metavar="用户名")], db: DbOption = None) -> None:
    """停用一个账号，并撤销它的全部 API 令牌。"""
    from shumao.access import accounts
    from shumao.store import connect

    with connect(db) as store:
        accounts.disable(store, name, actor=cli_actor())
    out.print(f"已停用账号 {escape(name)}，其 API 令牌均已撤销")


# --- reminders (issue 10: filing windows, the status board, reminders) ---------------------

@app.command(cls=Command)
def remind(
    period: Annotated[str, typer.Option(
        "--period", metavar="月份", help="要催报的月份，如 2024-06")],
    db: DbOption = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="只列出将收到邮件的企业和邮箱，不发送、不记录")] = False,
    as_json: JsonOption = False,
) -> None:
    """向该月尚未提交任何记录的企业（未填报、已填报未提交）发送催报邮件。

    发往企业填报员账号的电子邮箱；发信服务器由环境变量 SHUMAO_SMTP_HOST 等设置，
    邮件中的门户网址为 SHUMAO_PORTAL_URL。每个收件人都记入数据库和操作日志。
    """
    from shumao.filing import reminders, windows
    from shumao.store import connect

    month = windows.parse_month(period)
    mail = reminders.MailSettings.from_settings()
    with connect(db, read_only=dry_run, create=False) as store:
        result = reminders.send(store, month, mail, cli_actor(), dry_run=dry_run)
    if as_json:
        _print_json({"ok": True, **result.as_dict()})
        return
    w = result.plan.window
    name = f"{month.year}年{month.month}月"
    out.print(f"{name}：截止日期 {w.closes:%Y-%m-%d}（{w.state_zh}）")
    if dry_run and w.refusal():
        out.print(f"[yellow]注意：{escape(w.refusal() or '')}；该月现在不能发送催报邮件。[/]")
    verb = "将发送" if dry_run else "已发送"
    for t, a in result.sent:
        out.print(f"  {verb}  {escape(t.name)}  {escape(a)}")
    for t, a, e in result.refused:
        out.print(f"  [red]被拒收[/]  {escape(t.name)}  {escape(a)}：{escape(e)}")
    for t in result.plan.unreachable:
        out.print(f"  [yellow]{reminders.NO_ADDRESS}[/]  {escape(t.name)}（{t.enterprise_id}）")
    if not (result.sent or result.refused or result.plan.unreachable):
        out.print("  该月所有企业都已提交，无需催报。")
    else:
        out.print(f"{verb} {len(result.sent)} 封，被拒收 {len(result.refused)} 封，"
                  f"无法提醒 {len(result.plan.unreachable)} 家企业")


ExecutionsOption = Annotated[int, typer.Option(
    min=1000, metavar="数量", help="执行记录数（合同数为其四分之一）")]
BenchDbOption = Annotated[Optional[str], typer.Option(
    "--db", metavar="地址", help="PostgreSQL 服务器地址（postgresql://…，在其上新建临时库计时）；默认 DuckDB")]


@bench_app.command("import", cls=Command)
def bench_import(
    executions: ExecutionsOption = 1_000_000,
    db: BenchDbOption = None,
    as_json: JsonOption = False,
) -> None:
    """导入全流程耗时 vs. 裸读入（DuckDB read_csv 或 PostgreSQL COPY；均为独立进程）。"""
    _bench("import", executions, as_json, db)


@bench_app.command("report", cls=Command)
def bench_report(
    executions: ExecutionsOption = 10_000_000,
    db: BenchDbOption = None,
    as_json: JsonOption = False,
) -> None:
    """一份完整数据月报的耗时 vs. 一条手写 SQL（DuckDB 或 PostgreSQL；均为独立进程）。"""
    _bench("report", executions, as_json, db)


@bench_app.command("web", cls=Command)
def bench_web(
    executions: ExecutionsOption = 1_000_000,
    users: Annotated[int, typer.Option(min=1, max=500, metavar="人数", help="同时浏览的用户数")] = 50,
    seconds: Annotated[float, typer.Option(min=1, max=600, metavar="秒", help="导入前的浏览时长")] = 20.0,
    db: BenchDbOption = None,
    as_json: JsonOption = False,
) -> None:
    """网页门户负载：多人浏览仪表盘，其间一人导入同样规模的数据（仅本机回环地址）。"""
    from shumao.bench import web_load

    result = web_load.bench_web(executions, users, seconds, log=lambda m: err.print(m), db=db)
    if as_json:
        _print_json(result)
        return
    out.print(f"网页门户：{result['users']} 位用户，{result['executions']:,} 条执行记录（{result['backend']}）\n"
              f"  请求 {result['requests']} 次，出错 {result['errors']} 次；核对数据月报 "
              f"{result['reports_checked']} 份，导入中途的数字 {result['torn_reports']} 份\n"
              f"  仪表盘 p50 {result['dashboard_p50_ms']} 毫秒，p95 {result['dashboard_p95_ms']} 毫秒；"
              f"导入期间 p95 {result['during_import_p95_ms']} 毫秒（导入 {result['import_seconds']} 秒）\n"
              f"  基线（登录页）p95 {result['baseline_p95_ms']} 毫秒，比值 {result['ratio']}×")


# -- issue 11: the cost's growth with size ---------------------------------------------------------
@bench_app.command("curve", cls=Command)
def bench_curve(
    sizes: Annotated[str, typer.Option(
        "--sizes", metavar="规模", help="执行记录数，逗号分隔，如 1e5,1e6,1e7,1e8（1e8 在 2 核机器上约 20 分钟，"
             "另需 5 到 7 分钟、7.5 GB 生成数据；导入时暂存最多约 18 GB 磁盘，一次导入失败时改为分批导入）")
    ] = "1e5,1e6,1e7,1e8",
    out_dir: Annotated[Path, typer.Option(
        "--out", metavar="文件夹", help="写出 curve.md（表格）、curve.png（双对数图）和 curve.json")
    ] = Path("bench-curve"),
    repeat: Annotated[int, typer.Option(min=1, max=10, metavar="次数", help="报告计时取几次中最快的")] = 3,
    spark: Annotated[bool, typer.Option(
        "--spark/--no-spark", help="同时计时 Spark 本机模式的数据月报（需 shumao[spark] 与 Java）")] = True,
    as_json: JsonOption = False,
) -> None:
    """导入与数据月报的耗时随规模的增长：每个规模与 DuckDB 裸基线在同一次运行中对比，附峰值内存、Spark 耗时，写出表格和双对数图。"""
    from shumao.bench import curve as bc

    _output_folder(out_dir, "--out")
    result = bc.curve(bc.parse_sizes(sizes), out_dir, repeat, spark, log=lambda m: err.print(m))
    if as_json:
        _print_json(result)
        return
    sys.stdout.write(bc.markdown(result))
    err.print(f"已写出 {result['table']}、{result['plot']}")


# -- issue 10 (filing on the web): 200 enterprise users filing at once ------------------------
@bench_app.command("filings", cls=Command)
def bench_filings(
    users: Annotated[int, typer.Option(min=1, max=500, metavar="人数", help="同时填报的企业用户数")] = 200,
    seconds: Annotated[float, typer.Option(min=1, max=600, metavar="秒", help="填报时长")] = 60.0,
    db: BenchDbOption = None,
    as_json: JsonOption = False,
) -> None:
    """企业填报负载：多个企业账号同时新建并提交填报，之后核对数据库（仅本机回环地址）。"""
    from shumao.bench import filing_load

    result = filing_load.bench_filings(users, seconds, log=lambda m: err.print(m), db=db)
    if as_json:
        _print_json(result)
    else:
        out.print(f"企业填报：{result['users']} 位企业用户（{result['enterprises']} 家企业），"
                  f"{result['seconds']:g} 秒（{result['backend']}，{result['month']}）\n"
                  f"  已确认：新建 {result['created']} 条、提交 {result['submitted']} 条；"
                  f"出错 {result['errors']} 次；到时放弃 {result['cancelled']} 次\n"
                  f"  吞吐 {result['requests_per_second']} 次/秒；p50 {result['p50_ms']} 毫秒，"
                  f"p95 {result['p95_ms']} 毫秒\n"
                  f"  新建 p95 {result['create_p95_ms']} 毫秒，提交 p95 {result['submit_p95_ms']} 毫秒\n"
                  f"  基线（登录页）{result['baseline_requests_per_second']} 次/秒，"
                  f"p95 {result['baseline_p95_ms']} 毫秒\n"
                  f"  比值 {result['ratio']}×（基线吞吐 ÷ 填报吞吐）\n"
                  "  数据库核对：" + ("一致" if not result["problems"]
                                   else f"{len(result['problems'])} 处问题"))
        for p in result["problems"][:20]:
            out.print(f"    {escape(p)}")
    if result["problems"]:
        raise typer.Exit(1)


def _bench(step: str, executions: int, as_json: bool, db: str | None = None) -> None:
    from shumao.bench import steps

    result = getattr(steps, f"bench_{step}")(executions, log=lambda m: err.print(m), db=db)
    if as_json:
        _print_json(result)
        return
    out.print(f"{result['step']}：{result['executions']:,} 条执行记录\n"
              f"  shumao   {result['seconds']:.2f} 秒（峰值内存 {result['peak_rss_mb']:.0f} MB）\n"
              f"  基线     {result['baseline_seconds']:.2f} 秒（{result['baseline']}）\n"
              f"  比值     {result['ratio']:.2f}×")


# --- errors: each exception's exit code and JSON code are its own (errors.py) ----------------

# the arguments the library's messages and a report request's rules name (errors.py ``field``,
# report.request ``OptionError.options``), as the clerk types them here
FLAGS = {"enterprise": "--enterprise", "days": "--days", "formats": "--formats", "db": "--db",
         "overwrite": "--overwrite", "engine": "--engine", "spark_master": "--spark-master",
         "sizes": "--sizes", "no_spark": "--no-spark", "bri_file": "--bri-file", "groups": "--group"}


def said(e: ShumaoError) -> str:
    """A library error in the command line's words: an argument by its option (``--enterprise``).
    A ContentError's fields are the content folder's, named as the file writes them; flagged
    figures are let through with ``bulletin --allow-flagged``."""
    if isinstance(e, FlaggedFigures):
        return e.say({"allow_flagged": "请加 --allow-flagged"})
    return str(e) if isinstance(e, ContentError) else e.say(FLAGS)


def run(argv: list[str] | None = None, cli: typer.Typer = app) -> int:
    """Run one command line of ``cli`` and return its exit code; every exception becomes a code,
    a Chinese line on stderr and, when JSON was asked for, one ``{"ok": false, "error": …}`` on
    stdout.  ``cli`` is a seam for tests (a command that fails on purpose)."""
    argv = [str(a) for a in (sys.argv[1:] if argv is None else argv)]
    STATE.update(debug=False, json_printed=False)
    try:
        code = cli(args=argv, prog_name="shumao", standalone_mode=False)
        if code == 130:  # Typer turns Ctrl-C into Exit(130) (typer/core.py _main); cli.md says 3
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
    except (KeyboardInterrupt, typer.Abort):
        code, kind, message = 3, "interrupted", "已中断，数据库未做任何修改。"
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
        _print_json({"ok": False, "error": {"code": kind, "message": message}})
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
