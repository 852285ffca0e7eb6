"""``shumao bench``: timings against a bare DuckDB (or PostgreSQL) baseline in the same run —
import, report, the growth with size, and the portal under load."""

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from shumao.cli.options import JsonOption, err, out, output_folder, print_json

ExecutionsOption = Annotated[int, typer.Option(
    min=1000, metavar="数量", help="执行记录数（合同数为其四分之一）")]
BenchDbOption = Annotated[Optional[str], typer.Option(
    "--db", metavar="地址", help="PostgreSQL 服务器地址（postgresql://…，在其上新建临时库计时）；默认 DuckDB")]


def bench_import(
    executions: ExecutionsOption = 1_000_000,
    db: BenchDbOption = None,
    as_json: JsonOption = False,
) -> None:
    """导入全流程耗时 vs. 裸读入（DuckDB read_csv 或 PostgreSQL COPY；均为独立进程）。"""
    _bench("import", executions, as_json, db)


def bench_report(
    executions: ExecutionsOption = 10_000_000,
    db: BenchDbOption = None,
    as_json: JsonOption = False,
) -> None:
    """一份完整数据月报的耗时 vs. 一条手写 SQL（DuckDB 或 PostgreSQL；均为独立进程）。"""
    _bench("report", executions, as_json, db)


def bench_web(
    executions: ExecutionsOption = 1_000_000,
    users: Annotated[int, typer.Option(min=1, max=500, metavar="人数", help="同时浏览的用户数")] = 50,
    seconds: Annotated[float, typer.Option(min=1, max=600, metavar="秒", help="导入前的浏览时长")] = 20.0,
    approvals: Annotated[int, typer.Option(min=1, max=200, metavar="条数",
                                           help="先逐条审核通过的填报数，每条之后打开仪表盘")] = 10,
    pause: Annotated[float, typer.Option(min=0, max=60, metavar="秒",
                                         help="审核通过后到打开仪表盘的间隔")] = 1.0,
    db: BenchDbOption = None,
    as_json: JsonOption = False,
) -> None:
    """网页门户负载：先逐条审核通过填报、每条之后打开仪表盘；再多人浏览仪表盘，其间一人导入同样规模的数据（仅本机回环地址）。"""
    from shumao.bench import web_load

    result = web_load.bench_web(executions, users, seconds, log=lambda m: err.print(m), db=db,
                                approvals=approvals, pause=pause)
    if as_json:
        print_json(result)
        return
    out.print(f"网页门户：{result['users']} 位用户，{result['executions']:,} 条执行记录（{result['backend']}）\n"
              f"  请求 {result['requests']} 次，出错 {result['errors']} 次；核对数据月报 "
              f"{result['reports_checked']} 份，导入中途的数字 {result['torn_reports']} 份\n"
              f"  仪表盘 p50 {result['dashboard_p50_ms']} 毫秒，p95 {result['dashboard_p95_ms']} 毫秒；"
              f"导入期间 p95 {result['during_import_p95_ms']} 毫秒（导入 {result['import_seconds']} 秒）\n"
              f"  基线（登录页）p95 {result['baseline_p95_ms']} 毫秒，比值 {result['ratio']}×\n"
              f"  审核通过后的第一次仪表盘（{result['approvals']} 次，间隔 {result['approval_pause_seconds']:g} 秒）"
              f"p95 {result['first_view_p95_ms']} 毫秒；随后再看 p95 {result['warm_view_p95_ms']} 毫秒；"
              f"比值 {result['first_view_ratio']}×")


# -- issue 23: start-up ----------------------------------------------------------------------------
def bench_startup(
    repeat: Annotated[int, typer.Option(min=1, max=50, metavar="次数", help="每个命令计时几次，取最快")] = 7,
    as_json: JsonOption = False,
) -> None:
    """命令的启动耗时：shumao --help、status、user list（小数据库）vs. 同一解释器的裸 Python 启动（均为独立进程）。"""
    from shumao.bench import steps

    r = steps.bench_startup(log=lambda m: err.print(m), repeat=repeat)
    if as_json:
        print_json(r)
        return
    out.print(f"启动：{r['executions']:,} 条执行记录的小数据库（取 {repeat} 次最快）\n"
              f"  基线              {r['baseline_seconds'] * 1000:.0f} 毫秒，{r['baseline']}")
    for name, words in (("help", "shumao --help"), ("status", "shumao status"),
                        ("user_list", "shumao user list")):
        target = r["targets"].get(name)
        goal = f"（目标 ≤ {target:g}×）" if target else ""
        out.print(f"  {words:<18}{r[name + '_seconds'] * 1000:.0f} 毫秒，比值 {r[name + '_ratio']:.1f}×{goal}")


# -- issue 11: the cost's growth with size ---------------------------------------------------------
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

    output_folder(out_dir, "--out")
    result = bc.curve(bc.parse_sizes(sizes), out_dir, repeat, spark, log=lambda m: err.print(m))
    if as_json:
        print_json(result)
        return
    sys.stdout.write(bc.markdown(result))
    err.print(f"已写出 {result['table']}、{result['plot']}")


# -- issue 10 (filing on the web): 200 enterprise users filing at once ------------------------
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
        print_json(result)
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
        print_json(result)
        return
    out.print(f"{result['step']}：{result['executions']:,} 条执行记录\n"
              f"  shumao   {result['seconds']:.2f} 秒（峰值内存 {result['peak_rss_mb']:.0f} MB）\n"
              f"  基线     {result['baseline_seconds']:.2f} 秒（{result['baseline']}）\n"
              f"  比值     {result['ratio']:.2f}×")


# -- issue 23: publishing a bulletin -------------------------------------------------------------
def bench_publish(
    executions: Annotated[int, typer.Option(
        min=1000, metavar="数量", help="示例市数据的执行记录数（默认与 shumao demo 相同）")] = 8000,
    repeat: Annotated[int, typer.Option(min=1, max=10, metavar="轮数", help="两种做法交替计时几轮，取最快")] = 2,
    as_json: JsonOption = False,
) -> None:
    """发布一期简报（示例内容，PDF、Word、网页版、邮件、公众号）：并行做法 vs. 原来依次生成，各阶段耗时，附 WeasyPrint 单独生成 PDF 的基线（均为独立进程）。"""
    from shumao.bench import publishing

    r = publishing.bench_publish(executions, repeat, log=lambda m: err.print(m))
    if as_json:
        print_json(r)
        return
    out.print(f"发布简报：示例内容，{r['executions']:,} 条执行记录，五种格式（取 {r['repeat']} 轮中最快）")
    for when, words in (("first", "进程中第一次发布（含载入程序库和字体，如 shumao bulletin）"),
                        ("next", "此后每次发布（如网页门户）")):
        out.print(f"  {words}")
        for mode, name in publishing.MODES.items():
            run = r[mode][when]
            stages = "，".join(f"{zh} {run[k]:.2f}" for k, zh in publishing.STAGES.items() if k in run)
            out.print(f"    {name}  共 {run['total']:.2f} 秒（{stages}）")
        out.print(f"    比值 {r[when + '_ratio']:.2f}×（并行 ÷ 依次；目标 < {r['target']:.2f}×）")
    out.print(f"  基线     {r['baseline_seconds']:.2f} 秒（{r['baseline']}）\n"
              f"  比值     {r['ratio']:.2f}×（此后每次发布 ÷ 基线）\n"
              "  两种做法的输出：" + ("完全一致" if not r["same_output"]
                                 else "不一致：" + "、".join(r["same_output"])))
    if r["same_output"]:
        raise typer.Exit(1)
