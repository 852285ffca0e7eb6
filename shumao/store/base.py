"""The Store: everything shumao keeps, on any backend — a facade with no SQL of its own
beyond the generation.

``store.db`` is the backend's primitives (backend.py; ``duckdb.py``, ``postgres.py``: the
connection, bulk transfer of Arrow data in and out, the write lock, one snapshot and the
Ibis backend).  On it, one repository per concern, each writing SQL both backends share
(``?`` parameters) and its audit entries through ``store.audit``; the rows they return are
typed (rows.py: TypedDicts, so plain dicts at run time whose keys mypy checks):

    records     counts, summary, lookup (Arrow), amount_medians, enterprise(s), of_enterprise,
                batches, export_parquet, load (all or nothing, refused when the store
                changed since the batch was checked)
    filings     records filed on the web and their transitions (model.status), history,
                ledger, what the checks read, the status board's month states
    windows     filing windows, the reminder log and 零申报 (no business in a month)
    rates       exchange rates entered in the portal, the months filings lack, conversions
    windows     filing windows and the reminder log
    organisation the association's name, city and short self-reference (机构设置)
    bulletins   bulletin issues (drafts, then published and immutable; corrections are revisions)
    vintages    published reports frozen with their records
    users       users and tokens
    audit       the append-only audit log

``ibis()`` and ``reading()`` give the indicator expressions the store's tables.  Nothing
outside ``store/`` issues SQL against a user's store.
"""

from __future__ import annotations

import getpass
from contextlib import AbstractContextManager
from typing import Any

from shumao.store import schema
from shumao.store.audit import AuditLog
from shumao.store.backend import Backend
from shumao.store.bulletins import Bulletins
from shumao.store.filings import Filings
from shumao.store.organisation import OrganisationSettings
from shumao.store.rates import Rates
from shumao.store.records import Records
from shumao.store.users import Users
from shumao.store.vintages import Vintages
from shumao.store.windows import Windows


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
        self.organisation = OrganisationSettings(db, self.audit)
        self.filings = Filings(db, self.audit)
        self.rates = Rates(db, self.audit)
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

    def generation(self) -> int:
        """A number that changes whenever records or their status change (for caches and
        for refusing a batch checked against an older store)."""
        return schema.generation(self.db)


def cli_actor() -> str:
    try:
        return f"{getpass.getuser()}（命令行）"
    except Exception:  # noqa: BLE001 — no user name in a container is not an error
        return "命令行"
