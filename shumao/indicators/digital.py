"""Digital trade's figures (spec/digital-trade.md §7) for a period and the same months a
year earlier, from any Ibis backend holding the store's tables (DuckDB, PostgreSQL).

Two Ibis aggregates read the records: the approved offshore executions of approved
contracts grouped by every attribute the blocks need (remote share, ordering, sub-category,
partner, enterprise, platform role), and the customs e-commerce rows grouped alike.  The
small groups are then classified into disjoint atoms in exact integers (model.digital),
the identities are checked, and the catalogue's indicators (``DIGITAL`` in catalog.py) are
read off the atoms.  Like for like (spec §7.5): the previous year uses the same crosswalk
version, deliverable set and settings, and each contract's delivery fields (9A.10).

The optional inputs enter only by setting or where the catalogue names them: the services
direct reports feed the services blocks in place of the outsourcing executions
(``services_source = direct_reports``), the enterprise survey gives imputed remote shares
(``impute_delivery = survey``), customs' full-scope totals the goods (``goods_basis =
full``), and the benchmarks (``totals``) only the share of total goods trade.  An order of
unknown channel is not digitally ordered, or cells of its own (``ordered_unknown``, the
setting SHUMAO_DIGITAL_ORDERED_UNKNOWN); enterprise size (SHUMAO_DIGITAL_BY_SIZE) only adds
the slice T7.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import ibis
from ibis import _

from shumao import settings
from shumao.indicators.catalog import DIGITAL
from shumao.indicators.compute import ONSHORE, Indicators, current
from shumao.indicators.source import RecordSource
from shumao.model import digital as dm
from shumao.model import digital_codes
from shumao.model.digital_codes import DEFAULT_SHARE, crosswalk, ecommerce_regimes, regimes
from shumao.model.money import growth, percent
from shumao.model.periods import Period

COVERAGE_MIN = 50                 # % of offshore executions with a known delivery (spec §8.1)


@dataclass(frozen=True)
class DigitalSettings:
    """The settings of spec §8.4 that change figures (each goes into METHOD); a vintage
    keeps them (``to_json``) with the figures."""

    deliverable_set: str = "MOFCOM6"
    impute_delivery: str = "off"          # off | survey (spec.: estimates, status E)
    # the version in force when the figures are computed (a vintage keeps its own)
    crosswalk: str = field(default_factory=lambda: digital_codes.CROSSWALK)
    # what feeds the services blocks (spec §6.1.4): the outsourcing executions, or the
    # bureau's services-trade direct reports (never both, never added together)
    services_source: str = "outsourcing"
    # goods (spec §7.4.6): the e-commerce regimes, or customs' full-scope total where given,
    # its residual over the regimes as CUSTOMS_REGIME OTH_FULL
    goods_basis: str = "regime"
    # an order of unknown channel (spec §7.2): not digitally ordered (NDO, ORD-UNK=NDO), or
    # cells of its own (separate); the setting SHUMAO_DIGITAL_ORDERED_UNKNOWN
    ordered_unknown: str = field(default_factory=lambda: settings.get(
        "SHUMAO_DIGITAL_ORDERED_UNKNOWN"))
    # the slice T7, ENTERPRISE_SIZE × NATURE (spec §8.3, speculative): the setting
    # SHUMAO_DIGITAL_BY_SIZE; it adds figures, it changes none
    by_size: bool = field(default_factory=lambda: settings.get("SHUMAO_DIGITAL_BY_SIZE") == "yes")

    SERVICES_SOURCES = ("outsourcing", "direct_reports")
    GOODS_BASES = ("regime", "full")
    ORDERED_UNKNOWN = dm.ORDERED_UNKNOWN

    @property
    def direct(self) -> bool:
        return self.services_source == "direct_reports"

    @property
    def separate(self) -> bool:
        """An unknown ordering is a cell of its own (``ordered_unknown = separate``)."""
        return self.ordered_unknown == "separate"

    def method(self) -> str:
        return (f"{self.crosswalk};ORD-UNK={'SEP' if self.separate else 'NDO'};"
                f"IMPUTE={self.impute_delivery.upper()};SET={self.deliverable_set}"
                + (";SVC=DIRECT" if self.direct else "")
                + (";GOODS=FULL" if self.goods_basis == "full" else ""))

    def to_json(self) -> dict[str, str]:
        """The settings a vintage keeps (``by_size`` only when on: a vintage frozen without
        it reproduces as it was)."""
        return {"crosswalk": self.crosswalk, "deliverable_set": self.deliverable_set,
                "impute_delivery": self.impute_delivery, "ordered_unknown": self.ordered_unknown,
                "services_source": self.services_source, "goods_basis": self.goods_basis,
                **({"by_size": "yes"} if self.by_size else {})}

    @classmethod
    def from_json(cls, d: dict) -> DigitalSettings:
        """``to_json``'s settings back (whatever the environment's settings now say); a
        ValueError for settings this version cannot compute with (an unknown
        ``ordered_unknown``, set or imputation)."""
        if (d["ordered_unknown"] not in cls.ORDERED_UNKNOWN
                or d.get("by_size", "no") not in ("yes", "no")
                or d["deliverable_set"] not in digital_codes.DELIVERABLE_SETS
                or d["impute_delivery"] not in ("off", "survey")
                or d.get("services_source", "outsourcing") not in cls.SERVICES_SOURCES
                or d.get("goods_basis", "regime") not in cls.GOODS_BASES
                or not isinstance(d["crosswalk"], str)):
            raise ValueError(d)
        # a vintage frozen before services_source existed was computed from outsourcing
        return cls(d["deliverable_set"], d["impute_delivery"], d["crosswalk"],
                   d.get("services_source", "outsourcing"), d.get("goods_basis", "regime"),
                   d["ordered_unknown"], d.get("by_size") == "yes")


def _which(period: Period, date):
    prev = period.previous_year()
    return ibis.cases((date.between(period.start, period.end), "cur"),
                      (date.between(prev.start, prev.end), "prev"), else_=ibis.null("string"))


def service_groups(con: RecordSource, period: Period, by_record: bool = False):
    """Approved executions of approved offshore contracts in P and P−1y, summed by what
    classification reads (one query); ``by_record``: one row per execution (the drill-down)."""
    c = con.table("contracts").filter((_.status == "approved") & (_.client_country != ONSHORE))
    x = con.table("executions").filter(_.status == "approved")
    e = con.table("enterprises").select("enterprise_id", "nature", size="size_class")
    pl = con.table("platforms").select("platform_id", "role")
    t = x.join(c, "contract_id").select(
        p=_which(period, x.executed_on), amount=x.amount_cents, share=c.remote_share,
        ordered=c.ordered_online, category=c.category, subcategory=c.subcategory,
        partner=c.client_country, enterprise_id=c.enterprise_id, platform_id=c.platform_id,
        record=x.execution_id)
    t = t.filter(t.p.notnull())
    t = t.left_join(e, "enterprise_id").select(t, nature=e.nature, size=e.size)
    t = t.left_join(pl, "platform_id").select(t, role=pl.role)
    keys = ["p", "share", "ordered", "category", "subcategory", "partner", "enterprise_id",
            "nature", "size", "platform_id", "role", *(["record"] if by_record else [])]
    return t.group_by(keys).aggregate(amount=t.amount.sum()).to_pyarrow().to_pylist()


def goods_groups(con: RecordSource, period: Period, by_record: bool = False):
    """Customs e-commerce rows of P and P−1y in e-commerce regimes (regime basis), summed by
    what the blocks and the disclosure read (a row's enterprise, when customs named one, with
    its nature and size class from the register); full-scope totals by month and flow apart;
    ``by_record``: one row per customs line (the drill-down)."""
    g = con.table("ecommerce")
    pl = con.table("platforms").select("platform_id", "role")
    t = g.select(p=_which(period, g.month), month=g.month, basis=g.basis, regime=g.regime,
                 flow=g.flow, partner=g.partner, hs=g.hs_chapter, enterprise_id=g.enterprise_id,
                 enterprises=g.enterprises, public=g.public, platform_id=g.platform_id,
                 amount=g.amount_cents, record=g.line_id)
    t = t.filter(t.p.notnull())
    e = con.table("enterprises").select("enterprise_id", "nature", size="size_class")
    t = t.left_join(e, "enterprise_id").select(t, nature=e.nature, size=e.size)
    t = t.left_join(pl, "platform_id").select(t, role=pl.role)
    keys = ["p", "month", "basis", "regime", "flow", "partner", "hs", "enterprise_id",
            "nature", "size", "public", "platform_id", "role", *(["record"] if by_record else [])]
    return t.group_by(keys).aggregate(amount=t.amount.sum(),
                                      enterprises=t.enterprises.sum()).to_pyarrow().to_pylist()


def direct_groups(con: RecordSource, period: Period, by_record: bool = False):
    """Services-trade direct reports (spec §6.1.4) of P and P−1y, summed by what
    classification reads (one query); ``by_record``: one row per report (the drill-down)."""
    r = con.table("services")
    e = con.table("enterprises").select("enterprise_id", "nature", size="size_class")
    t = r.select(p=_which(period, r.month), flow=r.flow, partner=r.partner, ebops=r.ebops,
                 enterprise_id=r.enterprise_id, share=r.remote_share,
                 ordered_share=r.ordered_online_share, amount=r.amount_cents,
                 record=r.record_id)
    t = t.filter(t.p.notnull())
    t = t.left_join(e, "enterprise_id").select(t, nature=e.nature, size=e.size)
    keys = ["p", "flow", "partner", "ebops", "enterprise_id", "share", "ordered_share", "nature",
            "size", *(["record"] if by_record else [])]
    return t.group_by(keys).aggregate(amount=t.amount.sum()).to_pyarrow().to_pylist()


Survey = dict[str, dict[int, dict[str, int]]]      # enterprise → year → sub-category → %


def survey_shares(con: RecordSource, period: Period) -> Survey:
    """The enterprise survey's remote shares by sub-category (spec §6.1.5, §7.3), of the
    years up to the period's."""
    import json

    t = con.table("dt_survey")
    t = t.filter(t.remote_pct.notnull() & (t.year <= period.end.year))
    out: Survey = {}
    for r in t.select("enterprise_id", "year", "remote_pct").to_pyarrow().to_pylist():
        out.setdefault(r["enterprise_id"], {})[int(r["year"])] = json.loads(r["remote_pct"])
    return out


