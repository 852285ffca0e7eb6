"""The data commands: ``import`` (check, then write all or nothing), ``status``, ``codes`` (the
catalogue of every check's code), ``export`` (the Parquet data set) and ``sdmx structure``
(the SDMX structure of digital trade)."""

import contextlib
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table
from typer._click import exceptions as click_errors  # Typer 0.29 vendors Click (pinned)

from shumao.cli.options import (
    KIND_ZH,
    DbOption,
    JsonOption,
    err,
    out,
    output_file,
    output_folder,
    print_json,
    why,
)
from shumao.errors import InputError, StoreError

SHOWN_ISSUES = 50


def import_(
    files: Annotated[list[Path], typer.Argument(
        metavar="文件…", help="CSV、XLSX、XLS 或 Parquet 文件（企业、合同、合同执行、汇率、平台、跨境电商、服务贸易直报），可以一次给多个；"
                             "也可以是 Parquet 数据集的文件夹（如 shumao export 导出的），读入其中全部 Parquet 文件；"
                             "ZIP 压缩包按网页导入的规则解压，读入其中的 CSV、XLSX 文件")],
    db: DbOption = None,
    replace: Annotated[bool, typer.Option("--replace", help="以新数据替换已存在但内容不同的记录")] = False,
    as_json: JsonOption = False,
    errors_out: Annotated[Optional[Path], typer.Option(
        "--errors-out", metavar="文件", help="把全部问题写入 CSV 或 XLSX 文件，便于逐条修改")] = None,
) -> None:
    """检查并导入填报数据：全部通过才写入，有任何错误则不做任何修改。"""
    from shumao import settings
    from shumao.files.unpack import unpacked
    from shumao.ingest import issue_list
    from shumao.ingest.cancel import Cancel
    from shumao.ingest.importer import import_files
    from shumao.ingest.staging import parquet_files
    from shumao.store import connect, discard_unused, new_file

    folders = [str(f) for f in files if f.is_dir() and not parquet_files(f)]
    if folders:
        raise InputError("这是文件夹，不是文件，其中也没有 Parquet 文件：" + "、".join(folders))
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        raise InputError("找不到文件：" + "、".join(missing))
    if errors_out:
        if errors_out.suffix.lower() not in (".csv", ".xlsx"):
            raise InputError("--errors-out 只能是 .csv 或 .xlsx 文件")
        output_file(errors_out, "--errors-out")
    fresh, result = new_file(db), None          # a first import that fails leaves no store
    try:
        with Cancel.on_signals() as cancel:     # Ctrl-C, SIGTERM: stopped before the load
            if any(f.suffix.lower() == ".zip" and f.is_file() for f in files):
                with unpacked(files, settings.get("SHUMAO_UPLOAD_MB") << 20,
                              settings.get("SHUMAO_TMPDIR")) as given:
                    result = import_files(lambda: connect(db), given.paths, replace=replace,
                                          names=given.names, cancel=cancel)
            else:
                result = import_files(lambda: connect(db), files, replace=replace, cancel=cancel)
    finally:
        if fresh and (result is None or result.batch_id is None):
            with contextlib.suppress(StoreError, OSError):   # never hides the import's own error
                discard_unused(fresh)
    if errors_out:
        try:
            issue_list.write_issues(errors_out, result.errors + result.warnings)
        except OSError as e:           # checked before the import: the disk changed since
            done = "导入已完成" if result.batch_id else "数据库未做任何修改"
            err.print(f"[red]问题清单未能写入：{escape(str(errors_out))}（{why(e)}）；{done}。[/]")
            errors_out = None
    if as_json:
        print_json(result.as_dict())
    else:
        print_import(result, errors_out)
    if cancel.late:
        err.print("收到中断信号时数据已在写入数据库，导入已完成（未中断）。")
    raise typer.Exit(0 if result.ok else 1)


