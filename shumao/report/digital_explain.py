"""数字贸易's 指标溯源 (spec/digital-trade.md §8.4: the staff page 数字贸易 drills down to the
records, the same explain mechanism as the 数据月报's): one figure of the tables — a ``Slot``
of report.digital, named by its id — with the records behind it: the approved executions
(or, with ``services_source = direct_reports``, the services direct reports) and the customs
e-commerce lines, each with the part of its amount the figure counts.  With ``goods_basis =
full`` the part beyond the regimes (OTH_FULL) is listed by its records too: each full-scope
line of a month and flow with its amount, each regime line of that month and flow with its
amount taken off.

The records are classified one by one by the same code as the figures (indicators.digital
``accounts`` over per-record rows, model.digital ``classify``), and the figure's own
``where`` picks their atoms: a mixed contract's execution counts its remote share in 数字交付
and the rest elsewhere, an EBOPS component the crosswalk's weight.  The parts add up exactly
(cent × 10⁶) to the figure; if they did not it would be a bug (``IdentityBroken``).

Internal only (it names enterprises and records), like 指标溯源.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import pyarrow as pa

from shumao.errors import IdentityBroken, UnknownFigure
from shumao.indicators.digital import (
    Digital,
    DigitalSettings,
    accounts,
    digital,
    direct_groups,
    goods_groups,
    service_groups,
    survey_shares,
)
from shumao.model import digital as dm
from shumao.model.money import wan
from shumao.model.periods import Period
from shumao.store import Store

MOST = 200          # records listed; the rest summed in one line


@dataclass(frozen=True)
class Part:
    """One record behind a figure: what it is, and the part of it the figure counts."""

    kind: str                    # executions | services | ecommerce
    record: str                  # execution_id | record_id | line_id
    day: dt.date | None          # executed_on | the month
    enterprise_id: str | None
    name: str                    # the enterprise's name, or 海关汇总数据
    partner: str | None
    amount: int                  # the record's cents
    units: int                   # the part counted (cent × 10⁶)
    about: dict                  # contract, delivery, ordering / regime, flow, HS chapter

    @property
    def cents(self) -> int:
        return dm.cents(self.units)


@dataclass(frozen=True)
class CellExplanation:
    period: Period
    cell: str                    # Slot.id
    table: str                   # the table's title
    row: str                     # the row's words
    units: int                   # the figure (cent × 10⁶)
    parts: list[Part]            # largest first, at most ``MOST``
    records: int                 # all records behind it
    rest_units: int              # the records not listed

    @property
    def cents(self) -> int:
        return dm.cents(self.units)

    def as_dict(self) -> dict:
        """The JSON of ``GET /api/v1/digital/records``: amounts in 万美元 as text and exact
        (``units``: cent × 10⁶, so that the parts add up to the figure exactly)."""
        return {
            "period": str(self.period), "cell": self.cell, "table": self.table, "row": self.row,
            "current": str(wan(self.cents)), "current_cents": self.cents, "units": self.units,
            "records": self.records, "rest_units": self.rest_units,
            "parts": [{"kind": p.kind, "id": p.record, "date": p.day.isoformat() if p.day else None,
                       "enterprise_id": p.enterprise_id, "name": p.name, "partner": p.partner,
                       "amount_cents": p.amount, "counted": str(_wan_units(p.units)),
                       "units": p.units, **p.about} for p in self.parts]}


def _wan_units(units: int) -> Decimal:
    """cent × 10⁶ → 万美元, to the hundredth of a cent (for a part; the figure is rounded once)."""
    return (Decimal(units) / (dm.UNIT * 100 * 10_000)).quantize(Decimal("0.00000001"))


@dataclass(frozen=True)
class Behind:
    """What every figure of a period's tables is explained from, classified record by record
    once (``behind``): the figures, the per-record rows and their accounts, the slots by id."""

    period: Period
    d: Digital
    services: list[dict]
    goods: list[dict]
    acc: dm.Accounts
    slots: dict
    direct: list[dict]


def behind(store: Store, period: Period | str, s: DigitalSettings = DigitalSettings()) -> Behind:
    """The period's figures and its records classified one by one (the portal keeps this per
    store generation, so each figure's records are a filter, not a new computation)."""
    from shumao.report import digital as words

    p = Period.parse(period) if isinstance(period, str) else period
    with store.reading() as con:
        d = digital(con, p, s)
        services, goods = service_groups(con, p, by_record=True), goods_groups(con, p, by_record=True)
        direct = direct_groups(con, p, by_record=True) if s.direct else []
        survey = survey_shares(con, p) if s.impute_delivery == "survey" else {}
    acc = accounts(services, goods, "cur", s, direct, survey, p.end.year)
    return Behind(p, d, services, goods, acc, {o.id: o for o in words.slots(d, d.cur)}, direct)


