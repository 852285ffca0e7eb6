"""The tables of 【数字贸易】 (spec/digital-trade.md §8.2): 表1 数字贸易总表 … 表6 分企业性质
(and 分企业规模 with the setting SHUMAO_DIGITAL_BY_SIZE), 表7 数字中介平台,
each row a published figure of the SDMX slices (report.digital.slots) with its code and name
side by side — the names of the SDMX codelists — this period, the same months a year earlier
and the growth; a figure the disclosure pass suppressed reads 不予公布 and nothing else.
Then the 说明: sources, crosswalk version, settings, delivery coverage, series breaks and the
suppression legend.  Drawn as XLSX (report.formats' table sheets), HTML (``shumao digital
--format html``) and on the portal's 数字贸易 page.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from shumao.indicators.digital import Digital
from shumao.model import digital as dm
from shumao.model.digital_codes import CROSSWALK_LABEL
from shumao.model.money import growth, wan
from shumao.report import digital as words
from shumao.report.tables import Table, rnd

WITHHELD = "不予公布"
MONEY = ["本期（万美元）", "上年同期（万美元）", "同比（%）"]
# slice → (table id, title, the dimensions that name a row, the first columns' headings)
SLICES = {
    "T1": ("dt_total", "表1 数字贸易总表", ("DIGITAL_NATURE", "PRODUCT_TYPE", "TRADE_FLOW"),
           ["指标", "代码", "类型", "流向"]),
    "T2": ("dt_partners", "表2 数字贸易出口分市场", ("COUNTERPART_AREA", "DIGITAL_NATURE"),
           ["国家（地区）", "代码", "指标"]),
    "T3": ("cbec_regimes", "表3 跨境电商分监管方式", ("CUSTOMS_REGIME", "TRADE_FLOW"),
           ["监管方式", "代码", "流向"]),
    "T4": ("cbec_hs", "表4 跨境电商分商品（HS章）", ("COMMODITY", "TRADE_FLOW"), ["商品（HS章）", "代码", "流向"]),
    "T5": ("ddl_ebops", "表5 可数字化交付的服务出口分类别（EBOPS 2010）", ("SERVICE",), ["服务类别", "代码"]),
    "T6": ("dt_control", "表6 数字贸易出口分企业性质", ("CONTROL", "DIGITAL_NATURE"),
           ["企业性质", "代码", "指标"]),
    "T7": ("dt_size", "表6续 数字贸易出口分企业规模", ("ENTERPRISE_SIZE", "DIGITAL_NATURE"),
           ["企业规模", "代码", "指标"]),
    "T8": ("do_dip", "表7 数字中介平台", ("DIP", "PRODUCT_TYPE", "TRADE_FLOW"),
           ["数字中介平台", "代码", "类型", "流向"]),
}
CONF_LEGEND = ("“不予公布”：涉及企业少于3家，或单一企业占比超过85%，或为防止由合计推算出另一个不予公布的"
               "数字而不公布")


def _names(area_name: str) -> dict[str, dict[str, str]]:
    """component → code → Chinese name, from the SDMX codelists (one set of labels)."""
    from shumao.sdmx import structure

    lists = structure.codelists(area_name)
    return {p.id: {c: zh for c, (zh, _) in lists[p.codelist].items()}
            for p in structure.parts() if p.codelist}


def tables(d: Digital, area_name: str = "本市") -> list[Table]:
    """The tables of the period (those with rows), notes under each."""
    pub = words.disclosure(d)
    names = _names(area_name)
    before = {(o.slice, tuple(sorted(o.key.items()))): o.units for o in words.slots(d, d.prev)}
    rows: dict[str, list[list]] = {t: [] for t in SLICES}
    ids: dict[str, list[str]] = {t: [] for t in SLICES}      # each row's figure (Slot.id)
    for o in words.slots(d, d.cur):
        ids[o.slice].append(o.id)
        _, _, dims, _ = SLICES[o.slice]
        first, *rest = dims
        label = [names[first].get(o.key[first], o.key[first]), o.key[first],
                 *(names[k].get(o.key[k], o.key[k]) for k in rest)]
        if o.group and pub.conf(o.group, o.member) != "F":
            rows[o.slice].append([*label, WITHHELD, None, None])
            continue
        prev = before.get((o.slice, tuple(sorted(o.key.items()))))
        cur_c, prev_c = dm.cents(o.units), None if prev is None else dm.cents(prev)
        rows[o.slice].append([*label, wan(cur_c), None if prev_c is None else wan(prev_c),
                              rnd(growth(cur_c, prev_c))])
    crosswalk = ("服务数据来自服务贸易直报，按 EBOPS 2010 服务分类填报" if d.settings.direct else
                 f"服务外包业务与 EBOPS 2010 服务分类的对照采用 {d.settings.crosswalk} 版对照表"
                 f"（{CROSSWALK_LABEL}）")
    order = sorted(range(len(rows["T1"])), key=lambda i: rows["T1"][i][3] != "出口")  # exports first
    rows["T1"], ids["T1"] = [rows["T1"][i] for i in order], [ids["T1"][i] for i in order]
    out = []
    for sl, (tid, title, _, heads) in SLICES.items():
        if not rows[sl]:
            continue
        notes = ["上年同期栏为“—”表示上年同期无数据"]
        if sl not in ("T3", "T4") and d.has_services:
            notes.append(crosswalk)
        if any(WITHHELD in r for r in rows[sl]):
            notes.append(CONF_LEGEND)
        if sl in ("T6", "T7"):
            notes.append("海关跨境电商汇总数据不含企业信息，计入“未知”")
        if sl == "T8":
            notes.append("数字订购贸易中订单经数字中介平台（撮合买卖双方、收取费用、不拥有所售商品）成交的部分；"
                         "未填报平台的计入“未知”")
        out.append(Table(tid, title, heads + MONEY, rows[sl], notes=notes, labels=len(heads),
                         figures=list(ids[sl])))
    return out


def explanation(d: Digital, source: str) -> list[str]:
    """说明: what the tables rest on, in a clerk's words."""
    cov = d.coverage
    sw = words.services_words(d)
    lines = [f"时期：{d.period.words()}；上年同期：{d.period.previous_year().words()}",
             "单位：万美元（保留两位小数，四舍五入）；同比、占比为百分比",
             f"数据来源：海关跨境电商统计（监管方式口径）；{words.source_named(d, source)}"
             f"（{'服务进出口额' if d.settings.direct else '离岸服务外包执行额'}）",
             f"服务外包业务与 EBOPS 2010 服务分类的对照表：{d.settings.crosswalk}（{CROSSWALK_LABEL}）",
             "可数字化交付的服务范围：" + ("商务部六类" if d.settings.deliverable_set == "MOFCOM6" else "联合国贸发会议口径"),
             ("订购方式未填报的单列，计入数字交付贸易，不计入数字订购贸易" if d.settings.separate
              else "订购方式未填报的执行额按非数字订购计")
             + "；交付方式未填报的不计入数字交付贸易"
             + ("；部分交付方式按企业调查或业务子类的典型交付方式估算，为估算值" if d.settings.impute_delivery == "survey" else ""),
             f"交付方式已填报的{sw.filled}占{sw.total}："
             + (f"无{sw.total}" if cov is None else f"{rnd(Decimal(cov))}%"),
             CONF_LEGEND]
    lines += [f"序列变化：{b}" for b in words.breaks(d)]
    return lines


