"""Parquet: DuckDB's ``read_parquet``, each column's values written as the text the checks
read in a CSV (``_parquet_text``: a DECIMAL exactly, a DOUBLE as its shortest decimal — so
0.1 is 0.1 and 0.105 is not a whole number of cents —, a DATE as 2024-03-05); a Parquet
file has no header row, so its rows are numbered from 1, the first record; a file's kind
comes from its name or, for a data set's ``contracts/year=2024/…/part-0.parquet``, the
nearest folder that names one, else from its column names.  Files of one kind with the same
columns (a data set's partitions) are staged as one table read in one scan, whose ``_file``
column names each row's file.  A timestamp with a time zone is read in the zone the file
names (pyarrow's schema: ``tz=Asia/Shanghai``), never the machine's.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path, PurePosixPath

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from shumao.ingest import issues
from shumao.ingest.headers import HeaderMap, kind_from_name
from shumao.ingest.read.staged import FileProblem, Staged, Tables, _reason


class ParquetReader(Tables):
    """Stages Parquet files, a data set's partitions together."""

    def read_parquet(self, items: list[tuple[Path, str]]) -> None:
        """Parquet files (path, name shown): those of one kind with the same columns — a
        data set's partitions — are staged as one table, read in one scan; a file that
        cannot be read is an issue of its own."""
        groups: dict[tuple, list[tuple[Path, str, HeaderMap]]] = {}
        for path, display in items:
            try:
                if path.is_dir():
                    raise FileProblem("unreadable-file", value=f"“{display}”是文件夹，不是文件")
                if path.stat().st_size == 0:
                    raise FileProblem("empty-file")
                described = self._parquet("DESCRIBE SELECT * FROM read_parquet(?, "
                                          "hive_partitioning = false)", [str(path)])
            except FileProblem as p:
                self._problem(p, display)
                continue
            except OSError as e:
                self.result.issues.append(issues.make("unreadable-file", display,
                                                      value=_reason(e)))
                continue
            names, types = [r[0] for r in described], [r[1] for r in described]
            found = self._header([names], display, None, _kind_from_path(display),
                                 numbered=False)
            if found is not None:
                key = (found[1], tuple(names), tuple(types), _zones(path, names, types))
                groups.setdefault(key, []).append((path, display, found[2]))
        for (kind, names, types, zones), members in groups.items():
            types = [_zoned(t, dict(zones).get(n)) for n, t in zip(names, types, strict=True)]
            try:
                self._stage_parquet(kind, list(names), types, members)
            except FileProblem as p:
                if len(members) == 1:
                    self._problem(p, members[0][1])
                    continue
                for m in members:          # which of them: each alone
                    try:
                        self._stage_parquet(kind, list(names), types, [m])
                    except FileProblem as q:
                        self._problem(q, m[1])

    def _stage_parquet(self, kind: str, names: list[str], types: list[str],
                       members: list[tuple[Path, str, HeaderMap]]) -> None:
        hm = members[0][2]
        staged = Staged(members[0][1], None, kind, 0, hm, self._name(kind))
        cols = "".join(f", {_parquet_text(_ident(names[pos]), types[pos], name)} AS {name}"
                       for name, pos in hm.columns.items())
        skip = _parquet_blank_or_total([_ident(n) for n in names], types)
        paths = [str(p) for p, _, _ in members]
        if len(members) == 1:
            self._parquet(
                f"CREATE TABLE {staged.name} AS SELECT CAST(file_row_number + 1 AS BIGINT) "
                f"AS _row{cols}, {skip} AS _skip FROM read_parquet(?, file_row_number = true, "
                f"hive_partitioning = false)", [paths[0]])
        else:
            staged.members = [d for _, d, _ in members]
            shown = f"{staged.name}_files"
            self.con.register(shown, pa.table({"path": paths, "file": staged.members}))
            try:
                self._parquet(
                    f"CREATE TABLE {staged.name} AS SELECT f.file AS _file, CAST("
                    f"file_row_number + 1 AS BIGINT) AS _row{cols}, {skip} AS _skip FROM "
                    f"read_parquet(?, filename = '_shumao_path', file_row_number = true, "
                    f"hive_partitioning = false) JOIN {shown} f ON f.path = _shumao_path",
                    [paths])
            finally:
                self.con.unregister(shown)
            staged.member_rows = dict(self.con.execute(
                f"SELECT _file, count(*) FILTER (NOT _skip) FROM {staged.name} GROUP BY _file"
            ).fetchall())
        staged.keep_sql = "NOT _skip"
        staged.rows = self.con.execute(
            f"SELECT count(*) FILTER (NOT _skip) FROM {staged.name}").fetchall()[0][0]
        self.result.tables.append(staged)

    def _parquet(self, sql: str, params: list) -> list[tuple]:
        try:
            return self.con.execute(sql, params).fetchall()
        except duckdb.Error as e:
            raise FileProblem("unreadable-file", value=_parquet_reason(e)) from None


