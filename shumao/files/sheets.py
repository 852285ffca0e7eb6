"""Spreadsheets shumao writes (CSV and XLSX): every user-supplied text inert.

A value an enterprise filed (``=cmd|' /C calc'!A0``, ``=HYPERLINK("http://evil","点我")``)
must never become a live formula in a file a clerk opens in Excel or WPS.  Every CSV and
XLSX that shumao writes goes through this module:

* CSV: ``inert`` prefixes a risky string with ``'`` (OWASP "CSV Injection").  A CSV cell has
  no type, so the prefix is the only defence; the clerk sees the apostrophe, which is the
  accepted price.
* XLSX: ``put`` / ``append`` store every string as a *string* cell (``t="inlineStr"``), never a
  formula (``<f>``) or an error value, with the exact text and no prefix: Excel, WPS and
  LibreOffice do not evaluate a string cell on opening.  A risky string also gets the
  ``quotePrefix`` style Excel itself sets when one types ``'=…``, so that re-editing the
  cell (F2, Enter) keeps it text instead of turning it into a formula.

Only ``str`` is escaped: shumao's own figures are ints, Decimals or dates and stay numbers
(``Decimal("-12.5")`` is a number, never the text ``-12.5``).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

# OWASP CSV Injection: = + - @ TAB CR start a formula (or DDE) in Excel/LibreOffice.  Full-width
# forms (＝＋－＠, and any other that NFKC-folds to one of these) are caught too, since WPS and
# Excel with an East Asian IME may fold them.
_TRIGGERS = frozenset("=+-@\t\r")
# Be conservative: some importers trim leading blanks ("Trim spaces" in LibreOffice), so a
# trigger after leading whitespace (incl. LF, NBSP, the ideographic space) counts as well.
_LEADING_BLANKS = " \t\r\n\u00a0\u3000\ufeff"
# characters XML 1.0 cannot hold (openpyxl refuses them): shown as U+FFFD rather than failing
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def risky(value) -> bool:
    """True for a string a spreadsheet program might read as a formula."""
    if not isinstance(value, str) or not value:
        return False
    if value[0] in _TRIGGERS:
        return True
    rest = value.lstrip(_LEADING_BLANKS)
    return bool(rest) and unicodedata.normalize("NFKC", rest[0]) in _TRIGGERS


def inert(value):
    """A CSV cell: a risky string gets a leading ``'``; anything else passes unchanged."""
    return "'" + value if risky(value) else value


def write_csv(path: Path, header: Iterable, rows: Iterable[Iterable]) -> None:
    """CSV in UTF-8 with BOM (so that Excel opens Chinese), every cell through ``inert``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow([inert(v) for v in header])
        w.writerows([inert(v) for v in r] for r in rows)


def put(cell, value):
    """Set an openpyxl cell's value; a string becomes a text cell, never a formula."""
    if isinstance(value, str):
        cell.value = _ILLEGAL.sub("\ufffd", value)
        # openpyxl makes any str starting with "=" a formula and "#N/A" etc. an error value
        cell.data_type = "s"
        if risky(value):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def cells(ws, values: Iterable) -> list:
    """A row for ``ws.append`` (normal or write-only worksheet), every string a text cell."""
    from openpyxl.cell import WriteOnlyCell

    # Cells, not bare values: write-only append would re-infer a type for a bare str
    return [None if v is None else put(WriteOnlyCell(ws), v) for v in values]


def append(ws, values: Iterable) -> None:
    ws.append(cells(ws, values))


def write_table(path: Path, sheet: str, header: Iterable, rows: Iterable[Iterable],
                widths: Iterable[float] | None = None) -> None:
    """A table as XLSX (one sheet named ``sheet``: ``write_sheets``) or CSV by the path's
    suffix, every text cell inert."""
    if path.suffix.lower() == ".xlsx":
        write_sheets(path, {sheet: (header, rows, widths)})
        return
    write_csv(path, header, rows)


def write_sheets(path: Path, tables: dict[str, tuple[Iterable, Iterable[Iterable],
                                                      Iterable[float] | None]]) -> None:
    """Sheets of an XLSX, each (header, rows, widths), every text cell inert: the header row
    stays in view and filters its columns, and each column is ``widths`` characters wide
    (else as wide as its header)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    for sheet, (header, rows, widths) in tables.items():
        header = list(header)
        ws = wb.create_sheet(sheet)
        ws.freeze_panes = "A2"
        chosen = list(widths) if widths is not None else []
        for n, h in enumerate(header, 1):
            w = chosen[n - 1] if n <= len(chosen) else 2 * len(str(h)) + 4    # CJK: two wide
            ws.column_dimensions[get_column_letter(n)].width = w
        append(ws, header)
        count = 1
        for r in rows:
            append(ws, r)
            count += 1
        if header:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count}"
    wb.save(path)
