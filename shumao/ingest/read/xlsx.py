"""XLSX (and XLS, ODS): python-calamine, cells as the decimal or date they show; a formula
cell without a computed value is found in the sheet's XML (``_formula_cells``).

An upload is not trusted to be a workbook Excel wrote: an XLSX is measured first
(``extent``: inflated size, each sheet's rectangle) and calamine runs in a child process
with a memory limit (``workbook_child``), so that a file it cannot cope with becomes an
issue, never the end of the server.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pyarrow as pa

from shumao.files import scratch
from shumao.files.safezip import UNREADABLE
from shumao.ingest import issues
from shumao.ingest.headers import kind_from_name
from shumao.ingest.read import extent, workbook_child
from shumao.ingest.read.staged import HEAD_ROWS, FileProblem, Staged, Tables

# The child's address space.  Measured (python-calamine 0.9.1): a sheet whose rectangle is
# extent.MAX_CELLS (one cell at XFD1831) peaks at 0.98 GB resident, calamine's 32 bytes a
# cell; 10⁶ rows × 7 columns (259 MB of XML) at 0.54 GB.  Shared strings and a batch of rows
# come on top, and Python with pyarrow maps 0.3 GB before reading: 4 GB leaves room for any
# workbook within the bounds, and none beyond them takes the machine's memory.
CHILD_MEMORY = 4 << 30

log = logging.getLogger("shumao.ingest")
Rows = dict[int, list]      # a sheet's non-empty rows: spreadsheet row number → cell texts


class WorkbookReader(Tables):
    """Stages every sheet of a workbook that holds a table (``Reader`` dispatches to it by
    suffix)."""

    def _read_workbook(self, path: Path, display: str) -> None:
        xml = path.suffix.lower() in (".xlsx", ".xlsm")
        members = sheet_members(path) if xml else {}
        if xml:
            extent.check(path, members)
        sheets = read_in_child(path)
        names = list(sheets)
        hint = kind_from_name(path.name)
        found_any = False
        empty = True
        for sheet_name, rows in sheets.items():
            if not rows:
                continue
            empty = False
            width = max(len(r) for r in rows.values())
            head = [rows.get(n) or [None] * width for n in range(1, min(HEAD_ROWS, max(rows)) + 1)]
            sheet_hint = kind_from_name(sheet_name) or hint
            sheet_label = sheet_name if len(names) > 1 else None
            found = self._header(head, display, sheet_label, sheet_hint, report=len(names) == 1)
            if found is None:
                continue
            found_any = True
            h, kind, hm = found
            staged = Staged(display, sheet_label, kind, h + 1, hm, self._name(kind),
                            round_to_cent=True)
            below = [n for n in rows if n > h + 1]
            table = self._table(hm, [rows[n] for n in below], below)
            if xml and any(table[c].null_count for c in hm.columns):
                table = self._formulas(staged, table, rows, _formula_cells(path, members.get(sheet_name)))
            self._register(staged, table)
            self.result.tables.append(staged)
        if empty:
            raise FileProblem("empty-file")
        if not found_any and len(names) > 1:
            self.result.issues.append(issues.make("unknown-file-kind", display))

    def _formulas(self, staged: Staged, table: pa.Table, rows: Rows,
                  formulas: dict[tuple[int, int], str | None]) -> pa.Table:
        """Report every formula without a value in a column we read, and mark its cell so
        that the checks do not also call it empty."""
        hm = staged.headers
        at = {pos: name for name, pos in hm.columns.items()}
        kept = set(table["_row"].to_pylist()) if formulas else set()
        marks: dict[int, list[str]] = {}
        for (row, col), formula in sorted(formulas.items()):
            name = at.get(col)
            cells = rows.get(row, ())
            if name is None or row not in kept or (col < len(cells) and cells[col] is not None):
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


def read_in_child(path: Path) -> dict[str, Rows]:
    """Sheet name → its non-empty rows, read by ``workbook_child`` in a process of its own
    (its start, mostly importing pyarrow, cost 0.5 s on a loaded 2-core machine).  A child
    that dies — calamine aborting, out of its memory — is an ``unreadable-file`` issue;
    this process goes on."""
    tmp = scratch.make("sheets")
    try:
        out = tmp / "sheets.arrow"
        done = subprocess.run(
            [sys.executable, workbook_child.__file__, str(path), str(out), str(CHILD_MEMORY)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            env={**os.environ, "RUST_BACKTRACE": "0"}, check=False)
        if done.returncode == workbook_child.PASSWORD:
            raise FileProblem("unreadable-file", value="文件设有密码，请在Excel中取消密码后再导入")
        if done.returncode == workbook_child.DAMAGED:
            raise FileProblem("unreadable-file", value="文件已损坏或不是有效的Excel文件")
        if done.returncode != 0:
            # for the operator: calamine's "memory allocation of … failed", a traceback
            log.warning("reading %s ended with %s: %s", path.name, done.returncode,
                        done.stderr[:2000].decode("utf-8", "replace").strip())
            raise FileProblem("unreadable-file", value=(
                "文件过大或已损坏，读取时出错。请删去多余的空行、空列，或把数据复制到新的工作簿后再导入"))
        with pa.memory_map(str(out)) as source:
            reader = pa.ipc.open_file(source)
            names = json.loads(reader.schema.metadata[b"sheets"])
            sheets: dict[str, Rows] = {name: {} for name in names}
            for i in range(reader.num_record_batches):
                batch = reader.get_batch(i)
                for sheet, row, cells in zip(*(batch.column(c).to_pylist() for c in range(3)),
                                             strict=True):
                    sheets[names[sheet]][row] = cells
        return sheets
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# a formula cell without a cached value, as openpyxl and other programs write it: <f> and
# then no <v>, or an empty one (Excel fills <v> whenever it saves)
_NO_VALUE = re.compile(rb"<f\b[^>]*?(?:/>|>([^<]*)</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>")
_CELL_REF = re.compile(rb"<c\s[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"")
_CHUNK, _OVERLAP = 1 << 22, 1 << 16   # a cell is far shorter than the overlap


def _formula_cells(path: Path, member: str | None) -> dict[tuple[int, int], str | None]:
    """(spreadsheet row, column index) → formula ("=B2*2", None for a shared one) of every
    cell of the sheet that is a formula without a computed value.  python-calamine 0.9
    shows such a cell as empty and has no formula API, so the sheet's XML is scanned in
    chunks (run only when a column we read has empty cells).  A layout this does not know
    (prefixed XML, no such sheet: ``member`` None) gives nothing, and the cell stays
    merely empty."""
    found: dict[tuple[int, int], str | None] = {}
    if member is None:
        return found
    try:
        with zipfile.ZipFile(path) as z, z.open(member) as f:
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
                        found[int(ref[2]), extent.column(ref[1]) - 1] = (
                            "=" + text if text else None)
    except (*UNREADABLE, KeyError):
        return {}
    return found


def sheet_members(path: Path) -> dict[str, str]:
    """Sheet name → the zip member holding it (xl/workbook.xml names the sheets, its
    relationships file says where each is); {} for a layout this does not know.  Both
    files are read only up to ``_BOOK_MAX`` bytes: they are read before anything is
    measured."""
    try:
        with zipfile.ZipFile(path) as z:
            book, rels = (ElementTree.fromstring(_small(z, name))
                          for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"))
    except (*UNREADABLE, KeyError, ElementTree.ParseError):
        return {}
    targets = {el.get("Id"): el.get("Target") for el in rels.iter() if el.get("Target")}
    members: dict[str, str] = {}
    for el in book.iter():
        name = el.get("name")
        if el.tag.endswith("}sheet") and name is not None:
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid)
            if target:
                members[name] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return members


_BOOK_MAX = 1 << 24         # xl/workbook.xml and its relationships: a list of sheets


def _small(z: zipfile.ZipFile, name: str) -> bytes:
    with z.open(name) as f:
        data = f.read(_BOOK_MAX + 1)
    if len(data) > _BOOK_MAX:
        raise FileProblem("workbook-too-large", detail=(
            f"其中的“{name}”解压后超过 {_BOOK_MAX >> 20} MB"))
    return data
