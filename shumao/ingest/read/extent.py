"""An XLSX's size, measured before python-calamine is asked for it (security review 3.1, 3.3).

calamine inflates a part whole (a text of blanks costs its length in memory) and builds
each sheet's whole rectangle, from A1 to the furthest cell, at once: one cell at XFD1048576
asks for 549 GB and the allocation failure aborts the process.  ``check`` therefore reads
the workbook's zip first, in chunks and with memory that does not grow with the file:

* every part is inflated against ``MAX_INFLATED`` bytes in all, counted as they come (a
  part's header may lie);
* each worksheet's furthest row and column — from the ``r`` of its ``<row>`` and ``<c>``
  tags, or counted where a tag has none — bound its rectangle, refused beyond ``MAX_CELLS``.

A ``<dimension ref>`` is not believed either way: calamine allocates by the cells it finds,
not by what the sheet says of itself.  Whatever gets past this still runs in a process of
its own (``workbook_child``).
"""

from __future__ import annotations

import re
import zipfile

from shumao.files.safezip import CHUNK, UNREADABLE
from shumao.ingest.read.staged import FileProblem

# All of a workbook's parts together, inflated.  Excel's largest sheet that still fits
# the import formats (1,048,576 rows × 20 filled columns, shared strings) is about 0.9 GB
# of XML; a real workbook of that size compresses 10–20×, so this admits any workbook
# Excel can write that is smaller than the 200 MB upload limit, while 3 MB of deflated
# blanks can no longer ask for 3 GB.
MAX_INFLATED = 1 << 30
# A sheet's rectangle, from A1 to its furthest cell: Excel's 1,048,576 rows × 24 columns
# (the widest import format has 13, a clerk's export adds a few).  calamine holds 16 bytes a
# cell for it, the reader's rows of text about 60 bytes a filled cell.
MAX_CELLS = 25_000_000
_TAG_MAX = 1 << 16          # no real <row> or <c> tag is this long

# a <row …> or <c …> start tag (with any namespace prefix), attributes quoted as XML allows
_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c)(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_REF = re.compile(rb"\sr\s*=\s*[\"']\s*([A-Za-z]*)([0-9]*)\s*[\"']")


def check(path, sheets: dict[str, str]) -> None:
    """Raise FileProblem ``workbook-too-large`` naming the sheet (or part) and its extent
    when the workbook at ``path`` is larger than this module allows; ``sheets`` is sheet
    name → zip member (``xlsx.sheet_members``).  A zip that cannot be read is left to
    calamine, which says so in its words."""
    named = {member: name for name, member in sheets.items()}
    left = MAX_INFLATED
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                name = info.filename
                sheet = named.get(name) or (name if name.startswith("xl/worksheets/") else None)
                left -= _inflate(z, info, left, name, sheet)
    except UNREADABLE:
        return


def _inflate(z: zipfile.ZipFile, info: zipfile.ZipInfo, left: int, part: str,
             sheet: str | None) -> int:
    """The part's inflated size, read in chunks; a worksheet's extent measured on the way."""
    size, rows, cols, row, col, carry = 0, 0, 0, 0, 0, b""
    with z.open(info) as f:
        while chunk := f.read(CHUNK):
            size += len(chunk)
            if size > left:
                what = f"工作表“{sheet}”" if sheet else f"其中的“{part}”"
                raise FileProblem("workbook-too-large", detail=(
                    f"{what}解压后超过 {MAX_INFLATED >> 20} MB（整个工作簿的上限）"))
            if sheet is None:
                continue
            data = carry + chunk
            start = data.rfind(b"<")
            cut = start if start >= 0 and data.find(b">", start) < 0 else len(data)
            for m in _TAG.finditer(data, 0, cut):
                ref = _REF.search(m[2])
                if m[1] == b"row":
                    row = int(ref[2]) if ref and ref[2] else row + 1
                    col = 0
                    rows = max(rows, row)
                    continue
                col = column(ref[1]) if ref and ref[1] else col + 1
                rows = max(rows, int(ref[2]) if ref and ref[2] else row)
                cols = max(cols, col)
            carry = data[cut:]
            if len(carry) > _TAG_MAX:
                raise FileProblem("unreadable-file", value=(
                    f"工作表“{sheet}”中有无法识别的内容，文件可能已损坏"))
            if rows * cols > MAX_CELLS:
                raise FileProblem("workbook-too-large", detail=(
                    f"工作表“{sheet}”的范围达 {letters(cols)}{rows}（{rows} 行 × {cols} 列，"
                    f"超过 {MAX_CELLS // 10_000} 万个单元格的上限）"))
    return size


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
