"""Private staging: the files of one import are read, normalised and checked in a DuckDB
database of their own, never in the user's store: a file in a private temporary folder
(SHUMAO_TMPDIR), thrown away after, with a memory limit (SHUMAO_STAGING_MEMORY).  A file
rather than memory because DuckDB compresses the tables it writes to a database file and
not what an in-memory database spills: 10⁸ executions (7.5 GB of CSV) staged in memory
spilled over 60 GB and filled this machine's disk; in a file the folder peaks at 18 GB.
The store is asked only for Arrow snapshots — the stored records an import touches, the
rates, the enterprises' usual amounts — and finally loads the ``StagedBatch`` this module
hands it.

Inside the staging database, the steps share tables by name (one import, one database):

    stage_*   the cells of each file or sheet, as text            (read.py)
    u_, n_    stacked; typed (dates, codes, cents)                (normalise.py)
    store_*   the store's snapshot the checks compare with        (here)
    f_, c_    one record per id; new / unchanged / changed         (here)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from shumao import settings
from shumao.files import scratch
from shumao.ingest import checks, issues, normalise
from shumao.ingest.issues import Issue
from shumao.ingest.read import Reader, Staged
from shumao.model import digital_codes, rules
from shumao.model.digital import SHARE_RANGE
from shumao.model.records import DATE_OF, KINDS, RECORDS
from shumao.store import SourceFile, Store

# the typed record of each kind: (column, SQL over n_<kind>), in the store's column order
RECORD = {
    "enterprises": [
        ("enterprise_id", "upper(enterprise_id)"), ("name", "name"),
        ("nature", "nature_code"), ("region", "region"),
        ("size_class", "size_class_code"), ("industry", "industry_code")],
    "contracts": [
        ("contract_id", "contract_id"), ("enterprise_id", "upper(enterprise_id)"),
        ("signed_on", "signed_date"), ("client_country", "client_country_code"),
        ("category", "category_code"), ("amount_cents", "amount_cents"),
        ("orig_amount", "amount_dec"), ("orig_scale", "_scale"), ("currency", "cur"),
        ("status", "coalesce(status_code, 'approved')"),
        # digital trade (spec §6.1.2): the effective share — remote 100, onsite 0
        ("subcategory", "subcategory_code"), ("delivery_mode", "delivery_mode_code"),
        ("remote_share", "CASE delivery_mode_code " + " ".join(   # model.digital.effective_share
            f"WHEN '{m}' THEN {lo if lo == hi else 'share_int'}" for m, (lo, hi) in SHARE_RANGE.items())
         + " END"),
        ("ordered_online", "ordered_online_code"), ("platform_id", "platform_id")],
    "executions": [
        ("execution_id", "execution_id"), ("contract_id", "contract_id"),
        ("executed_on", "executed_date"), ("amount_cents", "amount_cents"),
        ("orig_amount", "amount_dec"), ("orig_scale", "_scale"), ("currency", "cur"),
        ("status", "coalesce(status_code, 'approved')")],
    "rates": [("currency", "currency_code"), ("month", "month_date"),
              ("usd_per_unit", "CAST(rate AS DECIMAL(20, 10))")],
    "platforms": [("platform_id", "platform_id"), ("name", "name"), ("role", "role_code"),
                  ("resident", "resident_code = 'yes'"), ("source", "source")],
    "ecommerce": [
        ("line_id", "line_id"), ("basis", "coalesce(basis_code, 'regime')"),
        ("regime", "regime"), ("flow", "flow_code"), ("month", "month_date"),
        ("partner", "partner_code"), ("hs_chapter", "hs_code"),
        ("amount_cents", "amount_cents"), ("orig_amount", "amount_dec"),
        ("orig_scale", "_scale"), ("currency", "cur"),
        ("enterprise_id", "upper(enterprise_id)"), ("enterprises", "enterprises_int"),
        ("platform_id", "platform_id"), ("public", "public_code = 'yes'")],
    "services": [
        ("record_id", "record_id"), ("enterprise_id", "upper(enterprise_id)"),
        ("month", "month_date"), ("flow", "flow_code"), ("partner", "partner_code"),
        ("ebops", "ebops_code"), ("amount_cents", "amount_cents"), ("orig_amount", "amount_dec"),
        ("orig_scale", "_scale"), ("currency", "cur"), ("remote_share", "remote_int"),
        ("ordered_online_share", "ordered_int")],
    "dt_survey": [
        ("enterprise_id", "upper(enterprise_id)"), ("year", "year_int"),
        ("online_ordered_pct", "exports_online_ordered_pct_int"),
        ("via_dip_pct", "exports_via_dip_pct_int"),
        # the remote shares answered, as JSON {sub-category: percent}; NULL without any
        ("remote_pct", "nullif('{' || concat_ws(',', " + ", ".join(
            f"""CASE WHEN remote_pct_{s}_int IS NOT NULL THEN '"{s}":' || remote_pct_{s}_int END"""
            for s in digital_codes.subcategories()) + ") || '}', '{}')"),
        ("amount_cents", "amount_cents"), ("orig_amount", "amount_dec"), ("orig_scale", "_scale"),
        ("currency", "CASE WHEN amount_dec IS NOT NULL THEN cur END")],
    "totals": [
        ("name", "name_code"), ("period", "period_code"), ("flow", "flow_code"),
        ("amount_cents", "amount_cents"), ("orig_amount", "amount_dec"), ("orig_scale", "_scale"),
        ("currency", "cur"), ("source", "source")],
}
CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
ROWS_PER_BATCH = 122_880          # DuckDB's vector size × 60: batches of a few MB


@dataclass
class Checked:
    """What checking an import against the store found."""

    issues: list[Issue]
    counts: dict[str, dict[str, int]]
    ignored: dict[str, list[str]]
    batch: StagedBatch | None = None
    span: tuple[dt.date, dt.date] | None = None     # the first and last day the records name

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]


@dataclass
class StagedBatch:
    """A validated batch (store.ValidatedBatch): records stream out of the staging
    database as Arrow batches in the store's columns, so loading never holds them all."""

    con: duckdb.DuckDBPyConnection
    replace: bool
    generation: int
    counts: dict[str, dict[str, int]]
    files: list[SourceFile] = field(default_factory=list)

    def _states(self) -> str:
        return "('new', 'changed')" if self.replace else "('new')"

    def records(self, kind: str) -> pa.RecordBatchReader:
        schema = RECORDS[kind].arrow(without=("batch_id",))
        cols = ", ".join(schema.names)
        reader = self.con.sql(f"SELECT {cols} FROM c_{kind} WHERE state IN "
                              f"{self._states()}").to_arrow_reader(ROWS_PER_BATCH)
        return reader.cast(schema)

    def replaced_keys(self, kind: str) -> pa.Table:
        key = ", ".join(RECORDS[kind].key)
        if not self.replace:
            return pa.table({k: pa.array([], pa.string()) for k in RECORDS[kind].key})
        return self.con.sql(f"SELECT {key} FROM c_{kind} WHERE state = 'changed'"
                            ).to_arrow_table()


