"""The small tables of the data report — one per breakdown, each with its period, unit and
notes — shared by the Markdown, HTML, XLSX and bulletin outputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from shumao.indicators import Indicators
from shumao.model.codes import country_name
from shumao.model.money import round_half_up, wan

if TYPE_CHECKING:
    from shumao.report.service import ReportSettings

UNIT = "万美元"


@dataclass
class Table:
    id: str
    title: str
    columns: list[str]
    rows: list[list]                 # Decimal for numbers (2 places), str for words, None empty
    unit: str = UNIT
    notes: list[str] = field(default_factory=list)


def rnd(x: Decimal | None) -> Decimal | None:
    return None if x is None else round_half_up(x)


COLUMNS = ["指标", f"本期（{UNIT}）", f"上年同期（{UNIT}）", "同比（%）", "占比（%）"]


def _figure_rows(ind: Indicators, ids: list[str]) -> list[list]:
    return [[ind[f].name, wan(ind[f].current), wan(ind[f].previous), rnd(ind[f].growth), rnd(ind[f].share)]
            for f in ids]


def notes(ind: Indicators, settings: ReportSettings) -> list[str]:
    """Footnotes as statistical releases write them (bulletin.md)."""
    basis = ("“一带一路”沿线国家（65国沿线名单）" if ind.bri_basis == "route65"
             else f"“一带一路”共建国家（已签署合作文件的{len(ind.groups['bri'])}国）")
    if ind.basis.bri_group is not None:
        basis = f"“一带一路”国家（自定义名单，{len(ind.groups['bri'])}国）"
    prev = ind.period.previous_year()
    return [
        f"数据来源：{settings.source}；仅统计审核通过的合同与执行记录。金额以美元计，单位为万美元。",
        f"同比为与{prev.words()}可比口径相比；“一带一路”口径为{basis}，RCEP为15个成员国（不含中国），"
        f"国家组成员按{ind.period.end}的名单对本期和上年同期一致适用。",
        "离岸指发包方在中国境外，含中国香港、中国澳门和中国台湾；企业性质中港澳台商投资企业"
        + ("单列。" if ind.basis.hmt_separate else "计入外商投资。"),
        "增速与占比按未经四舍五入的数值计算；因四舍五入，分项之和与合计可能略有出入。",
    ]


def overview(ind: Indicators, settings: ReportSettings) -> Table:
    ids = ["signed_total", "signed_onshore", "signed_offshore", "exec_total", "exec_onshore",
           "exec_offshore", "exec_bri", "exec_rcep"] + [f for f in ind.figures if f.startswith("exec_group_")]
    return Table("overview", "主要指标", COLUMNS, _figure_rows(ind, ids), notes=notes(ind, settings))


def partners(ind: Indicators, top: int) -> Table:
    total = ind["exec_offshore"].current
    rows = [[country_name(p.country), wan(p.current), wan(p.previous) if p.previous else None,
             rnd(p.growth), rnd(Decimal(p.current) * 100 / total) if total else None]
            for p in ind.partners[:top]]
    return Table("partners", f"离岸执行额前{len(rows)}位国家（地区）",
                 ["国家（地区）", *COLUMNS[1:]], rows, notes=["占比为占离岸执行额的比重。"])


def structure(ind: Indicators) -> Table:
    return Table("structure", "离岸执行额业务结构", COLUMNS,
                 _figure_rows(ind, [f"exec_offshore_{c}" for c in ("ITO", "BPO", "KPO")]),
                 notes=["占比为占离岸执行额的比重。"])


def nature(ind: Indicators) -> Table:
    keys = ["domestic", "foreign"] + (["hmt"] if ind.basis.hmt_separate else [])
    ids = [f"{m}_offshore_{k}" for m in ("signed", "exec") for k in keys]
    return Table("nature", "按企业性质分的离岸合同额与执行额", COLUMNS, _figure_rows(ind, ids),
                 notes=["占比为占离岸签约额或离岸执行额的比重。"])


def monthly(ind: Indicators, series: list[tuple[int, int, int]]) -> Table:
    y = ind.period.year
    rows = [[f"{m}月", wan(c), wan(p), rnd((Decimal(c) / p - 1) * 100) if p else None]
            for m, c, p in series]
    return Table("monthly", f"{y}年1-{ind.period.last}月各月接包合同执行额",
                 ["月份", f"{y}年（{UNIT}）", f"{y - 1}年（{UNIT}）", "同比（%）"], rows)


def all_tables(ind: Indicators, series, settings: ReportSettings) -> list[Table]:
    return [overview(ind, settings), partners(ind, settings.top_table), structure(ind),
            nature(ind), monthly(ind, series)]
