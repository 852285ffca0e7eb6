"""Filing windows (web.md filings-web): each month's records are due by a deadline — by
default the 10th of the next month — and the year closes on 31 March of the next year.
Late submissions are flagged, not refused, while the window is open; a locked month (by
the admin, or by the year's close) takes no edits, submissions or decisions until the
admin reopens it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from shumao.errors import InputError
from shumao.filing.fields import FIRST_YEAR, LAST_YEAR, parse_date
from shumao.model.periods import day_words
from shumao.store import Store
from shumao.store.rows import Window as StoredWindow

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(text: str) -> dt.date:
    """'2024-06' → 2024-06-01, or a Chinese error."""
    m = _MONTH.match((text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or not FIRST_YEAR <= int(m.group(1)) <= LAST_YEAR:
        raise InputError(f"月份“{text}”无效（应为2024-06这样的年-月，年份在{FIRST_YEAR}到{LAST_YEAR}之间）")
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


def parse_day(text: object, label: str) -> dt.date:
    """'2024-07-15' (or 2024/7/15, 2024年7月15日) → a date; else a Chinese error naming the
    field (``label``: 截止日期, 开始日期)."""
    day = parse_date(text) if isinstance(text, str) else None
    if day is None:
        raise InputError(f"{label}“{text}”无效（应为2024-07-10这样的年-月-日）")
    return day


def month_end(month: dt.date) -> dt.date:
    nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def next_month(month: dt.date) -> dt.date:
    return month_end(month) + dt.timedelta(days=1)


@dataclass(frozen=True)
class Window:
    month: dt.date
    opens: dt.date
    closes: dt.date               # the deadline: submitted after it → late
    year_closes: dt.date          # 31 March of the next year
    locked_set: bool | None       # as the admin set it: None default, True locked, False reopened
    today: dt.date
    updated_by: str | None = None

    @property
    def locked(self) -> bool:
        if self.locked_set is not None:
            return self.locked_set
        return self.today > self.year_closes

    @property
    def open(self) -> bool:
        return not self.locked and self.today >= self.opens

    @property
    def overdue(self) -> bool:
        return self.today > self.closes

    @property
    def state_zh(self) -> str:
        if self.locked:
            return "已年度关闭" if self.locked_set is None else "已锁定"
        if self.today < self.opens:
            return "未开始"
        return "已逾期（仍可补报）" if self.overdue else "填报中"

    def refusal(self) -> str | None:
        """Why nothing may change in this month now, in words; None when it may."""
        name = f"{self.month.year}年{self.month.month}月"
        if self.locked:
            if self.locked_set is None:
                return (f"{self.month.year}年的填报已于{day_words(self.year_closes)}年度关闭，"
                        f"{name}的记录不能再修改、提交或审核；如需补报，请联系管理员重新开放")
            return f"{name}的填报已被管理员锁定，如需修改，请联系管理员重新开放"
        if self.today < self.opens:
            return f"{name}的填报将于{day_words(self.opens)}开始"
        return None

    def as_dict(self) -> dict:
        return {"period": self.month.strftime("%Y-%m"), "opens": self.opens.isoformat(),
                "closes": self.closes.isoformat(), "year_closes": self.year_closes.isoformat(),
                "locked": self.locked, "open": self.open, "overdue": self.overdue,
                "state": self.state_zh, "updated_by": self.updated_by}


def defaults(month: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """(opens, closes, year_closes) of a month without the admin's settings."""
    return month, next_month(month).replace(day=10), dt.date(month.year + 1, 3, 31)


def window(store: Store, month: dt.date, today: dt.date | None = None) -> Window:
    return of_stored(month, store.windows.get(month), today)


def of_stored(month: dt.date, stored: StoredWindow | None, today: dt.date | None = None) -> Window:
    """The window of ``month`` from what the admin set (``stored``, as store.windows gives
    it; None: nothing set) — for a caller that read it with something else."""
    opens, closes, year_closes = defaults(month)
    row: StoredWindow | dict[str, None] = stored or {}   # none set: each None
    return Window(month, row.get("opens") or opens, row.get("closes") or closes, year_closes,
                  row.get("locked"), today or dt.date.today(), row.get("updated_by"))


def windows(store: Store, today: dt.date | None = None, around: int = 13) -> list[Window]:
    """The windows of the last ``around`` months and every month the admin set, newest first."""
    today = today or dt.date.today()
    months = {r["month"] for r in store.windows.all()}
    m = today.replace(day=1)
    for _ in range(around):
        months.add(m)
        m = (m - dt.timedelta(days=1)).replace(day=1)
    return [window(store, m, today) for m in sorted(months, reverse=True)]


def check_dates(opens: dt.date, closes: dt.date) -> None:
    if closes < opens:
        raise InputError(f"截止日期{day_words(closes)}早于开始日期{day_words(opens)}")


def set_window(store: Store, month: dt.date, *, opens: dt.date | None = None,
               closes: dt.date | None = None, locked: bool | None = None, actor: str,
               address: str | None = None) -> Window:
    """Change what was given; what was not keeps its value."""
    row: StoredWindow | dict[str, None] = store.windows.get(month) or {}
    d_opens, d_closes, _ = defaults(month)
    opens = opens or row.get("opens") or d_opens
    closes = closes or row.get("closes") or d_closes
    check_dates(opens, closes)
    if locked is None:
        locked = row.get("locked")
    store.windows.set(month, opens if opens != d_opens else None,
                     closes if closes != d_closes else None, locked, actor, address)
    return window(store, month)


