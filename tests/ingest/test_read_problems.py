"""Issue 7: files that cannot be read, or not as they are, end as one clear issue naming
what and where — never a crash ("程序出错"), never a silent guess that garbles the data."""

from __future__ import annotations

import csv
import os
import random
import re
import zipfile

import pytest
from openpyxl import Workbook

from shumao.ingest.importer import import_files
from shumao.ingest.read import FileProblem, decode
from tests.conftest import DATA, copy_of, load_sample, run_cli, run_json, snapshot, sql

HEAD = "合同编号,统一社会信用代码,签约日期,发包方国别,业务类别,合同金额,币种\n"
ROW = "T{n:04d},91990102B8QRD82822,2024-05-06,{country},ITO,{amount},USD\n"


def _row(n, country="JP", amount="1000.00"):
    return ROW.format(n=n, country=country, amount=amount)


def _found(result):
    return [(i.row, i.column, i.code) for i in result.errors + result.warnings]


@pytest.fixture
def sample_url(request, tmp_path, templates):
    """Reading is done in the private staging database whatever the store: DuckDB alone."""
    return copy_of(request, templates, "sample", "duckdb", load_sample, tmp_path)


def _import(store, path):
    before = snapshot(store)
    result = import_files(store, [path])
    assert not result.ok and snapshot(store) == before
    return result


# -- 1. silent mojibake ------------------------------------------------------------------
MIXED = {
    # the finding: UTF-8 rows and one GBK row (row 3)
    "utf8-with-a-gbk-row": (
        HEAD.encode() + _row(1, "日本").encode() + _row(2, "荷兰").encode("gbk")
        + _row(3, "新加坡").encode(), 3),
    # a GBK file with one UTF-8 row whose Chinese also decodes as GB18030 ("巴西")
    "gbk-with-a-utf8-row": (
        HEAD.encode("gbk") + _row(1, "日本").encode("gbk") + _row(2, "巴西").encode(), 1),
    # an ASCII header, so the first row that is not UTF-8 is a data row
    "ascii-header": (
        b"contract_id,enterprise_id,signed_on,client_country,category,amount\n"
        + _row(1, "中国香港").encode() + _row(2, "中国香港").encode("gbk"), 3),
    # a UTF-8 BOM (Excel's "CSV UTF-8") in front of GBK text
    "bom-then-gbk": (b"\xef\xbb\xbf" + HEAD.encode("gbk") + _row(1, "日本").encode("gbk"), 1),
}


@pytest.mark.parametrize("case", sorted(MIXED))
def test_silent_mojibake_mixed_encoding_names_the_first_row_not_utf8(sample_store, tmp_path,
                                                                     case):
    raw, row = MIXED[case]
    path = tmp_path / "合同.csv"
    path.write_bytes(raw)
    result = _import(sample_store, path)
    assert _found(result) == [(row, None, "mixed-encoding")]
    assert f"第{row}行" in result.errors[0].message and "UTF-8" in result.errors[0].message


def test_silent_mojibake_exit_code_is_1(tmp_path):
    path = tmp_path / "合同.csv"
    path.write_bytes(MIXED["utf8-with-a-gbk-row"][0])
    code, out = run_json("import", path, "--db", tmp_path / "s.duckdb")
    assert code == 1 and [e["code"] for e in out["errors"]] == ["mixed-encoding"]


def test_silent_mojibake_pure_gbk_with_utf8_looking_bytes_stays_gbk(sample_store, tmp_path):
    """GBK "欧元" (C5 B7 D4 AA) and "私营" are valid UTF-8 byte pairs; the file is still GBK."""
    assert "欧元".encode("gbk").decode("utf-8") and "私营".encode("gbk").decode("utf-8")
    path = tmp_path / "企业.csv"
    path.write_text("统一社会信用代码,企业名称,企业性质,所在区域\n"
                    "91990102TE5TC0DE0J,欧元,私营,高新区\n"
                    "91990102TE5TC0DE0J,欧元,私营,高新区\n", encoding="gbk")
    result = import_files(sample_store, [path])
    assert result.ok, result.errors
    names = sql(sample_store, "SELECT name FROM enterprises WHERE enterprise_id = "
                              "'91990102TE5TC0DE0J'")
    assert names == [("欧元",)]


def test_silent_mojibake_rule_on_many_gbk_and_utf8_lines():
    """Every line of GB2312 text, as GBK, decodes as GB18030; the same as UTF-8 lines in a
    GBK file is found."""
    rng = random.Random(7)
    chars = [bytes([a, b]).decode("gb2312") for a in range(0xB0, 0xF8) for b in range(0xA1, 0xFF)
             if (a, b) < (0xD7, 0xFA) or a > 0xD7]
    words = ["".join(rng.choices(chars, k=rng.randint(1, 8))) for _ in range(20_000)]
    gbk = "".join(f"{i},{w}\n" for i, w in enumerate(words)).encode("gbk")
    assert decode(gbk)[1] == "gb18030"
    head = gbk[:gbk.index(b"\n", 200) + 1]
    for w in words[:2000]:
        with pytest.raises(FileProblem) as e:
            decode(head + f"x,{w}\n".encode())
        assert e.value.code == "mixed-encoding"


