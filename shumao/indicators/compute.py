"""The 数据月报's figures for a period and the same months a year earlier, from any Ibis
backend holding the store's tables.

One expression stacks the approved contracts (by signing date) and approved executions (by
execution date, with their contract's country, category and enterprise) of both periods;
one aggregate over it computes every figure's current and previous value, records and
enterprises; one more gives the partner ranking.  Growth and shares are then computed from
the exact integer cents (report.md: from unrounded values).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from decimal import Decimal

import ibis
from ibis import _

from shumao.errors import InputError
from shumao.model.codes import Group, builtin_group
from shumao.model.money import growth, percent
from shumao.model.periods import Period

ONSHORE = "CN"


@dataclass(frozen=True)
class Settings:
    """Report settings (report.md: region, short name, source phrase, Belt and Road basis,
    relative-year wording, and whether 港澳台 enterprises are reported apart)."""

    region: str = "本市"
    short: str = "我市"
    source: str = "商务部服务外包统一平台"
    bri: str | None = None            # "route65" | "partners" | None: by the period's end
    relative: bool = False
    hmt_separate: bool = False
    bri_group: Group | None = None    # a user's own Belt and Road file
    groups: tuple[Group, ...] = ()    # further user groups: a figure exec_group_<name> each
    top: int = 3

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
    previous: int

    @property
    def growth(self) -> Decimal | None:
        return growth(self.current, self.previous)


@dataclass
class Indicators:
    period: Period
    settings: Settings
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


@dataclass(frozen=True)
class Definition:
    """A figure of report.md: its Chinese name, measure (signed or executed), the filter
    over the stacked table, the total its share is of, and the filter in words."""

    name: str
    measure: str
    pred: object | None
    parent: str | None
    where: str


def definitions(t, groups: dict[str, list[str]], hmt_separate: bool) -> dict[str, Definition]:
    off = t.client_country != ONSHORE
    foreign = ["foreign"] if hmt_separate else ["foreign", "hmt"]
    foreign_zh = "外商投资" if hmt_separate else "外商投资或港澳台商投资"
    D = Definition
    d = {
        "signed_total": D("服务外包合同签约额（包含在岸）", "signed", None, None, "全部发包方"),
        "exec_total": D("接包合同执行额", "exec", None, None, "全部发包方"),
        "signed_onshore": D("在岸服务外包合同额", "signed", ~off, "signed_total", "发包方为中国（在岸）"),
        "exec_onshore": D("在岸服务外包执行额", "exec", ~off, "exec_total", "发包方为中国（在岸）"),
        "signed_offshore": D("离岸服务外包合同额", "signed", off, "signed_total",
                             "发包方不为中国（离岸，含中国港澳台）"),
        "exec_offshore": D("离岸服务外包执行额", "exec", off, "exec_total",
                           "发包方不为中国（离岸，含中国港澳台）"),
        "exec_bri": D("承接“一带一路”国家服务外包执行金额", "exec",
                      t.client_country.isin(groups["bri"]), "exec_offshore",
                      f"发包方属于“一带一路”国家名单（{len(groups['bri'])}国）"),
        "exec_rcep": D("承接RCEP成员国离岸服务外包执行额", "exec",
                       off & t.client_country.isin(groups["rcep"]), "exec_offshore",
                       f"发包方属于RCEP成员国（不含中国，{len(groups['rcep'])}国）"),
    }
    natures = [("domestic", "内资企业", ["domestic"], "内资"), ("foreign", "外商投资企业", foreign, foreign_zh)]
    if hmt_separate:
        natures.append(("hmt", "港澳台商投资企业", ["hmt"], "港澳台商投资"))
    for key, zh, codes, words in natures:
        for measure, mz in (("signed", "合同签约金额"), ("exec", "合同执行金额")):
            d[f"{measure}_offshore_{key}"] = D(
                f"{zh}离岸{mz}", measure, off & t.nature.isin(codes), f"{measure}_offshore",
                f"离岸，且企业性质为{words}")
    for cat, zh in (("ITO", "信息技术外包"), ("BPO", "业务流程外包"), ("KPO", "知识流程外包")):
        d[f"exec_offshore_{cat}"] = D(f"离岸{zh}（{cat}）执行额", "exec", off & (t.category == cat),
                                      "exec_offshore", f"离岸，且合同业务类别为{cat}")
    for name, members in groups.items():
        if name.startswith("group:"):
            g = name.removeprefix("group:")
            d[f"exec_group_{g}"] = D(f"承接{g}离岸服务外包执行额", "exec",
                                     off & t.client_country.isin(members), "exec_offshore",
                                     f"离岸，且发包方属于自定义国家组“{g}”（{len(members)}国）")
    return d


def describe(fid: str, d: Definition, period: Period) -> str:
    """The filter of a figure in words, for ``shumao explain``."""
    what = ("合同签约日期" if d.measure == "signed" else "执行日期")
    records = ("合同审核通过" if d.measure == "signed" else "执行记录及其合同均审核通过")
    return f"{what}在{period.start}至{period.end}之间；{records}；{d.where}"


def stacked(con, period: Period):
    """Approved contracts and executions of the period (p='cur') and of the same months a
    year earlier (p='prev'), with country, category and enterprise."""
    prev = period.previous_year()
    contracts = con.table("contracts").filter(_.status == "approved")

    def which(date):
        return ibis.cases((date.between(period.start, period.end), "cur"),
                          (date.between(prev.start, prev.end), "prev"), else_=ibis.null("string"))

    signed = contracts.select(
        measure=ibis.literal("signed"), p=which(_.signed_on), month=_.signed_on.month(),
        client_country=_.client_country, category=_.category, enterprise_id=_.enterprise_id,
        amount=_.amount_cents)
    ex = con.table("executions").filter(_.status == "approved")
    executed = ex.join(contracts, "contract_id").select(
        measure=ibis.literal("exec"), p=which(_.executed_on), month=_.executed_on.month(),
        client_country=_.client_country, category=_.category, enterprise_id=_.enterprise_id,
        amount=_.amount_cents)
    # the join makes columns nullable on one side only: align the schemas for the union
    return signed.union(executed.cast(signed.schema())).filter(_.p.notnull())


def with_nature(con, t):
    return t.join(con.table("enterprises").select("enterprise_id", "nature"), "enterprise_id")


def _groups(period: Period, settings: Settings) -> tuple[str, dict[str, list[str]]]:
    basis = settings.bri_basis(period)
    bri = settings.bri_group or builtin_group("bri_route65" if basis == "route65" else "bri_partners")
    on = period.end  # report.md: the membership for P, applied to both P and P−1y
    groups = {"bri": bri.members_on(on),
              "rcep": [c for c in builtin_group("rcep").members_on(on) if c != ONSHORE]}
    for g in settings.groups:
        groups[f"group:{g.name}"] = g.members_on(on)
    return basis, groups


def cube(con, period: Period):
    """The stacked records summed once by every dimension a figure filters on, enterprise
    included, with the enterprise's nature joined on afterwards, and kept on the backend:
    every figure, the disclosure check and the partner ranking are read from this small
    table instead of scanning the records again."""
    t = stacked(con, period)
    by = t.group_by(["measure", "p", "client_country", "category", "enterprise_id"]).aggregate(
        amount=t.amount.sum(), records=t.count())
    return with_nature(con, by).cache()


def compute(con, period: Period, settings: Settings = Settings()) -> Indicators:
    """Every figure of report.md for ``period`` from an Ibis backend ``con``."""
    basis, groups = _groups(period, settings)
    c = cube(con, period)
    try:
        defs = definitions(c, groups, settings.hmt_separate)
        # per enterprise, each figure's current and previous amount and records; then the
        # figure is their sum, its enterprises those with records, and the disclosure check
        # its largest single enterprise (one query)
        cols = {}
        for fid, d in defs.items():
            for p in ("cur", "prev"):
                cols[f"{fid}__{p}"] = c.amount.sum(where=_cond(c, d, p))
                cols[f"{fid}__{p}_n"] = c.records.sum(where=_cond(c, d, p))
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
    return Indicators(period, settings, figures, partners, basis, groups)


@dataclass(frozen=True)
class Contributor:
    enterprise_id: str
    name: str
    current: int
    records: int


def explain(con, period: Period, fid: str, settings: Settings = Settings(),
            limit: int = 10) -> tuple[str, list[Contributor]]:
    """The filter of one figure in words and its largest contributing enterprises."""
    basis, groups = _groups(period, settings)
    t = with_nature(con, stacked(con, period))
    defs = definitions(t, groups, settings.hmt_separate)
    if fid not in defs:
        raise InputError(f"没有指标“{fid}”；可用的指标：{'、'.join(defs)}")
    mine = t.filter(_cond(t, defs[fid], "cur"))
    top = (mine.group_by("enterprise_id").aggregate(current=mine.amount.sum(), records=mine.count())
           .join(con.table("enterprises").select("enterprise_id", "name"), "enterprise_id")
           .order_by([ibis.desc("current"), "enterprise_id"]).limit(limit))
    rows = top.execute().to_dict("records")
    return describe(fid, defs[fid], period), [
        Contributor(r["enterprise_id"], r["name"], _int(r["current"]), _int(r["records"])) for r in rows]


def monthly(con, period: Period) -> list[tuple[int, int, int]]:
    """Approved executions by month, January to the period's last month, for the period's
    year and the year before: [(month, this year, last year)] in cents."""
    year_to_date = Period(period.year, 1, period.last)
    t = stacked(con, year_to_date).filter(_.measure == "exec")
    by = t.group_by("month").aggregate(cur=t.amount.sum(where=t.p == "cur"),
                                       prev=t.amount.sum(where=t.p == "prev"))
    got = {r["month"]: (_int(r["cur"]), _int(r["prev"])) for r in by.execute().to_dict("records")}
    return [(m, *got.get(m, (0, 0))) for m in range(1, period.last + 1)]


def _cond(t, d: Definition, p: str):
    c = (t.measure == d.measure) & (t.p == p)
    return c & d.pred if d.pred is not None else c


def _partners(t) -> list[Partner]:
    """Offshore executions by client country, descending, ties by country code."""
    off = t.filter((t.measure == "exec") & (t.client_country != ONSHORE))
    ranked = off.group_by("client_country").aggregate(
        cur=off.amount.sum(where=off.p == "cur"), prev=off.amount.sum(where=off.p == "prev"))
    ranked = ranked.filter(ranked.cur > 0).order_by([ibis.desc("cur"), "client_country"])
    return [Partner(r["client_country"], _int(r["cur"]), _int(r["prev"]))
            for r in ranked.execute().to_dict("records")]


def _int(v) -> int:
    """A sum as the backend returns it: NULL or NaN (no rows) is 0."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return 0
    return int(v)
