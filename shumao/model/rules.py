"""Plausibility rules shared by ``shumao import`` and the web filing checks (filings.md:
"amounts far outside an enterprise's usual range"; web.md: the verify check "an amount
above ten times the enterprise's median of the last twelve months").

An enterprise's usual amount for a kind of record is the median of its records of that
kind in the twelve months before; fewer than ``MIN_HISTORY`` records say nothing about what
is usual, so no warning is given then.
"""

from __future__ import annotations

import datetime as dt

UNUSUAL_FACTOR = 10       # web.md: above ten times the enterprise's median
HISTORY_MONTHS = 12
MIN_HISTORY = 3


def history_window(first: dt.date) -> tuple[dt.date, dt.date]:
    """The twelve months before ``first``: [same day a year earlier, the day before]."""
    try:
        start = first.replace(year=first.year - 1)
    except ValueError:        # 29 February
        start = first.replace(year=first.year - 1, day=28)
    return start, first - dt.timedelta(days=1)


def is_unusual(amount_cents: int, median_cents: float | None, history: int) -> bool:
    """The same test as the SQL of ingest.checks.unusual_amounts, for one value."""
    return (median_cents is not None and history >= MIN_HISTORY and median_cents > 0
            and amount_cents > UNUSUAL_FACTOR * median_cents)