def test_undecidable_encoding_names_its_row(sample_store, tmp_path):
    path = tmp_path / "合同.csv"
    path.write_bytes(HEAD.encode("gbk") + _row(1).encode() + b"T2,\xff\xfe\xff,1\n")
    result = _import(sample_store, path)
    assert _found(result) == [(3, None, "unreadable-file")]
    assert "第3行既不是UTF-8也不是GBK" in result.errors[0].message


def test_corrupt_line_in_a_utf8_file_is_not_called_gbk(sample_store, tmp_path):
    path = tmp_path / "合同.csv"
    path.write_bytes(HEAD.encode() + _row(1).encode() + b"T2,\xff\xfe\xff,1\n")
    result = _import(sample_store, path)
    assert _found(result) == [(3, None, "mixed-encoding")]
    assert "第3行不是有效的UTF-8编码" in result.errors[0].message


# -- 2. unreadable files end as issues, not "程序出错" --------------------------------------
def _xlsx(path, rows):
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def _corrupt(tmp_path):
    good = _xlsx(tmp_path / "good.xlsx", [["合同编号"], ["T1"]]).read_bytes()
    return {
        "random.xlsx": os.urandom(4000),
        "truncated.xlsx": good[: len(good) // 2],
        "old.xls": os.urandom(4000),
        "renamed-csv.xlsx": (HEAD + _row(1)).encode(),
    }


@pytest.mark.parametrize("name", ["random.xlsx", "truncated.xlsx", "old.xls", "renamed-csv.xlsx"])
def test_unreadable_corrupt_workbook_is_an_issue(sample_store, tmp_path, name):
    path = tmp_path / ("合同-" + name)
    path.write_bytes(_corrupt(tmp_path)[name])
    result = _import(sample_store, path)
    assert _found(result) == [(None, None, "unreadable-file")]
    assert result.errors[0].message == "无法读取文件：文件已损坏或不是有效的Excel文件"


def test_unreadable_corrupt_workbook_exits_1(tmp_path):
    path = tmp_path / "合同.xlsx"
    path.write_bytes(os.urandom(4000))
    code, out = run_json("import", path, "--db", tmp_path / "s.duckdb")
    assert code == 1 and [e["code"] for e in out["errors"]] == ["unreadable-file"]


def test_unreadable_csv_field_over_the_csv_limit(sample_store, tmp_path):
    """An unpaired quote swallows the rest of the file into one field larger than Python's
    csv limit: the row where the field starts is named."""
    path = tmp_path / "合同.csv"
    rows = [_row(n) for n in range(1, 5)]
    rows[1] = rows[1].replace("T0002", '"T0002')          # row 3 opens a quote
    filler = "".join(_row(n) for n in range(5, 5 + csv.field_size_limit() // 40))
    path.write_text(HEAD + "".join(rows) + filler, encoding="utf-8")
    result = _import(sample_store, path)
    assert _found(result) == [(3, None, "unreadable-file")]
    assert re.search(r"第3行的某个字段超过\d+个字符，文件可能已损坏", result.errors[0].message)


# -- 3. messages that mislead ------------------------------------------------------------
@pytest.mark.parametrize("raw", [b"", b"\xef\xbb\xbf", b"  \r\n\r\n\t", b"\xef\xbb\xbf\r\n"])
@pytest.mark.parametrize("name", ["合同.csv", "foo.csv"])
def test_empty_file_says_empty(sample_store, tmp_path, raw, name):
    path = tmp_path / name
    path.write_bytes(raw)
    result = _import(sample_store, path)
    assert _found(result) == [(None, None, "empty-file")]
    assert result.errors[0].message == "文件为空：没有任何内容"


@pytest.mark.parametrize("empty", ["zero-bytes", "no-cells"])
def test_empty_file_says_empty_for_a_workbook(sample_store, tmp_path, empty):
    path = tmp_path / "合同.xlsx"
    if empty == "zero-bytes":
        path.write_bytes(b"")
    else:
        Workbook().save(path)
    assert _found(_import(sample_store, path)) == [(None, None, "empty-file")]


@pytest.mark.parametrize("amount, unit, code", [
    ("1000000000000", "", "amount-too-large"),
    ('"1,000,000,000,000"', "", "amount-too-large"),
    ("1e13", "", "amount-too-large"),
    ("123456789012345678901234567890", "", "amount-too-large"),
    ("999999999999", "（亿美元）", "amount-too-large"),    # 10^12 × 10^8 used to crash
    ("100000000", "（万美元）", "amount-too-large"),       # 10^12 once the unit is applied
    ("12a4", "", "bad-number"),
    ("NaN", "", "bad-number"),
    ("inf", "", "bad-number"),
])
def test_amount_of_a_trillion_says_the_limit(sample_store, tmp_path, amount, unit, code):
    path = tmp_path / "合同.csv"
    path.write_text(HEAD.replace("合同金额", "合同金额" + unit) + _row(1, amount=amount),
                    encoding="utf-8")
    result = _import(sample_store, path)
    assert _found(result) == [(2, "amount", code)]
    if code == "amount-too-large":
        assert "超出上限" in result.errors[0].message and "1万亿" in result.errors[0].message


def test_amount_just_under_the_limit_is_stored(sample_store, tmp_path):
    path = tmp_path / "合同.csv"
    path.write_text(HEAD + _row(1, amount='"999,999,999,999.99"'), encoding="utf-8")
    assert import_files(sample_store, [path]).ok
    cents = sql(sample_store, "SELECT amount_cents FROM contracts WHERE contract_id = 'T0001'")
    assert cents == [(99_999_999_999_999,)]


def _formula_book(path, cached: bool = False):
    """A contracts sheet as openpyxl writes it: a formula and no value (Excel would store
    the value when it saves; ``cached`` puts one in, as Excel does)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["2024年合同明细"])
    ws.append(HEAD.strip().split(","))
    ws.append(["T0001", "91990102B8QRD82822", "2024-05-06", "JP", "ITO", 1000, "USD"])
    ws.append(["T0002", "91990102B8QRD82822", "2024-05-06", "JP", "ITO", "=F3*2", '=G3&""'])
    ws.append(["T0003", "91990102B8QRD82822", "2024-05-06", "JP", "ITO", None, "USD"])
    wb.save(path)
    if cached:
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        sheet = "xl/worksheets/sheet1.xml"
        parts[sheet] = parts[sheet].replace(b"<f>F3*2</f><v></v>", b"<f>F3*2</f><v>2000</v>")
        parts[sheet] = parts[sheet].replace(b'<c r="G4"', b'<c r="G4" t="str"').replace(
            b'<f>G3&amp;""</f><v></v>', b'<f>G3&amp;""</f><v>USD</v>')
        with zipfile.ZipFile(path, "w") as z:
            for n, b in parts.items():
                z.writestr(n, b)
    return path


def test_formula_without_value_says_formula(sample_store, tmp_path):
    path = _formula_book(tmp_path / "合同.xlsx")
    result = _import(sample_store, path)
    # the formulas in row 4 are named as such; the truly empty amount of row 5 stays "required"
    assert _found(result) == [(4, "amount", "formula-without-value"),
                              (4, "currency", "formula-without-value"),
                              (5, "amount", "missing-value")]
    first = result.errors[0]
    assert first.value == "=F3*2" and "合同金额" in first.message and "公式" in first.message


def test_formula_with_its_value_is_read(sample_store, tmp_path):
    path = _formula_book(tmp_path / "合同.xlsx", cached=True)
    result = import_files(sample_store, [path])
    assert _found(result) == [(5, "amount", "missing-value")]


def test_folder_says_folder(sample_store, tmp_path):
    folder = tmp_path / "合同.csv"
    folder.mkdir()
    result = _import(sample_store, folder)
    assert _found(result) == [(None, None, "unreadable-file")]
    assert result.errors[0].message == ("无法读取文件：“合同.csv”是文件夹，不是文件，"
                                        "其中也没有 Parquet 文件（文件夹只作为 Parquet 数据集导入）")


def test_folder_says_folder_on_the_command_line(tmp_path):
    folder = tmp_path / "数据"
    folder.mkdir()
    p = run_cli("import", folder, DATA / "contracts-bad-number.csv", "--db", tmp_path / "s.duckdb")
    err = "".join(p.stderr.split())          # Rich wraps long lines
    assert p.returncode == 2
    assert "这是文件夹，不是文件" in err and err.endswith("数据") and "找不到" not in err


# -- blank lines: found across the scan's blocks, in linear time ---------------------------
@pytest.mark.parametrize("text, blank", [
    ("a\nb\n", False), ("a\nb\n\n\n\n", False), ("a\n\nb\n", True), ("\n\na\n", True),
    ("a\r\n\r\nb\r\n", True), ("a\r\nb\r\n\r\n", False),
    ("a\n" + "\n" * 5000 + "b\n", True), ("a\n" + "\n" * 5000, False),
])
@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 1 << 22])
def test_a_blank_line_before_text_is_seen_whatever_the_blocks(tmp_path, text, blank, chunk):
    from shumao.ingest.read.encoding import _scan_utf8

    path = tmp_path / "x.csv"
    path.write_bytes(text.encode())
    assert _scan_utf8(path, chunk).blank_lines is blank


def test_a_million_trailing_line_ends_are_read_at_once(sample_store, tmp_path):
    # the blank-line search used to backtrack quadratically over a run of line ends: a 1 MB
    # upload of empty lines held the import (and a web worker) for many minutes
    path = tmp_path / "合同.csv"
    path.write_text(HEAD + _row(1, country="火星国") + "\n" * 1_000_000, encoding="utf-8")
    assert _found(_import(sample_store, path)) == [(2, "client_country", "unknown-country")]
