"""Workbooks that would take the process with them (security review §3.1, §3.3): a sheet
whose rectangle is too many cells, parts that inflate far beyond the file, and calamine
itself dying — each one issue naming the file, the sheet and its size, and this process
alive and small afterwards.  Good workbooks read as before (the rows are the spreadsheet's)."""

from __future__ import annotations

import datetime as dt
import resource

import pytest
from openpyxl import Workbook

from shumao.catalogue.imports import IMPORTS
from shumao.ingest.importer import import_files
from shumao.ingest.read import extent, xlsx
from shumao.ingest.read.staged import FileProblem
from shumao.ingest.read.workbook_child import cell_text
from tests.conftest import copy_of, load_sample, run_json, snapshot
from tests.support import workbooks

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def sample_url(request, tmp_path, templates):
    """Reading a file does not depend on the store: DuckDB only."""
    return copy_of(request, templates, "sample", "duckdb", load_sample, tmp_path)


def _errors(store, path):
    before = snapshot(store)
    result = import_files(store, [path], today=TODAY)
    assert not result.ok and snapshot(store) == before
    return [(e.file, e.row, e.code, e.message) for e in result.errors]


def test_one_far_cell_is_refused_naming_the_sheet_and_its_extent(sample_store, tmp_path):
    path = workbooks.far(tmp_path / "合同.xlsx")
    assert path.stat().st_size < 2000
    assert _errors(sample_store, path) == [(
        "合同.xlsx", None, "workbook-too-large",
        "工作簿过大，未读取：工作表“合同”的范围达 XFD1048576（1048576 行 × 16384 列，"
        "超过 3000 万个单元格的上限）。请删去多余的空行、空列（或只把数据复制到新的工作簿）后再导入")]


def test_one_far_cell_on_the_command_line_exits_1(tmp_path):
    code, out = run_json("import", workbooks.far(tmp_path / "合同.xlsx"), "--db", tmp_path / "s.duckdb")
    assert code == 1 and [e["code"] for e in out["errors"]] == ["workbook-too-large"]
    assert "XFD1048576" in out["errors"][0]["message"]


def test_calamine_dying_is_an_issue_and_this_process_lives(sample_store, tmp_path, monkeypatch,
                                                          caplog):
    """Past the measuring (as if it missed the cell), calamine asks for 549 GB and aborts:
    the child it runs in dies, not this process; the operator's log says why."""
    monkeypatch.setattr(extent, "MAX_CELLS", 1 << 62)
    path = workbooks.far(tmp_path / "合同.xlsx")
    assert _errors(sample_store, path) == [(
        "合同.xlsx", None, "unreadable-file",
        "无法读取文件：文件过大或已损坏，读取时出错。请删去多余的空行、空列，或把数据复制到新的工作簿后再导入")]
    assert "memory allocation of 549755813888 bytes failed" in caplog.text
    assert len(import_files(sample_store, [workbooks.sheet(tmp_path / "合同2.xlsx", "")]).errors) == 1


def test_blanks_past_the_budget_are_refused_after_reading_no_more(sample_store, tmp_path, monkeypatch):
    monkeypatch.setattr(extent, "MAX_INFLATED", 8 << 20)
    path = workbooks.pad(tmp_path / "合同.xlsx", 16)
    assert _errors(sample_store, path) == [(
        "合同.xlsx", None, "workbook-too-large",
        "工作簿过大，未读取：工作表“合同”解压后超过 8 MB（整个工作簿的上限）。"
        "请删去多余的空行、空列（或只把数据复制到新的工作簿）后再导入")]


def test_blanks_within_the_budget_cost_this_process_nothing(sample_store, tmp_path):
    """200 MB of blanks (0.2 MB deflated) are read, by the child: this process's peak
    resident memory grows by far less than the blanks (it grew by them before)."""
    path = workbooks.pad(tmp_path / "合同.xlsx", 200)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = import_files(sample_store, [path], today=TODAY)
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) >> 10     # MB
    assert [e.row for e in result.errors] and {e.row for e in result.errors} == {2}
    assert grown < 100, f"this process grew by {grown} MB"


def test_every_row_excel_has_fits_with_columns_a_to_z():
    """Only a sheet with columns past Z needs its rows looked at (the fast scan's premise)."""
    assert extent.EXCEL_ROWS * 26 <= extent.MAX_CELLS


