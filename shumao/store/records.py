"""The records as imports keep them: reading (counts, summary, the months with approved
data, lookup, amount_medians, enterprises, an enterprise's records, batches), exporting one snapshot as Parquet, and
loading a validated batch all or nothing — serialised, and refused with a ConflictError
when the store changed since the batch was checked."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from shumao.errors import ConflictError
from shumao.model.records import DATE_OF, EXPORTED
from shumao.store import cells, schema
from shumao.store.audit import AuditLog
from shumao.store.backend import Backend
from shumao.store.fault import KillSwitch
from shumao.store.rates import convert
from shumao.store.rows import Batch, BatchFile, Enterprise, OfEnterprise, Record, Summary
from shumao.store.schema import KINDS, RECORDS

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class SourceFile:
    """One file of a batch, as given: its path, the name shown in issues, and its hash."""

    path: str
    file: str
    sheet: str | None
    kind: str
    sha256: str
    size: int
    rows: int


class ValidatedBatch(Protocol):
    """What ``ingest`` hands the store: checked records ready to load (see ingest.staging)."""

    replace: bool
    generation: int                       # the store's generation the checks ran against
    counts: dict[str, dict[str, int]]
    files: list[SourceFile]

    def records(self, kind: str) -> pa.RecordBatchReader:
        """The new (and, with replace, changed) records of a kind, in the store's columns."""

    def replaced_keys(self, kind: str) -> pa.Table:
        """The keys of the stored records this batch replaces (empty without replace)."""


@dataclass
class ParquetExport:
    """What ``export_parquet`` wrote: rows per kind, and the store's generation they are of."""

    generation: int
    counts: dict[str, int] = field(default_factory=dict)


