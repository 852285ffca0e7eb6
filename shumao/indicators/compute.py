"""The 数据月报's figures for a period and the same months a year earlier, from any Ibis
backend holding the store's tables.

One expression stacks the approved contracts (by signing date) and approved executions (by
execution date, with their contract's country, category and enterprise) of both periods;
one aggregate over it computes every figure's current and previous value, records and
enterprises; one more gives the partner ranking.  Growth and shares are then computed from
the exact integer cents (report.md: from unrounded values).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from decimal import Decimal

import ibis
from ibis import _

from shumao.errors import UnknownFigure
from shumao.indicators.catalog import Indicator, catalog, describe
from shumao.indicators.source import RecordSource
from shumao.model.codes import Group, builtin_group
from shumao.model.money import growth, percent
from shumao.model.periods import Period

ONSHORE = "CN"


@dataclass(frozen=True)
class Basis:
    """What a figure counts (report.md): the Belt and Road list (by the period's end year
    unless chosen), a user's own Belt and Road file, further country groups, and whether
    港澳台商投资 enterprises are reported apart."""

    bri: str | None = None            # "route65" | "partners" | None: by the period's end
    bri_group: Group | None = None
    groups: tuple[Group, ...] = ()
    hmt_separate: bool = False
    countries: tuple[str, ...] = ()   # single partners counted apart (exec_country_<ISO2>: 指标溯源)

    def bri_basis(self, period: Period) -> str:
        if self.bri:
            return self.bri
        return "route65" if period.year <= 2023 else "partners"  # report.md: default basis


@dataclass(frozen=True)
class Figure:
    id: str
    name: str
    current: int                      # US cents
    previous: int | None
    records: int                      # contracts or executions behind the current value
    enterprises: int
    top_enterprise_share: Decimal | None = None
    share: Decimal | None = None      # of its parent total, unrounded %

    @property
    def growth(self) -> Decimal | None:
        return growth(self.current, self.previous)


@dataclass
class Partner:
    country: str
    current: int
    previous: int | None              # None: no records a year before (as a Figure's)

    @property
    def growth(self) -> Decimal | None:
        return growth(self.current, self.previous)


@dataclass
class Indicators:
    period: Period
    basis: Basis
    figures: dict[str, Figure]
    partners: list[Partner]
    bri_basis: str
    groups: dict[str, list[str]] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Figure:
        return self.figures[key]

    @property
    def has_data(self) -> bool:
        return bool(self.figures["signed_total"].current or self.figures["exec_total"].current
                    or self.figures["signed_total"].records or self.figures["exec_total"].records)


def predicate(t, ind: Indicator, groups: dict[str, list[str]]):
    """The catalogue's filter of one figure as an Ibis predicate over the stacked table."""
    cond = t.measure == ind.measure
    if ind.offshore is not None:
        cond &= (t.client_country != ONSHORE) if ind.offshore else (t.client_country == ONSHORE)
    if ind.natures:
        cond &= t.nature.isin(list(ind.natures))
    if ind.category:
        cond &= t.category == ind.category
    if ind.group:
        cond &= t.client_country.isin(groups[ind.group])
    return cond


def stacked(con: RecordSource, period: Period, detail: bool = False):
    """Approved contracts and executions of the period (p='cur') and of the same months a
    year earlier (p='prev'), with country, category and enterprise; with ``detail``, each
    record's id and date too (the records behind a figure)."""
    prev = period.previous_year()
    contracts = con.table("contracts").filter(_.status == "approved")

    def which(date):
        return ibis.cases((date.between(period.start, period.end), "cur"),
                          (date.between(prev.start, prev.end), "prev"), else_=ibis.null("string"))

    signed = contracts.select(
        measure=ibis.literal("signed"), p=which(_.signed_on), month=_.signed_on.month(),
        client_country=_.client_country, category=_.category, enterprise_id=_.enterprise_id,
        amount=_.amount_cents, **({"record_id": _.contract_id, "day": _.signed_on} if detail else {}))
    ex = con.table("executions").filter(_.status == "approved")
    executed = ex.join(contracts, "contract_id").select(
        measure=ibis.literal("exec"), p=which(_.executed_on), month=_.executed_on.month(),
        client_country=_.client_country, category=_.category, enterprise_id=_.enterprise_id,
        amount=_.amount_cents, **({"record_id": _.execution_id, "day": _.executed_on} if detail else {}))
    # the join makes columns nullable on one side only: align the schemas for the union
    return signed.union(executed.cast(signed.schema())).filter(_.p.notnull())


