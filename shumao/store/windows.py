"""Filing windows (web.md filings-web): per month, when filing opens and closes and whether
the month is locked — and the log of the reminders sent about a month."""

from __future__ import annotations

import datetime as dt
from typing import cast

from shumao.store import cells
from shumao.store.audit import AuditLog
from shumao.store.backend import Backend
from shumao.store.rows import Reminder, Window

WINDOW_COLUMNS = ("month", "opens", "closes", "locked", "updated_by", "updated_at")  # Window's keys


class Windows:
    def __init__(self, db: Backend, audit: AuditLog):
        self.db = db
        self.audit = audit

    def get(self, month: dt.date) -> Window | None:
        rows = self.db.execute(f"SELECT {', '.join(WINDOW_COLUMNS)} FROM filing_windows "
                             "WHERE month = ?", [month])
        return cast(Window, dict(zip(WINDOW_COLUMNS, rows[0], strict=True))) if rows else None

    def all(self) -> list[Window]:
        rows = self.db.execute(f"SELECT {', '.join(WINDOW_COLUMNS)} FROM filing_windows "
                             "ORDER BY month DESC")
        return [cast(Window, dict(zip(WINDOW_COLUMNS, r, strict=True))) for r in rows]

    def set(self, month: dt.date, opens: dt.date | None, closes: dt.date | None,
                   locked: bool | None, actor: str, address: str | None = None) -> None:
        with self.db.write():
            old = self.get(month)
            self.db.execute("DELETE FROM filing_windows WHERE month = ?", [month])
            self.db.execute("INSERT INTO filing_windows VALUES (?, ?, ?, ?, ?, ?)",
                          [month, opens, closes, locked, actor, cells.now()])
            self.audit.append(actor, "window-set", {
                "month": month.strftime("%Y-%m"),
                "from": {"opens": cells.iso(old["opens"]), "closes": cells.iso(old["closes"]),
                         "locked": old["locked"]} if old else None,
                "opens": cells.iso(opens), "closes": cells.iso(closes), "locked": locked}, address)

    def log_reminder(self, month: dt.date, enterprise_id: str, recipient: str, actor: str,
                     error: str | None, address: str | None = None) -> None:
        with self.db.write():
            self.db.execute("INSERT INTO reminders SELECT coalesce(max(seq), 0) + 1, ?, ?, ?, ?, "
                          "?, ? FROM reminders",
                          [month, enterprise_id, recipient, cells.now(), actor, error])
            self.audit.append(actor, "reminder", {"month": month.strftime("%Y-%m"),
                                            "enterprise_id": enterprise_id,
                                            "recipient": recipient, "error": error}, address)

    def reminders(self, month: dt.date) -> list[Reminder]:
        rows = self.db.execute("SELECT enterprise_id, recipient, sent_at, sent_by, error "
                             "FROM reminders WHERE month = ? ORDER BY seq", [month])
        return [Reminder(enterprise_id=e, recipient=to, sent_at=at, sent_by=by, error=err)
                for e, to, at, by, err in rows]
