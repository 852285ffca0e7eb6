"""XLSX (and XLS, ODS): python-calamine, cells as the decimal or date they show; a formula
cell without a computed value is found in the sheet's XML (``_formula_cells``).
"""

from __future__ import annotations

import datetime as dt
import html
import re
import zipfile
from contextlib import contextmanager
from pathlib import Path
from xml.etree import ElementTree

import pyarrow as pa

from shumao.ingest import issues
from shumao.ingest.headers import kind_from_name
from shumao.ingest.read.staged import HEAD_ROWS, FileProblem, Staged, Tables


class WorkbookReader(Tables):
    """Stages every sheet of a workbook that holds a table (``Reader`` dispatches to it by
    suffix)."""

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