def title(d: Digital, region: str) -> str:
    return f"{region}数字贸易统计（{d.period.words()}）"


def period_line(d: Digital) -> str:
    return f"时期：{d.period.words()}；上年同期：{d.period.previous_year().words()}"


def xlsx(d: Digital, region: str, text: str, source: str, path: Path) -> None:
    """The workbook of §8.2: the section's text, a sheet per table, then 说明."""
    from openpyxl.styles import Alignment

    from shumao.files.sheets import put
    from shumao.report import formats

    wb = formats.workbook(title(d, region))
    sheet = wb.create_sheet("数字贸易")
    sheet.column_dimensions["A"].width = 100
    for i, line in enumerate([ln for ln in text.split("\n") if ln], start=1):
        c = put(sheet.cell(i, 1), line)
        c.font = formats.xlsx_font()
        c.alignment = Alignment(wrap_text=True, vertical="top")
    formats.a4(sheet)
    for t in tables(d, region):
        formats.table_sheet(wb, t.title, t, period_line(d))
    notes = wb.create_sheet("说明")
    notes.column_dimensions["A"].width = 100
    for i, line in enumerate(explanation(d, source), start=1):
        c = put(notes.cell(i, 1), line)
        c.font = formats.xlsx_font()
        c.alignment = Alignment(wrap_text=True, vertical="top")
    formats.a4(notes)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def html(d: Digital, region: str, text: str, source: str, today: dt.date | None = None) -> str:
    """One self-contained page (the report's identity CSS): the section, the tables, 说明."""
    from shumao.report import formats

    env = formats._env()
    env.filters["note_lines"] = formats.note_lines
    lines = [ln for ln in text.split("\n") if ln]
    return env.get_template("digital.html.j2").render(
        title=title(d, region), lines=lines, tables=tables(d, region), period=period_line(d),
        explanation=explanation(d, source), made=formats.made_words(today),
        identity=formats.identity_css())
