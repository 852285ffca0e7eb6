"""The figures the portal shows (仪表盘, 指标溯源, 数据月报): the period a page asks for (by
default the latest complete month with data), the report settings a query may change
(region, short), and the 数据月报 and explanations computed once per key and store
generation in ``portal.shared`` — fifty people asking for the same period share one
computation, and an import or a status change is seen at the next request (web/cache.py).

Every figure comes from the library's services (``report.request.produce``, ``explain_figure``);
nothing here computes a number.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from shumao.errors import NoData, PeriodError, UnknownFigure, UnknownVintage
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
GRAMMAR = "2024-03（月）、2024Q2（季度）、2024H1（半年）、2024（全年）、2024-01..2024-09（几个月）"


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


def explanation(portal, period: Period, figure: str, top: int = 10) -> Explanation:
    """指标溯源 of one figure (the basis of the default report settings, as ``shumao
    explain`` without options); an unknown figure is refused with 404, naming it."""
    basis = ReportSettings().basis
    try:
        return _shared(portal, ("explain", str(period), figure, top),
                       lambda: explain_figure(portal.store, period, figure, basis, top))
    except UnknownFigure as e:
        raise Refused(404, "unknown-figure", str(e)) from e


def settings(region: str | None, short: str | None) -> ReportSettings:
    """The report settings of a query: the defaults unless region / short are given."""
    for value, words in ((region, "地区名称（region）"), (short, "简称（short）")):
        if value is not None and len(value.strip()) > MAX_NAME:
            raise Refused(400, "bad-setting", f"{words}不能超过 {MAX_NAME} 个字")
    return ReportSettings.from_options(region=(region or "").strip() or None,
                                       short=(short or "").strip() or None)


def period_of(text: str | None) -> Period:
    """A period the API was given: missing → 422, outside the grammar → 400 (in Chinese)."""
    if text is None or not text.strip():
        raise Refused(422, "missing-period", f"请用参数 period 指明时期，写法：{GRAMMAR}")
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

NO_DATA = "数据库中还没有合同或执行记录，请先导入数据。"


@dataclass
class Shown:
    """What a page (仪表盘, 数据月报) shows for the period it was asked: the period and its
    report, or the Chinese message and status that stand in their place."""

    period: Period | None = None
    doc: ReportDoc | None = None
    error: str | None = None
    status: int = 200


def shown(portal, asked: str | None, settings_: ReportSettings, s: Summary) -> Shown:
    """The report of the period a page asks for (the latest complete month by default);
    a period outside the grammar is 400, a store or period without data 422."""
    try:
        p = Period.parse(asked) if asked and asked.strip() else latest_month(s)
    except PeriodError as e:
        return Shown(error=str(e), status=400)
    if p is None:
        return Shown(error=NO_DATA)
    try:
        return Shown(p, report(portal, p, settings_))
    except NoData as e:
        return Shown(p, error=str(e), status=e.http_status)


@dataclass(frozen=True)
class Choice:
    label: str
    period: Period

    @property
    def words(self) -> str:
        return self.period.words()


def last_day(s: Summary) -> dt.date | None:
    """The last date with any record (signing or execution) in ``store.records.summary()``."""
    days = [dt.date.fromisoformat(d) for d in (s["signed_on"][1], s["executed_on"][1]) if d]
    return max(days) if days else None


def latest_month(s: Summary) -> Period | None:
    """The latest complete month with data: the month of the last record if that record is
    on the month's last day, else the month before (filings for a month arrive until the
    10th of the next; web.md) — unless that month has no data at all."""
    last = last_day(s)
    if last is None:
        return None
    month = Period(last.year, last.month, last.month)
    if last == month.end:
        return month
    before = month.start - dt.timedelta(days=1)
    first = min(dt.date.fromisoformat(d) for d in (s["signed_on"][0], s["executed_on"][0]) if d)
    return Period(before.year, before.month, before.month) if before >= first else month


def choices(s: Summary) -> list[Choice]:
    """Quick choices from the store's date range: the latest complete month, its quarter,
    the year to date and the previous year."""
    m = latest_month(s)
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
