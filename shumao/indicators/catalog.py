"""The figures of the 数据月报 (report.md: Indicators) as data: id, Chinese name, measure,
the total its share is of, its filter as fields, and the filter in words.  Listable without
any backend; ``compute.py`` turns each filter into an Ibis predicate.

The catalogue depends on two report settings only: whether 港澳台商投资 enterprises are
reported apart (report.md: by default they count with 外商投资), and the user's own
country groups (a figure ``exec_group_<name>`` each) — and, for 指标溯源 of a row of the
partner table, on the single partners asked (``exec_country_<ISO2>``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shumao.model.codes import country_name
from shumao.model.periods import day_words

SIGNED, EXEC = "signed", "exec"
CATEGORIES = {"ITO": "信息技术外包", "BPO": "业务流程外包", "KPO": "知识流程外包"}
# report.md: the words of the Belt and Road basis, the same in the text, tables and charts
BRI_WORDS = {"route65": "“一带一路”沿线国家", "partners": "“一带一路”共建国家"}
MEASURE_WORDS = {SIGNED: ("合同签约日期", "合同审核通过"),
                 EXEC: ("执行日期", "执行记录及其合同均审核通过")}


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    measure: str                          # "signed" (by signing date) | "exec" (by execution date)
    parent: str | None = None             # the total its share is of
    offshore: bool | None = None          # None: every client; True: client ≠ CN; False: CN
    natures: tuple[str, ...] = ()         # enterprise natures, empty: all
    category: str | None = None           # ITO | BPO | KPO
    group: str | None = None              # "bri" | "rcep" | "group:<name>"
    where: str = "全部发包方"               # the filter in words


def catalog(hmt_separate: bool = False, groups: tuple[str, ...] = (),
            bri: str = "partners", countries: tuple[str, ...] = ()) -> dict[str, Indicator]:
    """Every figure, in report order; ``bri`` (route65 | partners) names the Belt and Road
    figure as the text does; ``countries`` adds the offshore executions from each of these
    partners (``exec_country_<ISO2>``: a row of the partner table, traced in 指标溯源)."""
    bri_words = BRI_WORDS[bri]
    I = Indicator  # noqa: E741 — a table reads better with a short constructor
    out = [
        I("signed_total", "服务外包合同签约额（包含在岸）", SIGNED),
        I("exec_total", "接包合同执行额", EXEC),
        I("signed_onshore", "在岸服务外包合同额", SIGNED, "signed_total", False,
          where="发包方在境内（在岸）"),
        I("exec_onshore", "在岸服务外包执行额", EXEC, "exec_total", False,
          where="发包方在境内（在岸）"),
        I("signed_offshore", "离岸服务外包合同额", SIGNED, "signed_total", True,
          where="发包方在境外（离岸，含港澳台地区）"),
        I("exec_offshore", "离岸服务外包执行额", EXEC, "exec_total", True,
          where="发包方在境外（离岸，含港澳台地区）"),
        I("exec_bri", f"承接{bri_words}服务外包执行金额", EXEC, "exec_offshore", group="bri",
          where=f"发包方属于{bri_words}名单"),
        I("exec_rcep", "承接RCEP成员国离岸服务外包执行额", EXEC, "exec_offshore", True,
          group="rcep", where="发包方属于RCEP成员国（不含中国）"),
    ]
    natures: list[tuple[str, str, tuple[str, ...], str]] = [("domestic", "内资企业", ("domestic",), "内资")]
    if hmt_separate:
        natures += [("foreign", "外商投资企业", ("foreign",), "外商投资"),
                    ("hmt", "港澳台商投资企业", ("hmt",), "港澳台商投资")]
    else:
        natures += [("foreign", "外商投资企业", ("foreign", "hmt"), "外商投资或港澳台商投资")]
    for key, zh, codes, words in natures:
        for measure, mz in ((SIGNED, "合同签约金额"), (EXEC, "合同执行金额")):
            out.append(I(f"{measure}_offshore_{key}", f"{zh}离岸{mz}", measure,
                         f"{measure}_offshore", True, natures=codes,
                         where=f"离岸，且企业性质为{words}"))
    for cat, zh in CATEGORIES.items():
        out.append(I(f"exec_offshore_{cat}", f"离岸{zh}（{cat}）执行额", EXEC, "exec_offshore",
                     True, category=cat, where=f"离岸，且合同业务类别为{cat}"))
    for cc in countries:
        out.append(I(f"exec_country_{cc}", f"承接{country_name(cc)}离岸服务外包执行额", EXEC, "exec_offshore",
                     True, group=f"country:{cc}", where=f"离岸，且发包方为{country_name(cc)}"))
    for g in groups:
        out.append(I(f"exec_group_{g}", f"承接{g}离岸服务外包执行额", EXEC, "exec_offshore",
                     True, group=f"group:{g}", where=f"离岸，且发包方属于自定义国家组“{g}”"))
    return {i.id: i for i in out}


def describe(ind: Indicator, start: dt.date, end: dt.date, members: int | None = None) -> str:
    """The filter of a figure in words (``shumao explain``), with the group's size."""
    where = ind.where + (f"（{members}国）" if members is not None else "")
    date, approved = MEASURE_WORDS[ind.measure]
    return f"{date}在{day_words(start)}至{day_words(end)}之间；{approved}；{where}"




