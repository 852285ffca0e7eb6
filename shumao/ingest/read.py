"""Readers: turn a CSV, XLSX or Parquet export into staged tables of text cells, one per
sheet, with the row numbers the user sees.

CSV: UTF-8 (with or without BOM) or GBK/GB18030, found without being told (stack.md §8:
strict UTF-8 first, then GB18030, a superset of GBK); a file mixing the two is refused
(``decode``), never guessed.  A clean file is read by DuckDB's
``read_csv`` straight from disk (transcoded to a UTF-8 temporary file first when needed);
a file DuckDB cannot take as it is (blank lines, ragged rows) goes through Python's csv
module, which keeps every record's row number.  XLSX: python-calamine, cells as the
decimal or date they show; a formula cell without a computed value is found in the sheet's
XML (``_formula_cells``).  Parquet: DuckDB's ``read_parquet``, each column's values written
as the text the checks read in a CSV (``_parquet_text``: a DECIMAL exactly, a DOUBLE as its
shortest decimal — so 0.1 is 0.1 and 0.105 is not a whole number of cents —, a DATE as
2024-03-05); a Parquet file has no header row, so its rows are numbered from 1, the first
record; a file's kind comes from its name or, for a data set's ``contracts/year=2024/…/
part-0.parquet``, the nearest folder that names one, else from its column names.  Files of
one kind with the same columns (a data set's partitions) are staged as one table read in one
scan, whose ``_file`` column names each row's file.

What cannot be read becomes an issue (``unreadable-file``, ``empty-file``,
``mixed-encoding``), never a crash: the exceptions of csv and python-calamine are caught by
name where they are raised.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import os
import re
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

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
    # the table has a ``_formula`` column: ",name,…," of the cells that are formulas without
    # a value (reported here as formula-without-value, so the checks do not call them empty)
    formulas: bool = False
    # Parquet files of one kind and the same columns read as one table (a data set's
    # partitions): their names, and the table's ``_file`` column says which a row is from
    members: list[str] = field(default_factory=list)
    member_rows: dict[str, int] = field(default_factory=dict)

    @property
    def files(self) -> list[str]:
        """The names of the files this table holds the rows of."""
        return self.members or [self.file]


@dataclass
class ReadResult:
    tables: list[Staged] = field(default_factory=list)
    issues: list[issues.Issue] = field(default_factory=list)
    temp_files: list[str] = field(default_factory=list)


class FileProblem(Exception):
    """A file that cannot be read, raised inside this module only and turned into an issue
    by ``Reader.read`` (the caller sees a value, never this exception)."""

    def __init__(self, code: str, row: int | None = None, value: str | None = None,
                 detail: str = ""):
        super().__init__(code)
        self.code, self.row, self.value, self.detail = code, row, value, detail


_BOM = b"\xef\xbb\xbf"
# How a file that is not valid UTF-8 is told from a mixed one, line by line.  A line is
# UTF-8 evidence when it decodes as UTF-8, holds a CJK character (3-byte sequences in UTF-8:
# CJK punctuation, ideographs, full-width forms) and nothing but plausible text (ASCII,
# Latin letters and signs, general punctuation and symbols, CJK).  A GBK line is valid UTF-8
# only by accident: GBK characters whose bytes happen to read as C2–DF 80–BF decode to
# Latin/Greek/Cyrillic/Arabic letters, never to CJK (GBK "欧元" is valid UTF-8 and is no
# evidence), so a pure GBK file stays GBK.  A CJK reading needs a lead byte E3–E9/EF and two
# bytes 80–BF spanning two GBK characters, and the rest of the line to stay valid and
# plausible; when that happens the line is still not evidence if it reads as GB18030 into
# GB2312 characters only while its UTF-8 reading holds rarer ones (GBK "寤遍副" reads as
# UTF-8 "廱鸱").  Measured: no random GB2312 string of 1–6 characters is evidence, only
# ~0.3% of 2-character strings of the rare GBK-extension characters; every UTF-8 string of
# GB2312 characters is.  Not caught: a UTF-8 line whose only non-ASCII text is accented
# Latin (café), which GBK text can equally be.
_CJK = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_OTHER = r"\x00-\x09\x0b-\x7f\u00a0-\u02ff\u2000-\u2bff\ufe30-\ufe4f"
_EVIDENCE = re.compile(rf"[{_OTHER}]*[{_CJK}][{_OTHER}{_CJK}]*")
# Candidates are found at C speed: each byte mapped to its UTF-8 role (a ASCII, c
# continuation, 2/3/4 lead of that length, x never in UTF-8), then "\n" + a line of whole
# sequences with at least one of three bytes; only those few lines are decoded in Python.
_ROLE = bytes(0x0A if b == 0x0A else ord("a") if b < 0x80 else ord("c") if b < 0xC0
              else ord("2") if 0xC2 <= b < 0xE0 else ord("3") if 0xE0 <= b < 0xF0
              else ord("4") if 0xF0 <= b < 0xF5 else ord("x") for b in range(256))
_UTF8_SHAPE = re.compile(rb"\n(?:a|2c|4ccc)*3cc(?:a|2c|3cc|4ccc)*(?=\n|\Z)")


def _outside_gb2312(text: str) -> int:
    n = 0
    for ch in text:
        if not ch.isascii():
            try:
                ch.encode("gb2312")
            except UnicodeEncodeError:
                n += 1
    return n


def _first_utf8_line(raw: bytes) -> int | None:
    """The number of the first line of a not-UTF-8 file that is UTF-8 evidence (above)."""
    shape = b"\n" + raw.translate(_ROLE)   # shape[i + 1] is the role of raw[i]
    for m in _UTF8_SHAPE.finditer(shape):
        line = raw[m.start():m.end() - 1]
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if not _EVIDENCE.fullmatch(text):
            continue
        try:
            as_gbk = line.decode("gb18030")
        except UnicodeDecodeError:
            as_gbk = None
        if as_gbk is None or not (_outside_gb2312(text) and not _outside_gb2312(as_gbk)):
            return raw.count(b"\n", 0, m.start()) + 1
    return None


def _is_gb18030(line: bytes) -> bool:
    try:
        line.decode("gb18030")
        return True
    except UnicodeDecodeError:
        return False


def _line_of(raw: bytes, pos: int) -> int:
    return raw.count(b"\n", 0, pos) + 1


@dataclass
class Utf8Scan:
    head: str              # the first HEAD_BYTES or so, decoded, without a BOM
    content: bool          # anything but white space
    blank_lines: bool      # a blank line before the end (DuckDB would drop it: rows shift)


_BLANK_LINE = re.compile(rb"\n\r?\n")


def _scan_utf8(path: Path, chunk: int = 1 << 22) -> Utf8Scan | None:
    """Check a file is valid UTF-8 a few MB at a time (bounded memory whatever its size);
    None when it is not, and ``decode`` then decides what it is."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    head, content, blank, tail = "", False, False, b""
    with path.open("rb") as f:
        first = True
        while block := f.read(chunk):
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError:
                return None
            if first:
                head, first = text[:HEAD_BYTES].removeprefix("\ufeff"), False
            content = content or bool(text.strip().strip("\ufeff"))
            data = tail + block
            # a blank line before the last text of the block; searched only up to that text,
            # so a long run of line ends costs linear time, not quadratic backtracking
            last = len(data.rstrip(b"\r\n"))
            blank = blank or _BLANK_LINE.search(data, 0, last) is not None
            # keep the run of line ends at the end for the next block, shortened to one blank
            # line when it holds one (text in the next block is then after a blank line)
            run = data[last:]
            tail = b"\n\n" if _BLANK_LINE.search(run) else run
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return None
    return Utf8Scan(head, content, blank)