class Staging:
    """One import's private database.  ``read`` the files, then ``check`` against a store
    (again, if the store changed before the batch could be loaded)."""

    def __init__(self, today: dt.date | None = None):
        self.today = today or dt.date.today()
        scratch.sweep()                     # what killed imports and servers left
        self.spill = str(scratch.make("staging"))
        try:
            self.con = duckdb.connect(os.path.join(self.spill, "staging.duckdb"), config={
                **CONFIG, "memory_limit": settings.get("SHUMAO_STAGING_MEMORY"),
                "temp_directory": self.spill})
        except BaseException:
            shutil.rmtree(self.spill, ignore_errors=True)
            raise
        self.con.execute("SET enable_progress_bar = false")   # never draw on the user's terminal
        self.con.execute("PRAGMA disable_checkpoint_on_shutdown")   # the file is thrown away
        self.reader = Reader(self.con)
        self.paths: list[Path] = []
        self.names: list[str] = []
        self.shown: list[str] = []       # each file's path as the batch records it
        self.data_set: dict[str, str] = {}   # a data set's file → the set's name (a folder given)

    def close(self) -> None:
        self.con.close()
        for tmp in self.reader.result.temp_files:
            Path(tmp).unlink(missing_ok=True)
        shutil.rmtree(self.spill, ignore_errors=True)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def tables(self) -> list[Staged]:
        return self.reader.result.tables

    def read(self, files: Sequence[str | os.PathLike],
             names: Sequence[str] | None = None) -> None:
        """Stage every table of every file; files are named by their base name, or by the
        path as given where two base names are the same (so every issue says which).

        ``names``, one per file, are the names the user knows the files by (a web upload:
        ``合同.csv``, ``数据.zip/2024/合同.csv``, not the temporary copy): issues name them and
        the batch records them as the files' paths."""
        self.paths = [Path(f) for f in files]
        if names is not None:
            if len(names) != len(self.paths) or len(set(names)) != len(names):
                raise ValueError("names: one distinct name per file")
            self.names = list(names)
            self.shown = list(names)
        else:
            base = [p.name for p in self.paths]
            self.names = [p.name if base.count(p.name) == 1 else str(f)
                          for p, f in zip(self.paths, files, strict=True)]
            self.shown = [str(p.resolve()) for p in self.paths]
        self._expand_folders()
        parquet = []
        for p, name in zip(self.paths, self.names, strict=True):
            if p.suffix.lower() == ".parquet":
                parquet.append((p, name))
            else:
                self.reader.read(p, name)
        self.reader.read_parquet(parquet)    # a data set's partitions in one scan

    def imply(self, kind: str, column: str, value: str) -> None:
        """Rows of ``kind`` that leave ``column`` out or empty hold ``value``, and a file
        without the column is not missing it — an enterprise's upload: the signed-in
        clerk's own credit code need not be repeated on each row (a row naming another
        enterprise still names it).  After ``read``, before ``normalise``."""
        files = set()
        for t in self.tables:
            if t.kind != kind:
                continue
            files.update(t.files)
            if column not in t.headers.columns:
                self.con.execute(f"ALTER TABLE {t.name} ADD COLUMN {column} VARCHAR")
                t.headers.columns[column] = -1          # not in the file: no position
            self.con.execute(f"UPDATE {t.name} SET {column} = ? WHERE {column} IS NULL "
                             f"OR trim({column}) = ''", [value])
        result = self.reader.result
        result.issues = [i for i in result.issues if not (
            i.code == "missing-column" and i.column == column and i.file in files)]

    def _expand_folders(self) -> None:
        """A folder given is a Parquet data set (``shumao export``'s, or any): its Parquet
        files stand in its place, each named by the folder's name and its path inside
        (``导出/contracts/year=2024/month=6/part-0.parquet``).  A folder without one is left
        for the reader to report."""
        paths, names, shown = [], [], []
        for p, name, full in zip(self.paths, self.names, self.shown, strict=True):
            found = parquet_files(p) if p.is_dir() else []
            if not found:
                paths.append(p)
                names.append(name)
                shown.append(full)
            for f in found:
                inside = f.relative_to(p).as_posix()
                paths.append(f)
                names.append(f"{name.rstrip('/')}/{inside}")
                self.data_set[names[-1]] = name
                shown.append(f"{full.rstrip('/')}/{inside}")
        self.paths, self.names, self.shown = paths, names, shown

    def check(self, store: Store, replace: bool) -> Checked:
        """Every check of filings.md against a snapshot of the store; a StagedBatch when
        nothing is an error."""
        con = self.con
        generation = store.generation()   # read first: anything later makes load refuse
        self.normalise(store)
        self._snapshot(store)
        rows = checks.row_checks(con, self.today) + checks.missing_rates(con)
        for kind in KINDS:
            if self._finish(kind):
                rows += checks.duplicate_ids(con, kind, _content(kind, "f_" + kind + "_all"))
        rows += checks.references(con)
        for kind in KINDS:
            self._classify(kind)
            if not replace:
                rows += checks.changed(con, kind, _compared(kind))
        rows += checks.running_totals(con)
        rows += self._unusual(store)
        found = list(self.reader.result.issues) + _issues(rows, self.tables)
        absent = {(i.file, i.sheet, i.column) for i in found if i.code == "missing-column"}
        found = [i for i in found if not (i.code == "missing-value"
                                          and (i.file, i.sheet, i.column) in absent)]
        ignored: dict[str, list[str]] = {}      # a data set's files once, under its name
        for t in self.tables:
            for f in t.files if t.headers.ignored else ():
                where = ignored.setdefault(self.data_set.get(f, f) + (f"（{t.sheet}）" if t.sheet else ""), [])
                where += [c for c in t.headers.ignored if c not in where]
        counts = self._counts(replace)
        result = Checked(found, counts, ignored, span=self._span())
        if not result.errors:
            result.batch = StagedBatch(con, replace, generation, counts, self._sources())
        return result

    def normalise(self, store: Store) -> None:
        """Every kind's tables stacked, their words mapped and typed (``n_<kind>``) with the
        store's rates — the first step of ``check``, which a caller may take alone to look
        at the typed rows before any is compared with the store (an enterprise's upload)."""
        con = self.con
        self._register("store_rates", store.records.rates())
        self._reference()
        normalise.install_macros(con)
        for kind in ("rates", *(k for k in KINDS if k != "rates")):
            normalise.stack(con, kind, [t for t in self.tables if t.kind == kind])
            normalise.map_words(con, kind)
            if kind != "rates":
                self._rates()
            normalise.typed(con, kind)

    def _reference(self) -> None:
        """ref_regimes, ref_subcategories: the reference files the digital-trade checks
        compare with (spec/digital-trade.md §6.2)."""
        regimes = digital_codes.regimes().values()
        self._register("ref_regimes", pa.table({
            "code": [r.code for r in regimes], "ecommerce": [r.ecommerce for r in regimes],
            "flows": ["|".join(r.flows) for r in regimes],
            "valid_month": pa.array([r.valid_from.replace(day=1) if r.valid_from else None
                                     for r in regimes], pa.date32())}))
        subs = digital_codes.subcategories().values()
        self._register("ref_subcategories", pa.table({
            "code": [s.code for s in subs], "parent": [s.parent for s in subs]}))

    # -- snapshots of the store ------------------------------------------------------------
    def _register(self, name: str, table: pa.Table) -> None:
        self.con.register(f"{name}_arrow", table)
        self.con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_arrow")
        self.con.unregister(f"{name}_arrow")

    def _keys(self, sql: str) -> pa.Array:
        return self.con.sql(sql).to_arrow_table().column(0).combine_chunks()

    def _snapshot(self, store: Store) -> None:
        """store_<kind>: the stored records this import names (by id or by reference), and
        store_executions_touched: the stored executions of the contracts it touches."""
        stored = store.records.counts()
        look = {
            "enterprises": ("enterprise_id", "SELECT upper(enterprise_id) FROM n_enterprises "
                            "UNION SELECT upper(enterprise_id) FROM n_contracts"),
            "contracts": ("contract_id", "SELECT contract_id FROM n_contracts "
                          "UNION SELECT contract_id FROM n_executions"),
            "executions": ("execution_id", "SELECT execution_id FROM n_executions"),
            "platforms": ("platform_id", "SELECT platform_id FROM n_platforms UNION "
                          "SELECT platform_id FROM n_contracts UNION "
                          "SELECT platform_id FROM n_ecommerce"),
            "ecommerce": ("line_id", "SELECT line_id FROM n_ecommerce"),
            "services": ("record_id", "SELECT record_id FROM n_services"),
            "dt_survey": ("enterprise_id", "SELECT upper(enterprise_id) FROM n_dt_survey"),
            "totals": ("period", "SELECT period_code FROM n_totals"),
        }
        self.stored = {}
        for kind, (column, sql) in look.items():
            table = RECORDS[kind].arrow(without=("batch_id",)).empty_table()
            if stored[kind]:        # a first import asks the store nothing
                keys = self._keys(f"SELECT * FROM ({sql}) k(v) WHERE v IS NOT NULL")
                if len(keys):
                    table = store.records.lookup(kind, column, keys)
            self._register(f"store_{kind}", table)
            self.stored[kind] = table.num_rows
        table = RECORDS["executions"].arrow(without=("batch_id",)).empty_table()
        if stored["executions"]:
            touched = self._keys("SELECT DISTINCT contract_id FROM n_executions "
                                 "WHERE contract_id IS NOT NULL")
            if len(touched):
                table = store.records.lookup("executions", "contract_id", touched)
        self._register("store_executions_touched", table)
        self.stored["rates"] = stored["rates"]

    def _rates(self) -> None:
        """r_all: the rate of every currency and month, this import's before the store's."""
        self.con.execute("""CREATE OR REPLACE TABLE r_all AS
            SELECT DISTINCT ON (currency_code, month_date) currency_code AS currency,
                   month_date AS month, rate AS usd_per_unit
            FROM n_rates WHERE currency_code IS NOT NULL AND month_date IS NOT NULL AND rate > 0
            ORDER BY currency_code, month_date, _row""")
        self.con.execute("""INSERT INTO r_all SELECT currency, month, usd_per_unit FROM store_rates s
            WHERE NOT EXISTS (SELECT 1 FROM r_all r WHERE r.currency = s.currency
                                                      AND r.month = s.month)""")

    # -- records ---------------------------------------------------------------------------
    def _finish(self, kind: str) -> bool:
        """f_<kind>_all: every record typed, with where it came from; f_<kind>: one per id
        (identical duplicates collapse to their first row).  True if any id repeats."""
        con = self.con
        cols = ", ".join(f"{sql} AS {c}" for c, sql in RECORD[kind])
        raw = ", amount AS amount_raw" if kind in DATE_OF else ""
        keys = ", ".join(RECORDS[kind].key)
        present = " AND ".join(k + " IS NOT NULL" for k in RECORDS[kind].key)
        self._drop(f"f_{kind}")
        con.execute(f"CREATE OR REPLACE VIEW f_{kind}_all AS SELECT _file, _sheet, _row, "
                    f"{cols}{raw} FROM n_{kind}")
        rows, distinct = con.execute(f"SELECT count(*), count(DISTINCT ({keys})) FROM "
                                     f"f_{kind}_all WHERE {present}").fetchall()[0]
        if rows == distinct:
            con.execute(f"CREATE VIEW f_{kind} AS SELECT * FROM f_{kind}_all "
                        f"WHERE {present}")
            return False
        con.execute(f"CREATE TABLE f_{kind} AS SELECT * FROM f_{kind}_all "
                    f"WHERE {present} QUALIFY row_number() OVER (PARTITION BY {keys} "
                    f"ORDER BY _file, _row) = 1")
        return True

    def _classify(self, kind: str) -> None:
        """c_<kind>: each record new, unchanged or changed against the store's snapshot."""
        self._drop(f"c_{kind}")       # a view or a table, from an earlier check of this import
        if not self.stored[kind]:     # nothing of this kind stored that the import names
            self.con.execute(f"CREATE VIEW c_{kind} AS SELECT *, 'new' AS state FROM f_{kind}")
            return
        keys = RECORDS[kind].key
        on = " AND ".join(f"s.{k} = f.{k}" for k in keys)
        self.con.execute(f"""CREATE TABLE c_{kind} AS
            SELECT f.*, CASE WHEN s.{keys[0]} IS NULL THEN 'new'
                             WHEN {_content(kind, 'f')} IS NOT DISTINCT FROM {_content(kind, 's')}
                             THEN 'unchanged' ELSE 'changed' END AS state
            FROM f_{kind} f LEFT JOIN store_{kind} s ON {on}""")

    def _drop(self, name: str) -> None:
        """Drop what an earlier ``check`` of this import made under ``name``: the store may
        have changed since, so a view may become a table or the other way round."""
        for kind in ("VIEW", "TABLE"):
            with contextlib.suppress(duckdb.CatalogException):
                self.con.execute(f"DROP {kind} IF EXISTS {name}")

    def _span(self) -> tuple[dt.date, dt.date] | None:
        """The first and last date of the import's contracts and executions (the months the
        data covers), within the years a record may name; None without any."""
        (first, last), = self.con.execute(f"""
            SELECT min(d), max(d) FROM (SELECT signed_on AS d FROM f_contracts
                                        UNION ALL SELECT executed_on FROM f_executions)
            WHERE year(d) BETWEEN {rules.FIRST_YEAR} AND {rules.LAST_YEAR}""").fetchall()
        return None if first is None else (first, last)

    def _counts(self, replace: bool) -> dict[str, dict[str, int]]:
        out = {}
        for kind in KINDS:
            present = " AND ".join(k + " IS NOT NULL" for k in RECORDS[kind].key)
            (total,), = self.con.execute(f"SELECT count(*) FROM f_{kind}_all WHERE {present}"
                                         ).fetchall()
            new, unchanged, changed = self.con.execute(
                f"SELECT count(*) FILTER (state = 'new'), count(*) FILTER (state = 'unchanged'), "
                f"count(*) FILTER (state = 'changed') FROM c_{kind}").fetchall()[0]
            out[kind] = {"new": new, "unchanged": unchanged, "replaced": changed if replace else 0,
                         "duplicates": total - new - unchanged - changed}
        return out

    def _unusual(self, store: Store) -> checks.Found:
        """model.rules: amounts far above the enterprise's usual amount, the usual amount
        taken from the store as model.rules.usual chooses it (its twelve months before the
        import, else its whole history), else from the import itself."""
        found: checks.Found = []
        for kind in ("contracts", "executions"):
            # (a date outside the years is an error already: date-out-of-range)
            (first,), = self.con.execute(
                f"SELECT min({DATE_OF[kind]}) FROM f_{kind} WHERE year({DATE_OF[kind]}) "
                f"BETWEEN {rules.FIRST_YEAR} AND {rules.LAST_YEAR}").fetchall()
            if first is None:
                continue
            ents = self._keys(f"SELECT DISTINCT enterprise_id FROM ({checks.owned(kind)})")
            self._register("store_usual", _store_usual(store, kind, ents, first))
            found += checks.unusual_amounts(self.con, kind)
        return found

    def _sources(self) -> list[SourceFile]:
        digests = {str(p): (_sha256(p), p.stat().st_size) for p in self.paths}
        by_name = dict(zip(self.names, zip(self.paths, self.shown, strict=True), strict=True))
        out = []
        for t in self.tables:
            for f in t.files:
                p, shown = by_name[f]
                sha, size = digests[str(p)]
                out.append(SourceFile(shown, f, t.sheet, t.kind, sha, size,
                                      t.member_rows.get(f, 0) if t.members else t.rows))
        return out