# -- digital trade (spec/digital-trade.md §7.5) ------------------------------------------------
@dataclass(frozen=True)
class DigitalIndicator:
    """One figure of the 【数字贸易】: ``kind`` says how it is read off the atoms
    (indicators.digital): ``block`` (a block or total of DT/DO/DD, per ``flow``, X, M or T
    both, and ``product``), ``regime``, ``ddl``, ``exec``, ``known``, ``dip``,
    ``platform_known``, ``total`` (a benchmark of the ``totals`` input, spec §6.1.7: its
    ``total`` name and ``flow``), or ``share`` (``of``: numerator and denominator ids,
    unrounded %).  Status A: an aggregate of records; E: it involves a crosswalk weight or an
    estimate.  An ``optional`` figure is given only where its input is (the benchmarks)."""

    id: str
    name: str
    kind: str
    status: str
    sources: tuple[str, ...]
    flow: str = "X"
    block: str = ""
    product: str | None = None
    regime: str = ""
    of: tuple[str, str] = ("", "")
    total: str = ""
    optional: bool = False


_SO, _CB = ("MOFCOM_SO",), ("GACC_CBEC",)
_D = DigitalIndicator
DIGITAL: tuple[DigitalIndicator, ...] = (
    _D("dt_x", "数字贸易出口额", "block", "E", _CB + _SO, "X", "DT"),
    _D("do_x", "数字订购贸易出口额", "block", "E", _CB + _SO, "X", "DO"),
    _D("dd_x", "数字交付贸易出口额", "block", "E", _SO, "X", "DD"),
    _D("overlap_x", "数字订购且数字交付（重叠）", "block", "E", _SO, "X", "B"),
    _D("dt_m", "数字贸易进口额", "block", "A", _CB, "M", "DT"),
    _D("do_m", "数字订购贸易进口额", "block", "A", _CB, "M", "DO"),
    _D("cbec_x", "跨境电商出口额", "block", "A", _CB, "X", "A", "G"),
    _D("cbec_m", "跨境电商进口额", "block", "A", _CB, "M", "A", "G"),
    _D("cbec_t", "跨境电商进出口额", "block", "A", _CB, "T", "A", "G"),
    *(_D(f"cbec_{f.lower()}_{r}", f"{r}{w}额", "regime", "A", _CB, f, regime=r)
      for f, w, rs in (("X", "出口", ("9610", "9710", "9810", "1210")),
                       ("M", "进口", ("9610", "1210", "1239"))) for r in rs),
    *(_D(f"cbec_x_share_{r}", f"{r}占跨境电商出口比重", "share", "A", _CB,
         of=(f"cbec_x_{r}", "cbec_x")) for r in ("9610", "9710", "9810", "1210")),
    _D("cbec_dip_x", "经数字中介平台的跨境电商出口额", "dip", "A", _CB + ("PLATFORMS",)),
    _D("cbec_platform_known_x", "平台已知的跨境电商出口额", "platform_known", "A", _CB),
    _D("cbec_dip_share_x", "经数字中介平台的跨境电商出口占比", "share", "A", _CB,
       of=("cbec_dip_x", "cbec_platform_known_x")),
    _D("exec_offshore", "离岸服务外包执行额", "exec", "A", _SO),
    _D("delivery_known", "交付方式已知的离岸执行额", "known", "A", _SO),
    _D("so_ddl_x", "可数字化交付的服务出口额（离岸服务外包）", "ddl", "E", _SO),
    _D("so_ddl_share", "可数字化交付占离岸执行额比重", "share", "E", _SO,
       of=("so_ddl_x", "exec_offshore")),
    _D("so_dd_x", "以数字方式交付的服务出口额", "block", "E", _SO, "X", "DD", "S"),
    _D("so_dd_share", "数字交付占离岸执行额比重", "share", "E", _SO,
       of=("so_dd_x", "exec_offshore")),
    _D("delivery_coverage", "交付方式已知的执行额占比", "share", "A", _SO,
       of=("delivery_known", "exec_offshore")),
    # "share of total trade" (spec §7.5), only with the totals input (§6.1.7)
    _D("goods_trade_t", "全市货物进出口额", "total", "A", ("TOTALS",), "T", total="goods_trade",
       optional=True),
    _D("dt_share_goods_trade", "跨境电商占全市货物进出口比重", "share", "A", _CB + ("TOTALS",),
       of=("cbec_t", "goods_trade_t"), optional=True),
)
