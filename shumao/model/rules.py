"""Plausibility rules shared by ``shumao import`` and the web filing checks.

An enterprise's usual amount for a kind of record is the median of its records of that
kind in the twelve months before; fewer than ``MIN_HISTORY`` records say nothing about what
is usual, so nothing is flagged then.  Two thresholds over the same median:

- web.md's verify check: above ten times the median, one filing at a time, the filer
  explains it;
- filings.md's import warning, "amounts far outside an enterprise's usual range": above a
  hundred times the median.  Real contract sizes are heavy-tailed, so ten times the median
  flags about 3 % of a city's rows (seen on generated data), which buries the one mistyped
  unit a clerk must find among hundreds of warnings.
"""

from __future__ import annotations

import datetime as dt

VERIFY_FACTOR = 10        # web.md: above ten times the enterprise's median
UNUSUAL_FACTOR = 100      # filings.md: far outside the usual range (an import warning)
# the years a record's date, a filing window or a board may name: one range for the import
# (date-out-of-range) and the web filing.  Excel's day 0 (1899-12-31), a two-digit year read
# as 0024 or a 9999-12-31 "no end" placeholder is a mistake, never a record of a period
# anyone reports
FIRST_YEAR, LAST_YEAR = 1990, 2999
HISTORY_MONTHS = 12
MIN_HISTORY = 3


def history_window(first: dt.date) -> tuple[dt.date, dt.date]:
    """The twelve months before ``first``: [same day a year earlier, the day before] (from
    the first day there is, for a date of year 1)."""
    end = first - dt.timedelta(days=1) if first > dt.date.min else first
    if first.year == dt.MINYEAR:
        return dt.date.min, end
    try:
        start = first.replace(year=first.year - 1)
    except ValueError:        # 29 February
        start = first.replace(year=first.year - 1, day=28)
    return start, end


def above(amount_cents: int, median_cents: float | None, history: int, factor: int) -> bool:
    """The test of ingest.checks.unusual_amounts (factor UNUSUAL_FACTOR) and of the web
    verify check (VERIFY_FACTOR), for one value."""
    return (median_cents is not None and history >= MIN_HISTORY and median_cents > 0
            and amount_cents > factor * median_cents)