def _kind_from_path(display: str) -> str | None:
    """The kind a Parquet file's name says, else the nearest of its folders (a data set's
    ``导出/contracts/year=2024/month=6/part-0.parquet``)."""
    for part in reversed(PurePosixPath(display.replace("\\", "/")).parts):
        kind = kind_from_name(part)
        if kind:
            return kind
    return None


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_DECIMAL_SCALE = re.compile(r"DECIMAL\(\d+,\s*(\d+)\)")
_ZONED = "TIMESTAMP WITH TIME ZONE"
_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")


def _zones(path: Path, names: list[str], types: list[str]) -> tuple[tuple[str, str], ...]:
    """(column, zone) of each timestamp with a time zone, as the file's schema names it."""
    if _ZONED not in types:
        return ()
    try:
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowException):
        return ()
    return tuple((f.name, f.type.tz) for f in schema
                 if pa.types.is_timestamp(f.type) and f.type.tz and f.name in names)


def _zoned(sql_type: str, zone: str | None) -> str:
    """A timestamp with a time zone's type, carrying the zone it is read in: ``…@Asia/Shanghai``
    (none named: ``…@``)."""
    return f"{sql_type}@{zone or ''}" if sql_type == _ZONED else sql_type


def _local(col: str, zone: str) -> str | None:
    """The wall-clock time in ``zone`` (an IANA name or a fixed ±HH:MM offset) of a
    timestamp with a time zone; None for a zone that is neither."""
    m = _OFFSET.fullmatch(zone)
    if m:
        minutes = (1 if m[1] == "+" else -1) * (int(m[2]) * 60 + int(m[3]))
        return f"(timezone('UTC', {col}) + INTERVAL ({minutes}) MINUTE)"
    if re.fullmatch(r"[A-Za-z0-9_+\-/]+", zone) and zone in _iana():
        return f"timezone('{zone}', {col})"
    return None


@functools.cache
def _iana() -> frozenset[str]:
    with duckdb.connect() as con:
        return frozenset(r[0] for r in con.execute("SELECT name FROM pg_timezone_names()").fetchall())
_TIMESTAMPS = ("TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS")


def _parquet_text(col: str, sql_type: str, name: str) -> str:
    """A Parquet column's value as the text a CSV cell would hold, so that every check reads
    it as it reads a CSV: never through a binary float where the file has a decimal."""
    t = sql_type.upper()
    as_text = f"CAST({col} AS VARCHAR)"
    if t.startswith(_ZONED + "@"):
        # the date in the file's own zone; a zone not named is said, with the UTC time
        local = _local(col, sql_type.split("@", 1)[1])
        if local is None:
            return (f"strftime(timezone('UTC', {col}), '%Y-%m-%d %H:%M:%S') "
                    f"|| ' UTC（文件未注明时区）'")
        return _parquet_text(local, "TIMESTAMP", name)
    if t == "VARCHAR":
        return col
    if t == "DATE":
        # rates.month stored as a date (the store's own type): the 1st of the month is the
        # month, 2024-06; any other day stays a date, which bad-month then names
        if name == "month":
            return f"CASE WHEN day({col}) = 1 THEN strftime({col}, '%Y-%m') ELSE {as_text} END"
        return as_text
    if t in _TIMESTAMPS:
        # a date written as a timestamp at midnight (pandas, Spark): the date alone
        day = _parquet_text(f"CAST({col} AS DATE)", "DATE", name)
        return f"CASE WHEN CAST({col} AS TIME) = TIME '00:00:00' THEN {day} ELSE {as_text} END"
    m = _DECIMAL_SCALE.fullmatch(t)
    if m and int(m[1]) > 0:
        # exact, without the scale's trailing zeros: 1234.500000 → 1234.5
        return f"regexp_replace({as_text}, '\\.?0+$', '')"
    # integers; FLOAT and DOUBLE as their shortest decimal (DuckDB, like repr): 0.1, 1234.565
    return as_text


def _parquet_blank_or_total(cols: list[str], types: list[str]) -> str:
    """``_blank_or_total`` over typed columns (a value that is not text is never blank and
    never a 合计), as one test of the row's first cell that is not blank — '' when there is
    none — so that a row whose first column has a value costs one trim."""
    first = "coalesce(" + ", ".join(f"nullif(trim({c}), '')" if t.upper() == "VARCHAR" else
                                    f"CASE WHEN {c} IS NOT NULL THEN '#' END"
                                    for c, t in zip(cols, types)) + ", '')"
    return f"left(replace({first}, ' ', ''), 2) IN ('', '合计', '总计', '小计')"


def _parquet_reason(e: duckdb.Error) -> str:
    first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return f"文件已损坏或不是有效的Parquet文件（{first}）"
