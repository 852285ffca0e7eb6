"""The store: every filing exactly (integer US cents) with its provenance, record status and
history, users and the audit log — on embedded DuckDB (a file) or PostgreSQL (a URL).

``connect(url)`` is the one way in; tests pass ``:memory:``, a temp path or a throwaway
cluster's URL.  Only this package writes SQL against a user's store.

    base        Store: a facade over one backend and the repositories, no SQL of its own
    backend     the primitives every engine implements (execute, arrow, insert, write, …)
    duckdb      the embedded backend (one file)
    postgres    the server backend
    schema      the tables, the schema's version and migrations, the generation
    rows        typed rows: User, BulletinFile
    records     the records: load a checked batch, lookups for the checks, counts, export
    filings     filed records: add, edit, submit, review (the status machine), history, ledger
    windows     each month's filing window, the reminder log and 零申报 declarations
    rates       exchange rates: held, missing, entered; pending web records converted
    windows     each month's filing window and the reminder log
    organisation the association's settings (机构设置)
    bulletins   bulletin issues (editions): drafts, publication, their files
    vintages    frozen publications
    users       accounts and API tokens
    audit       the append-only audit log every repository writes through
    cells       the time now, a time as ISO text, a value as JSON: written the same everywhere
    fault       the tests' seam for a load killed at a chosen point
"""

from __future__ import annotations

import os
from pathlib import Path

from shumao import settings
from shumao.store.base import Store
from shumao.store.records import SourceFile, ValidatedBatch
from shumao.store.rows import BulletinFile, User

__all__ = ["BulletinFile", "SourceFile", "Store", "User", "ValidatedBatch", "connect", "default_url", "discard_unused",
           "is_postgres", "new_file"]


def default_url() -> str:
    return settings.get("SHUMAO_DB")


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def connect(url: str | os.PathLike | None = None, read_only: bool = False,
            create: bool = True) -> Store:
    """Open the store at a DuckDB path (``duckdb:///path`` and ``:memory:`` too) or a
    ``postgresql://`` URL.  ``read_only`` never creates anything: a store that does not
    exist is a ``StoreNotFound``."""
    target = str(url) if url is not None else default_url()
    if is_postgres(target):
        from shumao.store.postgres import PostgresBackend

        return Store(PostgresBackend(target, read_only=read_only,
                                     create=create and not read_only))
    if target.startswith("duckdb://"):
        target = target[len("duckdb://"):] or ":memory:"
    from shumao.store.duckdb import DuckDBBackend

    return Store(DuckDBBackend(target, read_only=read_only, create=create and not read_only))


def new_file(url: str | os.PathLike | None) -> Path | None:
    """The DuckDB file ``connect(url)`` would create now (it does not exist yet), else None."""
    target = str(url) if url is not None else default_url()
    if is_postgres(target) or target in (":memory:", "duckdb://"):
        return None
    path = Path(target.removeprefix("duckdb://"))
    return None if path.exists() else path


def discard_unused(path: Path) -> bool:
    """Remove the DuckDB file ``path`` (created by this run, see ``new_file``) if nothing was
    written to it but its empty tables — a first import that failed leaves no store behind.
    Decided holding the file, so a store another process has filled meanwhile is kept."""
    from shumao.store.duckdb import DuckDBBackend
    from shumao.store.schema import TABLES

    if not path.is_file():
        return False
    with DuckDBBackend(str(path), create=False) as db:
        counted = " + ".join(f"(SELECT count(*) FROM {t})" for t in TABLES if t != "meta")
        (used,), = db.execute(f"SELECT {counted}")
        if used:
            return False
        for p in (path, path.with_name(path.name + ".wal")):
            p.unlink(missing_ok=True)
    return True
