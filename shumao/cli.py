"""The ``shumao`` command: parse, call the library, render, set the exit code (cli.md).

Exit codes: 0 done; 1 the data or content has errors (nothing changed); 2 wrong usage;
3 any other failure, one Chinese line (a traceback only with --debug).
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from shumao.errors import ContentError, InputError, ShumaoError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="shumao（数贸）：服务外包与数字贸易统计 — 导入企业填报数据，生成数据月报与简报。")
bench_app = typer.Typer(no_args_is_help=True, help="性能基准：与 DuckDB 裸查询在同一次运行中对比。")
app.add_typer(bench_app, name="bench")
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)
STATE = {"debug": False}

DbOption = Annotated[Optional[Path], typer.Option("--db", help="数据库文件（默认：$SHUMAO_DB 或 ./shumao.duckdb）")]
JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 输出（供脚本读取）")]
KIND_ZH = {"enterprises": "企业", "contracts": "合同", "executions": "合同执行", "rates": "汇率"}
SHOWN_ISSUES = 50


@app.callback()
def _main(debug: Annotated[bool, typer.Option("--debug", help="出错时显示完整的调用栈")] = False):
    STATE["debug"] = debug


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="CSV 或 XLSX 文件（企业、合同、合同执行、汇率）")],
    db: DbOption = None,
    replace: Annotated[bool, typer.Option("--replace", help="以新数据替换已存在但内容不同的记录")] = False,
    as_json: JsonOption = False,
    errors_out: Annotated[Optional[Path], typer.Option(
        "--errors-out", help="把全部问题写入 CSV 或 XLSX 文件，便于逐条修改")] = None,
) -> None:
    """检查并导入填报数据：全部通过才写入，有任何错误则不做任何修改。"""
    from shumao.ingest.importer import import_files
    from shumao.ingest.report import write_issues
    from shumao.store import connect

    folders = [f"“{f}”" for f in files if f.is_dir()]
    if folders:
        raise InputError("、".join(folders) + "是文件夹，不是文件")
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise InputError("找不到文件：" + "、".join(missing))
    if errors_out and errors_out.suffix.lower() not in (".csv", ".xlsx"):
        raise InputError("--errors-out 只能是 .csv 或 .xlsx 文件")
    with connect(db) as store:
        result = import_files(store, files, replace=replace)
    if errors_out:
        write_issues(errors_out, result.errors + result.warnings)
    if as_json:
        print(json.dumps(result.as_dict(), ensure_ascii=False))
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
    for file, cols in result.ignored_columns.items():
        out.print(f"[yellow]已忽略 {file} 中无法识别的列：{'、'.join(cols)}[/]")
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


@app.command()
def status(db: DbOption = None, as_json: JsonOption = False) -> None:
    """数据库中的记录数与日期范围。"""
    from shumao.store import connect
    from shumao.store.summary import summary

    with connect(db) as store:
        s = summary(store)
    if as_json:
        print(json.dumps(s, ensure_ascii=False))
        return
    t = Table(title=f"数据库：{db or '默认'}")
    t.add_column("项目")
    t.add_column("数量 / 范围", justify="right")
    for kind in ("enterprises", "contracts", "executions", "rates"):
        t.add_row(KIND_ZH[kind], str(s[kind]))
    t.add_row("导入批次", str(s["batches"]))
    t.add_row("签约日期", " 至 ".join(d or "—" for d in s["signed_on"]))
    t.add_row("执行日期", " 至 ".join(d or "—" for d in s["executed_on"]))
    out.print(t)


REPORT_FORMATS = ("text", "md", "html", "xlsx", "json")
PeriodOption = Annotated[str, typer.Option(
    "--period", help="时期：2024-03、2024Q2、2024H1、2024、2024-01..2024-09")]


def _settings(region, short, source, bri, bri_file, relative, group_files=()):
    from shumao.indicators import Settings
    from shumao.model.codes import load_group

    if bri not in (None, "route65", "partners"):
        raise InputError(f"--bri 只能是 route65 或 partners（收到“{bri}”）")
    group = load_group(bri_file) if bri_file else None
    return Settings(region=region, short=short, source=source, bri=bri, relative=relative,
                    bri_group=group, groups=tuple(load_group(f) for f in group_files or ()))


GroupOption = Annotated[Optional[list[Path]], typer.Option(
    "--group", help="自定义国家组文件（可多次指定），每组增加指标 exec_group_<文件名>")]


@app.command()
def report(
    period: PeriodOption,
    db: DbOption = None,
    region: Annotated[str, typer.Option(help="地区名称，如 大连市")] = "本市",
    short: Annotated[str, typer.Option(help="简称，如 我市")] = "我市",
    source: Annotated[str, typer.Option(help="数据来源")] = "商务部服务外包统一平台",
    bri: Annotated[Optional[str], typer.Option(
        help="“一带一路”口径：route65（沿线国家）或 partners（共建国家）；默认按时期")] = None,
    bri_file: Annotated[Optional[Path], typer.Option(
        "--bri-file", help="自定义“一带一路”国家名单（CSV：country 列，可选 joined_on/left_on）")] = None,
    group: GroupOption = None,
    relative: Annotated[bool, typer.Option("--relative", help="用“今年”代替年份")] = False,
    fmt: Annotated[str, typer.Option("--format", help="text、md、html、xlsx 或 json")] = "text",
    out_file: Annotated[Optional[Path], typer.Option("--out", help="写入文件（默认输出到屏幕）")] = None,
) -> None:
    """数据月报：按 report.md 的口径与措辞生成（文本、Markdown、带图表的 HTML、XLSX、JSON）。"""
    from shumao.indicators import compute, monthly
    from shumao.indicators.checks import consistency, disclosure
    from shumao.model.periods import Period
    from shumao.report import formats
    from shumao.report.data import as_dict
    from shumao.report.narrative import text
    from shumao.store import connect

    if fmt not in REPORT_FORMATS:
        raise InputError(f"--format 只能是 {'、'.join(REPORT_FORMATS)}（收到“{fmt}”）")
    if fmt == "xlsx" and out_file is None:
        raise InputError("XLSX 格式需要用 --out 指定输出文件，如 --out 数据月报.xlsx")
    p = Period.parse(period)
    settings = _settings(region, short, source, bri, bri_file, relative, group)
    with connect(db, read_only=True) as store:
        con = store.ibis()
        ind = compute(con, p, settings)
        if not ind.has_data:
            raise ContentError(f"{p.words()}没有已审核通过的合同或执行数据，无法生成数据月报")
        series = monthly(con, p) if fmt in ("md", "html", "xlsx") else []
    if fmt == "xlsx":
        formats.xlsx(formats.ReportDoc.build(ind, series, with_charts=False), out_file)
        body = None
    elif fmt in ("md", "html"):
        doc = formats.ReportDoc.build(ind, series, with_charts=fmt == "html")
        body = formats.markdown(doc) if fmt == "md" else formats.html(doc)
    elif fmt == "json":
        body = json.dumps(as_dict(ind), ensure_ascii=False, indent=2) + "\n"
    else:
        body = text(ind)
    if body is not None and out_file:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        out_file.write_text(body, encoding="utf-8")
    elif body is not None:
        sys.stdout.write(body)
    if fmt != "json":  # report.md: the checks go to stderr or into the other formats
        for c in consistency(ind) + disclosure(ind):
            if not c.ok:
                err.print(f"[yellow]提示：{c.message}[/]")
    if out_file:
        err.print(f"已写出 {out_file}")


@app.command()
def explain(
    figure: Annotated[str, typer.Argument(help="指标编号，如 exec_offshore、exec_bri、signed_total")],
    period: PeriodOption,
    db: DbOption = None,
    bri: Annotated[Optional[str], typer.Option(help="“一带一路”口径：route65 或 partners")] = None,
    bri_file: Annotated[Optional[Path], typer.Option("--bri-file", help="自定义“一带一路”国家名单")] = None,
    group: GroupOption = None,
    top: Annotated[int, typer.Option(min=1, help="列出贡献最大的企业数")] = 10,
    as_json: JsonOption = False,
) -> None:
    """核对一个数字：筛选条件、背后的记录数与企业数、贡献最大的企业（仅供内部核对，勿发布）。"""
    from shumao.indicators import compute, explain as explain_figure
    from shumao.model.money import round_half_up
    from shumao.model.periods import Period
    from shumao.report.numbers import growth_phrase
    from shumao.report.tables import wan
    from shumao.store import connect

    p = Period.parse(period)
    settings = _settings("本市", "我市", "", bri, bri_file, False, group)
    with connect(db, read_only=True) as store:
        con = store.ibis()
        where, people = explain_figure(con, p, figure, settings, top)
        f = compute(con, p, settings)[figure]
    share = lambda c: round_half_up(Decimal(c) * 100 / f.current) if f.current else None  # noqa: E731
    if as_json:
        print(json.dumps({
            "figure": figure, "name": f.name, "period": str(p), "filter": where,
            "current": str(wan(f.current)), "current_cents": f.current,
            "previous": None if f.previous is None else str(wan(f.previous)),
            "records": f.records, "enterprises": f.enterprises,
            "contributors": [{"enterprise_id": c.enterprise_id, "name": c.name,
                              "current": str(wan(c.current)), "current_cents": c.current,
                              "share": None if share(c.current) is None else str(share(c.current)),
                              "records": c.records} for c in people]}, ensure_ascii=False))
        return
    unit = "份合同" if figure.startswith("signed") else "笔执行记录"
    out.print(f"[bold]{f.name}[/]（{figure}），{p.words()}")
    out.print(f"筛选条件：{where}")
    out.print(f"本期 {wan(f.current)} 万美元，上年同期 {'—' if f.previous is None else wan(f.previous)} 万美元，"
              f"{growth_phrase(f.growth)}；{f.records} {unit}，{f.enterprises} 家企业。")
    t = Table(title=f"贡献最大的 {len(people)} 家企业（仅供内部核对，勿发布）")
    for col in ("统一社会信用代码", "企业名称", "金额（万美元）", "占比（%）", "记录数"):
        t.add_column(col, justify="right" if col in ("金额（万美元）", "占比（%）", "记录数") else "left")
    for c in people:
        t.add_row(c.enterprise_id, c.name, str(wan(c.current)), str(share(c.current) or "—"), str(c.records))
    out.print(t)


@app.command()
def bulletin(
    content_dir: Annotated[Path, typer.Argument(help="简报内容文件夹（含 bulletin.toml 与各栏目 Markdown 文件）")],
    db: DbOption = None,
    out_dir: Annotated[Path, typer.Option("--out", help="输出文件夹")] = Path("简报"),
    fmts: Annotated[str, typer.Option("--formats", help="输出格式，逗号分隔")] = "pdf,docx,html",
) -> None:
    """生成一期简报：数据月报（含图表）、行业资讯、会员风采、协会动态 → PDF、Word、HTML。"""
    from shumao.bulletin.publish import parse_formats, publish
    from shumao.store import connect

    formats_ = parse_formats(fmts)
    with connect(db, read_only=True) as store:
        done = publish(content_dir, store, out_dir, formats_)
    for fmt, path in done.items():
        out.print(f"已写出 {fmt.upper():5} {path}")


@app.command()
def generate(
    out_dir: Annotated[Path, typer.Option("--out", help="输出文件夹")],
    enterprises: Annotated[int, typer.Option(min=1, help="企业数")] = 50,
    executions: Annotated[int, typer.Option(min=1, help="合同执行记录数（合同数约为其四分之一）")] = 5000,
    seed: Annotated[int, typer.Option(help="随机种子（相同种子生成相同数据）")] = 1,
) -> None:
    """生成逼真的模拟填报数据（任意规模，流式写出，内存占用有上限）。"""
    from shumao.synth import Plan

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
    from shumao.synth import generate as gen

    return _with_progress(plan.executions, lambda advance: gen(out_dir, plan, progress=advance))


@app.command()
def demo(out_dir: Annotated[Optional[Path], typer.Option("--out", help="输出文件夹（默认 ./demo）")] = None) -> None:
    """演示：生成模拟数据 → 导入到新数据库 → 汇总 → 数据月报（文本、HTML、XLSX）。"""
    from shumao import demo as demo_
    from shumao.indicators.checks import consistency
    from shumao.report.narrative import text

    d = _with_progress(demo_.PLAN.executions, lambda advance: demo_.run(
        out_dir or Path("demo"), log=lambda m: out.print(f"[bold]{m}[/]"), progress=advance))
    _print_import(d.imported, None)
    if not d.imported.ok:
        raise typer.Exit(1)
    s = d.summary
    out.print(f"[bold]4. 数据库汇总[/]：企业 {s['enterprises']} 家，合同 {s['contracts']} 份，"
              f"执行记录 {s['executions']} 条；签约日期 {s['signed_on'][0]} 至 {s['signed_on'][1]}，"
              f"执行日期 {s['executed_on'][0]} 至 {s['executed_on'][1]}。")
    out.print(f"[bold]5. 数据月报[/]（{d.indicators.period.words()}）\n")
    out.print(text(d.indicators), end="", soft_wrap=True, markup=False)
    for c in consistency(d.indicators):
        if not c.ok:
            out.print(f"[red]核对未通过：{c.message}[/]")
    out.print("[bold]6. 输出文件[/]")
    for kind, path in d.outputs.items():
        out.print(f"  {kind.upper():8} {path}")


@bench_app.command("import")
def bench_import(
    executions: Annotated[int, typer.Option(min=1000, help="执行记录数（合同数为其四分之一）")] = 1_000_000,
    as_json: JsonOption = False,
) -> None:
    """导入全流程耗时 vs. DuckDB 裸 read_csv（均为独立进程）。"""
    _bench("import", executions, as_json)


@bench_app.command("report")
def bench_report(
    executions: Annotated[int, typer.Option(min=1000, help="执行记录数（合同数为其四分之一）")] = 10_000_000,
    as_json: JsonOption = False,
) -> None:
    """一份完整数据月报的耗时 vs. 一条手写 DuckDB SQL（均为独立进程）。"""
    _bench("report", executions, as_json)


def _bench(step: str, executions: int, as_json: bool) -> None:
    from shumao import bench

    result = getattr(bench, f"bench_{step}")(executions, log=lambda m: err.print(m))
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    out.print(f"{result['step']}：{result['executions']:,} 条执行记录\n"
              f"  shumao   {result['seconds']:.2f} 秒（峰值内存 {result['peak_rss_mb']:.0f} MB）\n"
              f"  基线     {result['baseline_seconds']:.2f} 秒（{result['baseline']}）\n"
              f"  比值     {result['ratio']:.2f}×")


def main() -> None:
    try:
        code = app(standalone_mode=False)  # Click returns an Exit's code in this mode
        sys.exit(code if isinstance(code, int) else 0)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except SystemExit:
        raise
    except (KeyboardInterrupt, typer.Abort):
        err.print("已中断，数据库未做任何修改。")
        sys.exit(3)
    except (InputError, ContentError) as e:  # a bad argument is usage (2); bad content is 1
        if STATE["debug"]:
            raise
        err.print(f"[red]错误：{e}[/]")
        sys.exit(1 if isinstance(e, ContentError) else 2)
    except ShumaoError as e:
        if STATE["debug"]:
            raise
        err.print(f"[red]错误：{e}[/]")
        sys.exit(3)
    except typer.TyperException as e:  # Click's usage errors (Typer vendors Click)
        err.print(f"[red]用法错误：{_zh_usage(e.format_message())}[/]\n运行 shumao --help 查看用法。")
        sys.exit(2)
    except Exception as e:  # noqa: BLE001 — the one place every failure becomes a line
        if STATE["debug"]:
            raise
        err.print(f"[red]程序出错：{type(e).__name__}: {e}[/]（加 --debug 查看详情）")
        sys.exit(3)


USAGE_ZH = (("No such option", "没有这个选项"), ("No such command", "没有这个命令"),
            ("Missing argument", "缺少参数"), ("Missing option", "缺少选项"),
            ("Invalid value for", "取值无效："), ("Got unexpected extra argument", "多余的参数"),
            ("Did you mean", "是否想用"), ("is not a valid integer", "不是有效的整数"),
            ("requires an argument", "需要一个取值"))


def _zh_usage(text: str) -> str:
    for en, zh in USAGE_ZH:
        text = text.replace(en, zh)
    return text


if __name__ == "__main__":
    main()