def decode(raw: bytes) -> tuple[str, str]:
    """The text of a CSV file and its encoding: UTF-8 or GB18030, never a guess that garbles.

    Valid UTF-8 is UTF-8 (one decode, the common case).  Otherwise the file is GBK/GB18030
    only if it has no UTF-8 BOM and no line of it is UTF-8 evidence (above); a file with
    both kinds of line is ``mixed-encoding``, naming the first line that is not UTF-8 and
    the first that is.  A file that is neither is ``unreadable-file`` at its first bad line.
    """
    try:
        text = raw.decode("utf-8")
        return (text[1:] if text.startswith("\ufeff") else text), "utf-8-sig"
    except UnicodeDecodeError as e:
        bad = _line_of(raw, e.start)
        start = raw.rfind(b"\n", 0, e.start) + 1
        end = raw.find(b"\n", e.start)
        what = (f"第{bad}行不是UTF-8编码（可能是GBK）"
                if _is_gb18030(raw[start:end if end >= 0 else len(raw)])
                else f"第{bad}行不是有效的UTF-8编码（文件可能已损坏）")
    if raw.startswith(_BOM):
        raise FileProblem("mixed-encoding", bad, detail=f"文件开头有UTF-8标记（BOM），但{what}")
    good = _first_utf8_line(raw)
    if good is not None:
        raise FileProblem("mixed-encoding", bad, detail=f"{what}，而第{good}行是UTF-8编码")
    try:
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as e:
        row = _line_of(raw, e.start)
        raise FileProblem("unreadable-file", row,
                          f"第{row}行既不是UTF-8也不是GBK/GB18030编码") from None


