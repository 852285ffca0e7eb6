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
from dataclasses import dataclass, field
from decimal import Decimal

import ibis
from ibis import _

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


def _definitions(t, groups: dict[str, list[str]], hmt_separate: bool):
    """id → (Chinese name, measure, predicate over the stacked table, parent for the share)."""
    off = t.client_country != ONSHORE
    foreign = ["foreign"] if hmt_separate else ["foreign", "hmt"]
    d = {
        "signed_total": ("服务外包合同签约额（包含在岸）", "signed", None, None),
        "exec_total": ("接包合同执行额", "exec", None, None),
        "signed_onshore": ("在岸服务外包合同额", "signed", ~off, "signed_total"),
        "exec_onshore": ("在岸服务外包执行额", "exec", ~off, "exec_total"),
        "signed_offshore": ("离岸服务外包合同额", "signed", off, "signed_total"),
        "exec_offshore": ("离岸服务外包执行额", "exec", off, "exec_total"),
        "exec_bri": ("承接“一带一路”国家服务外包执行金额", "exec",
                     t.client_country.isin(groups["bri"]), "exec_offshore"),
        "exec_rcep": ("承接RCEP成员国离岸服务外包执行额", "exec",
                      off & t.client_country.isin(groups["rcep"]), "exec_offshore"),
        "signed_offshore_domestic": ("内资企业离岸合同签约金额", "signed",
                                     off & (t.nature == "domestic"), "signed_offshore"),
        "exec_offshore_domestic": ("内资企业离岸合同执行金额", "exec",
                                   off & (t.nature == "domestic"), "exec_offshore"),
        "signed_offshore_foreign": ("外商投资企业离岸合同签约金额", "signed",
                                    off & t.nature.isin(foreign), "signed_offshore"),
        "exec_offshore_foreign": ("外商投资企业离岸合同执行金额", "exec",
                                  off & t.nature.isin(foreign), "exec_offshore"),
    }
    if hmt_separate:
        d["signed_offshore_hmt"] = ("港澳台商投资企业离岸合同签约金额", "signed",
                                    off & (t.nature == "hmt"), "signed_offshore")
        d["exec_offshore_hmt"] = ("港澳台商投资企业离岸合同执行金额", "exec",
                                  off & (t.nature == "hmt"), "exec_offshore")
    for cat, zh in (("ITO", "信息技术外包"), ("BPO", "业务流程外包"), ("KPO", "知识流程外包")):
        d[f"exec_offshore_{cat}"] = (f"离岸{zh}（{cat}）执行额", "exec",
                                     off & (t.category == cat), "exec_offshore")
    return d


def stacked(con, period: Period):
    """Approved contracts and executions of the period (p='cur') and of the same months a
    year earlier (p='prev'), with country, category, nature and enterprise."""
    prev = period.previous_year()
    contracts = con.table("contracts").filter(_.status == "approved")
    enterprises = con.table("enterprises").select("enterprise_id", "nature")

    def which(date):
        return ibis.cases((date.between(period.start, period.end), "cur"),
                          (date.between(prev.start, prev.end), "prev"), else_=ibis.null("string"))

    signed = contracts.join(enterprises, "enterprise_id").select(
        measure=ibis.literal("signed"), p=which(_.signed_on), client_country=_.client_country,
        category=_.category, nature=_.nature, enterprise_id=_.enterprise_id,
        amount=_.amount_cents)
    ex = con.table("executions").filter(_.status == "approved")
    executed = ex.join(contracts, "contract_id").join(enterprises, "enterprise_id").select(
        measure=ibis.literal("exec"), p=which(_.executed_on), client_country=_.client_country,
        category=_.category, nature=_.nature, enterprise_id=_.enterprise_id,
        amount=_.amount_cents)
    return signed.union(executed).filter(_.p.notnull())


def compute(con, period: Period, settings: Settings = Settings()) -> Indicators:
    """Every figure of report.md for ``period`` from an Ibis backend ``con``."""
    basis = settings.bri_basis(period)
    bri = settings.bri_group or builtin_group("bri_route65" if basis == "route65" else "bri_partners")
    on = period.end  # report.md: the membership for P, applied to both P and P−1y
    groups = {"bri": bri.members_on(on),
              "rcep": [c for c in builtin_group("rcep").members_on(on) if c != ONSHORE]}
    t = stacked(con, period)
    defs = _definitions(t, groups, settings.hmt_separate)
    aggs = {}
    for fid, (_name, measure, pred, _parent) in defs.items():
        base = t.measure == measure
        if pred is not None:
            base = base & pred
        cur, prev = base & (t.p == "cur"), base & (t.p == "prev")
        aggs[f"{fid}__cur"] = t.amount.sum(where=cur)
        aggs[f"{fid}__prev"] = t.amount.sum(where=prev)
        aggs[f"{fid}__n"] = t.count(where=cur)
        aggs[f"{fid}__prevn"] = t.count(where=prev)
        aggs[f"{fid}__ent"] = t.enterprise_id.nunique(where=cur)
    row = t.aggregate(**aggs).execute().to_dict("records")[0]
    # disclosure: the largest single enterprise's part of each current figure
    per_ent = t.group_by("enterprise_id").aggregate(
        **{fid: t.amount.sum(where=_cond(t, m, p, "cur")) for fid, (_n, m, p, _pa) in defs.items()})
    biggest = per_ent.aggregate(**{fid: per_ent[fid].max() for fid in defs}).execute().to_dict("records")[0]
    figures: dict[str, Figure] = {}
    for fid, (name, _m, _p, _parent) in defs.items():
        cur = _int(row[f"{fid}__cur"])
        prev = _int(row[f"{fid}__prev"]) if _int(row[f"{fid}__prevn"]) else None
        figures[fid] = Figure(fid, name, cur, prev, _int(row[f"{fid}__n"]), _int(row[f"{fid}__ent"]),
                              percent(_int(biggest[fid]), cur))
    for fid, (_name, _m, _p, parent) in defs.items():
        if parent:
            f = figures[fid]
            figures[fid] = Figure(f.id, f.name, f.current, f.previous, f.records, f.enterprises,
                                  f.top_enterprise_share, percent(f.current, figures[parent].current))
    return Indicators(period, settings, figures, _partners(t), basis, groups)


def _cond(t, measure, pred, p):
    c = (t.measure == measure) & (t.p == p)
    return c & pred if pred is not None else c


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
