"""The member's monthly upload and the staff's import page in a real browser (issue 20: E-5,
E-7, E-8, S-3, S-4, S-5, S-16, S-18): the staff's walk at 1280 px, the member's at 390 px,
every page looked at at both widths.  Staff import a file
set with injected defects — one mistyped credit code that breaks 30 contract rows, an unknown
country, an amount that is not a number, a stored contract with other content, the same amount
in 万美元 — and read one problem per cause, causes first, in the file's own column names; the
corrected set loads and says the months it covers.  A member downloads the template, fills it
in with a defect, reads the problems in its own column names, uploads it corrected, and files
an execution choosing its newest contract.  Screenshots go to build/screenshots/."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from shumao.filing import windows
from shumao.ingest.importer import import_files
from shumao.model.credit import complete
from tests.web.browser import DESKTOP, PHONE, look, new_page, sign_in
from tests.web.conftest import ON_DUCKDB

pytestmark = pytest.mark.browser
MONTH = dt.date(2024, 12, 1)
GOOD = complete("9121021399BRWXE0")
BAD = GOOD[:5] + "A" + GOOD[6:]          # one character mistyped: an invalid credit code
ROWS = 30


@pytest.fixture
def live_setup(tmp_path_factory):
    """December 2024 reopened; one stored contract (BR-OLD) that the defect set changes."""
    def setup(store, facts):
        windows.set_window(store, MONTH, locked=False, actor="测试")
        folder = tmp_path_factory.mktemp("stored")
        (folder / "合同.csv").write_text("合同编号,统一社会信用代码,签约日期,国别,业务类别,合同金额\n"
                                       f"BR-OLD,{facts['first']},2024-03-05,日本,ITO,2611139.65\n"
                                       f"BR-SAME,{facts['first']},2024-03-05,日本,ITO,2611139.65\n",
                                       encoding="utf-8")
        assert import_files(store, [folder / "合同.csv"]).ok
    return setup


def defect_set(folder, first: str, fixed: bool = False):
    folder.mkdir()
    (folder / "企业名录.csv").write_text("统一社会信用代码,企业名称,企业性质,所在区县\n"
                                     f"{GOOD if fixed else BAD},示例浏览器科技有限公司,内资,高新区\n",
                                     encoding="utf-8")
    rows = "".join(f"BR-{i:03d},{GOOD},2024-0{i % 6 + 1}-1{i % 9},日本,ITO,{1 + i % 7}.5\n" for i in range(ROWS))
    (folder / "合同明细.csv").write_text(
        "合同编号,统一社会信用代码,签约日期,发包国别,业务类别,合同金额（万美元）\n" + rows
        + f"BR-X1,{first},2024-05-02,{'美国' if fixed else '火星'},BPO,{'3' if fixed else 'abc'}\n"
        + f"BR-OLD,{first},2024-03-{'05' if fixed else '06'},日本,ITO,261.113965\n"
        + f"BR-SAME,{first},2024-03-05,日本,ITO,261.113965\n", encoding="utf-8")
    return [folder / "合同明细.csv", folder / "企业名录.csv"]


@ON_DUCKDB
def test_staff_read_one_problem_per_cause_in_their_own_column_names(live, chromium, tmp_path):
    base, tag = live.url, f"{live.backend}-{{width}}"
    page = new_page(chromium, DESKTOP)
    sign_in(page, base, "staff")
    page.goto(f"{base}/import")
    page.locator("input[type=file]").set_input_files(defect_set(tmp_path / "bad", live.facts["first"]))
    page.get_by_role("button", name="上传并导入").click()
    page.get_by_text("导入未执行").first.wait_for()
    rows = page.locator("#issues tbody tr")
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert len(texts) == 4, texts          # 33 errors: the typo (30 rows), 火星, abc, BR-OLD
    assert "企业名录.csv" in texts[0] and f"合同明细.csv 中 {ROWS} 行因此无法导入" in texts[0]
    assert "统一社会信用代码" in texts[0]
    assert any("发包国别" in t and "火星" in t for t in texts)
    assert any("合同金额（万美元）" in t and "abc" in t for t in texts)
    changed = next(t for t in texts if "已存在且内容不同" in t)
    assert "签约日期：2024年3月5日 → 2024年3月6日" in changed and "金额" not in changed.split("（", 1)[1].split("）")[0]
    body = page.locator("#result").inner_text()
    for raw in ("enterprise_id", "client_country", "amount", "unknown-enterprise", "changed-record",
                "--replace", "BR-SAME"):
        assert raw not in body, raw
    look(page, f"{tag}-import-causes")

    page.goto(f"{base}/import")
    page.locator("input[type=file]").set_input_files(defect_set(tmp_path / "good", live.facts["first"], fixed=True))
    page.get_by_role("button", name="上传并导入").click()
    page.get_by_text("导入成功").first.wait_for()
    assert page.get_by_text("数据覆盖2024年1月至2024年6月").is_visible()
    link = page.get_by_role("link", name="查看2024年6月仪表盘")
    assert link.get_attribute("href") == "/dashboard?period=2024-06"
    look(page, f"{tag}-import-covers")


@ON_DUCKDB
def test_a_member_uploads_its_month_from_the_template_and_files_an_execution(live, chromium):
    from openpyxl import load_workbook

    base, tag = live.url, f"{live.backend}-{{width}}"
    page = new_page(chromium, PHONE)
    sign_in(page, base, "enterprise")
    page.goto(f"{base}/filings")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载填报模板（XLSX）").click()
    assert download.value.suggested_filename == "月度填报模板.xlsx"
    wb = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    wb["合同"].append(["UP-1", "2024-12-03", "火星", "信息技术外包", "abc", "美元"])
    wb["合同"].append(["UP-2", "2024-12-06", "新加坡", "知识流程外包", 2000, "美元"])
    path = live.log.parent / "填报.xlsx"
    wb.save(path)
    page.locator("input[type=file][name=file]").set_input_files(path)
    page.get_by_role("button", name="上传为草稿").click()
    page.get_by_text("上传未执行").wait_for()
    problems = page.locator("table", has_text="问题").first.inner_text()
    assert "发包方国别（地区）" in problems and "合同金额" in problems and "火星" in problems
    for raw in ("client_country", "amount", "统一社会信用代码", "请先导入"):
        assert raw not in problems, raw
    look(page, f"{tag}-member-upload-problems")

    wb["合同"].delete_rows(2)
    wb.save(path)
    page.locator("input[type=file][name=file]").set_input_files(path)
    page.get_by_role("button", name="上传为草稿").click()
    page.get_by_text("已上传 1 条记录").wait_for()

    # an execution: the contract chosen from a searchable list, newest first
    page.goto(f"{base}/filings/new?kind=execution")
    options = page.locator("#contract-list option")
    assert options.first.get_attribute("value") == "UP-2"
    assert options.first.text_content() == "2024年12月6日 · 新加坡 · 2,000.00美元"
    box = page.get_by_label("合同编号")
    box.press_sequentially("UP-")
    box.fill("UP-2")
    page.get_by_label("执行编号").fill("UPX-390")
    page.get_by_label("执行日期").fill("2024-12-08")
    page.get_by_label("执行金额").fill("500")
    look(page, f"{tag}-member-execution-form")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(re.compile(r"/filings/\d+\?saved=1$"))
    record = page.locator("dl.record").inner_text()
    assert "2024年12月8日" in record and "500.00美元" in record and "USD" not in record
    look(page, f"{tag}-member-execution")