def explain_cell(store: Store, period: Period | str, cell: str, region: str = "本市",
                 s: DigitalSettings = DigitalSettings(), most: int = MOST,
                 basis: Behind | None = None) -> CellExplanation:
    """The records behind one figure of the 数字贸易 tables (``basis``: the period's
    ``behind``, when already at hand); an id no table row has is ``UnknownFigure``."""
    b = basis or behind(store, period, s)
    p = b.period
    slot = b.slots.get(cell)
    if slot is None:
        raise UnknownFigure(f"没有“{cell[:80]}”这一项数字贸易数字（{p.words()}）：请从数字贸易页面的表格进入")
    counted = b.acc.by(lambda a: f"{a.product}|{a.record}", slot.where)   # S executions, G customs
    if sum(counted.values()) != slot.units:
        raise IdentityBroken(f"数字贸易溯源的记录合计（{sum(counted.values())}）与数字（{slot.units}）不一致")
    table, row = _row_words(b.d, region, cell)
    ranked = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = [k for k, v in ranked[:most] if v]
    parts = _parts(store, shown, counted, b.services, b.goods, b.direct)
    listed = sum(counted[k] for k in shown)
    return CellExplanation(p, cell, table, row, slot.units, parts,
                           sum(1 for v in counted.values() if v), slot.units - listed)


def _row_words(d, region: str, cell: str) -> tuple[str, str]:
    from shumao.report import digital_tables

    for t in digital_tables.tables(d, region):
        if cell in t.figures:
            r = t.rows[t.figures.index(cell)]
            words = [str(v) for i, v in enumerate(r[:t.labels]) if i != 1 or t.labels == 1]
            return t.title, " · ".join(words)
    return "", cell


def _parts(store: Store, ids: list[str], counted: dict[str, int], services: list[dict],
           goods: list[dict], direct: Sequence[dict] = ()) -> list[Part]:
    from shumao.model import digital_codes

    svc = {f"S|{r['record']}": r for r in services if r["p"] == "cur"}
    reports = {f"S|{r['record']}": r for r in direct if r["p"] == "cur"}   # in place of svc
    svc = {} if reports else svc
    gds = {f"G|{r['record']}": r for r in goods if r["p"] == "cur"}

    def lookup(kind: str, column: str, keys: list[str]) -> dict[str, dict]:
        if not keys:
            return {}
        rows = store.records.lookup(kind, column, pa.array(keys, pa.string())).to_pylist()
        return {r[column]: r for r in rows}
    xs = lookup("executions", "execution_id", [k[2:] for k in ids if k in svc])
    lines = lookup("ecommerce", "line_id", [k[2:] for k in ids if k in gds])
    said = lookup("services", "record_id", [k[2:] for k in ids if k in reports])
    names = {e: r["name"] for e, r in lookup("enterprises", "enterprise_id", sorted(
        {r["enterprise_id"] for r in lines.values() if r.get("enterprise_id")}
        | {svc[k]["enterprise_id"] for k in ids if k in svc}
        | {reports[k]["enterprise_id"] for k in ids if k in reports})).items()}
    ordered = digital_codes.shown_words("ordered")
    out = []
    for k in ids:
        if k in svc:
            r, x = svc[k], xs[k[2:]]
            sub = digital_codes.subcategories().get(r["subcategory"] or "")
            about = {"contract_id": x["contract_id"], "category": r["category"],
                     "subcategory": sub.name if sub else None,
                     "remote_share": r["share"], "ordered_online": ordered.get(r["ordered"] or "", "不明"),
                     "delivery": ("不明" if r["share"] is None else f"远程{r['share']}%")}
            out.append(Part("executions", k[2:], x["executed_on"], r["enterprise_id"],
                            names.get(r["enterprise_id"], r["enterprise_id"]), r["partner"],
                            int(x["amount_cents"]), counted[k], about))
        elif k in reports:
            r, x = reports[k], said[k[2:]]
            about = {"ebops": x["ebops"], "ebops_name": digital_codes.ebops()[x["ebops"]].name_zh
                     if x["ebops"] in digital_codes.ebops() else None, "flow": x["flow"],
                     "remote_share": x["remote_share"],
                     "ordered_online_share": x["ordered_online_share"]}
            out.append(Part("services", k[2:], x["month"], r["enterprise_id"],
                            names.get(r["enterprise_id"], r["enterprise_id"]), r["partner"],
                            int(x["amount_cents"]), counted[k], about))
        elif k in gds:
            line = lines[k[2:]]
            eid = line.get("enterprise_id")
            regime = digital_codes.regimes().get(line["regime"] or "")
            # a full-scope total, or (counted below zero) a regime line taken off the part
            # beyond the regimes (goods_basis = full)
            about = {"regime": line["regime"], "regime_name": regime.name_short if regime else None,
                     "flow": line["flow"], "hs_chapter": line["hs_chapter"],
                     "basis": line["basis"], "deducted": counted[k] < 0}
            out.append(Part("ecommerce", k[2:], line["month"], eid,
                            names.get(eid, eid) if eid else "海关汇总数据", line["partner"],
                            int(line["amount_cents"]), counted[k], about))
    return out
