"""Formula injection (issue 7, finding 1): every value a user filed reaches every spreadsheet
shumao writes as inert text — the issues list (CSV and XLSX) and the report XLSX.  The XLSX
files are checked as XML (no ``<f>`` element anywhere) and read back with calamine (the exact
text); the CSV cells start with ``'``."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import re
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from shumao.files import sheets
from shumao.ingest import issues
from shumao.ingest.importer import import_files
from shumao.ingest.issue_list import write_issues
from tests.conftest import DATA, SAMPLE_FILES, run_cli, run_json

HOSTILE = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)",
           "\t=1", "\r=1", "＝1+1", "＋1", "－1", "＠SUM(A1)", " =1+1", "\u3000=1", "\n=1"]
HARMLESS = ["张三", "12.5", "", "a=b", "'=already quoted"]
NOT_TEXT = [Decimal("-12.5"), -12, 3.5, dt.date(2024, 5, 6), None]
SPECIMEN = DATA / "injection" / "contracts.csv"   # not <kind>-<code>.csv: it is no one code's specimen
HYPERLINK = '=HYPERLINK("http://x","y")'


def formulas(path) -> list[str]:
    """Every <f> element in every worksheet of an XLSX file."""
    with zipfile.ZipFile(path) as z:
        sheets_xml = [n for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        assert sheets_xml
        return [f for n in sheets_xml for f in re.findall(r"<f[\s>/].*?(?:</f>|/>)", z.read(n).decode())]


def read_csv(path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")                  # BOM: Excel opens it as UTF-8
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


# --- inert (CSV) ---------------------------------------------------------------------------

@pytest.mark.parametrize("v", HOSTILE)
def test_inert_quotes_every_formula_start(v):
    assert sheets.risky(v) and sheets.inert(v) == "'" + v


@pytest.mark.parametrize("v", HARMLESS + NOT_TEXT)
def test_inert_leaves_the_rest(v):
    assert sheets.inert(v) is v


def test_csv_writer(tmp_path):
    out = tmp_path / "x.csv"
    sheets.write_csv(out, ["值", "=header"], [[v, 1] for v in HOSTILE + HARMLESS] + [[Decimal("-12.5"), None]])
    rows = read_csv(out)
    assert rows[0] == ["值", "'=header"]
    assert [r[0] for r in rows[1:]] == ["'" + v for v in HOSTILE] + HARMLESS + ["-12.5"]
    assert rows[-1] == ["-12.5", ""]


# --- XLSX cells ----------------------------------------------------------------------------

@pytest.mark.parametrize("write_only", [True, False])
def test_xlsx_cells_are_text_never_formulas(tmp_path, write_only):
    wb = Workbook(write_only=write_only)
    if not write_only:
        wb.remove(wb.active)
    ws = wb.create_sheet("s")
    values = HOSTILE + HARMLESS + ["#N/A", "a\x07b"] + NOT_TEXT
    for v in values:
        sheets.append(ws, [v, v])                       # two per row: write-only reuses cells
    out = tmp_path / "x.xlsx"
    wb.save(out)
    assert formulas(out) == []
    xml = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    assert xml.count('t="inlineStr"') == 2 * (len(HOSTILE) + len(HARMLESS) + 2)
    assert "=HYPERLINK(&quot;" in xml or '=HYPERLINK("http' in xml
    styles = zipfile.ZipFile(out).read("xl/styles.xml").decode()
    assert 'quotePrefix="1"' in styles                  # re-editing in Excel keeps it text
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    got = [r[0] for r in rows]
    n = len(HOSTILE) + len(HARMLESS)
    assert got[:n] == HOSTILE + HARMLESS                # the exact text, no quote added
    assert got[n:n + 2] == ["#N/A", "a\ufffdb"]          # text, not an error; XML-illegal shown as �
    assert got[n + 2] == -12.5 and got[n + 3] == -12    # numbers stay numbers
    assert all(r[0] == r[1] for r in rows)


# --- the issues list of an import --------------------------------------------------------

def test_write_issues_every_hostile_value(tmp_path):
    items = [issues.make("unknown-country", f, 2, "client_country", v) for f, v in
             zip(["=evil.csv"] + ["ok.csv"] * len(HOSTILE), HOSTILE + ["张三"])]
    write_issues(tmp_path / "i.xlsx", items)
    write_issues(tmp_path / "i.csv", items)
    assert formulas(tmp_path / "i.xlsx") == []
    rows = CalamineWorkbook.from_path(str(tmp_path / "i.xlsx")).get_sheet_by_name("问题清单").to_python()
    assert [r[4] for r in rows[1:]] == HOSTILE + ["张三"]
    assert rows[1][0] == "=evil.csv" and rows[1][2] == 2
    rows = read_csv(tmp_path / "i.csv")
    assert [r[4] for r in rows[1:]] == ["'" + v for v in HOSTILE] + ["张三"]
    assert rows[1][0] == "'=evil.csv"


def test_specimen_gives_issues_whose_values_are_formulas(sample_store):
    result = import_files(sample_store, [SPECIMEN], today=dt.date(2026, 11, 27))
    found = [(i.row, i.column, i.code, i.value) for i in result.errors + result.warnings]
    assert found == [(3, "client_country", "unknown-country", HYPERLINK),
                     (4, "category", "unknown-category", "=cmd|' /C calc'!A0"),
                     (5, "amount", "bad-number", "+1+1"),
                     (6, "amount", "bad-number", "-2+3"),
                     (7, "currency", "unknown-currency", "@SUM(A1)"),
                     (8, "status", "unknown-status", "＝1+1"),
                     (9, "client_country", "unknown-country", "=1"),      # the reader trims the TAB
                     (10, "client_country", "unknown-country", "张三")]


def test_import_errors_out_end_to_end(tmp_path):
    """The real ``shumao import --errors-out`` on the specimen, as CSV and XLSX."""
    db = tmp_path / "s.duckdb"
    assert run_cli("import", *SAMPLE_FILES, "--db", db).returncode == 0
    code, result = run_json("import", SPECIMEN, "--db", db, "--errors-out", tmp_path / "问题.xlsx")
    assert code == 1
    values = [i["value"] for i in result["errors"] + result["warnings"]]
    assert HYPERLINK in values and "=cmd|' /C calc'!A0" in values

    assert formulas(tmp_path / "问题.xlsx") == []
    rows = CalamineWorkbook.from_path(str(tmp_path / "问题.xlsx")).get_sheet_by_name("问题清单").to_python()
    assert [r[4] for r in rows[1:]] == values           # exactly what was filed
    assert rows[1][3] == "client_country" and rows[1][6] == "unknown-country"

    p = run_cli("import", SPECIMEN, "--db", db, "--errors-out", tmp_path / "问题.csv")
    assert p.returncode == 1
    rows = read_csv(tmp_path / "问题.csv")
    assert [r[4] for r in rows[1:]] == [sheets.inert(v) for v in values]
    assert rows[1][4] == "'" + HYPERLINK and rows[2][4] == "'=cmd|' /C calc'!A0"
    assert rows[-1][4] == "张三"


# --- the report XLSX ----------------------------------------------------------------------

@pytest.mark.parametrize("sample_url", ["duckdb"], indirect=True)
def test_report_xlsx_every_text_cell(sample_store, tmp_path):
    """formats.xlsx writes paragraphs, titles, headers, cells and notes as text cells."""
    from shumao.report import formats
    from shumao.report.service import ReportSettings, build_report

    doc = build_report(sample_store, "2024-01..2024-09", ReportSettings(region=HYPERLINK))
    t = doc.tables[0]
    hostile = dataclasses.replace(t, title=HOSTILE[0], columns=[HOSTILE[2], *t.columns[1:]],
                                  rows=[[v, Decimal("-1.50")] for v in HOSTILE], notes=[HOSTILE[4]])
    doc = dataclasses.replace(doc, paragraphs=[*HOSTILE[:3], *doc.paragraphs], tables=[hostile])
    out = tmp_path / "r.xlsx"
    formats.xlsx(doc, out)
    assert formulas(out) == []
    wb = CalamineWorkbook.from_path(str(out))
    text = [r[0] for r in wb.get_sheet_by_name("数据月报").to_python()]
    assert text[1:4] == HOSTILE[:3] and HYPERLINK in text[4]
    rows = wb.get_sheet_by_index(1).to_python()
    assert rows[0][0] == HOSTILE[0] and rows[3][0] == HOSTILE[2]
    assert [r[:2] for r in rows[4:4 + len(HOSTILE)]] == [[v, -1.5] for v in HOSTILE]
    assert rows[-1][0] == "注：" + HOSTILE[4]


def test_report_xlsx_end_to_end_with_a_hostile_region(tmp_path):
    db = tmp_path / "s.duckdb"
    assert run_cli("import", *SAMPLE_FILES, "--db", db).returncode == 0
    out = tmp_path / "r.xlsx"
    p = run_cli("report", "--period", "2024-01..2024-09", "--region", HYPERLINK, "--short", "@SUM(A1)",
                "--source", "=cmd|' /C calc'!A0", "--format", "xlsx", "--out", out, "--db", db)
    assert p.returncode == 0, p.stderr
    assert formulas(out) == []
    wb = CalamineWorkbook.from_path(str(out))
    text = "".join(r[0] for r in wb.get_sheet_by_name("数据月报").to_python())
    assert HYPERLINK in text and "@SUM(A1)" in text and "=cmd|' /C calc'!A0" in text
    for name in wb.sheet_names:
        for row in wb.get_sheet_by_name(name).to_python():
            assert not any(isinstance(v, str) and v.startswith("#") for v in row)  # no #NAME? etc.
