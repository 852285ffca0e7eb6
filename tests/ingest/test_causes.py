"""An import's problems by cause (issue 20, S-3, S-4, S-5, S-18): one mistyped credit code in the
enterprise file is one problem with "98 行因此无法导入", listed first; columns as the file heads
them; a stored record with other content says which fields differ, old → new, and the same
amount in another unit is no change; amounts in messages carry units and separators."""

from __future__ import annotations

from shumao.ingest import causes
from shumao.ingest.importer import import_files
from shumao.ingest.issue_list import write_issues
from shumao.model.credit import complete

GOOD = complete("9121021399CAUDE0")
OTHER = complete("9121021399CAUDE1")


def _typo(code: str) -> str:
    """One character changed: an invalid check digit."""
    c = "A" if code[5] != "A" else "B"
    return code[:5] + c + code[6:]


def write(folder, name: str, text: str):
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


def defects(folder, rows: int = 98):
    ents = write(folder, "企业名录.csv", "统一社会信用代码,企业名称,企业性质\n"
                 f"{OTHER},甲公司,内资\n{_typo(GOOD)},乙公司,内资\n")
    contracts = write(folder, "合同明细.csv", "合同编号,统一社会信用代码,签约日期,国别,业务类别,合同金额（万美元）\n"
                      + "".join(f"C-{i},{GOOD},2024-03-0{i % 9 + 1},日本,ITO,1.5\n" for i in range(rows))
                      + f"C-X,{OTHER},2024-03-05,日本,ITO,abc\n")
    return [contracts, ents]      # the contracts first: file order would bury the cause


def test_one_mistyped_credit_code_is_one_problem_listed_first_with_the_rows_it_breaks(store, tmp_path):
    r = import_files(store, defects(tmp_path))
    assert not r.ok
    problems = causes.group(r.errors + r.warnings)
    assert len(r.errors) == 100 and len(problems) == 2
    first = problems[0]
    assert first.cause.code == "bad-credit-code" and first.cause.file == "企业名录.csv" and first.cause.row == 3
    assert "合同明细.csv 中 98 行因此无法导入（第2、3、4、5、6、7、8、9…行）" in first.message
    assert first.count == 99 and f"这些行引用的“{GOOD}”疑即本行应填的编号" in first.message
    assert problems[1].cause.code == "bad-number"
    # S-4: the column as the file heads it, never the field's name
    assert problems[1].cause.column_words == "合同金额（万美元）"
    assert first.cause.column_words == "统一社会信用代码"
    # the JSON keeps cli.md's shape and every issue
    d = r.as_dict()
    assert len(d["errors"]) == 100
    assert set(d["errors"][0]) == {"file", "row", "column", "value", "code", "message"}
    assert d["errors"][0]["column"] in ("enterprise_id", "amount")


def test_the_same_missing_id_without_a_cause_is_one_problem(store, tmp_path):
    contracts = write(tmp_path, "合同.csv", "合同编号,统一社会信用代码,签约日期,国别,业务类别,合同金额\n"
                      + "".join(f"C-{i},{GOOD},2024-03-01,日本,ITO,100\n" for i in range(12)))
    r = import_files(store, [contracts])
    [p] = causes.group(r.errors)
    assert p.count == 12 and "合同.csv 中 12 行引用了它，均无法导入（第2、3、4、5、6、7、8、9…行）" in p.message
    assert "请先导入" not in p.message


def test_the_issue_list_workbook_puts_each_cause_before_its_rows(store, tmp_path):
    from openpyxl import load_workbook
    r = import_files(store, defects(tmp_path, rows=5))
    out = tmp_path / "问题.xlsx"
    write_issues(out, causes.flat(r.errors + r.warnings))
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][0] == "企业名录.csv" and "5 行因此无法导入" in rows[1][-1]
    assert all("原因见企业名录.csv第3行" in row[-1] for row in rows[2:7])
    assert rows[2][3] == "统一社会信用代码"            # the column as the file heads it
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    assert ws.column_dimensions["H"].width > 40


def test_a_stored_record_with_other_content_says_what_differs_old_to_new(store, tmp_path):
    ents = write(tmp_path, "企业.csv", f"统一社会信用代码,企业名称,企业性质\n{GOOD},乙公司,内资\n")
    first = write(tmp_path, "合同.csv", "合同编号,统一社会信用代码,签约日期,国别,业务类别,合同金额（万美元）\n"
                  f"D-1,{GOOD},2024-03-05,日本,ITO,261.113965\nD-2,{GOOD},2024-03-05,JP,ITO,1\n")
    assert import_files(store, [ents, first]).ok
    # the same amounts in 美元: unchanged, not "已存在且内容不同"
    same = write(tmp_path, "合同2.csv", "合同编号,统一社会信用代码,签约日期,国别,业务类别,合同金额\n"
                 f"D-1,{GOOD},2024-03-05,JP,信息技术外包,\"2,611,139.65\"\nD-2,{GOOD},2024/3/5,日本,ITO,10000\n")
    r = import_files(store, [same])
    assert r.ok and r.counts["contracts"]["unchanged"] == 2 and not r.errors
    moved = write(tmp_path, "合同3.csv", "合同编号,统一社会信用代码,签约日期,国别,业务类别,合同金额\n"
                  f"D-1,{GOOD},2024-03-06,美国,BPO,2611140\n")
    r = import_files(store, [moved])
    [e] = r.errors
    assert e.code == "changed-record"
    for words in ("签约日期：2024年3月5日 → 2024年3月6日", "发包方国别：日本 → 美国",
                  "业务类别：信息技术外包 → 业务流程外包",
                  "金额：2,611,139.65美元 → 2,611,140.00美元"):
        assert words in e.message, (words, e.message)
    assert "折合美元" not in e.message and "--replace" not in e.message


def test_amounts_in_import_messages_carry_units_and_separators(store, tmp_path):
    ents = write(tmp_path, "企业.csv", f"统一社会信用代码,企业名称,企业性质\n{GOOD},乙公司,内资\n")
    con = write(tmp_path, "合同.csv", "合同编号,统一社会信用代码,签约日期,国别,业务类别,合同金额\n"
                f"E-1,{GOOD},2024-03-05,日本,ITO,100000\n")
    ex = write(tmp_path, "执行.csv", "执行编号,合同编号,执行日期,执行金额\n"
               "X-1,E-1,2024-03-06,60000\nX-2,E-1,2024-03-07,50000\nX-3,E-1,2024-03-08,abc\n")
    r = import_files(store, [ents, con, ex])
    over = [w for w in r.warnings if w.code == "exceeds-contract"]
    assert [w.row for w in over] == [3]      # not the row whose amount is not a number
    assert "累计执行额11.00万美元，已超过合同金额10.00万美元" in over[0].message
