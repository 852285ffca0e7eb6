"""``shumao digital``: the 【数字贸易】 section (spec/digital-trade.md §8.1, §8.4) as text or
JSON, its tables (§8.2) as XLSX or HTML, or its figures as SDMX files in a folder (§8.3: structures, SDMX-CSV, SDMX-ML, BaTIS
extract, 说明.txt; all checked before any is written); the checks (identities, disclosure,
full-scope totals) go to stderr.  ``--vintage N`` gives a published vintage's section as it
was published (publication.vintages.digital), in any of these formats; ``--data DIR
[--engine duckdb|spark] [--spark-master URL]`` computes it from a Parquet data set of
``shumao export`` as ``report`` does (lake.read: the same Ibis expressions, no store)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.markup import escape

from shumao.cli.options import (
    STATE,
    DataOption,
    DbOption,
    EngineOption,
    SparkMasterOption,
    err,
    out,
    output_file,
    output_folder,
    print_json,
)
from shumao.errors import FlaggedFigures, InputError

if TYPE_CHECKING:
    from shumao.indicators.digital import Digital, DigitalSettings
    from shumao.model.periods import Period
    from shumao.report.settings import ReportSettings

FORMATS = ("text", "json", "xlsx", "html", "sdmx")


def digital(
    period: Annotated[Optional[str], typer.Option(
        "--period", metavar="时期",
        help="要统计的时期。写法：2024-03、2024Q2、2024H1、2024、2024-01..2024-09"
             "（一个月、一个季度、半年、全年、几个月）；用 --vintage 时可不写")] = None,
    db: DbOption = None,
    region: Annotated[str, typer.Option(metavar="名称", help="地区名称，如 大连市")] = "本市",
    short: Annotated[str, typer.Option(metavar="简称", help="文中的简称，如 我市")] = "我市",
    source: Annotated[str, typer.Option(metavar="文字", help="服务数据的来源（默认按 --services-source：商务部服务外包统一平台或服务贸易直报）")] = "商务部服务外包统一平台",
    relative: Annotated[bool, typer.Option("--relative", help="用“今年”代替年份")] = False,
    fmt: Annotated[str, typer.Option("--format", metavar="格式", help="text（纯文本）、json、xlsx（表格）、html（网页）或 sdmx（SDMX 文件，写入 --out 指定的文件夹）")] = "text",
    out_dir: Annotated[Optional[Path], typer.Option(
        "--out", metavar="文件或文件夹",
        help="xlsx、html 的输出文件（html 不指定时显示在屏幕上）；sdmx 的输出文件夹（没有就新建，但它的上级文件夹须已存在），其中同名文件被替换")] = None,
    deliverable_set: Annotated[str, typer.Option(
        "--deliverable-set", metavar="口径",
        help="可数字化交付的服务类别：MOFCOM6（商务部六类，默认）或 UNCTAD")] = "MOFCOM6",
    impute_delivery: Annotated[str, typer.Option(
        "--impute-delivery", metavar="方式",
        help="交付方式不明时：off（不估算，默认）或 survey（按业务子类的典型交付方式估算，标为估算值）")] = "off",
    services_source: Annotated[str, typer.Option(
        "--services-source", metavar="来源",
        help="服务部分的数据来源：outsourcing（服务外包执行数据，默认）或 direct_reports"
             "（服务贸易直报；不与服务外包数据相加）")] = "outsourcing",
    goods_basis: Annotated[str, typer.Option(
        "--goods-basis", metavar="口径",
        help="跨境电商货物的口径：regime（按监管方式，默认）或 full（海关全业态总额，"
             "监管方式以外的部分单列为 OTH_FULL）")] = "regime",
    sdmx_agency: Annotated[Optional[str], typer.Option(
        "--sdmx-agency", metavar="标识",
        help="本次 SDMX 文件的维护机构标识（代替环境变量 SHUMAO_SDMX_AGENCY），如 CN_DLDTA")] = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="有数字因涉及单一企业而不予公布时不输出，退出码 1")] = False,
    vintage: Annotated[Optional[str], typer.Option(
        "--vintage", metavar="编号",
        help="原样重现一个已发布数据版本的数字贸易部分（编号用 shumao vintages 查看）：数字与文字"
             "同发布时一字不差，不受之后导入的海关数据或新版对照表影响；地区名称、口径等设置也按发布时的")] = None,
    data: DataOption = None,
    engine: EngineOption = "duckdb",
    spark_master: SparkMasterOption = None,
) -> None:
    """数字贸易：按《数字贸易测度手册》口径，由海关跨境电商数据和服务外包执行数据测算数字订购、数字交付贸易（重叠部分只计一次）。"""
    from shumao.indicators.digital import DigitalSettings
    from shumao.indicators.digital import digital as compute_digital
    from shumao.model.periods import Period
    from shumao.report import digital as words
    from shumao.report.request import check_source
    from shumao.report.settings import ReportSettings

    if fmt not in FORMATS:
        raise InputError(f"--format 只能是 {'、'.join(FORMATS)}（收到“{fmt}”）")
    if deliverable_set not in ("MOFCOM6", "UNCTAD"):
        raise InputError(f"--deliverable-set 只能是 MOFCOM6 或 UNCTAD（收到“{deliverable_set}”）")
    if impute_delivery not in ("off", "survey"):
        raise InputError(f"--impute-delivery 只能是 off 或 survey（收到“{impute_delivery}”）")
    if services_source not in DigitalSettings.SERVICES_SOURCES:
        raise InputError("--services-source 只能是 outsourcing 或 direct_reports"
                         f"（收到“{services_source}”）")
    if goods_basis not in DigitalSettings.GOODS_BASES:
        raise InputError(f"--goods-basis 只能是 regime 或 full（收到“{goods_basis}”）")
    if sdmx_agency is not None:
        from shumao.sdmx.structure import checked_agency

        checked_agency(sdmx_agency)               # before anything is computed
    check_source(data, engine, spark_master, db, vintage)
    if period is None and vintage is None:
        raise InputError("请用 --period 指定时期，如 --period 2024H1"
                         + ("" if data is not None else "（或用 --vintage 编号 原样重现一个已发布的版本）"))
    p = Period.parse(period) if period is not None else None
    if fmt == "sdmx":
        from shumao.sdmx.data import time_key

        if out_dir is None:
            raise InputError("--format sdmx 须用 --out 指定输出文件夹，如 --out SDMX文件")
        output_folder(out_dir, "--out")
        if p is not None:
            time_key(p)                   # a range not from January has no SDMX form: before computing
    elif fmt in ("xlsx", "html") and out_dir is not None:
        output_file(out_dir, "--out")
    elif fmt == "xlsx":
        raise InputError("--format xlsx 须用 --out 指定输出文件，如 --out 数字贸易.xlsx")
    settings = ReportSettings.from_options(region, short, source, relative=relative)
    chosen = DigitalSettings(deliverable_set, impute_delivery, services_source=services_source,
                             goods_basis=goods_basis)
    if data is not None:
        from shumao.lake.read import DIGITAL, open_lake

        assert p is not None                      # check_source: no vintage beside --data
        with open_lake(data, engine, spark_master, tables=DIGITAL) as con:
            d = compute_digital(con, p, chosen)
        made = words.as_json(d, settings, source, period)
    else:
        d, made, p, region, source = _from_store(db, vintage, p, period, fmt, chosen, settings,
                                                 region, source)
    _write(d, made, p, fmt, out_dir, region, source, strict, sdmx_agency)


def _from_store(db: str | None, vintage: str | None, p: Period | None, period: str | None,
                fmt: str, chosen: DigitalSettings, settings: ReportSettings, region: str,
                source: str) -> tuple[Digital, dict, Period, str, str]:
    """The figures and their JSON from the store: computed, or a vintage's as published (its
    period, region and source with them)."""
    from shumao.indicators.digital import digital as compute_digital
    from shumao.report import digital as words
    from shumao.store import connect

    with connect(db, read_only=True) as store:
        if vintage is not None:
            from shumao.publication import vintages

            frozen = vintages.digital(store, vintage)
            d, made = frozen.digital, frozen.made
            region, source = frozen.settings.region, frozen.settings.source
            if p is not None and p != d.period:
                raise InputError(f"第 {frozen.vintage['id']} 号数据版本的时期是{d.period.words()}，"
                                 f"与 --period {period} 不符（用 --vintage 时可不写 --period）")
            p = d.period
            if fmt == "sdmx":
                from shumao.sdmx.data import time_key

                time_key(p)
        else:
            assert p is not None
            with store.reading() as con:
                d = compute_digital(con, p, chosen)
            made = words.as_json(d, settings, source, period)
    return d, made, p, region, source


def _write(d: Digital, made: dict, p: Period, fmt: str, out_dir: Path | None, region: str,
           source: str, strict: bool, sdmx_agency: str | None) -> None:
    """The section in ``fmt`` to stdout or ``out_dir``; the checks to stderr."""
    from shumao.report import digital as words

    held = words.withheld(d)        # of every slice (the JSON lists those of its first ones)
    if strict and held:
        raise FlaggedFigures(f"数字贸易有 {len(held)} 个数字因涉及单一企业或企业过少而不予公布"
                             "（--strict：不输出）", checks=[])
    if fmt == "sdmx":
        from shumao.sdmx import files, structure

        assert out_dir is not None
        with structure.agency_as(sdmx_agency):
            written = files.write_period(out_dir, words.observations(d), p, region)
        for path in written:
            out.print(f"已写出：{escape(str(path))}", soft_wrap=True)
    elif fmt in ("xlsx", "html"):
        from shumao.report import digital_tables

        if fmt == "xlsx":
            assert out_dir is not None
            digital_tables.xlsx(d, region, made["text"], source, out_dir)
        else:
            page = digital_tables.html(d, region, made["text"], source)
            if out_dir is None:
                sys.stdout.write(page)
            else:
                out_dir.write_text(page, encoding="utf-8")
        if out_dir is not None:
            out.print(f"已写出：{escape(str(out_dir))}", soft_wrap=True)
    elif fmt == "json":
        print_json(made)
        STATE["json_printed"] = True
    else:
        sys.stdout.write(made["text"])
    if fmt != "json":
        for c in held:
            err.print(f"[yellow]提示：{words.withheld_words(c['group'], c['member'], c['conf'])}[/]")
        for m in made["full_scope_below_regime"]:
            err.print(f"[yellow]提示：{m} 的全业态总额小于按监管方式的合计（full-scope-below-regime）[/]")
