"""A store's backend: the few primitives every engine supplies, on which the repositories
(store/*.py) write their SQL.

A backend (``duckdb.py``, ``postgres.py``) holds the connections (one per thread), runs a
statement with ``?`` parameters (a transition's writes together: ``run_all``, one round
trip on a server), moves Arrow data in and out in bulk, serialises writes, gives one
consistent snapshot and an Ibis backend for the indicators, and tells its listeners when a
write that changed the generation has committed.  It knows nothing of what shumao keeps.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shumao.errors import StoreError

if TYPE_CHECKING:
    import pyarrow as pa

# parameters of one multi-row INSERT (insert_rows): about a hundred rows — on DuckDB faster
# than more (1,000 drafts: 0.35 s, 0.5 s at 10,000), far under PostgreSQL's 65,535
PARAMS_PER_INSERT = 1_000
_LISTENING = threading.Lock()    # adding and removing listeners


Statement = tuple[str, Sequence[Any]]     # SQL with ``?`` parameters, and the parameters


def insert_statements(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
                      ) -> list[Statement]:
    """``Backend.insert_rows``'s statements: multi-row ``INSERT … VALUES``, at most
    ``PARAMS_PER_INSERT`` parameters each (for a caller that runs them with others)."""
    per = max(1, PARAMS_PER_INSERT // max(1, len(columns)))
    one = "(" + ", ".join("?" * len(columns)) + ")"
    return [(f"INSERT INTO {table} ({', '.join(columns)}) VALUES " + ", ".join([one] * len(chunk)),
             [v for row in chunk for v in row])
            for chunk in (rows[i:i + per] for i in range(0, len(rows), per))]


class Backend(ABC):
    """An open connection to one store's database.  Use as a context manager, or call
    ``close()``."""

    name: str                    # "duckdb" | "postgres"
    url: str
    read_only: bool
    _local: threading.local      # per thread: connection or cursor, Ibis backend, write depth
    _listeners: tuple[Callable[[], None], ...] = ()

    # -- told when a change commits (the portal's figures recomputed in the background) --------
    def on_change(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener()`` after each write transaction that changed the generation
        (``changed()``) has committed, in the writer's thread: it must be quick and never
        raise.  Returns what stops it."""
        with _LISTENING:
            self._listeners = (*self._listeners, listener)

        def stop() -> None:
            with _LISTENING:
                self._listeners = tuple(x for x in self._listeners if x is not listener)
        return stop

    def changed(self) -> None:
        """The write transaction of this thread changes the generation (``schema.bump``):
        the listeners are told when it commits, not if it rolls back."""
        self._local.changed = True

    def _ended(self, committed: bool) -> None:
        """The end of this thread's outermost write transaction (committed or not)."""
        changed, self._local.changed = getattr(self._local, "changed", False), False
        if committed and changed:
            for listener in self._listeners:
                listener()

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Run one statement with ``?`` parameters; the rows it returns."""

    def run_all(self, statements: Sequence[Statement]) -> None:
        """Run statements that return no rows, in order, inside the current write: a
        transition's writes.  An engine with round trips sends them in one (PostgreSQL's
        pipeline); the first that fails raises, as ``execute`` would."""
        for sql, params in statements:
            self.execute(sql, params)

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
                    ) -> None:
        """Rows of values into ``columns`` of a table, many to a statement (one multi-row
        ``INSERT … VALUES``, at most ``PARAMS_PER_INSERT`` parameters each) instead of one
        statement a row: an upload's thousand drafts in a few round trips."""
        self.run_all(insert_statements(table, columns, rows))

    @abstractmethod
    def arrow(self, sql: str, params: Sequence[Any], schema_: pa.Schema) -> pa.Table:
        """A query's result as an Arrow table of the given schema."""

    @abstractmethod
    def insert(self, table: str, reader: pa.RecordBatchReader) -> None:
        """Append a stream of Arrow batches to a table (inside the current transaction)."""

    @abstractmethod
    @contextmanager
    def values(self, values: pa.Array) -> Iterator[str]:
        """A temporary relation with one column ``v`` holding ``values``: its SQL name."""

    @abstractmethod
    @contextmanager
    def write(self) -> Iterator[None]:
        """One serialised write transaction: committed on success, rolled back on error."""

    @abstractmethod
    def _new_ibis(self):
        """A new Ibis backend over this thread's connection."""

    def ibis(self):
        """The store's tables as an Ibis backend (one per thread), for the indicators."""
        backend = getattr(self._local, "ibis", None)
        if backend is None:
            backend = self._local.ibis = self._new_ibis()
        return backend

    @abstractmethod
    @contextmanager
    def reading(self) -> Iterator[Any]:
        """An Ibis backend on one consistent snapshot: a report computed inside sees the
        store before or after any import, never between."""

    @abstractmethod
    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read-only transaction on this thread's connection: every ``execute`` and
        ``stream`` inside sees the same state of the store."""

    @abstractmethod
    def stream(self, sql: str, schema_: pa.Schema) -> Iterator[pa.RecordBatch]:
        """A query's result as Arrow batches of the given schema, a few MB at a time."""

    @abstractmethod
    def close(self) -> None: ...

    # -- letting go of the database when idle (DuckDB's file: the portal and the CLI side by side)
    def hold(self) -> None:  # noqa: B027 — a server database has nothing to hold
        """Keep the connection open until ``let_go()`` (the portal holds it for each request),
        opening it again first if it was let go.  Nothing to do on a server database."""

    def held_if_open(self) -> bool:
        """``hold()`` at once when the connection is open (no waiting: an event loop may call
        it); False, holding nothing, when ``hold()`` would have to open it first."""
        return True

    def let_go(self) -> None:  # noqa: B027 — nor to let go
        """The end of one ``hold()``."""

    @contextmanager
    def held(self) -> Iterator[None]:
        self.hold()
        try:
            yield
        finally:
            self.let_go()

    def release_idle(self, seconds: float) -> bool:
        """Close the connection if no one has held or used it for ``seconds``, so that another
        program may open the database; it opens again on the next use.  Whether it closed."""
        return False

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @abstractmethod
    def has_tables(self) -> bool:
        """Whether the database holds any table (a new store has none)."""

    def median(self, column: str) -> str:
        return f"median({column})"

    def low(self, column: str) -> str:
        """The 10th percentile, nearest rank (model.rules.low)."""
        from shumao.model.rules import LOW_FRACTION
        return f"quantile_disc({column}, {LOW_FRACTION!r})"


    def write_parquet(self, sql: str, schema_: pa.Schema, folder: Path,
                       partitioned: bool) -> int:
        """The query's rows as Parquet files in ``folder``, streamed through pyarrow.dataset
        (a backend that can write Parquet itself does so instead); how many."""
        import pyarrow as pa
        import pyarrow.dataset as ds

        schema_ = pa.schema([f.with_nullable(True) for f in schema_])   # as DuckDB writes them
        written = 0

        def counted() -> Iterator[pa.RecordBatch]:
            nonlocal written
            for batch in self.stream(sql, schema_):
                written += batch.num_rows
                yield batch

        parts = [f for f in schema_ if f.name in ("year", "month")] if partitioned else []
        fmt = ds.ParquetFileFormat()
        try:
            ds.write_dataset(
                pa.RecordBatchReader.from_batches(schema_, counted()), folder, format=fmt,
                file_options=fmt.make_write_options(compression="zstd"),
                partitioning=ds.partitioning(pa.schema(parts), flavor="hive") if parts else None,
                basename_template="part-{i}.parquet", existing_data_behavior="error")
        except OSError as e:
            raise StoreError(f"无法写出 {folder}：{e}") from e
        return written