def surveyed(survey: Survey, enterprise: str, subcategory: str | None, year: int) -> int | None:
    """The enterprise's own answer for that sub-category: from its survey of ``year``, else
    its latest earlier survey that answered it [A: an annual survey lags the year it
    reports]; None without one."""
    for y in sorted((y for y in survey.get(enterprise, {}) if y <= year), reverse=True):
        if subcategory in survey[enterprise][y]:
            return int(survey[enterprise][y][subcategory])
    return None


def _dip(role, platform_id) -> bool | None:
    return None if platform_id is None else role in dm.DIP_ROLES


def accounts(services: list[dict], goods: list[dict], p: str,
             s: DigitalSettings, direct: Sequence[dict] = (), survey: Survey | None = None,
             year: int = 0) -> dm.Accounts:
    """One period's (``p``: cur or prev, of calendar ``year``) atoms.  With
    ``impute_delivery = survey`` an unknown delivery takes the enterprise's surveyed remote
    share for the sub-category, else the sub-category's default (spec §7.3): an estimate."""
    cw = crosswalk(s.crosswalk)
    ecom = set(ecommerce_regimes())
    svc = []
    for r in services:
        if r["p"] != p or s.direct:
            continue
        share, estimated = r["share"], False
        if share is None and s.impute_delivery == "survey":     # spec §7.3 (spec.)
            share = surveyed(survey or {}, r["enterprise_id"], r["subcategory"], year)
            default = cw.delivery_default.get(r["subcategory"] or "")
            if share is None and default in DEFAULT_SHARE:
                share = DEFAULT_SHARE[default]
            estimated = share is not None
        svc.append(dm.Service(int(r["amount"]), share, r["ordered"], r["category"],
                              r["subcategory"], r["partner"], r["nature"] or "_U",
                              r["enterprise_id"], _dip(r["role"], r["platform_id"]), estimated,
                              r.get("record"), r.get("size") or "_U"))
    gds = [dm.Goods(int(r["amount"]), r["flow"], r["regime"], r["partner"], r["hs"],
                    r["enterprise_id"], r["enterprises"], bool(r["public"]),
                    _dip(r["role"], r["platform_id"]), r.get("record"))
           for r in goods if r["p"] == p and r["basis"] == "regime" and r["regime"] in ecom]
    if s.goods_basis == "full":
        gds += full_scope_residuals(goods, p)
    drs = [dm.Direct(int(r["amount"]), r["flow"], r["ebops"], r["share"], r["ordered_share"],
                     r["partner"] or "_U", r["nature"] or "_U", r["enterprise_id"],
                     r.get("record"), r.get("size") or "_U")
           for r in direct if r["p"] == p] if s.direct else []
    acc = dm.classify(svc, gds, cw, s.deliverable_set, drs, s.ordered_unknown)
    rows = [*services, *direct, *goods]
    control = {r["enterprise_id"]: r["nature"] or "_U" for r in rows if r.get("nature")}
    size = {r["enterprise_id"]: r["size"] for r in rows if r.get("size")}
    return dm.with_control(acc, control, size)


