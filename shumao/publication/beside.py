"""An enterprise's own figures beside the city's published totals (web.md: an enterprise sees
"its own figures beside the published city totals").

The city's side is what was published — the newest vintage, as frozen (never today's
unpublished figures of other enterprises).  The enterprise's side is computed by the same
indicator code over its own approved records only (``Mine``: the indicators read tables
only through ``con.table``), for the same period and settings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

import ibis

from shumao.indicators.compute import compute
from shumao.indicators.source import RecordSource, TableName
from shumao.model.money import percent, round_half_up, wan
from shumao.model.periods import Period
from shumao.publication import vintages
from shumao.report.settings import ReportSettings
from shumao.store import Store

SHOWN = ("signed_total", "exec_total", "exec_offshore", "exec_onshore")


class Mine:
    """An Ibis backend's record tables limited to one enterprise: its contracts (and so the
    executions of them, which the indicators join to their contracts) and its own row."""

    def __init__(self, con: RecordSource, enterprise_id: str):
        self.con, self.enterprise_id = con, enterprise_id

    def table(self, name: TableName, /) -> ibis.Table:
        t = self.con.table(name)
        if name in ("contracts", "enterprises"):
            return t.filter(t.enterprise_id == self.enterprise_id)
        return t


@dataclass(frozen=True)
class Row:
    id: str
    name: str
    city_cents: int
    own_cents: int

    @property
    def city_wan(self) -> Decimal:
        return wan(self.city_cents)

    @property
    def own_wan(self) -> Decimal:
        return wan(self.own_cents)

    @property
    def share(self) -> Decimal | None:
        """The enterprise's part of the city's figure, in %, half-up."""
        p = percent(self.own_cents, self.city_cents)
        return None if p is None else round_half_up(p)


@dataclass(frozen=True)
class Beside:
    vintage_id: int
    period: Period
    published_at: str
    rows: list[Row]


def beside(store: Store, enterprise_id: str) -> Beside | None:
    """The newest published figures and the enterprise's own; None before any publication."""
    listed = store.vintages.all()
    if not listed:
        return None
    v = vintages.vintage(store, listed[0]["id"])      # its settings checked
    period = Period.parse(v["period"])
    published = json.loads(v["figures"])["figures"]
    settings = ReportSettings.from_json(v["settings"])
    with store.reading() as con:
        own = compute(Mine(con, enterprise_id), period, settings.basis)
    rows = [Row(fid, published[fid]["name"], int(published[fid]["current_cents"]),
                own.figures[fid].current) for fid in SHOWN if fid in published]
    return Beside(v["id"], period, v["created_at"], rows)
