"""What the store holds: counts and date ranges (``shumao status``)."""

from __future__ import annotations

from shumao.store.db import Store


def summary(store: Store) -> dict:
    counts = store.counts()
    (s0, s1, e0, e1) = store.con.execute(
        "SELECT (SELECT min(signed_on) FROM contracts), (SELECT max(signed_on) FROM contracts), "
        "(SELECT min(executed_on) FROM executions), (SELECT max(executed_on) FROM executions)"
    ).fetchall()[0]
    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    return {**counts, "signed_on": [iso(s0), iso(s1)], "executed_on": [iso(e0), iso(e1)]}
