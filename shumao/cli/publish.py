"""The commands that make things to hand out: ``bulletin`` (PDF, Word, HTML…), ``generate`` (simulated
filings) and ``demo`` (the whole pipeline on simulated data, then the portal)."""

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from shumao.access.roles import ROLE_ZH
from shumao.cli.data import print_import, span
from shumao.cli.options import DbOption, HostOption, PortOption, err, input_folder, out, output_folder
from shumao.cli.portal import start_portal


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
    allow_incomplete: Annotated[bool, typer.Option(
        "--allow-incomplete", help="时期中有月份的记录远少于往常（不到这些企业通常月份的三分之一，"
                                   "可能还有企业未报送）时仍然发布；最近一个月如在其中，简报的说明注明其为初步数据")] = False,
) -> None:
    """生成一期简报：数据月报（含图表）、行业资讯、会员风采、协会动态 → PDF、Word、HTML。"""
    from shumao.bulletin.publish import parse_formats, publish
    from shumao.store import connect

    formats_ = parse_formats(fmts)
    input_folder(content_dir)
    output_folder(out_dir, "--out")
    with connect(db, read_only=True) as store:
        done = publish(content_dir, store, out_dir, formats_, allow_flagged=allow_flagged,
                       allow_incomplete=allow_incomplete)
    for m in done.document.overrides:
        err.print(f"[yellow]已按 --allow-flagged 放行（已记录在输出文件中）：{escape(m)}[/]")
    for m in done.document.incomplete:
        err.print(f"[yellow]已按 --allow-incomplete 发布（记录偏少的月份）：{escape(m)}[/]")
    for m in done.document.warnings:
        err.print(f"[yellow]注意：{escape(m)}[/]")
    for fmt, path in done.items():
        out.print(f"已写出 {fmt.upper():5} {path}")


def generate(
    out_dir: Annotated[Path, typer.Option(
        "--out", metavar="文件夹", help="输出文件夹（没有就新建，但它的上级文件夹须已存在）")],
    enterprises: Annotated[int, typer.Option(min=1, metavar="数量", help="企业数")] = 50,
    executions: Annotated[int, typer.Option(
        min=1, metavar="数量", help="合同执行记录数（合同数约为其四分之一）")] = 5000,
    seed: Annotated[int, typer.Option(metavar="整数", help="随机种子（相同种子生成相同数据）")] = 1,
    digital: Annotated[bool, typer.Option(
        "--digital", help="另在 输出文件夹/digital 中生成数字贸易的模拟数据：海关跨境电商、平台名录、"
                          "带交付方式的合同（用 --replace 导入）")] = False,
) -> None:
    """生成逼真的模拟填报数据（任意规模，流式写出，内存占用有上限）。"""
    from shumao.samples.synth import Plan

    output_folder(out_dir, "--out")
    files = list(_generate(out_dir, Plan(enterprises=enterprises, executions=executions,
                                         seed=seed)).values())
    if digital:
        from shumao.samples.digital import write

        files += write(out_dir, out_dir / "digital", seed)
    for f in files:
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


def demo(out_dir: Annotated[Path, typer.Option(
        "--out", metavar="文件夹", help="输出文件夹（没有就新建，但它的上级文件夹须已存在）")] = Path("demo"),
         no_serve: Annotated[bool, typer.Option("--no-serve", help="只生成演示数据与文件，不启动网页门户")] = False,
         host: HostOption = "127.0.0.1", port: PortOption = 8000,
         ) -> None:
    """演示：生成模拟数据 → 导入到新数据库 → 简报 → 汇总 → 数据月报 → 启动网页门户（每种角色一个账号）。"""
    from shumao.samples import demo as demo_

    output_folder(out_dir, "--out")
    d = _with_progress(demo_.PLAN.executions, lambda advance: demo_.run(
        out_dir, log=lambda m: out.print(f"[bold]{escape(m)}[/]"), progress=advance,
        imported=lambda result: print_import(result, None)))  # step 2's table under its heading
    if not d.imported.ok:
        raise typer.Exit(1)
    s = d.summary
    out.print(f"[bold]4. 数据库汇总[/]：企业 {s['enterprises']} 家，合同 {s['contracts']} 份，"
              f"执行记录 {s['executions']} 条；签约日期 {span(s['signed_on'])}，"
              f"执行日期 {span(s['executed_on'])}。")
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
        start_portal(str(d.db), host, port)
