"""Report periods (report.md): the grammar, the Chinese words, and the same months one
year earlier.

    2024-03 → 2024年3月          2024Q2 → 2024年二季度      2024H1 → 2024年上半年
    2024    → 2024年全年         2024-01..2024-09 → 2024年前三季度
    2024-01..2024-08 → 2024年1-8月   (any other range of months within one year)

``Period.parse`` reads both: the codes, and the words the pages and the report print
("2023年1-6月", "2023年上半年", "2023年三季度", "2023年", …) — the one parser of every
period a user types (the portal's period boxes, the API, the CLI's --period).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from shumao.errors import PeriodError

QUARTER_ZH = "一二三四"
HOW = ("可写 2024年3月、2024年二季度、2024年上半年、2024年1-9月、2024年，"
       "或 2024-03、2024Q2、2024H1、2024-01..2024-09、2024")
_FORMS: list[tuple[re.Pattern[str], Callable[..., tuple[int, int, int]]]] = [
    (re.compile(r"^(\d{4})-(\d{1,2})$"), lambda y, m: (y, int(m), int(m))),
    (re.compile(r"^(\d{4})[Qq]([1-4])$"), lambda y, q: (y, 3 * int(q) - 2, 3 * int(q))),
    (re.compile(r"^(\d{4})[Hh]([12])$"), lambda y, h: (y, 6 * int(h) - 5, 6 * int(h))),
    (re.compile(r"^(\d{4})$"), lambda y: (y, 1, 12)),
]
_RANGE = re.compile(r"^(\d{4})-(\d{1,2})\.\.(\d{4})-(\d{1,2})$")

# the words (``Period.words``, and the ways a clerk writes them): after the year, one of
_Q = r"(?:第)?([一二三四1-4])季度?"
_WORDS: list[tuple[re.Pattern[str], Callable[..., tuple[int, int]]]] = [
    (re.compile(r"^(?:全年)?$"), lambda: (1, 12)),                          # 2023年、2023年全年
    (re.compile(r"^上半年$"), lambda: (1, 6)),
    (re.compile(r"^下半年$"), lambda: (7, 12)),
    (re.compile(r"^前三季度$"), lambda: (1, 9)),
    (re.compile(rf"^{_Q}$"), lambda q: (3 * _quarter(q) - 2, 3 * _quarter(q))),   # 三季度、第3季度
    (re.compile(r"^(\d{1,2})月$"), lambda m: (int(m), int(m))),               # 3月
    (re.compile(r"^(\d{1,2})月?(?:-|至|到)(\d{1,2})月$"), lambda a, b: (int(a), int(b))),  # 1-6月、1月至6月
]
_DASHES = str.maketrans({c: "-" for c in "—–－~～〜"})


def _quarter(q: str) -> int:
    return QUARTER_ZH.index(q) + 1 if q in QUARTER_ZH else int(q)


def _plain(text: str) -> str:
    """What a clerk typed, in one spelling: full-width digits and letters as ASCII, every
    dash as "-", no spaces."""
    t = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return "".join(t.split())


@dataclass(frozen=True)
class Period:
    """The months first..last of one year."""

    year: int
    first: int
    last: int

    @classmethod
    def parse(cls, text: str) -> Period:
        """A period from its code (2024-03, 2024Q2, 2024H1, 2024, 2024-01..2024-09) or its
        words (2024年3月, 2024年二季度, 2024年上半年, 2024年, 2024年1-9月, …); for every
        period ``parse(p.words()) == p``.  Anything else is a PeriodError in Chinese."""
        t = _plain(text)
        if m := re.match(r"^(\d{4})年(.*)$", t):
            year, rest = int(m.group(1)), m.group(2)
            for words, months in _WORDS:
                if w := words.match(rest):
                    return cls._checked(text, year, *months(*w.groups()))
            raise PeriodError(f"无法识别的时期“{text}”（{HOW}）")
        if m := _RANGE.match(t):
            y1, m1, y2, m2 = (int(g) for g in m.groups())
            if y1 != y2:
                raise PeriodError(f"时期“{text}”跨年：月份区间须在同一年内（如 2024-01..2024-09）")
            return cls._checked(text, y1, m1, m2)
        for pattern, build in _FORMS:
            if m := pattern.match(t):
                y, *rest = m.groups()
                year, first, last = build(int(y), *rest)
                return cls._checked(text, year, first, last)
        raise PeriodError(f"无法识别的时期“{text}”（{HOW}）")

    @classmethod
    def _checked(cls, text: str, year: int, first: int, last: int) -> Period:
        for m in (first, last):
            if not 1 <= m <= 12:
                raise PeriodError(f"时期“{text}”中的月份“{m}”无效：月份应在1到12之间")
        if first > last:
            raise PeriodError(f"时期“{text}”的起止月份颠倒：开始月份（{first}月）晚于结束月份"
                              f"（{last}月），应写作 {year}-{last:02d}..{year}-{first:02d}")
        if year < 1900:
            raise PeriodError(f"时期“{text}”的年份“{year}”无效")
        return cls(year, first, last)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.first, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, self.last, calendar.monthrange(self.year, self.last)[1])

    def previous_year(self) -> Period:
        return Period(self.year - 1, self.first, self.last)

    @property
    def months(self) -> int:
        return self.last - self.first + 1

    def words(self, relative: bool = False) -> str:
        """The period in Chinese; with ``relative``, the year is 今年 (report.md)."""
        year = "今年" if relative else f"{self.year}年"
        f, last = self.first, self.last
        if f == last:
            return f"{year}{f}月"
        if last - f == 2 and f % 3 == 1:
            return f"{year}{QUARTER_ZH[f // 3]}季度"
        if (f, last) == (1, 6):
            return f"{year}上半年"
        if (f, last) == (7, 12):
            return f"{year}下半年"
        if (f, last) == (1, 12):
            return f"{year}全年"
        if (f, last) == (1, 9):
            return f"{year}前三季度"
        return f"{year}{f}-{last}月"

    def short(self) -> str:
        """The shortest spelling in the grammar (2024Q2, 2024H1, 2024; else as ``str``):
        what a clerk types, and what the portal puts back in the period field."""
        f, last = self.first, self.last
        if last - f == 2 and f % 3 == 1:
            return f"{self.year}Q{f // 3 + 1}"
        if last - f == 5 and f in (1, 7):
            return f"{self.year}H{f // 6 + 1}"
        if (f, last) == (1, 12):
            return str(self.year)
        return str(self)

    def __str__(self) -> str:
        if self.first == self.last:
            return f"{self.year}-{self.first:02d}"
        return f"{self.year}-{self.first:02d}..{self.year}-{self.last:02d}"


def day_words(d: dt.date) -> str:
    """A date as Chinese prose writes it: 2023年6月30日 (never ISO in reader-facing text)."""
    return f"{d.year}年{d.month}月{d.day}日"


def moment_words(value: str | dt.datetime | None) -> str:
    """A stored timestamp as a clerk reads it, in Beijing time: 2024年10月25日 14:03 (— for none)."""
    if not value:
        return "—"
    t = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if t.tzinfo:
        t = t.astimezone(dt.timezone(dt.timedelta(hours=8)))
    return f"{day_words(t)} {t:%H:%M}"
