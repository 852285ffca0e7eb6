"""Readers: turn a CSV or XLSX export into staged tables of text cells, one per sheet,
with the row numbers the user sees.

CSV: UTF-8 (with or without BOM) or GBK/GB18030, found without being told (stack.md §8:
strict UTF-8 first, then GB18030, a superset of GBK).  A clean file is read by DuckDB's
``read_csv`` straight from disk (transcoded to a UTF-8 temporary file first when needed);
a file DuckDB cannot take as it is (blank lines, ragged rows) goes through Python's csv
module, which keeps every record's row number.  XLSX: python-calamine, cells as the
decimal or date they show.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from shumao.ingest import issues
from shumao.ingest.headers import HeaderMap, find_header, kind_from_name, map_headers

HEAD_ROWS = 30          # a header row further down than this is not looked for
HEAD_BYTES = 1 << 16


@dataclass
class Staged:
    """One table of one file, staged in DuckDB as ``name`` with ``_row`` and canonical
    text columns."""

    file: str
    sheet: str | None
    kind: str
    header_row: int
    headers: HeaderMap
    name: str
    rows: int = 0
    round_to_cent: bool = False   # spreadsheet numbers: "the decimal it shows, to the cent"
    # read_csv tables carry no row numbers: the row is rowid + first_row, and blank and
    # 合计 rows are left in the table and filtered by this condition
    first_row: int | None = None
    keep_sql: str = "TRUE"


@dataclass
class ReadResult:
    tables: list[Staged] = field(default_factory=list)
    issues: list[issues.Issue] = field(default_factory=list)
    temp_files: list[str] = field(default_factory=list)


def decode(raw: bytes) -> tuple[str, str]:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            pass
    raise UnicodeDecodeError("gb18030", raw, 0, 1, "既不是UTF-8也不是GBK/GB18030编码")


def _sniff_delimiter(line: str) -> str:
    return max((",", "\t", ";", "|"), key=line.count)


def _is_total(cells: list) -> bool:
    """A 合计 / 总计 row at the bottom of an export (filings.md): skipped."""
    for c in cells:
        if c is not None and str(c).strip():
            return str(c).strip().replace(" ", "").startswith(("合计", "总计", "小计"))
    return False


class Reader:
    """Stages every table of the given files into a DuckDB connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.result = ReadResult()
        self._n = 0

    def read(self, path: Path, display: str) -> None:
        try:
            if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
                self._read_workbook(path, display)
            else:
                self._read_csv(path, display)
        except (OSError, UnicodeDecodeError, ValueError) as e:
            self.result.issues.append(issues.make("unreadable-file", display, value=_reason(e)))

    # -- CSV ---------------------------------------------------------------------------
    def _read_csv(self, path: Path, display: str) -> None:
        raw = path.read_bytes()
        text, enc = decode(raw)
        head = list(csv.reader(io.StringIO(text[:HEAD_BYTES])))[:HEAD_ROWS]
        found = self._header(head, display, None, kind_from_name(path.name))
        if found is None:
            return
        h, kind, hm = found
        lines = text[:HEAD_BYTES].split("\n")
        delim = _sniff_delimiter(lines[h])
        if delim != ",":
            head = list(csv.reader(io.StringIO(text[:HEAD_BYTES]), delimiter=delim))[:HEAD_ROWS]
            hm = map_headers(kind, head[h])
        width = len(head[h])
        body = raw.rstrip(b"\r\n")
        # DuckDB's `skip` counts lines and it drops blank lines: only a file without blank
        # lines or quoting above its header keeps our row numbers that way
        clean = b"\n\n" not in body and b"\n\r\n" not in body and '"' not in "".join(lines[:h])
        staged = Staged(display, None, kind, h + 1, hm, self._name(kind))
        if clean:
            src = str(path)
            if enc != "utf-8-sig":
                src = self._utf8_copy(text)
            try:
                self._stage_duckdb(staged, src, h + 1, width, delim)
                self.result.tables.append(staged)
                return
            except duckdb.Error:
                pass  # ragged rows or odd quoting: the Python reader takes it
        records = list(csv.reader(io.StringIO(text), delimiter=delim))
        self._stage_rows(staged, records[h + 1:], [h + 2 + i for i in range(len(records) - h - 1)])
        self.result.tables.append(staged)

    def _utf8_copy(self, text: str) -> str:
        fd, tmp = tempfile.mkstemp(prefix="shumao-", suffix=".csv")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        self.result.temp_files.append(tmp)
        return tmp

    def _stage_duckdb(self, staged: Staged, src: str, skip: int, width: int, delim: str) -> None:
        cols = {f"c{i}": "VARCHAR" for i in range(width)}
        pick = ", ".join(f"c{pos} AS {name}" for name, pos in staged.headers.columns.items())
        self.con.execute(
            f"CREATE TEMP TABLE {staged.name} AS SELECT {pick}, {_blank_or_total(width)} AS _skip "
            f"FROM read_csv(?, skip={skip}, header=false, columns={cols!r}, delim=?, quote='\"', "
            f"escape='\"', auto_detect=false)",
            [src, delim],
        )
        staged.first_row = staged.header_row + 1
        staged.keep_sql = "NOT _skip"
        staged.rows = self.con.execute(
            f"SELECT count(*) FILTER (NOT _skip) FROM {staged.name}").fetchall()[0][0]

    # -- XLSX --------------------------------------------------------------------------
    def _read_workbook(self, path: Path, display: str) -> None:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(str(path))
        hint = kind_from_name(path.name)
        names = wb.sheet_names
        found_any = False
        for sheet_name in names:
            sheet = wb.get_sheet_by_name(sheet_name)
            rows = sheet.to_python(skip_empty_area=False)
            if not rows:
                continue
            cells = [[_cell_text(v) for v in r] for r in rows]
            sheet_hint = kind_from_name(sheet_name) or hint
            sheet_label = sheet_name if len(names) > 1 else None
            found = self._header(cells[:HEAD_ROWS], display, sheet_label, sheet_hint,
                                 report=len(names) == 1)
            if found is None:
                continue
            found_any = True
            h, kind, hm = found
            staged = Staged(display, sheet_label, kind, h + 1, hm, self._name(kind),
                            round_to_cent=True)
            self._stage_rows(staged, cells[h + 1:], [h + 2 + i for i in range(len(cells) - h - 1)])
            self.result.tables.append(staged)
        if not found_any and len(names) > 1:
            self.result.issues.append(issues.make("unknown-file-kind", display))

    # -- common ------------------------------------------------------------------------
    def _header(self, head, display, sheet, hint, report=True):
        found = find_header([[c or "" for c in r] for r in head], hint)
        if found is None:
            if report:
                self.result.issues.append(issues.make("unknown-file-kind", display, sheet=sheet))
            return None
        h, kind = found
        hm = map_headers(kind, head[h])
        for col in hm.missing():
            self.result.issues.append(issues.make(
                "missing-column", display, h + 1, col.name, col.aliases[1] if len(col.aliases) > 1
                else col.name, sheet=sheet))
        return h, kind, hm

    def _stage_rows(self, staged: Staged, records: list[list], rownums: list[int]) -> None:
        hm = staged.headers
        keep = [i for i, r in enumerate(records)
                if any(c is not None and str(c).strip() for c in r) and not _is_total(r)]
        data = {"_row": pa.array([rownums[i] for i in keep], pa.int64())}
        for name, pos in hm.columns.items():
            data[name] = pa.array(
                [(records[i][pos] if pos < len(records[i]) else None) for i in keep], pa.string())
        table = pa.table(data)
        self.con.register(f"{staged.name}_arrow", table)
        self.con.execute(f"CREATE TEMP TABLE {staged.name} AS SELECT * FROM {staged.name}_arrow")
        self.con.unregister(f"{staged.name}_arrow")
        staged.rows = len(keep)

    def _name(self, kind: str) -> str:
        self._n += 1
        return f"stage_{kind}_{self._n}"


def _blank_or_total(width: int) -> str:
    cells = [f"c{i}" for i in range(width)]
    blank = " AND ".join(f"coalesce(trim({c}), '') = ''" for c in cells)
    first = "coalesce(" + ", ".join(f"nullif(trim({c}), '')" for c in cells) + ", '')"
    return f"({blank}) OR regexp_matches(replace({first}, ' ', ''), '^(合计|总计|小计)')"


def _cell_text(v) -> str | None:
    """A spreadsheet cell as the text it shows: whole numbers without '.0', other numbers
    as their shortest decimal, dates as ISO dates."""
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _reason(e: Exception) -> str:
    if isinstance(e, UnicodeDecodeError):
        return "编码既不是UTF-8也不是GBK/GB18030"
    if isinstance(e, FileNotFoundError):
        return "文件不存在"
    return str(e) or type(e).__name__
