"""Plausibility rules shared by ``shumao import`` and the web filing checks.

An enterprise's usual amount for a kind of record is the median of its records of that
kind in the twelve months before.  Fewer than ``MIN_HISTORY`` records say little about what
is usual, so ``usual`` falls back, in order (``BASES``), to the median of all its records of
that kind before the month, then to the city's median for the record's business category in
the twelve months before — a new or seasonal member's 万元-for-元 typo is caught too, and
the check says which median it compared with.

One threshold for the import's warning (filings.md: "amounts far outside an enterprise's
usual range") and the web verify check (web.md): above ``multiple`` times the median, the
multiple taken from the spread of the same records (issue 21).  Real contract sizes are
heavy-tailed and some members' far more than others', so a fixed multiple either buries the
one mistyped unit among hundreds of ordinary large contracts (10×: about 1 % of contracts
and 3 % of executions of a generated city) or lets most typos through (100×: a ×100 typo of
an amount below the median, any ×10 typo).  The spread is the ratio of the median to the
10th percentile (nearest rank, ``low``) — a robust scale, 1.28 standard deviations in log
terms, taken from the lower side so that the mistyped amount itself, when it is among the
records (an import's own, or an earlier typo in the store), cannot widen it.  The multiple
is that ratio cubed (about 3.8 robust standard deviations above the median), rounded up and
kept between ``MIN_MULTIPLE`` (a member whose amounts hardly vary: ×10 of its usual is
flagged) and ``MAX_MULTIPLE`` (never more lenient than the old ×100).  Each kind's spread is
its own records' (executions, parts of contracts, spread wider).  Below ``SPREAD_HISTORY``
records the 10th percentile is merely the smallest, too unsteady a scale (on a generated
city it made most false warnings): such a thin basis takes ``THIN_MULTIPLE``.  Python
(``multiple``) and SQL (``multiple_sql``) compute it with the same double arithmetic.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass

MIN_MULTIPLE, MAX_MULTIPLE = 5, 100   # the bounds of the multiple of the median
SPREAD_POWER = 3          # the multiple: (median / 10th percentile) ** SPREAD_POWER
SPREAD_HISTORY, THIN_MULTIPLE = 10, 20   # fewer records than that: this multiple
# the fraction of quantile_disc/percentile_disc for the 10th percentile: a hair below 0.1, as
# PostgreSQL takes the rank ceil(0.1 * n) in doubles and 0.1 * 30 is 3.0000000000000004 there
LOW_FRACTION = 0.0999999999
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


# the bases of the usual amount, in the order tried: (key, the words a check says it with;
# ``what``: 合同金额 or 执行金额, ``category``: the record's business category in words)
BASES = {"recent": "{who}近12个月{what}的中位数",
         "history": "{who}以往全部{what}的中位数（近12个月不足{n}笔）",
         "city": "全市{category}{what}近12个月的中位数（{who}以往不足{n}笔）",
         "import": "本次导入中{who}{what}的中位数（已存记录不足{n}笔）"}   # the import's own


def rule_words(who: str, last: str) -> str:
    """The rule in words for the check-rules lists: ``who`` 本企业 or 该企业, ``last`` the
    last basis tried, "city" (the web) or "import" (the import)."""
    return (f"金额不超过{who}近12个月同类记录中位数的若干倍：倍数按这些记录的分散程度定（金额越集中，"
            f"倍数越小），最少{MIN_MULTIPLE}倍、最多{MAX_MULTIPLE}倍，记录不足{SPREAD_HISTORY}笔时取"
            f"{THIN_MULTIPLE}倍；近12个月不足{MIN_HISTORY}笔时，"
            f"与{who}以往全部同类记录比较；" + (
                f"仍不足{MIN_HISTORY}笔时，与全市同一业务类别近12个月的记录比较" if last == "city" else
                f"再不足时，与本次导入中{who}的同类记录比较"))


SPREAD_WORDS = "倍数按这些记录的分散程度定：其中金额最小的一成在{low}及以下，倍数在{lo}至{hi}倍之间"
THIN_WORDS = "这些记录不足{n}笔，倍数取{times}倍"


def low_rank(n: int) -> int:
    """The rank (1-based, ascending) of the 10th percentile of ``n`` values: the nearest
    rank ⌈n / 10⌉, as quantile_disc and percentile_disc take it at ``LOW_FRACTION``."""
    return (n + 9) // 10


def low(amounts: list[int]) -> int:
    """The 10th percentile (nearest rank) of some amounts."""
    return sorted(amounts)[low_rank(len(amounts)) - 1]


def multiple(median_cents: float, low_cents: float, n: int) -> int:
    """How many times the median is unusual for ``n`` records with this spread."""
    if n < SPREAD_HISTORY:
        return THIN_MULTIPLE
    if low_cents <= 0:
        return MAX_MULTIPLE
    try:
        power = max(1.0, float(median_cents) / float(low_cents)) ** SPREAD_POWER
    except OverflowError:
        return MAX_MULTIPLE
    return min(MAX_MULTIPLE, max(MIN_MULTIPLE, math.ceil(power)))


def multiple_sql(median: str, low: str, n: str) -> str:
    """``multiple`` as an SQL expression over the columns ``median``, ``low`` and ``n`` (pow
    and ceil on doubles: the same numbers as Python's)."""
    return (f"CASE WHEN {n} < {SPREAD_HISTORY} THEN {THIN_MULTIPLE} "
            f"WHEN {low} <= 0 THEN {MAX_MULTIPLE} ELSE least({MAX_MULTIPLE}, greatest("
            f"{MIN_MULTIPLE}, ceil(pow(greatest(1.0, {median}::DOUBLE / {low}::DOUBLE), "
            f"{SPREAD_POWER}::DOUBLE)))) END::BIGINT")


@dataclass(frozen=True)
class Usual:
    """The usual amount a record is compared with — the median and 10th percentile of the
    records of the basis (a key of BASES) — and how many times the median is unusual."""

    median_cents: float
    low_cents: float
    n: int
    basis: str

    @property
    def multiple(self) -> int:
        return multiple(self.median_cents, self.low_cents, self.n)

    def above(self, amount_cents: int) -> bool:
        """The one test of the import's warning and the web's verify check."""
        return amount_cents > self.multiple * self.median_cents

    def words(self, what: str, category: str = "", who: str = "本企业") -> str:
        return basis_words(self.basis, what, category, who)


def basis_words(basis: str, what: str, category: str = "", who: str = "本企业") -> str:
    """The words of a basis of BASES: ``who`` is 本企业 to the filer, 该企业 to staff."""
    return BASES[basis].format(n=MIN_HISTORY, what=what, category=category, who=who)


def exceeded(basis: str, what: str, median: str, low: str, times: int, n: int,
             category: str = "", who: str = "本企业") -> str:
    """What an unusual amount exceeded, in words, the amounts already written out: 本企业近12个月
    合同金额的中位数（1,000.00美元）的8倍（倍数按这些记录的分散程度定：…）."""
    why = (THIN_WORDS.format(n=SPREAD_HISTORY, times=times) if n < SPREAD_HISTORY else
           SPREAD_WORDS.format(low=low, lo=MIN_MULTIPLE, hi=MAX_MULTIPLE))
    return f"{basis_words(basis, what, category, who)}（{median}）的{times}倍（{why}）"


def usual(*candidates: tuple[str, float | None, float | None, int]) -> Usual | None:
    """The first (basis, median, 10th percentile, count) with at least MIN_HISTORY records
    and a median above zero, tried in the order given (BASES' order); None when none has."""
    for basis, median_cents, low_cents, n in candidates:
        if median_cents is not None and n >= MIN_HISTORY and median_cents > 0:
            return Usual(float(median_cents), float(low_cents or 0), n, basis)
    return None


@dataclass(frozen=True)
class Typical:
    """An enterprise's typical size for a kind of record (issue 20 R-2), beside a record under
    review: its records of the twelve months before (``basis`` "12m"), or its whole history
    when those are fewer than ``MIN_HISTORY`` ("all"), or nothing to compare with ("none")."""

    basis: str
    n: int
    median_cents: float | None = None
    low_cents: int | None = None
    high_cents: int | None = None

    @classmethod
    def of(cls, recent: list[int], whole: list[int]) -> Typical:
        for basis, amounts in (("12m", recent), ("all", whole)):
            if len(amounts) >= MIN_HISTORY or (basis == "all" and amounts):
                return cls(basis, len(amounts), float(statistics.median(amounts)), min(amounts), max(amounts))
        return cls("none", 0)

    def said(self, amount_cents: int) -> str:
        """In words, with the record's amount as a multiple of the median."""
        if self.basis == "none" or self.median_cents is None:
            return "本企业此前没有同类记录，无从比较"
        usd = lambda c: f"{c / 100:,.2f}"          # noqa: E731
        where = (f"近{HISTORY_MONTHS}个月同类记录 {self.n} 条" if self.basis == "12m" else
                 f"近{HISTORY_MONTHS}个月同类记录不足 {MIN_HISTORY} 条，按全部历史 {self.n} 条")
        out = (f"{where}：中位数 {usd(self.median_cents)} 美元，"
               f"最小 {usd(self.low_cents or 0)}、最大 {usd(self.high_cents or 0)} 美元")
        if self.median_cents > 0:
            out += f"；本笔为中位数的 {amount_cents / self.median_cents:,.1f} 倍"
        return out


# -- completeness before publication (issue 21) ------------------------------------------------
# A month of the period being published holds far fewer records than usual when its count is
# below INCOMPLETE_SHARE of the usual count.  "Usual" is measured on the same enterprises: those
# with at least one approved record (contract signed or execution made) in the COMPARE_MONTHS
# months before the month; their records per month in those months (months before the store's
# first record are no history and are left out; a month in between without any record counts
# as 0), and the usual count is the median of these monthly totals.  The month's own count is
# the records of these enterprises only: a new member's first records have nothing to be
# compared with.  Fewer than MIN_COMPARE_MONTHS months of history (a store's first months), or a
# median of 0, say nothing.  An enterprise that stopped reporting weighs on the usual count
# for as long as it is in the history — a clerk is told, which is the point: its records are
# missing until it is known to have left.
INCOMPLETE_SHARE = (1, 3)      # below one third of the usual count (numerator, denominator)
COMPARE_MONTHS = 12            # the history: the twelve months before the month
MIN_COMPARE_MONTHS = 3         # fewer months of history say nothing about what is usual


@dataclass(frozen=True)
class ShortMonth:
    """A month of a period with far fewer records than usual (``short_months``)."""

    year: int
    month: int
    records: int              # the month's records of the enterprises compared
    usual: float              # their median records per month in the history
    enterprises: int          # the enterprises compared (records in the history)
    months: int               # the months of history the median was taken over

    @property
    def percent(self) -> int:
        """The month's records as a whole percentage of the usual count (half up)."""
        return int(200 * self.records / self.usual + 1) // 2

    def words(self) -> str:
        """2024年6月：312 条记录，仅为这些企业通常月份（中位数 1,050 条）的 30%……"""
        usual = f"{self.usual:,.0f}" if self.usual == int(self.usual) else f"{self.usual:,.1f}"
        return (f"{self.year}年{self.month}月：{self.records:,} 条记录，仅为这些企业通常月份"
                f"（中位数 {usual} 条）的 {self.percent}%（按此前{self.months}个月内有记录的 "
                f"{self.enterprises:,} 家企业每月已审核通过的合同与执行记录数计）")


def _month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def short_months(counts: dict[tuple[str, int, int], int], months: list[tuple[int, int]],
                 first: tuple[int, int] | None) -> list[ShortMonth]:
    """The months of ``months`` [(year, month)] whose records fall below INCOMPLETE_SHARE of
    the same enterprises' usual month.  ``counts``: {(enterprise, year, month): records} for
    the months and the COMPARE_MONTHS before the first of them; ``first``: the (year, month)
    of the store's first record (None: no record at all)."""
    if first is None:
        return []
    by_month: dict[int, dict[str, int]] = {}
    for (ent, y, m), n in counts.items():
        month = by_month.setdefault(_month_index(y, m), {})
        month[ent] = month.get(ent, 0) + n
    start = _month_index(*first)
    num, den = INCOMPLETE_SHARE
    out = []
    for y, m in months:
        at = _month_index(y, m)
        history = [i for i in range(at - COMPARE_MONTHS, at) if i >= start]
        if len(history) < MIN_COMPARE_MONTHS:
            continue
        who = {e for i in history for e in by_month.get(i, {})}
        if not who:
            continue
        usual = float(statistics.median(sum(by_month.get(i, {}).values()) for i in history))
        records = sum(n for e, n in by_month.get(at, {}).items() if e in who)
        if usual > 0 and records * den < num * usual:
            out.append(ShortMonth(y, m, records, usual, len(who), len(history)))
    return out
