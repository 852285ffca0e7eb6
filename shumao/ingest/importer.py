"""``import_files``: read → normalise → check → load, all or nothing.

The whole import is staged in temporary tables of the store's own connection; the store's
tables are touched only in one transaction at the end, and only when no check found an
error.  A crash or Ctrl-C before COMMIT leaves the store as it was (DuckDB rolls back).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from shumao.ingest import checks, issues, normalise
from shumao.ingest.headers import KINDS
from shumao.ingest.read import Reader
from shumao.store import Store

# the typed record of each kind: (column, SQL over n_<kind>), in the store's column order
RECORD = {
    "enterprises": [
        ("enterprise_id", "upper(enterprise_id)"), ("name", "name"),
        ("nature", "nature_code"), ("region", "region")],
    "contracts": [
        ("contract_id", "contract_id"), ("enterprise_id", "upper(enterprise_id)"),
        ("signed_on", "signed_date"), ("client_country", "client_country_code"),
        ("category", "category_code"), ("amount_cents", "amount_cents"),
        ("orig_amount", "amount_dec"), ("orig_scale", "_scale"), ("currency", "cur"),
        ("status", "coalesce(status_code, 'approved')")],
    "executions": [
        ("execution_id", "execution_id"), ("contract_id", "contract_id"),
        ("executed_on", "executed_date"), ("amount_cents", "amount_cents"),
        ("orig_amount", "amount_dec"), ("orig_scale", "_scale"), ("currency", "cur"),
        ("status", "coalesce(status_code, 'approved')")],
    "rates": [("currency", "currency_code"), ("month", "month_date"), ("usd_per_unit", "rate")],
}
DATES = {"contracts": "signed_date", "executions": "executed_date"}


@dataclass
class ImportResult:
    ok: bool
    counts: dict[str, dict[str, int]]
    errors: list[issues.Issue] = field(default_factory=list)
    warnings: list[issues.Issue] = field(default_factory=list)
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)
    batch_id: int | None = None

    def as_dict(self) -> dict:
        return {"ok": self.ok, "counts": self.counts,
                "errors": [i.as_dict() for i in self.errors],
                "warnings": [i.as_dict() for i in self.warnings],
                "ignored_columns": self.ignored_columns, "batch_id": self.batch_id}


def import_files(store: Store, files: list[str | os.PathLike], replace: bool = False,
                 today: dt.date | None = None) -> ImportResult:
    """Check every row of every file and load all of it into the store, or nothing."""
    today = today or dt.date.today()
    con = store.con
    reader = Reader(con)
    paths = [Path(f) for f in files]
    try:
        for p in paths:
            reader.read(p, p.name)
        found: list[issues.Issue] = list(reader.result.issues)
        tables = reader.result.tables
        normalise.install_macros(con)
        for kind in ("rates", "enterprises", "contracts", "executions"):
            normalise.stack(con, kind, [t for t in tables if t.kind == kind])
            normalise.map_words(con, kind)
            if kind != "rates":
                _rates(con)
            normalise.typed(con, kind)
        rows = checks.row_checks(con, today) + checks.missing_rates(con)
        for kind in KINDS:
            if _finish(con, kind):
                rows += checks.duplicate_ids(con, kind, _content(kind, "f_" + kind + "_all"))
        rows += checks.references(con)
        for kind in KINDS:
            _classify(con, kind)
            if not replace:
                rows += checks.changed(con, kind)
        rows += checks.running_totals(con)
        found += _issues(rows, tables)
        absent = {(i.file, i.sheet, i.column) for i in found if i.code == "missing-column"}
        found = [i for i in found if not (i.code == "missing-value"
                                          and (i.file, i.sheet, i.column) in absent)]
        errors = [i for i in found if i.severity == "error"]
        warnings = [i for i in found if i.severity == "warning"]
        counts = _counts(con, replace)
        ignored = {t.file + (f"（{t.sheet}）" if t.sheet else ""): t.headers.ignored
                   for t in tables if t.headers.ignored}
        if errors:
            return ImportResult(False, _zero(), errors, warnings, ignored)
        batch = None
        if any(c["new"] or c["replaced"] for c in counts.values()):
            batch = _load(store, paths, tables, counts, replace)
        return ImportResult(True, counts, [], warnings, ignored, batch)
    finally:
        for (name,) in con.execute(
                "SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal").fetchall():
            con.execute(f"DROP VIEW IF EXISTS temp.{name}")
        for (name,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall():
            con.execute(f"DROP TABLE IF EXISTS temp.{name}")
        for tmp in reader.result.temp_files:
            Path(tmp).unlink(missing_ok=True)


def _rates(con) -> None:
    """r_all: the rate of every currency and month, this import's before the store's."""
    con.execute("""CREATE OR REPLACE TEMP TABLE r_all AS
        SELECT DISTINCT ON (currency_code, month_date) currency_code AS currency,
               month_date AS month, rate AS usd_per_unit
        FROM n_rates WHERE currency_code IS NOT NULL AND month_date IS NOT NULL AND rate > 0
        ORDER BY currency_code, month_date, _row""")
    con.execute("""INSERT INTO r_all SELECT currency, month, usd_per_unit FROM main.rates s
        WHERE NOT EXISTS (SELECT 1 FROM r_all r WHERE r.currency = s.currency AND r.month = s.month)""")


def _content(kind: str, alias: str) -> str:
    cols = [c for c, _ in RECORD[kind] if c not in checks.KEYS[kind]]
    return "row(" + ", ".join(f"{alias}.{c}" for c in cols) + ")"


def _finish(con, kind: str) -> bool:
    """f_<kind>_all: every record typed, with where it came from; f_<kind>: one per id
    (identical duplicates collapse to their first row).  True if any id repeats."""
    cols = ", ".join(f"{sql} AS {c}" for c, sql in RECORD[kind])
    raw = ", amount AS amount_raw" if kind in DATES else ""
    keys = ", ".join(checks.KEYS[kind])
    present = " AND ".join(k + " IS NOT NULL" for k in checks.KEYS[kind])
    con.execute(f"CREATE OR REPLACE TEMP VIEW f_{kind}_all AS SELECT _file, _sheet, _row, "
                f"{cols}{raw} FROM n_{kind}")
    rows, distinct = con.execute(f"SELECT count(*), count(DISTINCT ({keys})) FROM f_{kind}_all "
                                 f"WHERE {present}").fetchall()[0]
    if rows == distinct:
        con.execute(f"CREATE OR REPLACE TEMP VIEW f_{kind} AS SELECT * FROM f_{kind}_all "
                    f"WHERE {present}")
        return False
    con.execute(f"CREATE OR REPLACE TEMP TABLE f_{kind} AS SELECT * FROM f_{kind}_all "
                f"WHERE {present} QUALIFY row_number() OVER (PARTITION BY {keys} "
                f"ORDER BY _file, _row) = 1")
    return True


def _classify(con, kind: str) -> None:
    """c_<kind>: each record new, unchanged or changed against the store."""
    keys = checks.KEYS[kind]
    on = " AND ".join(f"s.{k} = f.{k}" for k in keys)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE c_{kind} AS
        SELECT f.*, CASE WHEN s.{keys[0]} IS NULL THEN 'new'
                         WHEN {_content(kind, 'f')} IS NOT DISTINCT FROM {_content(kind, 's')}
                         THEN 'unchanged' ELSE 'changed' END AS state
        FROM f_{kind} f LEFT JOIN main.{kind} s ON {on}""")


