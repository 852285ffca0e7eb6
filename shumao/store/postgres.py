"""The server store: PostgreSQL through psycopg 3 (a commerce bureau's database; KingbaseES,
openGauss and HighGo speak the same protocol).

Bulk data crosses as CSV through ``COPY`` (Arrow ↔ CSV is done by pyarrow in C++), so a
million records load in seconds.  Every thread has its own connection; writes take one
transaction-scoped advisory lock, so loads, reviews and audit entries are serialised
across every process that uses the database, and a report reads one REPEATABLE READ
snapshot.
"""

from __future__ import annotations

import io
import itertools
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from shumao.errors import StoreError, StoreNotFound, StoreVersionError
from shumao.store import schema
from shumao.store.backend import Backend

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.csv as pacsv

WRITE_LOCK = 0x5348554D   # "SHUM": the advisory lock every write of shumao takes
_names = itertools.count()


class PostgresBackend(Backend):
    name = "postgres"

    def __init__(self, url: str, read_only: bool = False, create: bool = True):
        import psycopg

        self._psycopg = psycopg
        self._dsn = url
        self.url = _shown(url)
        self.read_only = read_only
        self._local = threading.local()
        self._conns: list[Any] = []
        self._guard = threading.Lock()
        self._conn()                       # fail now, in Chinese, if it cannot be reached
        try:
            schema.ensure(self, create and not read_only)
        except BaseException:
            self.close()
            raise

    # -- connections -----------------------------------------------------------------------
    def _connect(self):
        psycopg = self._psycopg
        try:
            conn = psycopg.connect(self._dsn, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as e:
            text = str(e)
            if "does not exist" in text:
                raise StoreNotFound(f"PostgreSQL 数据库不存在：{self.url}（请先由管理员创建该数据库）") from e
            if "password" in text or "authentication" in text:
                raise StoreError(f"无法登录 PostgreSQL 数据库 {self.url}：用户名或密码不正确") from e
            raise StoreError(f"无法连接 PostgreSQL 数据库 {self.url}："
                             f"{text.strip().splitlines()[-1] if text.strip() else '连接失败'}") from e
        with self._guard:
            self._conns.append(conn)
        return conn

    def _conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = self._local.conn = self._connect()
        return conn

    def close(self) -> None:
        with self._guard:
            for conn in self._conns:
                conn.close()
            self._conns.clear()

    # -- statements ------------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        try:
            with self._conn().cursor() as cur:
                cur.execute(*_bind(sql, params))
                return cur.fetchall() if cur.description else []
        except self._psycopg.Error as e:
            raise self._error(e) from e

    def run_all(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
        """In one round trip: the statements pipelined, their results read once at the end."""
        if len(statements) < 2:
            super().run_all(statements)
            return
        conn = self._conn()
        try:
            with conn.pipeline(), conn.cursor() as cur:
                for sql, params in statements:
                    cur.execute(*_bind(sql, params))
        except self._psycopg.Error as e:
            raise self._error(e) from e

    def arrow(self, sql: str, params: Sequence[Any], schema_: pa.Schema) -> pa.Table:
        import pyarrow.csv as pacsv

        buf = io.BytesIO()
        try:
            with self._conn().cursor() as cur:
                query, args = _bind(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params)
                with cur.copy(query, args) as copy:
                    for chunk in copy:
                        buf.write(chunk)
        except self._psycopg.Error as e:
            raise self._error(e) from e
        if not buf.tell():
            return schema_.empty_table()
        buf.seek(0)
        return pacsv.read_csv(
            buf, read_options=pacsv.ReadOptions(column_names=schema_.names),
            convert_options=_convert(schema_)).cast(schema_)

    def stream(self, sql: str, schema_: pa.Schema) -> Iterator[pa.RecordBatch]:
        """COPY … TO STDOUT as CSV, parsed by pyarrow a block at a time as it arrives."""
        import pyarrow.csv as pacsv

        try:
            with self._conn().cursor() as cur, \
                    cur.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
                chunks = iter(copy)
                first = next(chunks, None)
                if first is None:
                    return
                reader = pacsv.open_csv(
                    io.BufferedReader(_Chunks(first, chunks), 1 << 20),
                    read_options=pacsv.ReadOptions(column_names=schema_.names,
                                                   block_size=1 << 22, use_threads=False),
                    parse_options=pacsv.ParseOptions(newlines_in_values=True),
                    convert_options=_convert(schema_))
                for batch in reader:
                    yield batch.cast(schema_)
        except self._psycopg.Error as e:
            raise self._error(e) from e

    def insert(self, table: str, reader: pa.RecordBatchReader) -> None:
        import pyarrow.csv as pacsv

        cols = ", ".join(reader.schema.names)
        options = pacsv.WriteOptions(include_header=False)
        try:
            with self._conn().cursor() as cur, \
                    cur.copy(f"COPY {table} ({cols}) FROM STDIN (FORMAT csv)") as copy:
                for batch in reader:
                    if batch.num_rows:
                        buf = io.BytesIO()
                        pacsv.write_csv(batch, buf, options)
                        copy.write(buf.getvalue())
        except self._psycopg.Error as e:
            raise self._error(e) from e

    @contextmanager
    def values(self, values: pa.Array) -> Iterator[str]:
        import pyarrow as pa

        name = f"_shumao_v_{next(_names)}"
        self.execute(f"CREATE TEMP TABLE {name} (v TEXT)")
        try:
            self.insert(name, pa.RecordBatchReader.from_batches(
                pa.schema([("v", pa.string())]),
                pa.table({"v": values.cast(pa.string())}).to_batches(max_chunksize=100_000)))
            if len(values) > 10_000:
                self.execute(f"ANALYZE {name}")
            yield name
        finally:
            self.execute(f"DROP TABLE IF EXISTS {name}")

    @contextmanager
    def write(self) -> Iterator[None]:
        if self.read_only:
            raise StoreError(f"数据库 {self.url} 以只读方式打开，不能写入")
        if getattr(self._local, "writing", False):
            yield
            return
        conn = self._conn()
        committed = False
        try:
            with conn.transaction():
                self._local.writing = True
                self.execute("SELECT pg_advisory_xact_lock(?)", [WRITE_LOCK])
                yield
            committed = True
        except self._psycopg.Error as e:
            raise self._error(e) from e
        finally:
            self._local.writing = False
            self._ended(committed)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        conn = self._conn()
        try:
            with conn.transaction():
                self.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                yield
        except self._psycopg.Error as e:
            raise self._error(e) from e

    def has_tables(self) -> bool:
        return bool(self.execute("SELECT count(*) FROM information_schema.tables "
                                  "WHERE table_schema = current_schema()")[0][0])

    def median(self, column: str) -> str:
        return f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {column})"

    def low(self, column: str) -> str:
        from shumao.model.rules import LOW_FRACTION
        return f"percentile_disc({LOW_FRACTION!r}) WITHIN GROUP (ORDER BY {column})"

    def _error(self, e: Exception) -> StoreError:
        errors = self._psycopg.errors
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        if isinstance(e, errors.DiskFull):
            return StoreError(f"PostgreSQL 服务器磁盘空间不足，数据库 {self.url} 未做任何修改")
        if isinstance(e, errors.UndefinedTable):
            return StoreVersionError(f"数据库 {self.url} 缺少 shumao 的数据表：{first}")
        return StoreError(f"数据库 {self.url} 出错：{first}")

    # -- Ibis ------------------------------------------------------------------------------
    def _new_ibis(self):
        import ibis

        return ibis.postgres.from_connection(self._connect())   # its own connection

    @contextmanager
    def reading(self) -> Iterator[Any]:
        backend = self.ibis()
        conn = backend.con
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield backend


class _Chunks(io.RawIOBase):
    """The chunks of a COPY … TO STDOUT as a readable file, for pyarrow's CSV reader."""

    def __init__(self, first: bytes | memoryview, rest: Iterator[bytes | memoryview]):
        self._buf, self._rest = memoryview(bytes(first)), rest

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        while not len(self._buf):
            nxt = next(self._rest, None)
            if nxt is None:
                return 0
            self._buf = memoryview(bytes(nxt))   # psycopg may reuse its buffer
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


def _bind(sql: str, params: Sequence[Any]) -> tuple[str, Sequence[Any] | None]:
    """The store's portable ``?`` parameters as psycopg's ``%s``."""
    if not params:
        return sql, None
    return sql.replace("%", "%%").replace("?", "%s"), list(params)


def _shown(url: str) -> str:
    """The URL without its password, for messages."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        d = conninfo_to_dict(url)
    except Exception:  # noqa: BLE001 — a malformed URL is reported when connecting
        return url.split("@")[-1]
    host = d.get("host", "localhost")
    port = f":{d['port']}" if d.get("port") else ""
    user = f"{d['user']}@" if d.get("user") else ""
    return f"postgresql://{user}{host}{port}/{d.get('dbname', '')}"


def _convert(schema_: pa.Schema) -> pacsv.ConvertOptions:
    """How COPY's CSV reads back: NULL is an unquoted empty field, a boolean t or f
    (PostgreSQL's text form: platforms.resident, ecommerce.public)."""
    import pyarrow.csv as pacsv

    return pacsv.ConvertOptions(column_types=schema_, strings_can_be_null=True,
                                quoted_strings_can_be_null=False,
                                true_values=["t", "true"], false_values=["f", "false"])
