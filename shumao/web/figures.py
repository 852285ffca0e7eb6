"""The figures the portal shows (仪表盘, 指标溯源, 数据月报): the period a page asks for (by
default the latest month with approved data), the report settings of a query (region,
short: the association's unless given), and the 数据月报 and explanations computed once
per key and store generation in ``portal.shared`` — fifty people asking for the same period share one
computation, and an import or a status change is seen at the next request (web/cache.py).

Every figure comes from the library's services (``report.request.produce``, ``explain_figure``);
nothing here computes a number.  ``warm`` computes what the pages open on ahead of the first
view after a change (web/refresh.py runs it in the background).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from shumao.errors import NoData, PeriodError, UnknownFigure, UnknownVintage
from shumao.model.codes import countries
from shumao.model.periods import Period
from shumao.publication import vintages
from shumao.report.doc import ReportDoc
from shumao.report.explain import Explanation, explain_figure
from shumao.report.request import OptionError, Produced, ReportRequest, VintagePeriod, produce
from shumao.report.settings import ReportSettings
from shumao.store.rows import Summary, Vintage
from shumao.web import deps
from shumao.web.access import Refused

MAX_NAME = 30                      # region / short name in a query: a name, not a document
GRAMMAR = "2024年3月、2024年二季度、2024年上半年、2024年1-9月、2024年（全年）"   # the pages' help
CODES = "2024-03、2024Q2、2024H1、2024-01..2024-09、2024"                        # the API's too


def _shared(portal, key: tuple, compute) -> Any:
    # the generation is read before computing: a change during the computation is seen by
    # the next request (its generation is newer), never hidden
    return portal.shared.get(portal.store.generation(), key, compute)


def summary(portal) -> Summary:
    """``store.records.summary()`` (``shumao status --json``), shared like the figures."""
    return _shared(portal, ("summary",), portal.store.records.summary)


def pending(portal, period: Period) -> int:
    """Submitted records of ``period`` waiting for a rate (待折算, filing.rates): what its
    figures leave out, shared like them."""
    return _shared(portal, ("pending", period.start, period.end),
                   lambda: portal.store.rates.pending(period.start, period.end))


def report(portal, period: Period, settings: ReportSettings, charts: bool = False) -> ReportDoc:
    """The 数据月报 of ``period`` with ``settings`` (NoData when it has no data)."""
    return produced(portal, ReportRequest(period, settings, charts=charts)).doc


def produced(portal, req: ReportRequest) -> Produced:
    """``report.request.produce`` on the portal's store, what it computes shared (charts are
    drawn in a second or so: only for a format that shows them); an unknown vintage is 404,
    a conflict of options 400 with the rule as its code."""
    def memo(key: tuple, compute):
        # a vintage never changes: any generation's entry will do, the key names the vintage
        return portal.shared.get(0, key, compute) if key[0] == "vintage" else _shared(portal, key, compute)

    try:
        return produce(req, lambda: nullcontext(portal.store), memo)
    except UnknownVintage as e:
        raise Refused(404, "unknown-vintage", str(e)) from e
    except VintagePeriod as e:
        raise Refused(400, e.rule, f"第 {e.vintage_id} 号数据版本是{e.own.words()}（{e.own.short()}）的数据月报，"
                                   f"与参数 period 的{e.asked.words()}（{e.asked.short()}）不符；"
                                   "带 vintage 时可以不写 period") from e
    except OptionError as e:
        if e.rule == "vintage-settings":
            raise Refused(400, e.rule, "数据版本按发布时的地区名称和简称原样重现，"
                                       "带 vintage 时不能再指定 region 或 short") from e
        raise Refused(400, e.rule, str(e)) from e


COUNTRY_FIGURE = re.compile(r"^exec_country_([A-Z]{2})$")     # a partner table's row


def explanation(portal, period: Period, figure: str, top: int = 10) -> Explanation:
    """指标溯源 of one figure (the basis of the default report settings, as ``shumao
    explain`` without options) — or of one partner's offshore executions
    (``exec_country_JP``, a row of the partner table); an unknown figure is refused with
    404, naming it."""
    basis = ReportSettings().basis
    if (m := COUNTRY_FIGURE.match(figure)) and m.group(1) in countries():
        basis = replace(basis, countries=(m.group(1),))
    try:
        return _shared(portal, ("explain", str(period), figure, top),
                       lambda: explain_figure(portal.store, period, figure, basis, top))
    except UnknownFigure as e:
        raise Refused(404, "unknown-figure", str(e)) from e


def drills(doc: ReportDoc) -> dict[str, list[str | None]]:
    """Per table of the 数据月报, the 指标溯源 page each row opens: a figure's row that figure,
    a month that month's 接包合同执行额, a partner its offshore executions; None where a row
    is no figure."""
    p = doc.period

    def href(fid: str, period: Period) -> str:
        return f"/explain/{fid}?{urlencode({'period': period.short()})}"

    out: dict[str, list[str | None]] = {}
    for t in doc.tables:
        if t.figures:
            out[t.id] = [href(str(fid), p) for fid in t.figures]
        elif t.id == "monthly":
            out[t.id] = [href("exec_total", Period(p.year, m, m)) for m in range(1, len(t.rows) + 1)]
        elif t.id == "partners":
            out[t.id] = [href(f"exec_country_{x.country}", p) for x in doc.ind.partners[:len(t.rows)]]
        else:
            out[t.id] = [None] * len(t.rows)
    return out


def settings(portal, region: str | None, short: str | None) -> ReportSettings:
    """The report settings of a query: region / short as given, else the association's
    (管理 › 机构设置), else the report's defaults."""
    for value, words in ((region, "地区名称（region）"), (short, "简称（short）")):
        if value is not None and len(value.strip()) > MAX_NAME:
            raise Refused(400, "bad-setting", f"{words}不能超过 {MAX_NAME} 个字")
    org = portal.store.organisation.get()
    return ReportSettings.from_options(region=(region or "").strip() or org.region or None,
                                       short=(short or "").strip() or org.short or None)


