"""Tests only: records put in a status the portal's status machine would not take them to
(an imported record returned, an approved one set pending), as a fixture's starting point."""

from __future__ import annotations

import datetime as dt

from shumao.errors import InputError
from shumao.model.records import STATUS_KINDS
from shumao.model.status import STATUSES
from shumao.store import Store, schema


def set_status(store: Store, kind: str, record_id: str, status: str, actor: str,
               comment: str | None = None, address: str | None = None) -> None:
    """Any record to any status, bypassing model.status.TRANSITIONS, leaving what a change
    through the portal leaves: its history row, a new generation and an audit entry."""
    if kind not in STATUS_KINDS or status not in STATUSES:
        raise InputError(f"无效的记录类别或状态：{kind} / {status}")
    filings = store.filings
    with store.db.write():
        old = filings._status(kind, record_id)
        filings._set_status(kind, record_id, status)
        filings._transition(kind, record_id, old, status, actor, dt.datetime.now(dt.UTC), comment)
        schema.bump(store.db)
        store.audit.append(actor, "status", {"kind": kind, "id": record_id, "from": old,
                                             "to": status, "comment": comment}, address)
