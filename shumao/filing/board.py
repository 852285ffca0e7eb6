"""The status board (issue 10, web.md filings-web): for one month, each enterprise's one
state — 未填报 / 无业务 (零申报) / 已填报 / 待审核 / 已退回 / 已通过 — its records by status, when it first
submitted, whether it is late, and the reminders it was sent.

``state`` and ``rows`` are pure functions over ``store.filings.month_states(month)`` rows and the
month's ``Window``; ``build`` reads the store for them.  Who sees which rows (a reviewer
only its region's enterprises) is the caller's ``region``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from shumao.errors import InputError
from shumao.files import sheets
from shumao.filing import windows
from shumao.filing.windows import Window
from shumao.model.status import BOARD_ZH
from shumao.store import Store

# the states in the order the board lists and counts them
STATE_ZH = {"unfiled": "未填报", "nil": "无业务", "drafted": "已填报", "waiting": "待审核",
            "returned": "已退回", "approved": "已通过"}
NOT_FILED = ("unfiled", "drafted")       # nothing submitted: the reminders go to these


def state(counts: Mapping[str, int], nil: bool = False) -> str:
    """The one state of an enterprise's month, from its records dated in the month counted
    by status (web filings and imported records alike):

    - no record, and it declared no business (零申报) → nil      (无业务: filed, as nothing)
    - no record at all                              → unfiled  (未填报)
    - only drafts                                   → drafted  (已填报: filled in, not submitted)
    - any returned                                  → returned (已退回)
    - else any submitted, or imported as pending    → waiting  (待审核)
    - else every submitted record approved          → approved (已通过; drafts beside
      approved records are shown as such, they do not hold the month back)
    """
    n = {k: v for k, v in counts.items() if v}
    if not n:
        return "nil" if nil else "unfiled"
    if set(n) == {"draft"}:
        return "drafted"
    if n.get("returned"):
        return "returned"
    if n.get("submitted") or n.get("pending"):
        return "waiting"
    return "approved"


def is_late(state_code: str, first_submitted: dt.datetime | None, window: Window) -> bool:
    """逾期: first submitted after the deadline (the day on the server's clock, as the
    filing service flags a submission), or nothing submitted and the deadline passed.  An
    enterprise whose records came by import (no portal submission) is never late here."""
    if first_submitted is not None:
        local = first_submitted.astimezone() if first_submitted.tzinfo else first_submitted
        return local.date() > window.closes
    return state_code in NOT_FILED and window.overdue


@dataclass(frozen=True)
class Row:
    enterprise_id: str
    name: str
    region: str | None
    state: str
    counts: dict[str, int]
    first_submitted_at: dt.datetime | None
    late: bool
    reminded: int                       # reminders that reached the server
    last_reminded_at: dt.datetime | None

    @property
    def state_zh(self) -> str:
        return STATE_ZH[self.state]

    @property
    def drafts(self) -> int:
        return self.counts.get("draft", 0)

    def as_dict(self) -> dict:
        return {"enterprise_id": self.enterprise_id, "name": self.name, "region": self.region,
                "state": self.state, "state_zh": self.state_zh, "counts": self.counts,
                "first_submitted_at": _iso(self.first_submitted_at), "late": self.late,
                "reminded": self.reminded, "last_reminded_at": _iso(self.last_reminded_at)}


def rows(states: Iterable[Mapping], window: Window, reminders: Iterable[Mapping] = ()) -> list[Row]:
    """One Row per ``month_states`` row; ``reminders`` as ``store.windows.reminders(month)`` gives them."""
    sent: dict[str, list[dt.datetime]] = {}
    for r in reminders:
        if not r.get("error"):
            sent.setdefault(r["enterprise_id"], []).append(r["sent_at"])
    out = []
    for s in states:
        code = state(s["counts"], s.get("nil_at") is not None)
        times = sent.get(s["enterprise_id"], [])
        out.append(Row(s["enterprise_id"], s["name"], s["region"], code, dict(s["counts"]),
                       s["first_submitted_at"], is_late(code, s["first_submitted_at"], window),
                       len(times), max(times) if times else None))
    return out


@dataclass(frozen=True)
class Board:
    month: dt.date
    window: Window
    rows: list[Row]

    @property
    def counts(self) -> dict[str, int]:
        """Enterprises per state, every state present (0 when none)."""
        n = dict.fromkeys(STATE_ZH, 0)
        for r in self.rows:
            n[r.state] += 1
        return n

    @property
    def late(self) -> int:
        return sum(r.late for r in self.rows)

    @property
    def regions(self) -> list[str]:
        return sorted({r.region for r in self.rows if r.region})


def build(store: Store, month: dt.date, today: dt.date | None = None,
          region: str | None = None, enterprise_id: str | None = None) -> Board:
    """The board of a month; ``region`` keeps only that region's enterprises (a reviewer's),
    ``enterprise_id`` only that enterprise (the keywords of an access scope's filter)."""
    w = windows.window(store, month, today)
    found = rows(store.filings.month_states(month), w, store.windows.reminders(month))
    if region is not None:
        found = [r for r in found if r.region == region]
    if enterprise_id is not None:
        found = [r for r in found if r.enterprise_id == enterprise_id]
    return Board(month, w, found)


def default_month(store: Store, today: dt.date | None = None) -> dt.date:
    """The month being filed now: last month until its deadline has passed, then this one."""
    today = today or dt.date.today()
    this = today.replace(day=1)
    last = (this - dt.timedelta(days=1)).replace(day=1)
    return last if today <= windows.window(store, last, today).closes else this


# -- choosing and ordering rows (the page and its export share them) ----------------------
SORTS = {
    "state": lambda r: (list(STATE_ZH).index(r.state), r.enterprise_id),
    "name": lambda r: (r.name or "", r.enterprise_id),
    "code": lambda r: r.enterprise_id,
    "region": lambda r: (r.region or "", r.enterprise_id),
    "first": lambda r: (r.first_submitted_at is None, r.first_submitted_at or 0, r.enterprise_id),
    "late": lambda r: (not r.late, r.enterprise_id),
    "reminded": lambda r: (-r.reminded, r.enterprise_id),
}


def select(found: Iterable[Row], state_code: str = "", region: str = "",
           sort: str = "state") -> list[Row]:
    """The rows in one state and region (empty: all), ordered by ``sort`` (a key of SORTS)."""
    if state_code and state_code not in STATE_ZH:
        raise InputError(f"状态只能是 {'、'.join(f'{k}（{v}）' for k, v in STATE_ZH.items())}"
                         f"（收到“{state_code}”）")
    if sort not in SORTS:
        raise InputError(f"排序只能按 {'、'.join(SORTS)}（收到“{sort}”）")
    kept = [r for r in found if (not state_code or r.state == state_code)
            and (not region or r.region == region)]
    return sorted(kept, key=SORTS[sort])


# -- export ------------------------------------------------------------------------------
COLUMNS = ("统一社会信用代码", "企业名称", "区县", "状态", "草稿", "已提交", "待审核", "退回", "通过",
           "首次提交时间", "逾期", "已催报次数")
WIDTHS = (22, 36, 12, 12, 8, 8, 8, 8, 8, 20, 8, 12)     # characters (XLSX)


def _table(found: Iterable[Row]):
    for r in found:
        yield (r.enterprise_id, r.name, r.region or "", r.state_zh,
               *(r.counts.get(k, 0) for k in BOARD_ZH),
               _iso(r.first_submitted_at) or "", "逾期" if r.late else "", r.reminded)


def write(path: Path, found: Iterable[Row]) -> None:
    """The board as CSV (UTF-8 with BOM) or XLSX, every text cell inert (shumao.files.sheets)."""
    sheets.write_table(path, "填报进度", COLUMNS, _table(found), WIDTHS)


def _iso(t: dt.datetime | None) -> str | None:
    return t.isoformat() if t is not None else None
