"""Completeness before publication (issue 21): the months of a period that hold far fewer
approved records than the same enterprises' usual month (the rule and its words:
model.rules.short_months).  One Ibis aggregate counts the approved contracts (by signing
date) and executions (by execution date, with their contract's enterprise) per enterprise
and month, over the period and the COMPARE_MONTHS before it, on any RecordSource (DuckDB,
PostgreSQL); one more finds the month of the store's first record.

The bulletin (``shumao bulletin`` and the portal's publishing) and the 数据月报's
发布并冻结 ask for confirmation when a month is short, and the bulletin then says in its notes
that the latest month's figures are preliminary (``PRELIMINARY``).
"""

from __future__ import annotations

import datetime as dt

from ibis import _

from shumao.indicators.source import RecordSource
from shumao.model.periods import Period
from shumao.model.rules import COMPARE_MONTHS, ShortMonth, short_months

# the bulletin's note when its latest month is short (every channel draws Section.notes)
PRELIMINARY = "注：{month}数据为初步数据，可能随补报修订。"


def _history_start(period: Period) -> dt.date:
    index = period.year * 12 + period.first - 1 - COMPARE_MONTHS
    return dt.date(index // 12, index % 12 + 1, 1)


def _dated(con: RecordSource):
    """Approved contracts and executions as (enterprise_id, day)."""
    contracts = con.table("contracts").filter(_.status == "approved")
    signed = contracts.select(enterprise_id=_.enterprise_id, day=_.signed_on)
    ex = con.table("executions").filter(_.status == "approved")
    executed = ex.join(contracts.select("contract_id", "enterprise_id"), "contract_id").select(
        enterprise_id=_.enterprise_id, day=_.executed_on)
    return signed.union(executed.cast(signed.schema()))


def short(con: RecordSource, period: Period) -> list[ShortMonth]:
    """The months of ``period`` with far fewer records than usual (model.rules)."""
    t = _dated(con)
    window = t.filter(t.day.between(_history_start(period), period.end))
    by = window.group_by(enterprise_id=window.enterprise_id, y=window.day.year(),
                         m=window.day.month()).aggregate(n=window.count())
    counts = {(r["enterprise_id"], int(r["y"]), int(r["m"])): int(r["n"])
              for r in by.execute().to_dict("records")}
    first_day = t.aggregate(first=t.day.min()).execute()["first"].iloc[0]
    first = None if first_day is None or first_day != first_day else (first_day.year, first_day.month)
    months = [(period.year, m) for m in range(period.first, period.last + 1)]
    return short_months(counts, months, first)


def in_store(store, period: Period) -> list[ShortMonth]:
    """``short`` on one snapshot of a store (shumao.store.Store)."""
    with store.reading() as con:
        return short(con, period)


def preliminary(found: list[ShortMonth], period: Period) -> list[str]:
    """The bulletin's note lines: one when the period's latest month is among ``found``."""
    if any((s.year, s.month) == (period.year, period.last) for s in found):
        return [PRELIMINARY.format(month=f"{period.year}年{period.last}月")]
    return []