def with_nature(con: RecordSource, t):
    return t.join(con.table("enterprises").select("enterprise_id", "nature"), "enterprise_id")


def _groups(period: Period, basis: Basis) -> tuple[str, dict[str, list[str]]]:
    which = basis.bri_basis(period)
    bri = basis.bri_group or builtin_group("bri_route65" if which == "route65" else "bri_partners")
    on = period.end  # report.md: the membership for P, applied to both P and P−1y
    groups = {"bri": bri.members_on(on),
              "rcep": [c for c in builtin_group("rcep").members_on(on) if c != ONSHORE]}
    for g in basis.groups:
        groups[f"group:{g.name}"] = g.members_on(on)
    for cc in basis.countries:
        groups[f"country:{cc}"] = [cc]
    return which, groups


def figures_of(basis: Basis, period: Period) -> dict[str, Indicator]:
    return catalog(basis.hmt_separate, tuple(g.name for g in basis.groups), basis.bri_basis(period),
                   basis.countries)


def cube(con: RecordSource, period: Period):
    """The stacked records summed once by every dimension a figure filters on, enterprise
    included, with the enterprise's nature joined on afterwards, and kept on the backend:
    every figure, the disclosure check and the partner ranking are read from this small
    table instead of scanning the records again."""
    t = stacked(con, period)
    by = t.group_by(["measure", "p", "client_country", "category", "enterprise_id"]).aggregate(
        amount=t.amount.sum(), records=t.count())
    return with_nature(con, by).cache()


def compute(con: RecordSource, period: Period, basis: Basis = Basis()) -> Indicators:
    """Every figure of report.md for ``period`` from the records ``con`` holds."""
    which, groups = _groups(period, basis)
    defs = figures_of(basis, period)
    c = cube(con, period)
    try:
        # per enterprise, each figure's current and previous amount and records; then the
        # figure is their sum, its enterprises those with records, and the disclosure check
        # its largest single enterprise (one query)
        cols = {}
        for fid, d in defs.items():
            for p in ("cur", "prev"):
                cond = predicate(c, d, groups) & (c.p == p)
                cols[f"{fid}__{p}"] = c.amount.sum(where=cond)
                cols[f"{fid}__{p}_n"] = c.records.sum(where=cond)
        e = c.group_by("enterprise_id").aggregate(**cols)
        aggs = {}
        for fid in defs:
            for p in ("cur", "prev"):
                aggs[f"{fid}__{p}"] = e[f"{fid}__{p}"].sum()
                aggs[f"{fid}__{p}_n"] = e[f"{fid}__{p}_n"].sum()
            aggs[f"{fid}__ent"] = e.count(where=e[f"{fid}__cur_n"] > 0)
            aggs[f"{fid}__max"] = e[f"{fid}__cur"].max()
        row = e.aggregate(**aggs).execute().to_dict("records")[0]
        partners = _partners(c)
    finally:
        c.release()
    figures: dict[str, Figure] = {}
    for fid, d in defs.items():
        cur = _int(row[f"{fid}__cur"])
        prev = _int(row[f"{fid}__prev"]) if _int(row[f"{fid}__prev_n"]) else None
        figures[fid] = Figure(fid, d.name, cur, prev, _int(row[f"{fid}__cur_n"]),
                              _int(row[f"{fid}__ent"]), percent(_int(row[f"{fid}__max"]), cur))
    for fid, d in defs.items():
        if d.parent:
            figures[fid] = replace(figures[fid], share=percent(figures[fid].current,
                                                               figures[d.parent].current))
    return Indicators(period, basis, figures, partners, which, groups)


@dataclass(frozen=True)
class Contributor:
    enterprise_id: str
    name: str
    current: int
    records: int


@dataclass(frozen=True)
class Record:
    """One contract (by its signing date) or execution behind a figure."""

    kind: str                         # "contract" | "execution"
    record_id: str
    day: dt.date
    enterprise_id: str
    name: str
    client_country: str
    category: str
    amount: int                       # US cents


