"""CSV: a clean file is read by DuckDB's ``read_csv`` straight from disk (transcoded to a
UTF-8 temporary file first when needed); a file DuckDB cannot take as it is (blank lines,
ragged rows) goes through Python's csv module, which keeps every record's row number.  The
encoding is found by ``encoding``.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

import duckdb

from shumao.ingest.headers import kind_from_name, map_headers
from shumao.ingest.read.encoding import HEAD_BYTES, _scan_utf8, decode
from shumao.ingest.read.staged import HEAD_ROWS, FileProblem, Staged, Tables


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


class CsvReader(Tables):
    """Stages a CSV file (``Reader`` dispatches to it by suffix)."""

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


def _blank_or_total(width: int) -> str:
    cells = [f"c{i}" for i in range(width)]
    blank = " AND ".join(f"coalesce(trim({c}), '') = ''" for c in cells)
    first = "coalesce(" + ", ".join(f"nullif(trim({c}), '')" for c in cells) + ", '')"
    # a prefix test, not a regular expression: this runs on every row of every file
    return f"({blank}) OR left(replace({first}, ' ', ''), 2) IN ('合计', '总计', '小计')"
