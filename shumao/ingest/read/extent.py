"""An XLSX's size, measured before python-calamine is asked for it (security review 3.1, 3.3).

calamine inflates a part whole (a text of blanks costs its length in memory) and builds
each sheet's whole rectangle, from A1 to its furthest cell, at once: one cell at XFD1048576
asks for 549 GB and the allocation failure aborts the process.  ``check`` therefore reads
the workbook's zip first, in chunks, with memory that does not grow with the file:

* every part is inflated against ``MAX_INFLATED`` bytes in all, counted as they come (a
  part's header may lie);
* each worksheet's furthest cell — the largest column and row its cells' ``r`` name, as
  calamine places them — must lie within Excel's sheet (1,048,576 rows, columns to XFD) and
  its rectangle from A1 within ``MAX_CELLS``.

The scan looks for what could be too far rather than reading every cell: a column of two or
three letters, a row number above a bound — searches in C over the text, about 0.2 s per
64 MB, so a good workbook pays for little more than inflating it once more.  Where a sheet
has cells without ``r`` (placed after the previous cell), the sheet is read tag by tag
instead.  A ``<dimension ref>`` is not believed either way: calamine allocates by the cells
it finds, not by what the sheet says of itself.  Whatever gets past this still runs in a
process of its own with a memory limit (``workbook_child``): this module is the clear
message, that one the guarantee.
"""

from __future__ import annotations

import re
import zipfile

from shumao.files.safezip import CHUNK, UNREADABLE
from shumao.ingest.read.staged import FileProblem

# All of a workbook's parts together, inflated.  A sheet of Excel's 1,048,576 rows × 20
# filled columns is about 0.9 GB of XML; a real workbook compresses 5–20×, so this admits
# any workbook within the 200 MB upload limit that Excel writes, while 3 MB of deflated
# blanks can no longer ask for 3 GB.
MAX_INFLATED = 1 << 30
# Excel's sheet, and a sheet's rectangle from A1: every row Excel has × columns A–Z (the
# widest import format has 13 columns), so that only a sheet with columns past Z needs its
# rows looked at.  calamine holds 32 bytes a cell of the rectangle (0.96 GB here), within the
# child's limit; the reader keeps only the rows that have text.
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
MAX_CELLS = 30_000_000
_TAG_MAX = 1 << 16          # no real <row> or <c> tag is this long