def print_import(result, errors_out) -> None:
    from shumao.ingest import causes

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
    unchanged = result.ok and not any(c["new"] or c["replaced"] for c in result.counts.values())
    if result.ok and not unchanged and result.covers():
        out.print(f"数据覆盖{result.covers()}。")
    if unchanged:
        out.print("本次文件中的记录与数据库中已有的完全相同，数据库未做任何修改。")
    for label, items, style in (("错误", result.errors, "red"), ("警告", result.warnings, "yellow")):
        if not items:
            continue
        if unchanged:           # the same records, the same warnings: said when they landed
            out.print(f"[{style}]这些记录的 {len(items)} 条{label}在它们导入时已报告过，不再逐条列出"
                      "（要看全部：加 --errors-out 问题.xlsx 或 --json）。[/]")
            continue
        problems = causes.group(items)      # by cause, causes first
        grouped = f"，{len(problems)} 个问题" if len(problems) < len(items) else ""
        it = Table(title=f"{label}（共 {len(items)} 条{grouped}）", title_style=style)
        for col in ("文件", "行", "列", "值", "代码", "说明"):
            it.add_column(col, overflow="fold")
        for p in problems[:SHOWN_ISSUES]:
            i = p.cause
            it.add_row(i.file + (f"（{i.sheet}）" if i.sheet else ""), str(i.row or ""),
                       i.column_words, i.value or "", i.code, p.message)
        out.print(it)
        if len(problems) > SHOWN_ISSUES:
            out.print(f"……其余 {len(problems) - SHOWN_ISSUES} 个问题未显示，"
                      "请用 --errors-out 问题.xlsx 导出完整清单。")
    if errors_out:
        out.print(f"问题清单已写入：{errors_out}")


def status(db: DbOption = None, as_json: JsonOption = False) -> None:
    """数据库中的记录数与日期范围。"""
    from shumao.store import connect

    with connect(db, read_only=True) as store:
        s = store.records.summary()
        shown = store.url
    if as_json:
        print_json(s)
        return
    t = Table(title=f"数据库：{shown}")
    t.add_column("项目")
    t.add_column("数量 / 范围", justify="right")
    for kind in ("enterprises", "contracts", "executions", "rates"):
        t.add_row(KIND_ZH[kind], str(s[kind]))
    t.add_row("导入批次", str(s["batches"]))
    t.add_row("签约日期", span(s["signed_on"]))
    t.add_row("执行日期", span(s["executed_on"]))
    out.print(t)


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
        print_json([r.as_dict() for r in rules])
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
        print_json(done.as_dict())
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


def sdmx_structure(
    out_dir: Annotated[Path, typer.Option(
        "--out", metavar="文件夹", help="输出文件夹（没有就新建，但它的上级文件夹须已存在）；其中同名文件被替换")],
    region: Annotated[str, typer.Option(metavar="名称", help="报告地区的名称，写入地区代码表，如 大连市")] = "本市",
    as_json: JsonOption = False,
) -> None:
    """写出数字贸易的 SDMX 数据结构（代码表、概念、数据结构定义、数据流），SDMX-ML 2.1 与 3.0 各一份，供先在 .Stat Suite 等数据库登记。维护机构与地区代码取自环境变量 SHUMAO_SDMX_AGENCY、SHUMAO_SDMX_REF_AREA。"""
    from shumao.sdmx import files, structure

    output_folder(out_dir, "--out")
    written = files.write_structure(out_dir, region)
    if as_json:
        print_json({"ok": True, "files": [str(p) for p in written], "agency": structure.agency(),
                    "ref_area": structure.ref_area()})
        return
    for p in written:
        out.print(f"已写出：{escape(str(p))}", soft_wrap=True)
    if structure.ref_area() == structure.SAMPLE_AREA:
        err.print(f"提示：地区代码用的是示例市的 {structure.SAMPLE_AREA}；请把环境变量 SHUMAO_SDMX_REF_AREA "
                  "设为 CN_ 加本市的行政区划代码（如大连市 CN_210200）")


def span(iso: list[str | None]) -> str:
    """A date range from ``status --json`` as a clerk reads it: 2021年2月5日 至 2024年12月10日."""
    from datetime import date

    from shumao.model.periods import day_words

    return " 至 ".join(day_words(date.fromisoformat(d)) if d else "—" for d in iso)
