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