def _records(text: str, delim: str) -> list[list[str]]:
    """Every record of a CSV text; a record Python's csv cannot take (a field over its size
    limit, in practice an unpaired quote swallowing the rest of the file) names its row."""
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delim))
    except csv.Error:
        pass  # read again, record by record, to find where
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    records, start = [], 1
    try:
        for record in reader:
            records.append(record)
            start = reader.line_num + 1
    except csv.Error as e:
        if "field larger than field limit" in str(e):
            raise FileProblem("unreadable-file", start, (
                f"第{start}行的某个字段超过{csv.field_size_limit()}个字符，文件可能已损坏"
                "（常见原因：引号不成对）")) from None
        raise FileProblem("unreadable-file", start, f"第{start}行不符合CSV格式") from None
    return records


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
            if path.is_dir():
                raise FileProblem("unreadable-file", value=(
                    f"“{display}”是文件夹，不是文件，其中也没有 Parquet 文件"
                    "（文件夹只作为 Parquet 数据集导入）"))
            if path.stat().st_size == 0:
                raise FileProblem("empty-file")
            if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
                self._read_workbook(path, display)
            elif path.suffix.lower() == ".parquet":
                self.read_parquet([(path, display)])
            else:
                self._read_csv(path, display)
        except FileProblem as p:
            self._problem(p, display)
        except (OSError, UnicodeDecodeError, ValueError) as e:
            self.result.issues.append(issues.make("unreadable-file", display, value=_reason(e)))

    # -- CSV ---------------------------------------------------------------------------
    def _read_csv(self, path: Path, display: str) -> None:
        # a large UTF-8 export is checked in chunks and read by DuckDB from disk, never held
        # in memory; anything else (GBK, blank lines, odd quoting) is read whole
        scan = _scan_utf8(path)
        if scan is not None and not scan.blank_lines:
            if not scan.content:
                raise FileProblem("empty-file")
            found = self._csv_header(scan.head, path, display)
            if found is None:
                return
            staged, h, width, delim, lines = found
            if '"' not in "".join(lines[:h]):
                try:
                    self._stage_duckdb(staged, str(path), h + 1, width, delim)
                    self.result.tables.append(staged)
                    return
                except duckdb.Error:
                    pass  # ragged rows or odd quoting: the Python reader takes it
        raw = path.read_bytes()
        text, enc = decode(raw)
        if not text.strip():
            raise FileProblem("empty-file")
        found = self._csv_header(text[:HEAD_BYTES], path, display)
        if found is None:
            return
        staged, h, width, delim, lines = found
        body = raw.rstrip(b"\r\n")
        # DuckDB's `skip` counts lines and it drops blank lines: only a file without blank
        # lines or quoting above its header keeps our row numbers that way
        clean = b"\n\n" not in body and b"\n\r\n" not in body and '"' not in "".join(lines[:h])
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
        records = _records(text, delim)
        self._stage_rows(staged, records[h + 1:], [h + 2 + i for i in range(len(records) - h - 1)])
        self.result.tables.append(staged)

    def _csv_header(self, head_text: str, path: Path, display: str):
        """The header row of a CSV's first lines: (staged, row index, width, delimiter,
        lines), or None when the file's kind cannot be told (an issue says so)."""
        head = list(csv.reader(io.StringIO(head_text)))[:HEAD_ROWS]
        found = self._header(head, display, None, kind_from_name(path.name))
        if found is None:
            return None
        h, kind, hm = found
        lines = head_text.split("\n")
        delim = _sniff_delimiter(lines[h])
        if delim != ",":
            head = list(csv.reader(io.StringIO(head_text), delimiter=delim))[:HEAD_ROWS]
            hm = map_headers(kind, head[h])
        return Staged(display, None, kind, h + 1, hm, self._name(kind)), h, len(head[h]), delim, lines

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
            f"CREATE TABLE {staged.name} AS SELECT {pick}, {_blank_or_total(width)} AS _skip "
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

        with _calamine_errors():
            wb = CalamineWorkbook.from_path(str(path))
            names = wb.sheet_names
        hint = kind_from_name(path.name)
        found_any = False
        empty = True
        for sheet_name in names:
            with _calamine_errors():  # sheets are parsed when asked for
                rows = wb.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
            cells = [[_cell_text(v) for v in r] for r in rows]
            if not any(c is not None for r in cells for c in r):
                continue
            empty = False
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
            table = self._table(hm, cells[h + 1:], [h + 2 + i for i in range(len(cells) - h - 1)])
            if path.suffix.lower() in (".xlsx", ".xlsm") and any(
                    table[c].null_count for c in hm.columns):
                table = self._formulas(staged, table, cells, _formula_cells(path, sheet_name))
            self._register(staged, table)
            self.result.tables.append(staged)
        if empty:
            raise FileProblem("empty-file")
        if not found_any and len(names) > 1:
            self.result.issues.append(issues.make("unknown-file-kind", display))

    def _formulas(self, staged: Staged, table: pa.Table, cells: list[list],
                  formulas: dict[tuple[int, int], str | None]) -> pa.Table:
        """Report every formula without a value in a column we read, and mark its cell so
        that the checks do not also call it empty."""
        hm = staged.headers
        at = {pos: name for name, pos in hm.columns.items()}
        kept = set(table["_row"].to_pylist()) if formulas else set()
        marks: dict[int, list[str]] = {}
        for (row, col), formula in sorted(formulas.items()):
            name = at.get(col)
            if name is None or row not in kept or (col < len(cells[row - 1])
                                                   and cells[row - 1][col] is not None):
                continue
            marks.setdefault(row, []).append(name)
            self.result.issues.append(issues.make(
                "formula-without-value", staged.file, row, name, formula,
                hm.headers.get(name, name), staged.sheet))
        if not marks:
            return table
        staged.formulas = True
        column = ["," + ",".join(marks[r]) + "," if r in marks else None
                  for r in table["_row"].to_pylist()]
        return table.append_column("_formula", pa.array(column, pa.string()))

    # -- Parquet -----------------------------------------------------------------------
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
                key = (found[1], tuple(names), tuple(types))
                groups.setdefault(key, []).append((path, display, found[2]))
        for (kind, names, types), members in groups.items():
            try:
                self._stage_parquet(kind, list(names), list(types), members)
            except FileProblem as p:
                if len(members) == 1:
                    self._problem(p, members[0][1])
                    continue
                for m in members:          # which of them: each alone
                    try:
                        self._stage_parquet(kind, list(names), list(types), [m])
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

    def _problem(self, p: FileProblem, display: str) -> None:
        self.result.issues.append(issues.make(p.code, display, p.row, value=p.value,
                                              detail=p.detail))

    # -- common ------------------------------------------------------------------------
    def _header(self, head, display, sheet, hint, report=True, numbered=True):
        """The header row among ``head`` (a Parquet file's column names: one row that is
        not ``numbered`` in the file) → (index, kind, HeaderMap), or None with an issue."""
        found = find_header([[c or "" for c in r] for r in head], hint)
        if found is None:
            if report:
                self.result.issues.append(issues.make("unknown-file-kind", display, sheet=sheet))
            return None
        h, kind = found
        hm = map_headers(kind, head[h])
        for col in hm.missing():
            self.result.issues.append(issues.make(
                "missing-column", display, h + 1 if numbered else None, col.name,
                col.aliases[1] if len(col.aliases) > 1 else col.name, sheet=sheet))
        return h, kind, hm

    def _stage_rows(self, staged: Staged, records: list[list], rownums: list[int]) -> None:
        self._register(staged, self._table(staged.headers, records, rownums))

    @staticmethod
    def _table(hm: HeaderMap, records: list[list], rownums: list[int]) -> pa.Table:
        keep = [i for i, r in enumerate(records)
                if any(c is not None and str(c).strip() for c in r) and not _is_total(r)]
        data = {"_row": pa.array([rownums[i] for i in keep], pa.int64())}
        for name, pos in hm.columns.items():
            data[name] = pa.array(
                [(records[i][pos] if pos < len(records[i]) else None) for i in keep], pa.string())
        return pa.table(data)

    def _register(self, staged: Staged, table: pa.Table) -> None:
        self.con.register(f"{staged.name}_arrow", table)
        self.con.execute(f"CREATE TABLE {staged.name} AS SELECT * FROM {staged.name}_arrow")
        self.con.unregister(f"{staged.name}_arrow")
        staged.rows = table.num_rows

    def _name(self, kind: str) -> str:
        self._n += 1
        return f"stage_{kind}_{self._n}"


