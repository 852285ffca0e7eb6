"""``import_files``: read → normalise → check in private staging, then the store loads the
validated batch all or nothing.

When another import (or a review decision) reaches the store between the checks and the
load, the store refuses the batch (``ConflictError``) and the files are checked again
against the store as it now is — so two imports at once both land, each row once, or the
second reports what now conflicts.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from shumao.errors import ConflictError, StoreError
from shumao.ingest import issues
from shumao.ingest.cancel import Cancel
from shumao.ingest.staging import Checked, Staging
from shumao.model.records import KINDS
from shumao.store import Store

ATTEMPTS = 3
# the codes an import yields, each with a specimen (tests/ingest/test_specimens.py)
YIELDS = (
    "unreadable-file", "workbook-too-large", "empty-file", "mixed-encoding", "formula-without-value",
    "unknown-file-kind", "missing-column", "missing-value", "bad-credit-code", "unknown-nature",
    "unknown-country", "unknown-category", "unknown-currency", "unknown-status",
    "currency-conflict", "bad-number", "amount-too-large", "negative-amount", "fraction-of-cent",
    "bad-rate", "bad-date", "impossible-date", "date-out-of-range", "bad-month", "unknown-enterprise",
    "unknown-contract", "duplicate-id", "changed-record", "missing-rate", "exceeds-contract",
    "future-date", "unusual-amount",
    # digital trade (spec/digital-trade.md §6.2)
    "unknown-regime", "regime-not-ecommerce", "regime-flow-mismatch", "regime-not-in-force",
    "bad-hs-chapter", "partner-is-china", "full-scope-has-detail", "duplicate-line",
    "unknown-platform", "bad-platform-role", "bad-yes-no", "unknown-subcategory",
    "subcategory-parent-mismatch", "bad-delivery-mode", "remote-share-out-of-range",
    "delivery-share-inconsistent", "bad-ordered-online", "date-is-declaration-date",
    "unknown-basis", "bad-flow", "unknown-ebops", "share-out-of-range",
    "bad-year", "unknown-total-name", "bad-period", "bad-size-class", "bad-industry",
)


@dataclass
class ImportResult:
    ok: bool
    counts: dict[str, dict[str, int]]
    errors: list[issues.Issue] = field(default_factory=list)
    warnings: list[issues.Issue] = field(default_factory=list)
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)
    batch_id: int | None = None
    span: tuple[dt.date, dt.date] | None = None    # the records' first and last day (not in JSON)

    def covers(self) -> str | None:
        """The months the records cover, in words: 2021年1月至2023年6月 (2023年6月 for one)."""
        if self.span is None:
            return None
        a, b = (f"{d.year}年{d.month}月" for d in self.span)
        return a if a == b else f"{a}至{b}"

    def as_dict(self) -> dict:
        return {"ok": self.ok, "counts": self.counts,
                "errors": [i.as_dict() for i in self.errors],
                "warnings": [i.as_dict() for i in self.warnings],
                "ignored_columns": self.ignored_columns, "batch_id": self.batch_id}


def zero_counts() -> dict[str, dict[str, int]]:
    return {k: {"new": 0, "unchanged": 0, "replaced": 0, "duplicates": 0} for k in KINDS}


def import_files(store: Store | Callable[[], Store], files: Sequence[str | os.PathLike],
                 replace: bool = False, today: dt.date | None = None,
                 actor: str | None = None, address: str | None = None,
                 names: Sequence[str] | None = None, cancel: Cancel | None = None) -> ImportResult:
    """Check every row of every file and load all of it into the store, or nothing.

    ``store`` may be a function opening it: the files are then read before the store is
    opened, so a DuckDB file is held only while checking against it and loading.
    ``names`` (one per file, distinct) are the names the user gave the files, where they
    are read from temporary copies (a web upload): issues and the batch's history show
    those, never the temporary paths.  ``cancel`` stops the import before its load
    (``Interrupted``) when asked to (cancel.py)."""
    cancel = cancel or Cancel()
    with cancel.stopping(), Staging(today) as staging:
        cancel.watch(staging.con)
        staging.read([Path(f) for f in files], names)
        cancel.check()
        if isinstance(store, Store):
            return _check_and_load(staging, store, replace, actor, address, cancel)
        with store() as opened:
            return _check_and_load(staging, opened, replace, actor, address, cancel)


def _check_and_load(staging: Staging, store: Store, replace: bool, actor, address,
                    cancel: Cancel) -> ImportResult:
    for _ in range(ATTEMPTS):
        checked = staging.check(store, replace)
        cancel.check()
        if checked.batch is None:
            return _result(checked, ok=False)
        if not any(c["new"] or c["replaced"] for c in checked.counts.values()):
            return _result(checked, ok=True)
        try:
            with cancel.hold():
                batch_id = store.records.load(checked.batch, actor=actor, address=address)
        except ConflictError:
            cancel.check()
            continue      # the store changed since the checks: check again against it
        return _result(checked, ok=True, batch_id=batch_id)
    raise StoreError("数据库在导入期间被反复修改，请稍后重试（数据库未做任何修改）")


def _result(checked: Checked, ok: bool, batch_id: int | None = None) -> ImportResult:
    return ImportResult(ok, checked.counts if ok else zero_counts(), checked.errors,
                        checked.warnings, checked.ignored, batch_id, checked.span)