def check(path, sheets: dict[str, str]) -> None:
    """Raise FileProblem ``workbook-too-large`` naming the sheet (or part) and its extent
    when the workbook at ``path`` is larger than this module allows; ``sheets`` is sheet
    name → zip member (``xlsx.sheet_members``).  A zip that cannot be read is left to
    calamine, which says so in its words."""
    named = {member: name for name, member in sheets.items()}
    left, wide = MAX_INFLATED, {}
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                name = info.filename
                sheet = named.get(name) or (name if name.startswith("xl/worksheets/") else None)
                scan = _Scan(sheet) if sheet else None
                left -= _inflate(z, info, left, name, scan)
                if scan and scan.exact is None and scan.cols > 26:
                    wide[info.filename] = scan
            for member, scan in wide.items():      # columns past Z: are the rows too many?
                scan.rows_above(z, member, MAX_CELLS // scan.cols)
    except UNREADABLE:
        return


def _inflate(z: zipfile.ZipFile, info: zipfile.ZipInfo, left: int, part: str,
             scan: _Scan | None) -> int:
    """The part's inflated size, read in chunks; a worksheet scanned on the way."""
    size = 0
    for data in _tags(z, info.filename, scan.sheet if scan else None):
        size += len(data)
        if size > left:
            what = f"工作表“{scan.sheet}”" if scan else f"其中的“{part}”"
            raise FileProblem("workbook-too-large", detail=(
                f"{what}解压后超过 {MAX_INFLATED >> 20} MB（整个工作簿的上限）"))
        if scan:
            scan.chunk(data)
    return size


def _tags(z: zipfile.ZipFile, member: str, sheet: str | None):
    """The part in chunks of whole tags (for a worksheet: a tag cut by the chunk's end is
    carried into the next)."""
    carry = b""
    with z.open(member) as f:
        while chunk := f.read(CHUNK):
            if sheet is None:
                yield chunk
                continue
            data = carry + chunk
            start = data.rfind(b"<")
            cut = start if start >= 0 and data.find(b">", start) < 0 else len(data)
            carry = data[cut:]
            if len(carry) > _TAG_MAX:
                raise FileProblem("unreadable-file", value=(
                    f"工作表“{sheet}”中有无法识别的内容，文件可能已损坏"))
            yield data[:cut]
    if carry:
        yield carry


def _above(n: int) -> bytes:
    """A pattern for a decimal number greater than ``n``."""
    s = str(n)
    alts = [b"[1-9][0-9]{%d,}" % len(s)]
    for i, d in enumerate(s):
        if d != "9":
            alts.append(s[:i].encode() + b"[%d-9]" % (int(d) + 1) + b"[0-9]" * (len(s) - i - 1))
    return b"0*(?:" + b"|".join(alts) + b")"


# a cell's r="B12" (starting with the letter r, which blanks and digits are not: a search
# then skips along the text in C)
_REF = rb"""r=["'](?P<col>[A-Z]+)(?P<row>[0-9]+)["']"""
_WIDE = re.compile(rb"""r=["'][A-Z]{2}""")
_WIDE_COLS = re.compile(rb"""r=["']([A-Z]{2,})[0-9]""")
_FAR_ROWS = re.compile(rb"""r=["'](?P<col>[A-Z]+)(?P<row>""" + _above(EXCEL_ROWS) + rb""")["']""")
_SEVEN_DIGITS = re.compile(rb"""r=["'][A-Z]+[0-9]{7}""")
_ANY_REF = re.compile(_REF)
# tag by tag, for a sheet with cells that have no r: a <row …> or <c …> start tag (any
# namespace prefix), attributes quoted as XML allows
_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c)(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_TAG_REF = re.compile(rb"\sr\s*=\s*[\"']\s*([A-Za-z]*)([0-9]*)\s*[\"']")


class _Scan:
    """One worksheet's furthest cell, chunk by chunk."""

    def __init__(self, sheet: str):
        self.sheet, self.rows, self.cols = sheet, 0, 0
        self.exact: list[int] | None = None     # [row, col] of the last tag, read tag by tag

    def chunk(self, data: bytes) -> None:
        if b"<" not in data:        # text between tags (a pad of blanks): nothing placed
            return
        if self.exact is None and self._unnamed(data):
            self.exact = [self.rows, 0]
        if self.exact is not None:
            self._tag_by_tag(data)
            return
        if _WIDE.search(data):
            self.cols = max(self.cols, max(map(column, set(_WIDE_COLS.findall(data)))))
            if self.cols > EXCEL_COLUMNS:
                col, row = max(_ANY_REF.findall(data), key=lambda m: column(m[0]))
                self._refuse(int(row), column(col))
        # else A–Z, whose exact column matters only for the message if a row is too far
        far = _SEVEN_DIGITS.search(data) and _FAR_ROWS.findall(data)
        if far:
            col, row = max(far, key=lambda m: int(m[1]))
            self._refuse(int(row), max(self.cols, column(col)))

    @staticmethod
    def _unnamed(data: bytes) -> bool:
        """Are there more <c> and <row> tags than r attributes (a cell placed by count)?
        (Tags as Excel, WPS, LibreOffice and openpyxl write them; one written otherwise that
        hides from this is still read in the child.)"""
        return (data.count(b"<c ") + data.count(b"<c>") + data.count(b"<row ")
                > data.count(b'r="'))

    def _tag_by_tag(self, data: bytes) -> None:
        assert self.exact is not None      # _tag_by_tag runs once it is set
        row, col = self.exact
        for m in _TAG.finditer(data):
            ref = _TAG_REF.search(m[2])
            if m[1] == b"row":
                row, col = (int(ref[2]) if ref and ref[2] else row + 1), 0
                continue
            col = column(ref[1]) if ref and ref[1] else col + 1
            self.rows = max(self.rows, int(ref[2]) if ref and ref[2] else row)
            self.cols = max(self.cols, col)
        self.exact = [row, col]
        if self.rows > EXCEL_ROWS or self.cols > EXCEL_COLUMNS or self.rows * self.cols > MAX_CELLS:
            self._refuse(self.rows, self.cols)

    def rows_above(self, z: zipfile.ZipFile, member: str, bound: int) -> None:
        """A second pass over a sheet with columns past Z: any row beyond ``bound``?"""
        far = re.compile(rb"""r=["'](?P<col>[A-Z]+)(?P<row>""" + _above(bound) + rb""")["']""")
        for data in _tags(z, member, self.sheet):
            found = far.findall(data)
            if found:
                self._refuse(max(int(r) for _, r in found), self.cols)

    def _refuse(self, rows: int, cols: int) -> None:
        limit = (f"超出 Excel 工作表的 {EXCEL_ROWS} 行、{EXCEL_COLUMNS} 列"
                 if rows > EXCEL_ROWS or cols > EXCEL_COLUMNS
                 else f"超过 {MAX_CELLS // 10_000} 万个单元格的上限")
        raise FileProblem("workbook-too-large", detail=(
            f"工作表“{self.sheet}”的范围达 {letters(cols)}{rows}（{rows} 行 × {cols} 列，{limit}）"))


def column(name: bytes) -> int:
    """A column's letters as its number (A → 1, XFD → 16384)."""
    n = 0
    for b in name.upper():
        n = n * 26 + b - 64
    return n


def letters(col: int) -> str:
    """A column's number as Excel names it (1 → A, 16384 → XFD)."""
    out = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out
