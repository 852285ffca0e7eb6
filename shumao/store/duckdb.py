"""The embedded store: one DuckDB file (the default; one association, one machine).

DuckDB is pinned exactly (its file format changed in 2.0) and never loads extensions: they
would be downloaded, which fails offline (stack.md §1).  One process may write the file at
a time: another waits up to ``SHUMAO_LOCK_WAIT`` seconds for it.  Inside a process every
thread uses its own cursor, and writes are serialised by a lock, so a web server's imports
and reviews never interleave.

The portal lets go of the file when idle (``release_idle``, called by shumao.web.app a few
seconds after the last request), so that ``shumao status``, ``import`` or ``user add`` can
open it meanwhile; the next use opens it again (waiting for such a command as any other
program does) and every thread's cursor and Ibis backend are renewed.  A request, a write,
a snapshot or a stream holds the connection (``hold``/``let_go``): it is never let go in the
middle of one.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from shumao import settings
from shumao.errors import DISK_FULL, InputError, StoreError, StoreNotFound, StoreVersionError, unwritable
from shumao.store import schema
from shumao.store.backend import Backend
from shumao.store.schema import SCHEMA_VERSION

if TYPE_CHECKING:
    import pyarrow as pa

CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
ROWS_PER_BATCH = 122_880          # DuckDB's vector size × 60: batches of a few MB
_names = itertools.count()


class DuckDBBackend(Backend):
    name = "duckdb"

    def __init__(self, path: str, read_only: bool = False, create: bool = True):
        self.url = path
        self.read_only = read_only
        self._create = create
        self._con: duckdb.DuckDBPyConnection | None = _open(path, read_only, create)
        try:
            older = read_only and path != ":memory:" and _older(self._con, path)
        except BaseException:
            self._con.close()
            raise
        if older:
            self._con.close()       # migrate once, then read what the migration wrote
            try:
                DuckDBBackend(path, read_only=False, create=False).close()   # migrate once
            except StoreError as e:
                if _writable(path):
                    raise
                raise StoreVersionError(
                    f"数据库 {path} 由较早版本的 shumao 创建（结构版本 {older}），读取前需要升级一次，"
                    "升级要写入这个文件，而它在只读的位置（或没有写入权限）：请把它复制到可写入的文件夹，"
                    "或在有写入权限时运行一次 shumao status 完成升级") from e
            self._con = _open(path, read_only, create)
        self._local = threading.local()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._lock = threading.RLock()      # one write at a time
        # the connection's life (let go when idle): opened how many times, held by how many
        # users now, last used when; guarded by a lock of its own (not the writers')
        self._opened = 1
        self._holders = 0
        self._used = time.monotonic()
        self._life = threading.Lock()
        try:
            schema.ensure(self, create and not read_only)
        except BaseException:
            self.close()
            raise

    # -- the connection --------------------------------------------------------------------
    def _cur(self) -> duckdb.DuckDBPyConnection:
        local = self._local
        cur = getattr(local, "cur", None)
        self._used = time.monotonic()
        if cur is None or getattr(local, "opened", 0) != self._opened or self._con is None:
            with self._life:
                if self._con is None:               # let go when idle: open the file again
                    self._con = _open(self.url, self.read_only, self._create)
                    self._opened += 1
                cur = local.cur = self._con.cursor()
                local.opened, local.ibis = self._opened, None
                self._cursors.append(cur)
        return cur

    def ibis(self):
        self._cur()         # a cursor of the connection open now (and its own Ibis backend)
        return super().ibis()

    def hold(self) -> None:
        with self._life:
            self._holders += 1
        try:
            self._cur()
        except BaseException:
            self.let_go()
            raise

    def held_if_open(self) -> bool:
        with self._life:
            if self._con is None:
                return False
            self._holders += 1
            return True

    def let_go(self) -> None:
        with self._life:
            self._holders -= 1
            self._used = time.monotonic()

    def release_idle(self, seconds: float) -> bool:
        with self._life:
            if (self._con is None or self._holders or self.url == ":memory:"
                    or time.monotonic() - self._used < seconds):
                return False
            self._close()
            return True

    def close(self) -> None:
        with self._life:
            self._close()

    def _close(self) -> None:
        for cur in self._cursors:
            cur.close()
        self._cursors.clear()
        if self._con is not None:
            self._con.close()
            self._con = None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        try:
            with self.held():
                return self._cur().execute(sql, list(params)).fetchall()
        except duckdb.Error as e:
            raise _store_error(e, self.url) from e

    def arrow(self, sql: str, params: Sequence[Any], schema_: pa.Schema) -> pa.Table:
        try:
            with self.held():
                return self._cur().sql(sql, params=list(params) or None).to_arrow_table().cast(schema_)
        except duckdb.Error as e:
            raise _store_error(e, self.url) from e

    def insert(self, table: str, reader: pa.RecordBatchReader) -> None:
        name = f"_shumao_in_{next(_names)}"
        cols = ", ".join(reader.schema.names)
        cur = self._cur()
        cur.register(name, reader)
        try:
            cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {name}")
        except duckdb.Error as e:
            raise _store_error(e, self.url) from e
        finally:
            cur.unregister(name)

    @contextmanager
    def values(self, values: pa.Array) -> Iterator[str]:
        import pyarrow as pa

        name = f"_shumao_v_{next(_names)}"
        with self.held():
            cur = self._cur()
            cur.register(name, pa.table({"v": values}))
            try:
                yield name
            finally:
                cur.unregister(name)

    @contextmanager
    def write(self) -> Iterator[None]:
        if self.read_only:
            raise StoreError(f"数据库 {self.url} 以只读方式打开，不能写入")
        if getattr(self._local, "writing", False):      # already inside this thread's write
            yield
            return
        with self.held(), self._lock:
            cur = self._cur()
            cur.execute("BEGIN TRANSACTION")
            self._local.writing = True
            committed = False
            try:
                yield
                cur.execute("COMMIT")
                committed = True
            except BaseException as e:
                with contextlib.suppress(duckdb.Error):   # a failed COMMIT ended it already
                    cur.execute("ROLLBACK")
                if isinstance(e, duckdb.Error):
                    raise _store_error(e, self.url) from e
                raise
            finally:
                self._local.writing = False
                self._ended(committed)

    def has_tables(self) -> bool:
        return bool(self.execute("SELECT count(*) FROM information_schema.tables "
                                  "WHERE table_schema = 'main'")[0][0])

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        with self.held():
            cur = self._cur()
            cur.execute("BEGIN TRANSACTION")   # one MVCC snapshot
            try:
                yield
            finally:
                cur.execute("COMMIT")

    def stream(self, sql: str, schema_: pa.Schema) -> Iterator[pa.RecordBatch]:
        try:
            with self.held():
                reader = self._cur().sql(sql).to_arrow_reader(ROWS_PER_BATCH)
                for batch in reader:
                    yield batch.cast(schema_)
        except duckdb.Error as e:
            raise _store_error(e, self.url) from e

    def write_parquet(self, sql: str, schema_: pa.Schema, folder: Path,
                       partitioned: bool) -> int:
        """DuckDB writes the Parquet files itself, streaming, one COPY per file: a partitioned
        kind one month at a time (``year=2024/month=6/part-0.parquet``) — a single COPY …
        PARTITION_BY holds buffers that grow with the data (10⁸ executions did not fit in
        SHUMAO_STORE_MEMORY's old 1 GB), one month's COPY only that month's file's."""
        opts = "FORMAT parquet, COMPRESSION zstd"
        try:
            if not partitioned:
                folder.mkdir()
                return self._copy(sql, folder / "part-0.parquet", opts)
            months = self._cur().execute(f"SELECT DISTINCT year, month FROM ({sql}) ORDER BY 1, 2").fetchall()
            written = 0
            for year, month in months:
                part = folder / f"year={year}" / f"month={month}"
                part.mkdir(parents=True)
                written += self._copy(f"SELECT * EXCLUDE (year, month) FROM ({sql}) "
                                      f"WHERE year = {int(year)} AND month = {int(month)}",
                                      part / "part-0.parquet", opts)
            return written
        except duckdb.IOException as e:
            raise StoreError(f"无法写出 {folder}：{str(e).splitlines()[0]}") from e
        except duckdb.Error as e:
            raise _store_error(e, self.url) from e

    def _copy(self, sql: str, target: Path, opts: str) -> int:
        quoted = "'" + str(target).replace("'", "''") + "'"
        rows = self._cur().execute(f"COPY ({sql}) TO {quoted} ({opts})").fetchall()
        return int(rows[0][0]) if rows else 0

    # -- Ibis ------------------------------------------------------------------------------
    def _new_ibis(self):
        import ibis

        return ibis.duckdb.from_connection(self._cur())

    @contextmanager
    def reading(self) -> Iterator[Any]:
        with self.held():
            backend = self.ibis()
            cur = self._cur()
            cur.execute("BEGIN TRANSACTION")   # one MVCC snapshot for every query of a report
            try:
                yield backend
            finally:
                cur.execute("COMMIT")


def _open(path: str, read_only: bool, create: bool) -> duckdb.DuckDBPyConnection:
    config = {**CONFIG, "memory_limit": settings.get("SHUMAO_STORE_MEMORY")}
    if path != ":memory:":
        _check_file(Path(path), must_exist=read_only or not create)
    wait = settings.get("SHUMAO_LOCK_WAIT")
    deadline = time.monotonic() + wait
    while True:
        try:
            return duckdb.connect(path, read_only=read_only, config=config)
        except duckdb.IOException as e:
            locked = "lock" in str(e).lower()
            if locked and time.monotonic() < deadline:
                time.sleep(0.2)
                continue
            if locked:
                raise StoreError(f"数据库文件 {path} 正被另一个程序使用（已等待 {wait} 秒），"
                                 "请稍后再试") from e
            raise _store_error(e, path) from e
        except duckdb.Error as e:
            raise _store_error(e, path) from e


def _check_file(p: Path, must_exist: bool) -> None:
    """Say plainly what is wrong with a path before DuckDB says it in its own words."""
    if p.is_dir():
        raise InputError(f"这是文件夹，不是数据库文件：{p}")
    if not p.exists():
        if must_exist:
            raise StoreNotFound(f"数据库不存在：{p}（请先用 shumao import 导入数据，或用{{db}}指定数据库文件）",
                                    field="db")
        if not p.parent.is_dir():
            raise InputError(f"数据库所在的文件夹不存在：{p.parent}")
        return
    with p.open("rb") as f:
        head = f.read(16)
    if head.startswith(b"SQLite format 3"):
        raise StoreError(f"{p} 是 SQLite 数据库，不是 shumao 的数据库（DuckDB 文件）")
    if head and head[8:12] != b"DUCK":      # an empty file DuckDB makes a new database of
        raise StoreError(f"{p} 不是 shumao 的数据库（不是 DuckDB 文件）")


def _older(con: duckdb.DuckDBPyConnection, path: str) -> int | None:
    """The schema version of the store open on ``con`` where it is older than this shumao's,
    else None (read on the connection the reader keeps: one open, not two)."""
    try:
        rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    except duckdb.Error:
        return None
    version = schema.version_of(rows[0][0], path) if rows else None
    return version if version is not None and version < SCHEMA_VERSION else None


def _writable(path: str) -> bool:
    """Whether this process may write the file and its folder (DuckDB writes a WAL beside it)."""
    from shumao.files.scratch import probe

    try:
        with open(path, "ab"):
            pass
        probe(Path(path).parent)
    except OSError:
        return False
    return True


def _store_error(e: duckdb.Error, where: str) -> StoreError:
    text = str(e)
    if unwritable(e) == DISK_FULL:
        return StoreError(f"{DISK_FULL}，无法写入数据库 {where}，数据库未做任何修改")
    if isinstance(e, duckdb.CatalogException):
        return StoreVersionError(f"数据库 {where} 缺少 shumao 的数据表：{text.splitlines()[0]}")
    return StoreError(f"数据库 {where} 出错：{text.splitlines()[0] if text else type(e).__name__}")