def _store_usual(store: Store, kind: str, ents: pa.Array, first: dt.date) -> pa.Table:
    """Per enterprise, the usual amount the store knows (model.rules.usual over its twelve
    months before ``first``, then its whole history before): enterprise_id, median_cents,
    n, basis, and the multiple of the median that is unusual (model.rules.multiple)."""
    start, end = rules.history_window(first)
    recent = store.records.amount_medians(kind, ents, start, end).to_pylist() if len(ents) else []
    by = {r["enterprise_id"]: [("recent", r["median_cents"], r["low_cents"], r["n"])]
          for r in recent}
    few = [e for e in ents.to_pylist() if rules.usual(*by.get(e, [])) is None]
    if few:
        whole = store.records.amount_medians(kind, pa.array(few, pa.string()),
                                             dt.date(rules.FIRST_YEAR, 1, 1), end)
        for r in whole.to_pylist():
            by.setdefault(r["enterprise_id"], []).append(
                ("history", r["median_cents"], r["low_cents"], r["n"]))
    chosen = [(e, u) for e, c in by.items() if (u := rules.usual(*c)) is not None]
    return pa.table({"enterprise_id": pa.array([e for e, _ in chosen], pa.string()),
                     "median_cents": pa.array([u.median_cents for _, u in chosen], pa.float64()),
                     "low_cents": pa.array([u.low_cents for _, u in chosen], pa.float64()),
                     "n": pa.array([u.n for _, u in chosen], pa.int64()),
                     "basis": pa.array([u.basis for _, u in chosen], pa.string())})


