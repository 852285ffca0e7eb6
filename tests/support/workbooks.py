"""Hostile workbooks, written with zipfile as the security review's far.py and pad.py do
(security.md §3.1, §3.3): ``far`` — a header and one cell at XFD1048576 (1.6 KB, whose
rectangle is 549 GB to python-calamine); ``pad`` — a header, one row, then ``mb`` MB of
blanks, deflated about 1,000 : 1."""

from __future__ import annotations

import zipfile
from pathlib import Path

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="合同" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
}
HEADER = ("contract_id", "enterprise_id", "signed_on", "client_country", "category", "amount", "currency")


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEAD = "".join(cell(f"{col}1", t) for col, t in zip("ABCDEFG", HEADER, strict=True))
START = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">'
END = "</sheetData></worksheet>"


def sheet(path: Path, data: str, before: str = "") -> Path:
    """A one-sheet workbook (the sheet 合同) whose sheetData is ``data`` (``before`` it:
    e.g. a <dimension>)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in PARTS.items():
            z.writestr(name, text)
        z.writestr("xl/worksheets/sheet1.xml", START + before + "<sheetData>" + data + END)
    return path


def far(path: Path) -> Path:
    return sheet(path, f'<row r="1">{HEAD}</row><row r="1048576">{cell("XFD1048576", "x")}</row>')


def pad(path: Path, mb: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, text in PARTS.items():
            z.writestr(name, text)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write((START + f'<sheetData><row r="1">{HEAD}</row><row r="2">{cell("A2", "P1")}</row>').encode())
            blanks = b" " * (1 << 20)
            for _ in range(mb):
                f.write(blanks)
            f.write(END.encode())
    return path
