"""指标溯源 (report.md: every figure is traceable): one figure of the 数据月报 with the filter
that made it, its current and previous value, the records and enterprises behind it, the
enterprises that contribute most (with their share) and the largest records.

Internal only (statistical confidentiality: it names enterprises).  ``shumao explain``,
the portal's 指标溯源 page and ``GET /api/v1/explain/{figure}`` all read an ``Explanation``;
``as_dict`` is the one JSON shape of ``shumao explain --json`` and of the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from shumao.indicators.compute import Basis, Contributor, Figure, Record, compute, explain, largest
from shumao.model.codes import country_name
from shumao.model.money import round_half_up, wan
from shumao.model.periods import Period
from shumao.store import Store

TOP = 10          # enterprises listed
RECORDS = 10      # largest records listed


@dataclass(frozen=True)
class Explanation:
    period: Period
    figure: Figure
    filter: str                       # in words (catalog.describe)
    contributors: list[Contributor]   # largest first
    largest: list[Record]             # largest first

    @property
    def unit(self) -> str:
        """What the figure's records are, in words."""
        return "份合同" if self.figure.id.startswith("signed") else "笔执行记录"

    def share(self, cents: int) -> Decimal | None:
        """A part's share of the figure in %, rounded half-up (None when the figure is 0)."""
        total = self.figure.current
        return round_half_up(Decimal(cents) * 100 / total) if total else None

    def as_dict(self) -> dict:
        """``shumao explain --json`` (and the portal's API): amounts in 万美元 as text and
        in exact cents."""
        f = self.figure

        def share(cents: int) -> str | None:
            s = self.share(cents)
            return None if s is None else str(s)

        return {
            "figure": f.id, "name": f.name, "period": str(self.period), "filter": self.filter,
            "current": str(wan(f.current)), "current_cents": f.current,
            "previous": None if f.previous is None else str(wan(f.previous)),
            "records": f.records, "enterprises": f.enterprises,
            "contributors": [{"enterprise_id": c.enterprise_id, "name": c.name,
                              "current": str(wan(c.current)), "current_cents": c.current,
                              "share": share(c.current), "records": c.records}
                             for c in self.contributors],
            "largest_records": [{"kind": r.kind, "id": r.record_id, "date": r.day.isoformat(),
                                 "enterprise_id": r.enterprise_id, "name": r.name,
                                 "client_country": r.client_country,
                                 "country_name": country_name(r.client_country),
                                 "category": r.category, "current": str(wan(r.amount)),
                                 "current_cents": r.amount, "share": share(r.amount)}
                                for r in self.largest]}


def explain_figure(store: Store, period: Period | str, figure: str, basis: Basis = Basis(),
                   top: int = TOP, records: int = RECORDS) -> Explanation:
    """One figure explained, on one consistent snapshot of the store; an unknown figure id
    is an ``UnknownFigure`` naming the known ones."""
    p = Period.parse(period) if isinstance(period, str) else period
    with store.reading() as con:
        where, people = explain(con, p, figure, basis, top)
        biggest = largest(con, p, figure, basis, records)
        f = compute(con, p, basis)[figure]
    return Explanation(p, f, where, people, biggest)
