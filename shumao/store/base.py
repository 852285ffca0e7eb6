"""The Store interface: everything shumao keeps, on any backend.

``Store`` holds the SQL both backends share (written with ``?`` parameters, portable between
DuckDB and PostgreSQL) on a backend's primitives (``store.db``: backend.py; ``duckdb.py``,
``postgres.py`` supply the connection, bulk transfer of Arrow data in and out, the write
lock and the Ibis backend).  Nothing
outside ``store/`` issues SQL against a user's store.

    reading       counts, summary, lookup (Arrow), amount_medians, enterprise(s),
                  enterprise_records, batches,
                  ibis() + reading() for the indicator expressions
    exporting     export_parquet: the approved records of one snapshot as Parquet files
                  (model.records.EXPORTED; the layout in shumao/lake/export.py)
    loading       load(ValidatedBatch): all or nothing, serialised, and refused with a
                  ConflictError when the store changed since the batch was checked
    the portal    set_status, users, tokens, the append-only audit log,
                  bulletin issues (drafts, then published and immutable; corrections are revisions)
    filing        (filing.py) records filed on the web and their transitions, filing
                  windows, reminders, vintages
"""

from __future__ import annotations

import datetime as dt
import getpass
from contextlib import AbstractContextManager
from typing import Any

from shumao.store import schema
from shumao.store.audit import AuditLog
from shumao.store.backend import Backend
from shumao.store.bulletins import Bulletins
from shumao.store.filings import Filings
from shumao.store.records import Records
from shumao.store.users import Users
from shumao.store.vintages import Vintages
from shumao.store.windows import Windows

ROLES = ("admin", "staff", "reviewer", "enterprise")


class Store:
    """An open store: a backend's primitives (``db``) and what shumao keeps on them.  Use as
    a context manager, or call ``close()``."""

    def __init__(self, db: Backend):
        self.db = db
        self.audit = AuditLog(db)
        self.users = Users(db, self.audit)
        self.vintages = Vintages(db, self.audit)
        self.bulletins = Bulletins(db, self.audit, self.vintages)
        self.windows = Windows(db, self.audit)
        self.filings = Filings(db, self.audit)
        self.records = Records(db, self.audit)

    @property
    def backend(self) -> str:
        """The engine: duckdb | postgres."""
        return self.db.name

    @property
    def url(self) -> str:
        return self.db.url

    @property
    def read_only(self) -> bool:
        return self.db.read_only

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def ibis(self):
        """The store's tables as an Ibis backend (one per thread), for the indicators."""
        return self.db.ibis()

    def reading(self) -> AbstractContextManager[Any]:
        """An Ibis backend on one consistent snapshot: a report computed inside sees the
        store before or after any import, never between."""
        return self.db.reading()

    # -- reading ---------------------------------------------------------------------------
    def generation(self) -> int:
        """A number that changes whenever records or their status change (for caches and
        for refusing a batch checked against an older store)."""
        return schema.generation(self.db)

def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(v) -> str | None:
    return v.isoformat() if v is not None else None


def cli_actor() -> str:
    try:
        return f"{getpass.getuser()}（命令行）"
    except Exception:  # noqa: BLE001 — no user name in a container is not an error
        return "命令行"
