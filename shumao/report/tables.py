"""The small tables of the data report — one per breakdown, each with its period, unit and
notes — shared by the Markdown, HTML, XLSX and bulletin outputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from shumao.indicators import Indicators
from shumao.indicators.catalog import BRI_WORDS
from shumao.model.codes import country_name
from shumao.model.money import round_half_up, wan
from shumao.model.periods import day_words
from shumao.report.settings import ReportSettings

UNIT = "万美元"


@dataclass
class Table:
    id: str
    title: str
    columns: list[str]
    rows: list[list]                 # Decimal for numbers (2 places), str for words, None empty
    unit: str = UNIT
    notes: list[str] = field(default_factory=list)
    figures: list[str | None] = field(default_factory=list)  # each row's figure id, where it is one
    labels: int = 1                  # leading columns of words (name, code…); figures after them


def rnd(x: Decimal | None) -> Decimal | None:
    return None if x is None else round_half_up(x)


COLUMNS = ["指标", f"本期（{UNIT}）", f"上年同期（{UNIT}）", "同比（%）", "占比（%）"]
# a share column that has one base says so in its heading (never two bases silently)
SHARE_OF_OFFSHORE_EXEC = "占离岸执行额比重（%）"


def _figure_rows(ind: Indicators, ids: list[str]) -> list[list]:
    return [[ind[f].name, wan(ind[f].current), wan(ind[f].previous), rnd(ind[f].growth), rnd(ind[f].share)]
            for f in ids]


def bri_words(ind: Indicators) -> str:
    """The Belt and Road words of this report, as the text writes them."""
    return BRI_WORDS[ind.bri_basis]


def notes(ind: Indicators, settings: ReportSettings) -> list[str]:
    """The notes under the data section, as statistical releases write them (bulletin.md):
    plain sentences, unnumbered — a renderer writes "注：" once and numbers them."""
    bri = bri_words(ind)
    if ind.basis.bri_group is not None:
        basis = f"{bri}按用户提供的名单（{len(ind.groups['bri'])}个国家）统计"
    elif ind.bri_basis == "route65":
        basis = f"{bri}指“一带一路”沿线{len(ind.groups['bri'])}个国家"
    else:
        basis = f"{bri}指已同中国签署共建“一带一路”合作文件的{len(ind.groups['bri'])}个国家"
    hmt = "单独列示" if ind.basis.hmt_separate else "计入外商投资企业"
    return [
        f"数据来源：{settings.source}。仅统计审核通过的合同和执行记录，金额单位为万美元。",
        f"离岸指发包方位于境外（含港澳台地区），在岸指发包方位于境内。港澳台商投资企业{hmt}。",
        f"{basis}；RCEP成员国指《区域全面经济伙伴关系协定》成员国（不含中国）。"
        f"国家名单均按{day_words(ind.period.end)}的成员确定，本期和上年同期口径一致。",
        "同比按可比口径计算。增速和占比按未经四舍五入的数据计算，因四舍五入，分项之和与合计可能略有出入。",
    ]


def overview(ind: Indicators, settings: ReportSettings) -> Table:
    ids = ["signed_total", "signed_onshore", "signed_offshore", "exec_total", "exec_onshore",
           "exec_offshore", "exec_bri", "exec_rcep"] + [f for f in ind.figures if f.startswith("exec_group_")]
    # three bases in one share column: each named, by row, in a note
    shares = (f"在岸、离岸合同额的占比为占服务外包合同签约额的比重，在岸、离岸执行额的占比为占"
              f"接包合同执行额的比重，承接{bri_words(ind)}、RCEP成员国"
              + ("及自定义国家组" if len(ids) > 8 else "") + "执行额的占比为占离岸执行额的比重。")
    return Table("overview", "主要指标", COLUMNS, _figure_rows(ind, ids),
                 notes=notes(ind, settings) + [shares], figures=list(ids))


def partners(ind: Indicators, top: int) -> Table:
    """The first ``top`` partner markets (ReportSettings.top_table, as the partner chart)."""
    total = ind["exec_offshore"].current
    rows = [[country_name(p.country), wan(p.current), None if p.previous is None else wan(p.previous),
             rnd(p.growth), rnd(Decimal(p.current) * 100 / total) if total else None]
            for p in ind.partners[:top]]
    return Table("partners", partners_title(len(rows)),
                 ["国家（地区）", *COLUMNS[1:4], SHARE_OF_OFFSHORE_EXEC], rows,
                 notes=["按本期离岸执行额由高到低排列；上年同期无执行额的，同比以“—”表示。"])


def partners_title(n: int) -> str:
    return f"离岸执行额前{n}位的国家（地区）" if n > 1 else "离岸执行额居首位的国家（地区）"


def structure(ind: Indicators) -> Table:
    ids = [f"exec_offshore_{c}" for c in ("ITO", "BPO", "KPO")]
    return Table("structure", "离岸执行额业务结构", [*COLUMNS[:4], SHARE_OF_OFFSHORE_EXEC],
                 _figure_rows(ind, ids), figures=list(ids),
                 notes=["业务类别按合同登记的类别划分：信息技术外包（ITO）、业务流程外包（BPO）、"
                        "知识流程外包（KPO）。"])


def nature(ind: Indicators) -> Table:
    keys = ["domestic", "foreign"] + (["hmt"] if ind.basis.hmt_separate else [])
    ids = [f"{m}_offshore_{k}" for m in ("signed", "exec") for k in keys]
    return Table("nature", "按企业性质分的离岸合同额与执行额", COLUMNS, _figure_rows(ind, ids),
                 figures=list(ids), notes=["合同签约金额的占比为占离岸合同额的比重，合同执行金额的占比为占离岸执行额的比重。"])


def monthly(ind: Indicators, series: list[tuple[int, int, int]]) -> Table:
    y = ind.period.year
    rows = [[f"{m}月", wan(c), wan(p), rnd((Decimal(c) / p - 1) * 100) if p else None]
            for m, c, p in series]
    return Table("monthly", monthly_title(ind),
                 ["月份", f"{y}年（{UNIT}）", f"{y - 1}年（{UNIT}）", "同比（%）"], rows,
                 notes=["按执行日期所在月份统计，仅含审核通过的执行记录。"])


def monthly_title(ind: Indicators, relative: bool = False) -> str:
    """With ``relative`` the year is 今年, as the text says (a chart's caption)."""
    last = ind.period.last    # the series runs from January (indicators.monthly)
    year = "今年" if relative else f"{ind.period.year}年"
    return f"{year}{'1月' if last == 1 else f'1-{last}月'}各月接包合同执行额"


def all_tables(ind: Indicators, series, settings: ReportSettings) -> list[Table]:
    return [overview(ind, settings), partners(ind, settings.top_table), structure(ind),
            nature(ind), monthly(ind, series)]