def period_of(text: str | None) -> Period:
    """A period the API was given: missing → 422, outside the grammar → 400 (in Chinese)."""
    if text is None or not text.strip():
        raise Refused(422, "missing-period", f"请用参数 period 指明时期，写法：{CODES}，或 {GRAMMAR}")
    try:
        return Period.parse(text)
    except PeriodError as e:
        raise Refused(400, "bad-period", str(e)) from e


# -- vintages ----------------------------------------------------------------------------------
def known(request: Request, vid: str) -> Vintage:
    """A vintage's row; an unknown id is the 404 of its route (404 ``unknown-vintage`` on
    the API)."""
    try:
        return vintages.vintage(deps.store(request), vid)
    except UnknownVintage as e:
        raise Refused(404, "unknown-vintage", str(e)) from e


# -- the period a page shows, and the quick choices -----------------------------------------

NO_DATA = "还没有审核通过的合同或执行记录：导入数据，或审核通过企业的填报后，这里显示数据月报的数字。"


def months(portal) -> list[Period]:
    """The months with approved data, oldest first (``records.approved_months``), shared
    like the figures: what a page opens on, and what it names when a period is empty."""
    return _shared(portal, ("months",), lambda: [
        Period(d.year, d.month, d.month) for d in portal.store.records.approved_months()])


def spans(held: list[Period]) -> str:
    """Months in words, consecutive ones as one span: 2021年1月—2023年6月、2024年3月."""
    runs: list[list[Period]] = []
    for m in held:
        if runs and _next(runs[-1][-1]) == m:
            runs[-1].append(m)
        else:
            runs.append([m])
    return "、".join(r[0].words() if len(r) == 1 else f"{r[0].words()}—{r[-1].words()}" for r in runs)


def _next(m: Period) -> Period:
    return Period(m.year + 1, 1, 1) if m.last == 12 else Period(m.year, m.last + 1, m.last + 1)


def empty(p: Period, held: list[Period]) -> str:
    """The neutral notice of a period without approved data, naming the months with data."""
    return f"{p.words()}还没有审核通过的合同或执行数据。有数据的月份：{spans(held)}。"


@dataclass
class Shown:
    """What a page (仪表盘, 数据月报) shows for the period it was asked: the period and its
    report, or in their place a Chinese message and status (``error``: the period cannot be
    read) or a neutral notice (``notice``: no approved data in it)."""

    period: Period | None = None
    doc: ReportDoc | None = None
    error: str | None = None
    notice: str | None = None
    status: int = 200


def shown(portal, asked: str | None, settings_: ReportSettings) -> Shown:
    """The report of the period a page asks for (by default the latest month with approved
    data); a period outside the grammar is 400; a store or period without approved data is
    a notice naming the months that have some — known from the shared list of months, so
    an empty period costs no computation."""
    held = months(portal)
    try:
        p = Period.parse(asked) if asked and asked.strip() else latest_month(held)
    except PeriodError as e:
        return Shown(error=str(e), status=400)
    if p is None:
        return Shown(notice=NO_DATA)
    if not any(p.first <= m.first <= p.last and m.year == p.year for m in held):
        return Shown(p, notice=empty(p, held) if held else NO_DATA)
    try:
        return Shown(p, report(portal, p, settings_))
    except NoData:                      # approved between the list of months and the report
        return Shown(p, notice=empty(p, held))


@dataclass(frozen=True)
class Choice:
    label: str
    period: Period

    @property
    def words(self) -> str:
        return self.period.words()


def latest_month(held: list[Period]) -> Period | None:
    """The latest month with approved data (a pending filing of today does not move it)."""
    return held[-1] if held else None


def choices(held: list[Period]) -> list[Choice]:
    """Quick choices from the months with approved data: the latest month, its quarter,
    the year to date and the previous year."""
    m = latest_month(held)
    if m is None:
        return []
    q = (m.last - 1) // 3
    made = [Choice("最近一个月", m), Choice("本季度", Period(m.year, 3 * q + 1, 3 * q + 3)),
            Choice("今年以来", Period(m.year, 1, m.last)), Choice("上年全年", Period(m.year - 1, 1, 12))]
    out: list[Choice] = []
    for c in made:                    # in January, the year to date is the month
        if all(c.period != o.period for o in out):
            out.append(c)
    return out


def warm(portal, calm: Callable[[float], bool] = lambda seconds: True, later: float = 0) -> bool:
    """What the staff pages open on, computed into the shared cache at the store's newest
    generation, exactly as a page computes it (the same calls, so the same keys): the months
    with approved data and the latest month (where 仪表盘 and 数据月报 open) first, then —
    after ``later`` seconds without a change — the periods of the quick choices and the newest
    published period; for each the report with the association's settings and the records
    waiting for a rate.  ``calm(seconds)`` is asked between steps (web/refresh.py): False
    stops (False returned), a newer change having made this run moot."""
    s = settings(portal, None, None)
    held = months(portal)
    periods = [c.period for c in choices(held)]           # the latest month first
    periods += [Period.parse(v["period"]) for v in portal.store.vintages.all()[:1]]
    for i, p in enumerate(dict.fromkeys(periods)):
        if not calm(later if i == 1 else 0):
            return False
        page = shown(portal, p.short(), s)
        if page.period is not None:
            pending(portal, page.period)
    return calm(0)