@dataclass
class DigitalFigure:
    id: str
    name: str
    unit: str                     # cents | pct
    status: str                   # A | E
    current: int | Decimal | None
    previous: int | Decimal | None
    sources: tuple[str, ...]

    @property
    def growth(self) -> Decimal | None:
        if self.unit != "cents" or self.current is None:
            return None
        return growth(int(self.current), None if self.previous is None else int(self.previous))


@dataclass
class Digital:
    period: Period
    settings: DigitalSettings
    cur: dm.Accounts
    prev: dm.Accounts
    figures: dict[str, DigitalFigure]
    checks: list[dict]
    has_customs: bool
    has_services: bool
    full_scope_below: list[str]

    def __getitem__(self, key: str) -> DigitalFigure:
        return self.figures[key]

    def cents(self, key: str) -> int:
        """An amount figure's current value in cents."""
        return int(self.figures[key].current or 0)

    def share(self, key: str) -> Decimal | None:
        """A share figure's current value, unrounded %."""
        v = self.figures[key].current
        return None if v is None else Decimal(v)

    @property
    def has_digital_inputs(self) -> bool:
        """The period has digital-trade data: customs e-commerce rows, or offshore executions
        whose contracts say how they were delivered or that they were ordered online (a city
        that imported none has outsourcing records only, and no 【数字贸易】 in its bulletin)."""
        return (self.has_customs or self.cur.known_delivery > 0
                or self.cur.block("X", "U1", "S") > 0)

    @property
    def coverage(self) -> Decimal | None:
        return percent(self.cur.known_delivery, self.cur.exec_offshore)

    def partners(self, flow: str = "X", n: int | None = 3) -> list[tuple[str, int, int | None]]:
        """DT by partner (cents), largest first, ties by code; with the previous year's."""
        def by(acc):
            return acc.by(lambda a: a.partner, lambda a: a.flow == flow
                          and a.block in dm.TOTALS["DT"] and a.partner != "_U")
        cur, prev = by(self.cur), by(self.prev)
        ranked = sorted(cur.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
        return [(k, dm.cents(v), dm.cents(prev[k]) if k in prev else None) for k, v in ranked]

    def regimes(self, flow: str = "X") -> list[tuple[str, int, int | None]]:
        def by(acc):
            return acc.by(lambda a: a.regime, lambda a: a.flow == flow and a.product == "G")
        cur, prev = by(self.cur), by(self.prev)
        return [(r, dm.cents(cur[r]), dm.cents(prev[r]) if r in prev else None)
                for r in ecommerce_regimes() if cur.get(r)]


Totals = dict[tuple[str, str], int]                 # (name, flow) → cents


def totals_of(con: RecordSource, period: Period) -> dict[str, Totals]:
    """The benchmarks (spec §6.1.7) of the period and of the same months a year earlier,
    by name and flow; both flows (T) from X and M where no T row is given."""
    t = con.table("totals")
    codes = {str(period): "cur", str(period.previous_year()): "prev"}
    rows = t.filter(t.period.isin(list(codes))).select(
        "name", "period", "flow", "amount_cents").to_pyarrow().to_pylist()
    out: dict[str, Totals] = {"cur": {}, "prev": {}}
    for r in rows:
        out[codes[r["period"]]][(r["name"], r["flow"])] = int(r["amount_cents"])
    for got in out.values():
        for name in {key[0] for key in got}:
            if (name, "T") not in got and (name, "X") in got and (name, "M") in got:
                got[(name, "T")] = got[(name, "X")] + got[(name, "M")]
    return out


def _value(ind, acc: dm.Accounts, base: dict[str, int],
           totals: Totals | None = None) -> int | Decimal | None:
    """One catalogue entry's value (UNIT for amounts, % for shares) on one period."""
    if ind.kind == "total":
        cents = (totals or {}).get((ind.total, ind.flow))
        return None if cents is None else cents * dm.UNIT
    if ind.kind == "share":
        num, den = base.get(ind.of[0]), base.get(ind.of[1])
        return None if num is None or den is None else percent(num, den)
    if ind.kind == "ddl":
        return acc.ddl(ind.flow)
    if ind.kind == "dip":
        return acc.total(lambda a: a.flow == ind.flow and a.product == "G" and a.dip == "DIP")
    if ind.kind == "platform_known":
        return acc.total(lambda a: a.flow == ind.flow and a.product == "G" and a.dip != "_U")
    if ind.kind == "regime":
        return acc.total(lambda a: a.flow == ind.flow and a.product == "G"
                         and a.regime == ind.regime)
    if ind.kind == "exec":
        return acc.exec_offshore * dm.UNIT
    if ind.kind == "known":
        return acc.known_delivery * dm.UNIT
    flows = ("X", "M") if ind.flow == "T" else (ind.flow,)
    return sum(acc.block(f, ind.block, ind.product) for f in flows)


def figures(cur: dm.Accounts, prev: dm.Accounts,
            totals: dict[str, Totals] | None = None) -> dict[str, DigitalFigure]:
    out = {}
    units: dict[str, dict[str, int]] = {"cur": {}, "prev": {}}
    for ind in DIGITAL:
        vals = {}
        for p, acc in (("cur", cur), ("prev", prev)):
            v = _value(ind, acc, units[p], (totals or {}).get(p))
            if ind.kind != "share" and v is not None:
                units[p][ind.id] = int(v)
                v = dm.cents(int(v))
            vals[p] = v
        if ind.optional and vals["cur"] is None and vals["prev"] is None:
            continue                              # its input is not there: no such figure
        out[ind.id] = DigitalFigure(ind.id, ind.name, "pct" if ind.kind == "share" else "cents",
                                    ind.status, vals["cur"], vals["prev"] if prev.atoms or
                                    prev.exec_offshore else None, ind.sources)
    return out


def digital(con: RecordSource, period: Period, s: DigitalSettings = DigitalSettings(),
            report: Indicators | None = None) -> Digital:
    """Every figure of spec §7.5 for ``period``; the identities checked on both periods,
    and the services' total against the 数据月报's own exec_offshore (the same figure;
    ``report``: the 数据月报's figures of ``period`` from the same snapshot, when already
    computed — else that one figure is, by the 数据月报's own filter)."""
    services, goods = service_groups(con, period), goods_groups(con, period)
    direct = direct_groups(con, period) if s.direct else []
    survey = survey_shares(con, period) if s.impute_delivery == "survey" else {}
    cur = accounts(services, goods, "cur", s, direct, survey, period.end.year)
    prev = accounts(services, goods, "prev", s, direct, survey, period.end.year - 1)
    checks = dm.check(cur)
    dm.check(prev)
    if s.direct:          # the services blocks are the direct reports' exports, whole
        r = con.table("services")
        whole = r.filter(r.flow == "X", r.month.between(period.start, period.end)
                         ).amount_cents.sum().to_pyarrow().as_py() or 0
        mine, theirs = cur.exec_offshore, int(whole)
        name = "services_as_direct_reports"
    else:
        mine = cur.exec_offshore
        theirs = (report["exec_offshore"].current if report is not None
                  else current(con, period, "exec_offshore"))
        name = "exec_offshore_as_monthly"
    if mine != theirs:
        from shumao.errors import IdentityBroken
        raise IdentityBroken(f"数字贸易的{'服务出口额' if s.direct else '离岸执行额'}（{mine}分）与"
                             f"{'服务贸易直报' if s.direct else '数据月报'}的（{theirs}分）不一致")
    checks.append({"id": name, "ok": True})
    below = _full_scope_below(goods)
    figs = figures(cur, prev, totals_of(con, period))
    return Digital(period, s, cur, prev, figs, checks,
                   has_customs=any(g["p"] == "cur" for g in goods),
                   has_services=cur.exec_offshore > 0, full_scope_below=below)


def _by_month(goods: list[dict], p: str) -> dict[tuple, list[int]]:
    """(month, flow) → [full-scope total, regime-basis sum] of one period's customs rows."""
    ecom = set(ecommerce_regimes())
    sums: dict[tuple, list[int]] = {}
    for g in goods:
        if g["p"] != p:
            continue
        pair = sums.setdefault((g["month"], g["flow"]), [0, 0])
        if g["basis"] == "full_scope":
            pair[0] += int(g["amount"])
        elif g["regime"] in ecom:
            pair[1] += int(g["amount"])
    return sums


def full_scope_residuals(goods: list[dict], p: str) -> list[dm.Goods]:
    """``goods_basis = full`` (spec §7.4.6): in each month × flow with a full-scope total F
    not below the regime-basis sum A_G, the residual F − A_G as goods of CUSTOMS_REGIME
    OTH_FULL (partner and HS chapter unknown, no enterprise; public, as the city total
    customs published is [A]).  A month whose F is below A_G keeps the regime basis
    (``full-scope-below-regime`` names it).  Rows read record by record (the drill-down)
    give the residual by its records: each full-scope line its amount, each regime line of
    that month and flow its amount taken off — the same sum, exactly."""
    ecom = set(ecommerce_regimes())
    over = {key for key, (full, reg) in _by_month(goods, p).items() if full > reg}
    if not any("record" in g for g in goods):
        return [dm.Goods(full - reg, flow, "OTH_FULL", None, "_U", None, None, True)
                for (month, flow), (full, reg) in sorted(_by_month(goods, p).items())
                if (month, flow) in over]
    out = []
    for g in goods:
        if g["p"] != p or (g["month"], g["flow"]) not in over:
            continue
        if g["basis"] == "full_scope":
            sign = 1
        elif g["regime"] in ecom:
            sign = -1
        else:
            continue
        out.append(dm.Goods(sign * int(g["amount"]), g["flow"], "OTH_FULL", None, "_U", None,
                            None, True, record=g["record"]))
    return out


def _full_scope_below(goods: list[dict]) -> list[str]:
    """``full-scope-below-regime`` (spec §7.4.6): months × flows whose full-scope total is
    below the regime-basis sum."""
    return [f"{m:%Y-%m} {f}" for (m, f), (full, reg) in sorted(_by_month(goods, "cur").items())
            if full and full < reg]


__all__ = ["Digital", "DigitalSettings", "digital", "regimes"]
