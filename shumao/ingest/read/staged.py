"""What a reader makes — a ``Staged`` table of text cells in DuckDB, with the row numbers
the user sees — and the steps every format shares: finding the header row (an issue when
there is none, or a column is missing), registering rows as a table, naming it.

What cannot be read becomes an issue (``unreadable-file``, ``empty-file``,
``mixed-encoding``), never a crash: a format raises ``FileProblem`` and the reader turns it
into an issue; the exceptions of csv and python-calamine are caught by name where they are
raised.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from shumao.ingest import issues
from shumao.ingest.headers import HeaderMap, find_header, map_headers

HEAD_ROWS = 30          # a header row further down than this is not looked for


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
    """A file that cannot be read, raised inside this package only and turned into an issue
    by ``Reader.read`` (the caller sees a value, never this exception)."""

    def __init__(self, code: str, row: int | None = None, value: str | None = None,
                 detail: str = ""):
        super().__init__(code)
        self.code, self.row, self.value, self.detail = code, row, value, detail


def _is_total(cells: list) -> bool:
    """A 合计 / 总计 row at the bottom of an export (filings.md): skipped."""
    for c in cells:
        if c is not None and str(c).strip():
            return str(c).strip().replace(" ", "").startswith(("合计", "总计", "小计"))
    return False


class Tables:
    """The state and the steps every format's reader shares (``Reader`` is all of them)."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.result = ReadResult()
        self._n = 0

    def _problem(self, p: FileProblem, display: str) -> None:
        self.result.issues.append(issues.make(p.code, display, p.row, value=p.value,
                                              detail=p.detail))

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


def _reason(e: Exception) -> str:
    if isinstance(e, UnicodeDecodeError):
        return "编码既不是UTF-8也不是GBK/GB18030"
    if isinstance(e, FileNotFoundError):
        return "文件不存在"
    if isinstance(e, PermissionError):
        return "没有读取该文件的权限"
    return str(e) or type(e).__name__