@pytest.mark.parametrize("ref, refused", [
    ("Z1048576", None), ("A1048577", "超出 Excel 工作表的 1048576 行、16384 列"),
    ("XFD1", None), ("XFE1", "超出 Excel 工作表的 1048576 行、16384 列"),
    ("XFD1831", None), ("XFD1832", "超过 3000 万个单元格的上限"),       # 3·10⁷ // 16384 = 1831
    ("AD1000000", None), ("AE1000000", "超过 3000 万个单元格的上限"),   # 30 and 31 columns
])
def test_the_bound_is_the_rectangle_from_a1(tmp_path, ref, refused):
    path = workbooks.sheet(tmp_path / "合同.xlsx", f'<row r="1">{workbooks.HEAD}</row>'
                           f'<row r="{ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}">'
                           f'{workbooks.cell(ref, "x")}</row>')
    if refused is None:
        extent.check(path, xlsx.sheet_members(path))
        return
    with pytest.raises(FileProblem) as e:
        extent.check(path, xlsx.sheet_members(path))
    assert e.value.code == "workbook-too-large"
    assert e.value.detail.startswith(f"工作表“合同”的范围达 {ref}（") and refused in e.value.detail


@pytest.mark.parametrize("data", [
    '<row r="1048576">' + "<c><v>1</v></c>" * 29 + "</row>",          # cells without r: counted
    '<row r="1048570"/>' + "<row/>" * 10 + "<row><c><v>1</v></c></row>",  # rows without r too
    '<row r="9"><c a=">" r="XFD1048576"><v>1</v></c></row>',       # a ">" inside an attribute
    '<x:row r="9"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>',  # a namespace prefix
])
def test_the_extent_is_found_however_the_tags_are_written(tmp_path, data):
    path = workbooks.sheet(tmp_path / "合同.xlsx", data)
    with pytest.raises(FileProblem) as e:
        extent.check(path, xlsx.sheet_members(path))
    assert e.value.code == "workbook-too-large"


def test_a_dimension_that_claims_the_whole_sheet_is_not_believed(sample_store, tmp_path):
    """calamine allocates by the cells it finds, not by the sheet's <dimension>: a sheet
    claiming A1:XFD1048576 with a header and one row is read (its row's problems found)."""
    path = workbooks.sheet(tmp_path / "合同.xlsx", f'<row r="1">{workbooks.HEAD}</row>'
                           f'<row r="2">{workbooks.cell("A2", "P1")}</row>',
                           before='<dimension ref="A1:XFD1048576"/>')
    result = import_files(sample_store, [path], today=TODAY)
    assert result.errors and {e.row for e in result.errors} == {2}


def test_the_rule_says_the_bounds_the_code_has():
    rule = next(r for r in IMPORTS if r.code == "workbook-too-large").rule
    assert f"{extent.MAX_INFLATED >> 20} MB" in rule and f"{extent.MAX_CELLS // 10_000} 万" in rule
    assert f"{extent.EXCEL_ROWS} 行" in rule and f"{extent.EXCEL_COLUMNS} 列" in rule


def test_a_good_workbook_reads_as_calamine_shows_it_in_this_process(tmp_path):
    """The child's rows are the spreadsheet's rows and columns, whatever cell the data starts
    at, with the texts the reader always gave (python-calamine's iter_rows starts at row 1
    but at the first used column; this pins it)."""
    from python_calamine import CalamineWorkbook

    wb = Workbook()
    ws = wb.active
    ws.title = "合同"
    ws["C4"], ws["D4"], ws["E4"] = "contract_id", "amount", "signed_on"
    ws["C5"], ws["D5"], ws["E5"] = "X1", 12.5, dt.date(2024, 1, 2)
    ws["C9"], ws["D9"], ws["E9"], ws["F9"] = "X2", 3, dt.datetime(2024, 1, 2, 3, 4, 5), True
    ws["D10"] = "   "
    other = wb.create_sheet("执行")
    other["A1"], other["Z30"] = "x", 0.1
    wb.create_sheet("空")
    path = tmp_path / "b.xlsx"
    wb.save(path)
    book = CalamineWorkbook.from_path(str(path))
    expected = {}
    for name in book.sheet_names:
        dense = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        texts = [[cell_text(v) for v in r] for r in dense]
        expected[name] = {i + 1: r for i, r in enumerate(texts) if any(c is not None for c in r)}
    assert xlsx.read_in_child(path) == expected
    assert sorted(expected["合同"]) == [4, 5, 9, 10]
    assert expected["合同"][9] == [None, None, "X2", "3", "2024-01-02 03:04:05", "True"]


def test_the_specimen_is_the_far_workbook(tmp_path):
    from tests.conftest import DATA

    specimen = DATA / "contracts-workbook-too-large.xlsx"
    assert xlsx.sheet_members(specimen) == {"合同": "xl/worksheets/sheet1.xml"}
    with pytest.raises(FileProblem) as e:
        extent.check(specimen, xlsx.sheet_members(specimen))
    assert "XFD1048576" in e.value.detail