def _behind(con: RecordSource, period: Period, fid: str, basis: Basis, detail: bool = False):
    """The current period's records a figure sums, and its definition and groups."""
    _, groups = _groups(period, basis)
    defs = figures_of(basis, period)
    if fid not in defs:
        raise UnknownFigure(f"没有指标“{fid}”；可用的指标：{'、'.join(defs)}")
    t = with_nature(con, stacked(con, period, detail))
    return t.filter(predicate(t, defs[fid], groups) & (t.p == "cur")), defs[fid], groups


def current(con: RecordSource, period: Period, fid: str, basis: Basis = Basis()) -> int:
    """One figure's current value (cents) alone — the records and filter ``compute`` sums
    for it, in one query: for a check that needs only that figure (indicators.digital)."""
    mine, _, _ = _behind(con, period, fid, basis)
    return _int(mine.amount.sum().to_pyarrow().as_py())


def explain(con: RecordSource, period: Period, fid: str, basis: Basis = Basis(),
            limit: int = 10) -> tuple[str, list[Contributor]]:
    """The filter of one figure in words and its largest contributing enterprises."""
    mine, d, groups = _behind(con, period, fid, basis)
    top = (mine.group_by("enterprise_id").aggregate(current=mine.amount.sum(), records=mine.count())
           .join(con.table("enterprises").select("enterprise_id", "name"), "enterprise_id")
           .order_by([ibis.desc("current"), "enterprise_id"]).limit(limit))
    rows = top.execute().to_dict("records")
    members = len(groups[d.group]) if d.group and not d.group.startswith("country:") else None
    return describe(d, period.start, period.end, members), [
        Contributor(r["enterprise_id"], r["name"], _int(r["current"]), _int(r["records"])) for r in rows]


def largest(con: RecordSource, period: Period, fid: str, basis: Basis = Basis(), limit: int = 10) -> list[Record]:
    """The ``limit`` largest records behind one figure in the period, largest first (ties
    by record id)."""
    mine, d, _ = _behind(con, period, fid, basis, detail=True)
    top = (mine.join(con.table("enterprises").select("enterprise_id", "name"), "enterprise_id")
           .order_by([ibis.desc("amount"), "record_id"]).limit(limit))
    kind = "contract" if d.measure == "signed" else "execution"
    return [Record(kind, r["record_id"], _day(r["day"]), r["enterprise_id"], r["name"],
                   r["client_country"], r["category"], _int(r["amount"]))
            for r in top.execute().to_dict("records")]


def _day(v) -> dt.date:
    """A date as the backend returns it (a pandas Timestamp or a date)."""
    return v.date() if isinstance(v, dt.datetime) else v


def monthly(con: RecordSource, period: Period) -> list[tuple[int, int, int]]:
    """Approved executions by month, January to the period's last month, for the period's
    year and the year before: [(month, this year, last year)] in cents."""
    year_to_date = Period(period.year, 1, period.last)
    t = stacked(con, year_to_date).filter(_.measure == "exec")
    by = t.group_by("month").aggregate(cur=t.amount.sum(where=t.p == "cur"),
                                       prev=t.amount.sum(where=t.p == "prev"))
    got = {r["month"]: (_int(r["cur"]), _int(r["prev"])) for r in by.execute().to_dict("records")}
    return [(m, *got.get(m, (0, 0))) for m in range(1, period.last + 1)]


def _partners(t) -> list[Partner]:
    """Offshore executions by client country, descending, ties by country code."""
    off = t.filter((t.measure == "exec") & (t.client_country != ONSHORE))
    ranked = off.group_by("client_country").aggregate(
        cur=off.amount.sum(where=off.p == "cur"), prev=off.amount.sum(where=off.p == "prev"))
    ranked = ranked.filter(ranked.cur > 0).order_by([ibis.desc("cur"), "client_country"])
    return [Partner(r["client_country"], _int(r["cur"]), None if _none(r["prev"]) else _int(r["prev"]))
            for r in ranked.execute().to_dict("records")]


def _none(v) -> bool:
    """A sum over no rows, as the backend returns it: NULL or NaN."""
    return v is None or (isinstance(v, float) and math.isnan(v))


def _int(v) -> int:
    """A sum as the backend returns it: NULL or NaN (no rows) is 0."""
    return 0 if _none(v) else int(v)
