"""The audit log: who changed what, when and from where — every repository of the store
writes its entries here, in the transaction of the change they record.  Append-only:
nothing here updates or deletes a row."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from shumao.store.backend import Backend, Statement
from shumao.store.rows import AuditEntry

AUDIT_COLUMNS = ("seq", "logged_at", "actor", "action", "detail", "address")


class AuditLog:
    def __init__(self, db: Backend):
        self.db = db

    def append(self, actor: str, action: str, detail: dict, address: str | None = None) -> None:
        """Record one change: inside the caller's write transaction, or in one of its own."""
        with self.db.write():
            self.db.execute(*self.entry(actor, action, detail, address))

    @staticmethod
    def entry(actor: str, action: str, detail: dict, address: str | None = None) -> Statement:
        """``append``'s statement, for a write that runs it with its own (Backend.run_all);
        its seq is the next as it is written."""
        return ("INSERT INTO audit_log SELECT coalesce(max(seq), 0) + 1, ?, ?, ?, ?, ? FROM audit_log",
                [dt.datetime.now(dt.UTC), actor, action,
                 json.dumps(detail, ensure_ascii=False, default=str), address])

    def append_many(self, actor: str, entries: Sequence[tuple[str, dict]],
                    address: str | None = None) -> None:
        """Record several changes of one actor at once, (action, detail) each, in order —
        one statement for them all (an upload's drafts)."""
        if not entries:
            return
        if len(entries) == 1:           # one entry: one statement, its seq found as it is written
            self.append(actor, *entries[0], address)
            return
        with self.db.write():
            (first,), = self.db.execute("SELECT coalesce(max(seq), 0) + 1 FROM audit_log")
            now = dt.datetime.now(dt.UTC)
            self.db.insert_rows("audit_log", AUDIT_COLUMNS, [
                (first + i, now, actor, action,
                 json.dumps(detail, ensure_ascii=False, default=str), address)
                for i, (action, detail) in enumerate(entries)])

    def latest(self, limit: int = 200, *, actor: str | None = None, action: str | None = None,
               since: dt.datetime | None = None, before: dt.datetime | None = None
               ) -> list[AuditEntry]:
        """The newest entries first; only one person's, one action's, or those logged from
        ``since`` up to (not including) ``before`` when given."""
        where, params = [], []
        for cond, value in (("actor = ?", actor), ("action = ?", action),
                            ("logged_at >= ?", since), ("logged_at < ?", before)):
            if value is not None:
                where.append(cond)
                params.append(value)
        rows = self.db.execute("SELECT seq, logged_at, actor, action, detail, address FROM audit_log"
                               + (" WHERE " + " AND ".join(where) if where else "")
                               + " ORDER BY seq DESC LIMIT ?", [*params, limit])
        return [AuditEntry(seq=s, at=at.isoformat() if at is not None else None, actor=a,
                           action=act, detail=json.loads(d), address=addr)
                for s, at, a, act, d, addr in rows]
