"""The figures' commands: ``report`` (the monthly report, a published vintage, or from a Parquet
data set), ``explain`` (one figure's records, for checking) and ``vintages`` (what was published
and what has changed since)."""

import sys
from pathlib import Path
from typing import Annotated, Optional, cast

import typer
from rich.markup import escape
from rich.table import Table
from typer._click import exceptions as click_errors  # Typer 0.29 vendors Click (pinned)

from shumao.cli.options import (
    STATE,
    BriFileOption,
    BriOption,
    DataOption,
    DbOption,
    EngineOption,
    GroupOption,
    JsonOption,
    PeriodOption,
    SparkMasterOption,
    err,
    out,
    output_file,
    print_json,
    why,
)
from shumao.errors import InputError, ShumaoError
from shumao.model.periods import moment_words


def report(
    period: Annotated[Optional[str], typer.Option(
        "--period", metavar="时期",
        help="要统计的时期。写法：2024-03、2024Q2、2024H1、2024、2024-01..2024-09，或照网页的写法 "
             "2024年3月、2024年二季度、2024年上半年、2024年、2024年1-9月"
             "（一个月、一个季度、半年、全年、几个月）；用 --vintage 时可不写")] = None,
    db: DbOption = None,
    region: Annotated[Optional[str], typer.Option(
        metavar="名称", help="地区名称，如 大连市；不写时用网页“管理 › 机构设置”中的城市名称，未设置时为 本市")] = None,
    short: Annotated[Optional[str], typer.Option(
        metavar="简称", help="文中的简称，如 我市；不写时用网页“管理 › 机构设置”中的文中简称，未设置时为 我市")] = None,
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
    data: DataOption = None,
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = None,
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
        output_file(out_file, "--out")
    given = tuple(name for name, v in (
        ("region", region is not None), ("short", short is not None), ("source", source != "商务部服务外包统一平台"),
        ("bri", bri), ("bri_file", bri_file), ("groups", group), ("relative", relative)) if v)
    # (not when the options already conflict: the request's own rules say that first)
    if (period is not None and vintage is None and data is None and engine == "duckdb"
            and spark_master is None and (region is None or short is None)):
        # the association's city and short name (机构设置), unless given here
        with connect(db, read_only=True) as store:
            org = store.organisation.get()
        region, short = region or org.region or None, short or org.short or None
    # a vintage keeps the settings it was published with: none are read for it
    settings = (ReportSettings.from_options(region, short, source, bri, bri_file, tuple(group or ()), relative)
                if vintage is None else ReportSettings())
    req = ReportRequest(Period.parse(period) if period is not None else None, settings, vintage, data,
                        engine, spark_master, db, given, charts=RENDERERS[fmt].charts)
    try:
        made = produce(req, lambda: connect(db, read_only=True))
    except OptionError as e:
        if e.rule != "period-missing":
            raise                          # run() words its options as this command's flags
        also = "" if req.data is not None else "（或用 --vintage 编号 原样重现一个已发布的版本）"
        raise click_errors.UsageError(f"缺少选项：--period — 报告的时期，如 2024-03、2024Q2、2024{also}") from e
    body = made.body(fmt)
    if out_file:
        try:
            if isinstance(body, bytes):
                out_file.write_bytes(body)
            else:
                out_file.write_text(body, encoding="utf-8")
        except OSError as e:           # checked before the work: the disk changed since
            raise ShumaoError(f"无法写出 {out_file}（{why(e)}）") from e
    else:
        sys.stdout.write(cast(str, body))           # a binary format needs --out (checked above)
        STATE["json_printed"] = fmt == "json"
    if fmt != "json":  # report.md: the checks go to stderr or into the other formats
        for c in made.doc.flagged:
            err.print(f"[yellow]提示：{c.message}[/]")
    if out_file:
        err.print(f"已写出 {out_file}")


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
    from shumao.model.codes import country_name
    from shumao.model.money import wan
    from shumao.model.periods import Period, day_words
    from shumao.report.explain import explain_figure
    from shumao.report.numbers import growth_phrase
    from shumao.report.service import ReportSettings
    from shumao.store import connect

    p = Period.parse(period)
    basis = ReportSettings.from_options(bri=bri, bri_file=bri_file, groups=tuple(group or ())).basis
    with connect(db, read_only=True) as store:
        e = explain_figure(store, p, figure, basis, top)
    if as_json:
        print_json(e.as_dict())
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
            print_json(rows)
            return
        t = Table(title=f"数据版本（共 {len(rows)} 个）")
        for col in ("编号", "来源", "时期", "发布人", "时间"):
            t.add_column(col, justify="right" if col == "编号" else "left")
        for r in rows:
            src = v_.SOURCES[r["source"]] + (f"（第 {r['bulletin_id']} 号简报）" if r["bulletin_id"] else "")
            t.add_row(str(r["id"]), src, Period.parse(r["period"]).words(), r["created_by"],
                      moment_words(r["created_at"]))
        out.print(t)
        return
    if as_json:
        print_json(revs.as_dict())
        return
    d = revs.as_dict()
    out.print(f"[bold]第 {d['vintage']['id']} 号数据版本[/]（{d['period_words']}，"
              f"{d['vintage']['created_by']} 于 {moment_words(d['vintage']['created_at'])} 发布）："
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