class Records:
    def __init__(self, db: Backend, audit: AuditLog):
        self.db = db
        self.audit = audit

    def counts(self) -> dict[str, int]:
        sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in (*KINDS, "batches"))
        return {k: int(n) for k, n in self.db.execute(sql)}

    def summary(self) -> Summary:
        """``shumao status --json``: counts and date ranges."""
        (s0, s1, e0, e1), = self.db.execute(
            "SELECT (SELECT min(signed_on) FROM contracts), (SELECT max(signed_on) FROM contracts), "
            "(SELECT min(executed_on) FROM executions), (SELECT max(executed_on) FROM executions)")
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return cast(Summary, {**self.counts(), "signed_on": [iso(s0), iso(s1)],   # counts: KINDS, batches
                              "executed_on": [iso(e0), iso(e1)]})

    def approved_months(self) -> list[dt.date]:
        """The months (their first days, oldest first) with an approved contract signed or an
        approved execution of an approved contract: the months a 数据月报 has figures for
        (indicators.compute counts exactly these records)."""
        rows = self.db.execute(
            "SELECT DISTINCT y, m FROM ("
            "SELECT EXTRACT(YEAR FROM signed_on) AS y, EXTRACT(MONTH FROM signed_on) AS m "
            "FROM contracts WHERE status = 'approved' UNION "
            "SELECT EXTRACT(YEAR FROM x.executed_on), EXTRACT(MONTH FROM x.executed_on) "
            "FROM executions x JOIN contracts c ON c.contract_id = x.contract_id "
            "WHERE x.status = 'approved' AND c.status = 'approved') AS months ORDER BY y, m")
        return [dt.date(int(y), int(m), 1) for y, m in rows]

    def lookup(self, kind: str, column: str, values: pa.Array) -> pa.Table:
        """The stored records of a kind whose ``column`` is one of ``values`` (all columns
        but batch_id) — the snapshot an import is checked against."""
        table = RECORDS[kind]
        if column not in table.names:
            raise ValueError(column)
        out = table.arrow(without=("batch_id",))
        if len(values) == 0:
            return out.empty_table()
        cols = ", ".join(f"s.{c}" for c in out.names)
        with self.db.values(values) as v:
            return self.db.arrow(f"SELECT {cols} FROM {kind} s WHERE s.{column} IN "
                               f"(SELECT v FROM {v})", (), out)

    def rates(self) -> pa.Table:
        out = RECORDS["rates"].arrow(without=("batch_id",))
        return self.db.arrow("SELECT currency, month, usd_per_unit FROM rates", (), out)

    def amount_medians(self, kind: str, enterprise_ids: pa.Array, start: dt.date,
                       end: dt.date) -> pa.Table:
        """Per enterprise, the median and 10th percentile amount (cents) and count of its
        stored records of a kind dated in [start, end] — the 'usual range' of model.rules."""
        import pyarrow as pa

        out = pa.schema([("enterprise_id", pa.string()), ("median_cents", pa.float64()),
                         ("low_cents", pa.float64()), ("n", pa.int64())])
        if len(enterprise_ids) == 0:
            return out.empty_table()
        src = ("SELECT enterprise_id, signed_on AS d, amount_cents FROM contracts"
               if kind == "contracts" else
               "SELECT c.enterprise_id, x.executed_on AS d, x.amount_cents FROM executions x "
               "JOIN contracts c ON c.contract_id = x.contract_id")
        with self.db.values(enterprise_ids) as v:
            return self.db.arrow(
                f"SELECT enterprise_id, {self.db.median('amount_cents')} AS median_cents, "
                f"{self.db.low('amount_cents')} AS low_cents, count(*) AS n FROM ({src}) r WHERE d BETWEEN ? AND ? "
                f"AND enterprise_id IN (SELECT v FROM {v}) GROUP BY enterprise_id",
                [start, end], out)

    def category_median(self, kind: str, category: str, start: dt.date,
                        end: dt.date) -> tuple[float | None, float | None, int]:
        """The city's median and 10th percentile amount (cents) and count of approved
        records of a kind in a business category (an execution's: its contract's), dated in
        [start, end] — the city-wide bound of model.rules for an enterprise with too little
        history."""
        src = ("SELECT category, signed_on AS d, amount_cents, status FROM contracts"
               if kind == "contracts" else
               "SELECT c.category, x.executed_on AS d, x.amount_cents, x.status FROM executions x "
               "JOIN contracts c ON c.contract_id = x.contract_id")
        (median, low, n), = self.db.execute(
            f"SELECT {self.db.median('amount_cents')}, {self.db.low('amount_cents')}, count(*) "
            f"FROM ({src}) r WHERE category = ? AND status = 'approved' AND d BETWEEN ? AND ?",
            [category, start, end])
        return (None if median is None else float(median)), \
            (None if low is None else float(low)), int(n)

    # -- exporting -------------------------------------------------------------------------
    def export_parquet(self, folder: Path) -> ParquetExport:
        """Write what the indicators count, from one snapshot, into the empty folder
        ``folder``: ``<kind>/`` for each kind of ``EXPORTED`` — contracts and executions
        Hive-partitioned by the year and month of their date (``year=2024/month=6/
        part-0.parquet``), enterprises and rates as ``part-0.parquet``.  A kind without
        rows may have no file (shumao.lake.export then writes an empty one)."""
        with self.db.snapshot():
            done = ParquetExport(schema.generation(self.db))
            for kind, table in EXPORTED.items():
                done.counts[kind] = self.db.write_parquet(export_sql(kind), table.arrow(),
                                                        folder / kind, kind in DATE_OF)
        return done

    def enterprise(self, enterprise_id: str) -> Enterprise | None:
        """An enterprise's name, nature and region (the bulletin's member profiles)."""
        rows = self.db.execute("SELECT enterprise_id, name, nature, region FROM enterprises "
                             "WHERE enterprise_id = ?", [enterprise_id.strip().upper()])
        if not rows:
            return None
        (eid, name, nature, region), = rows
        return Enterprise(enterprise_id=eid, name=name, nature=nature, region=region)

    def enterprises(self, limit: int | None = None) -> list[Enterprise]:
        """Every enterprise (id, name, nature, region) by credit code: the member directory."""
        rows = self.db.execute("SELECT enterprise_id, name, nature, region FROM enterprises "
                             "ORDER BY enterprise_id" + (" LIMIT ?" if limit else ""),
                             [limit] if limit else [])
        return [Enterprise(enterprise_id=e, name=n, nature=nat, region=reg) for e, n, nat, reg in rows]

    def platforms(self) -> dict[str, str]:
        """The platforms register (spec/digital-trade.md §6.1.3): id → name, by name — the
        filing form's 接单平台 choices and the check that a contract names one of them."""
        return dict(self.db.execute("SELECT platform_id, name FROM platforms ORDER BY name, platform_id"))

    def of_enterprise(self, enterprise_id: str,
                           dates: tuple[dt.date, dt.date] | None = None) -> OfEnterprise:
        """An enterprise's contracts (by ``signed_on``) and executions (by ``executed_on``),
        each with its review status, dated within ``dates`` (first, last) when given;
        oldest first."""
        def within(col: str) -> str:
            return f" AND {col} BETWEEN ? AND ?" if dates else ""

        bounds = list(dates) if dates else []
        eid = [enterprise_id.strip().upper()]
        money = ("amount_cents", "orig_amount", "orig_scale", "currency", "status", "batch_id")
        contracts = ("contract_id", "signed_on", "client_country", "category", *money)
        executions = ("execution_id", "contract_id", "executed_on", *money)
        rows_c = self.db.execute(
            f"SELECT {', '.join(contracts)} FROM contracts WHERE enterprise_id = ?"
            f"{within('signed_on')} ORDER BY signed_on, contract_id", eid + bounds)
        rows_x = self.db.execute(
            f"SELECT {', '.join('x.' + c for c in executions)} FROM executions x "
            "JOIN contracts c ON c.contract_id = x.contract_id WHERE c.enterprise_id = ?"
            f"{within('x.executed_on')} ORDER BY x.executed_on, x.execution_id", eid + bounds)
        return {"contracts": [cast(Record, dict(zip(contracts, r, strict=True))) for r in rows_c],
                "executions": [cast(Record, dict(zip(executions, r, strict=True))) for r in rows_x]}

    def batches(self) -> list[Batch]:
        """Every import, newest first, with each file's own path and sha256."""
        files: dict[int, list[BatchFile]] = {}
        for b, path, file, sheet, kind, sha, size, n in self.db.execute(
                "SELECT batch_id, path, file, sheet, kind, sha256, size, rows "
                "FROM batch_files ORDER BY batch_id, position"):
            files.setdefault(b, []).append(BatchFile(path=path, file=file, sheet=sheet, kind=kind,
                                                     sha256=sha, size=size, rows=n))
        out = []
        for b, at, by, repl, counts in self.db.execute(
                "SELECT batch_id, imported_at, imported_by, replace_mode, counts FROM batches "
                "ORDER BY batch_id DESC"):
            out.append(Batch(batch_id=b, imported_at=cells.iso(at), imported_by=by,
                             replace=bool(repl), counts=json.loads(counts),
                             files=files.get(b, [])))
        return out

    # -- loading ---------------------------------------------------------------------------
    def load(self, batch: ValidatedBatch, actor: str | None = None,
             address: str | None = None) -> int:
        """Load a validated batch all or nothing; its batch id.  Raises ConflictError when
        the store changed since the batch was checked (the caller checks again)."""
        actor = actor or _actor()
        kill = KillSwitch()                    # the tests' seam: unset, it changes nothing
        with self.db.write():
            if schema.generation(self.db) != batch.generation:
                raise ConflictError("数据库在检查之后已被修改（另一次导入或审核），需要重新检查")
            (batch_id,), = self.db.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM batches")
            for kind in KINDS:
                table = RECORDS[kind]
                if batch.replace:
                    keys = batch.replaced_keys(kind)
                    if keys.num_rows:
                        self._supersede(kind, table.key, keys, f"导入批次{batch_id}")
                        self._delete_keys(kind, table.key, keys)
                self.db.insert(kind, kill.counted(_with_batch_id(batch.records(kind), batch_id)))
            self.db.execute("INSERT INTO batches VALUES (?, ?, ?, ?, ?)",
                          [batch_id, cells.now(), actor, batch.replace, json.dumps(batch.counts)])
            for i, f in enumerate(batch.files):
                self.db.execute("INSERT INTO batch_files (batch_id, position, path, file, sheet, "
                              "kind, sha256, size, rows) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              [batch_id, i, f.path, f.file, f.sheet, f.kind, f.sha256, f.size,
                               f.rows])
            schema.bump(self.db)
            self.audit.append(actor, "import", {"batch_id": batch_id, "replace": batch.replace,
                                          "counts": batch.counts,
                                          "files": [f.path for f in batch.files]}, address)
            # records filed on the web that waited for a rate this batch brings (store.rates)
            convert(self.db, self.audit, actor, address)
            kill.before_commit()
        return batch_id

    def _supersede(self, kind: str, key: tuple[str, ...], keys: pa.Table, by: str) -> None:
        """Keep the rows an import replaces (records are never deleted, only superseded)."""
        if f"superseded_{kind}" not in schema.TABLES:          # rates: reference data
            return
        with self.db.values(keys.column(key[0]).combine_chunks()) as v:
            self.db.execute(f"INSERT INTO superseded_{kind} SELECT ?, ?, * FROM {kind} "
                          f"WHERE {key[0]} IN (SELECT v FROM {v})", [cells.now(), by])

    def _delete_keys(self, kind: str, key: tuple[str, ...], keys: pa.Table) -> None:
        if len(key) == 1:
            with self.db.values(keys.column(key[0]).combine_chunks()) as v:
                self.db.execute(f"DELETE FROM {kind} WHERE {key[0]} IN (SELECT v FROM {v})")
            return
        for row in keys.to_pylist():  # rates: a handful of (currency, month) pairs
            self.db.execute(f"DELETE FROM {kind} WHERE " + " AND ".join(f"{k} = ?" for k in key),
                          [row[k] for k in key])