def _counts(con, replace: bool) -> dict[str, dict[str, int]]:
    out = {}
    for kind in KINDS:
        new, unchanged, changed = con.execute(
            f"SELECT count(*) FILTER (state = 'new'), count(*) FILTER (state = 'unchanged'), "
            f"count(*) FILTER (state = 'changed') FROM c_{kind}").fetchall()[0]
        total = con.execute(f"SELECT count(*) FROM f_{kind}_all WHERE "
                            + " AND ".join(k + " IS NOT NULL" for k in checks.KEYS[kind])).fetchall()[0][0]
        out[kind] = {"new": new, "unchanged": unchanged, "replaced": changed if replace else 0,
                     "duplicates": total - new - unchanged - changed}
    return out


def _zero() -> dict[str, dict[str, int]]:
    return {k: {"new": 0, "unchanged": 0, "replaced": 0, "duplicates": 0} for k in KINDS}


def _load(store: Store, paths, tables, counts, replace: bool) -> int:
    con = store.con
    con.execute("BEGIN TRANSACTION")
    try:
        batch = con.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM batches").fetchall()[0][0]
        for kind in KINDS:
            keys = checks.KEYS[kind]
            cols = ", ".join(c for c, _ in RECORD[kind])
            if replace:
                on = " AND ".join(f"{kind}.{k} = c.{k}" for k in keys)
                con.execute(f"DELETE FROM main.{kind} USING c_{kind} c "
                            f"WHERE {on} AND c.state = 'changed'")
            con.execute(f"INSERT INTO main.{kind} ({cols}, batch_id) SELECT {cols}, {batch} "
                        f"FROM c_{kind} WHERE state IN ('new', 'changed')")
        con.execute("INSERT INTO batches VALUES (?, now(), ?, ?)",
                    [batch, replace, json.dumps(counts)])
        digests = {p.name: _sha256(p) for p in paths}
        sizes = {p.name: p.stat().st_size for p in paths}
        for t in tables:
            con.execute("INSERT INTO batch_files VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [batch, t.file, t.sheet, t.kind, digests[t.file], sizes[t.file], t.rows])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return batch


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _issues(rows, tables) -> list[issues.Issue]:
    headers = {(t.file, t.sheet, c): h for t in tables for c, h in t.headers.headers.items()}
    out = []
    for file, sheet, row, col, val, code, detail in rows:
        out.append(issues.make(code, file, row, col, val, headers.get((file, sheet, col), col),
                               sheet, detail))
    out.sort(key=lambda i: (i.file, i.sheet or "", i.row or 0, i.column or "", i.code))
    return out