def parquet_files(folder: Path) -> list[Path]:
    """The Parquet files in a folder and its sub-folders, months in calendar order
    (``month=2`` before ``month=10``), leaving out what Hive and Spark hide: any name that
    starts with ``_`` or ``.``."""
    def natural(p: Path) -> list:
        return [(0, int(t), "") if t.isdigit() else (1, 0, t)
                for t in re.split(r"(\d+)", p.relative_to(folder).as_posix())]

    return sorted((p for p in folder.rglob("*.parquet") if p.is_file() and not any(
        part.startswith(("_", ".")) for part in p.relative_to(folder).parts)), key=natural)


def _compared(kind: str) -> list[tuple[str, str]]:
    """What makes two records of a kind with one id the same: (name, SQL over alias ``{a}``)
    of each field but the key — the amount as the amount in its currency, so that 261.113965
    万美元 and 2,611,139.65 美元 are the same amount (the unit is how it was written)."""
    out = []
    for c, _ in RECORD[kind]:
        if c in RECORDS[kind].key or c == "orig_scale":
            continue
        out.append((c, "{a}.orig_amount * {a}.orig_scale" if c == "orig_amount" else "{a}." + c))
    return out


def _content(kind: str, alias: str) -> str:
    return "row(" + ", ".join(sql.format(a=alias) for _, sql in _compared(kind)) + ")"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _issues(rows: checks.Found, tables: list[Staged]) -> list[issues.Issue]:
    headers = {(f, t.sheet, c): h for t in tables for f in t.files
               for c, h in t.headers.headers.items()}
    kinds = {(f, t.sheet): t.kind for t in tables for f in t.files}
    out = [issues.make(f.code, f.file, f.row, f.column, f.value,
                       headers.get((f.file, f.sheet, f.column), ""), f.sheet, f.detail,
                       kinds.get((f.file, f.sheet)))
           for f in rows]
    out.sort(key=lambda i: (i.file, i.sheet or "", i.row or 0, i.column or "", i.code))
    return out