def export_sql(kind: str) -> str:
    """The SELECT of ``EXPORTED[kind]``: what ``indicators.compute.stacked`` counts — approved
    contracts; approved executions of approved contracts — with the enterprise's nature and
    region, an execution's contract's enterprise, country and category, the amount in its
    currency to the cent, and the year and month of the record's date; every record of the
    other kinds (they carry no review status), with the amount in its currency where filed."""
    # the import's rounding of an amount to the cent is half-up: round() on DECIMAL/NUMERIC
    # rounds half away from zero, and amounts are never negative
    def amount(r: str) -> str:
        return f"CAST(round({r}.orig_amount * {r}.orig_scale, 2) AS DECIMAL(18, 2))"

    if kind not in DATE_OF:
        own = RECORDS[kind].names
        cols = [f"k.{c}" if c in own else f"{amount('k')} AS {c}" for c in EXPORTED[kind].names]
        return f"SELECT {', '.join(cols)} FROM {kind} k"
    r = "c" if kind == "contracts" else "x"
    date = f"{r}.{DATE_OF[kind]}"
    joined = {"enterprise_id": "c.enterprise_id", "client_country": "c.client_country",
              "category": "c.category", "nature": "e.nature", "region": "e.region",
              "amount": amount(r),
              "year": f"CAST(EXTRACT(YEAR FROM {date}) AS INTEGER)",
              "month": f"CAST(EXTRACT(MONTH FROM {date}) AS INTEGER)"}
    own = RECORDS[kind].names
    cols = [f"{r}.{c}" if c in own else f"{joined[c]} AS {c}" for c in EXPORTED[kind].names]
    src = ("contracts c" if kind == "contracts" else
           "executions x JOIN contracts c ON c.contract_id = x.contract_id")
    approved = "c.status = 'approved'" + (" AND x.status = 'approved'" if r == "x" else "")
    return (f"SELECT {', '.join(cols)} FROM {src} "
            f"LEFT JOIN enterprises e ON e.enterprise_id = c.enterprise_id WHERE {approved}")


def _with_batch_id(reader: pa.RecordBatchReader, batch_id: int) -> pa.RecordBatchReader:
    import pyarrow as pa

    column = pa.field("batch_id", pa.int32(), nullable=False)
    value = pa.scalar(batch_id, pa.int32())

    def batches():
        for b in reader:
            yield b.append_column(column, pa.repeat(value, b.num_rows))

    schema_ = reader.schema.append(column)
    return pa.RecordBatchReader.from_batches(schema_, batches())


def _actor() -> str:
    from shumao.store.base import cli_actor  # the store's module imports this one
    return cli_actor()