def _blank_or_total(width: int) -> str:
    cells = [f"c{i}" for i in range(width)]
    blank = " AND ".join(f"coalesce(trim({c}), '') = ''" for c in cells)
    first = "coalesce(" + ", ".join(f"nullif(trim({c}), '')" for c in cells) + ", '')"
    # a prefix test, not a regular expression: this runs on every row of every file
    return f"({blank}) OR left(replace({first}, ' ', ''), 2) IN ('合计', '总计', '小计')"


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
_TIMESTAMPS = ("TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS")


def _parquet_text(col: str, sql_type: str, name: str) -> str:
    """A Parquet column's value as the text a CSV cell would hold, so that every check reads
    it as it reads a CSV: never through a binary float where the file has a decimal."""
    t = sql_type.upper()
    as_text = f"CAST({col} AS VARCHAR)"
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


@contextmanager
def _calamine_errors():
    from python_calamine import CalamineError, PasswordError

    try:
        yield
    except PasswordError:
        raise FileProblem("unreadable-file", value="文件设有密码，请在Excel中取消密码后再导入") from None
    except CalamineError:  # ZipError, XmlError, an OLE file that is no workbook …
        raise FileProblem("unreadable-file", value="文件已损坏或不是有效的Excel文件") from None


# a formula cell without a cached value, as openpyxl and other programs write it: <f> and
# then no <v>, or an empty one (Excel fills <v> whenever it saves)
_NO_VALUE = re.compile(rb"<f\b[^>]*?(?:/>|>([^<]*)</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>")
_CELL_REF = re.compile(rb"<c\s[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"")
_CHUNK, _OVERLAP = 1 << 22, 1 << 16   # a cell is far shorter than the overlap


def _formula_cells(path: Path, sheet_name: str) -> dict[tuple[int, int], str | None]:
    """(spreadsheet row, column index) → formula ("=B2*2", None for a shared one) of every
    cell of the sheet that is a formula without a computed value.  python-calamine 0.9
    shows such a cell as empty and has no formula API, so the sheet's XML is scanned in
    chunks (run only when a column we read has empty cells).  A layout this does not know
    (prefixed XML, no such sheet) gives nothing, and the cell stays merely empty."""
    found: dict[tuple[int, int], str | None] = {}
    try:
        with zipfile.ZipFile(path) as z:
            member = _sheet_member(z, sheet_name)
            if member is None:
                return found
            with z.open(member) as f:
                window = b""
                while chunk := f.read(_CHUNK):
                    window = window[-_OVERLAP:] + chunk
                    if b"<f" not in window:
                        continue
                    for m in _NO_VALUE.finditer(window):
                        start = window.rfind(b"<c", 0, m.start())
                        ref = _CELL_REF.match(window, start) if start >= 0 else None
                        if ref:
                            text = m[1] and html.unescape(m[1].decode("utf-8", "replace"))
                            found[int(ref[2]), _column_index(ref[1])] = (
                                "=" + text if text else None)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        return {}
    return found


def _sheet_member(z: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The zip member holding a sheet: xl/workbook.xml names it, its relationships file
    says where it is."""
    book = ElementTree.fromstring(z.read("xl/workbook.xml"))
    rid = next((v for el in book.iter() if el.tag.endswith("}sheet")
                and el.get("name") == sheet_name
                for k, v in el.attrib.items() if k.endswith("}id")), None)
    if rid is None:
        return None
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = next((el.get("Target") for el in rels.iter() if el.get("Id") == rid), None)
    if target is None:
        return None
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def _column_index(letters: bytes) -> int:
    n = 0
    for b in letters:
        n = n * 26 + b - 64
    return n - 1


def _reason(e: Exception) -> str:
    if isinstance(e, UnicodeDecodeError):
        return "编码既不是UTF-8也不是GBK/GB18030"
    if isinstance(e, FileNotFoundError):
        return "文件不存在"
    if isinstance(e, PermissionError):
        return "没有读取该文件的权限"
    return str(e) or type(e).__name__
