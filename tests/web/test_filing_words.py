"""A member's filing in words (issue 20, E-4, E-6, E-7, E-11): each kind's checks name its own
fields, the ×10 verify check compares a thin history with the enterprise's whole history or
the city's category, and records show words, Chinese dates and separated amounts."""

from __future__ import annotations

import io

from shumao.access import accounts
from shumao.ingest.importer import import_files
from shumao.model.credit import complete
from tests.html import Tags
from tests.support.portal import CHEAP, PASSWORD
from tests.web import test_filings as filings
from tests.web.conftest import sign_in
from tests.web.test_filings import contract, execution, submit

NEW = complete("9199010299NEWENT")     # a new member: no records before


store, user = filings.store, filings.user     # the fixtures of the filing tests


def newcomer(store, client, app, tmp_path, history: list[tuple[str, str]] = ()):
    """A new member with ``history`` (date, USD amount) of ITO contracts, signed in."""
    from shumao.web.access import COOKIE
    (tmp_path / "企业.csv").write_text(f"统一社会信用代码,企业名称,企业性质,所在区县\n{NEW},新会员科技有限公司,内资,高新区\n",
                                       encoding="utf-8")
    files = [tmp_path / "企业.csv"]
    if history:
        (tmp_path / "合同.csv").write_text("合同编号,统一社会信用代码,签约日期,国别,业务类别,合同金额\n" + "".join(
            f"OLD-{i},{NEW},{d},日本,ITO,{a}\n" for i, (d, a) in enumerate(history)), encoding="utf-8")
        files.append(tmp_path / "合同.csv")
    r = import_files(store, files)
    assert r.ok, r.errors
    accounts.add(store, "newcomer", "enterprise", PASSWORD, enterprise=NEW, actor="测试", hasher=CHEAP)
    c = client()
    sign_in(c, "newcomer")
    c.headers["X-CSRF-Token"] = app.state.portal.sessions.get(c.cookies.get(COOKIE)).csrf
    return c


def unusual(c, fid) -> dict | None:
    """The draft's verify check as its page runs it (service.evaluate), as the API gives it."""
    from shumao.filing import service
    store = c.app.state.portal.store
    found = [r.as_dict() for r in service.evaluate(store, fid) if r.code == "unusual-amount"]
    return found[0] if found else None


# -- E-4 ------------------------------------------------------------------------------------
def test_a_contracts_amount_check_is_labelled_contract_amount_and_an_executions_execution_amount(store, user):
    ent = user("enterprise")
    fid = contract(ent, cid="L-C1", amount="0").json()["id"]
    page = ent.get(f"/filings/{fid}").text
    assert "合同金额" in page and "执行金额" not in page
    fid = contract(ent, cid="L-C2", amount="100").json()["id"]
    assert submit(ent, fid).status_code == 200
    xid = execution(ent, "L-X1", "0", cid="L-C2").json()["id"]
    page = ent.get(f"/filings/{xid}").text
    assert "执行金额" in page and "合同金额" not in page.split("检查结果")[1].split("记录历史")[0]


def test_the_check_rules_page_shows_no_codes_or_import_column(store, user):
    page = user("enterprise").get("/filings/checks").text
    body = page.split("<table", 1)[1]
    assert "数据导入中的同一规则" not in page and "unusual-amount</td>" not in body
    assert ">missing-value<" not in body and "执行金额" not in body


# -- E-6 ------------------------------------------------------------------------------------
def test_a_thin_recent_history_compares_with_the_enterprises_whole_history(store, client, app, tmp_path):
    c = newcomer(store, client, app, tmp_path,
                 [("2021-03-01", "100000"), ("2021-07-01", "90000"), ("2022-01-05", "110000")])
    fid = contract(c, cid="N-1", amount="8500000").json()["id"]
    chk = unusual(c, fid)
    assert chk is not None and chk["level"] == "verify"
    assert "本企业以往全部合同金额的中位数（近12个月不足3笔）" in chk["message"]
    assert "100,000.00美元" in chk["message"] and "8,500,000.00美元" in chk["message"]
    assert submit(c, fid).status_code == 422
    assert submit(c, fid, **{"unusual-amount": "新签大型合同，金额已核实"}).status_code == 200
    ok = contract(c, cid="N-2", amount="400000").json()["id"]    # 4 × a narrow history's median
    assert unusual(c, ok) is None


def test_no_history_at_all_compares_with_the_citys_median_for_the_category(store, client, app, tmp_path):
    from shumao.model import rules
    c = newcomer(store, client, app, tmp_path)
    start, end = rules.history_window(filings.MONTH)
    median, low, n = store.records.category_median("contracts", "ITO", start, end)
    assert n >= rules.MIN_HISTORY and median > 0
    big = int(median * rules.multiple(median, low, n) / 100) + 1000
    fid = contract(c, cid="N-3", amount=str(big)).json()["id"]
    chk = unusual(c, fid)
    assert chk is not None and "全市信息技术外包合同金额近12个月的中位数（本企业以往不足3笔）" in chk["message"]
    small = contract(c, cid="N-4", amount=str(int(median / 100))).json()["id"]
    assert unusual(c, small) is None


def test_a_recent_history_of_three_is_used_as_before_and_says_so(store, user):
    ent = user("enterprise")
    assert submit(ent, contract(ent, cid="R-1", amount="900000000").json()["id"]).status_code == 422
    fid = execution(ent, "R-X1", "2500000", cid="R-1").json()["id"]    # 126 × its median
    chk = unusual(ent, fid)
    assert chk is not None and "本企业近12个月执行金额的中位数（" in chk["message"]
    assert "（近12个月不足" not in chk["message"]


def test_the_import_uses_the_same_bases_for_its_warning(store, tmp_path):
    """A member with three old contracts and none in the last year: a ×100 contract in an
    import is warned of against its whole history (model.rules.usual, one rule)."""
    (tmp_path / "企业.csv").write_text(f"统一社会信用代码,企业名称,企业性质\n{NEW},新会员科技有限公司,内资\n",
                                       encoding="utf-8")
    (tmp_path / "合同.csv").write_text("合同编号,统一社会信用代码,签约日期,国别,业务类别,合同金额\n" + "".join(
        f"OLD-{i},{NEW},2021-0{i + 1}-01,日本,ITO,1000\n" for i in range(3)), encoding="utf-8")
    assert import_files(store, [tmp_path / "企业.csv", tmp_path / "合同.csv"]).ok
    (tmp_path / "新合同.csv").write_text(f"合同编号,统一社会信用代码,签约日期,国别,业务类别,合同金额\n"
                                       f"NEW-1,{NEW},2024-06-01,日本,ITO,200000\n", encoding="utf-8")
    r = import_files(store, [tmp_path / "新合同.csv"])
    [w] = [w for w in r.warnings if w.code == "unusual-amount"]
    assert "该企业以往全部合同金额的中位数（近12个月不足3笔）（1,000.00美元）" in w.message
    assert "折合20.00万美元" in w.message


def test_a_thin_history_is_still_silent_when_nothing_is_known(store, client, app, tmp_path):
    """A member without records and an amount within the city's usual: no check."""
    c = newcomer(store, client, app, tmp_path)
    fid = contract(c, cid="N-5", amount="100", day="2024-12-02").json()["id"]
    assert unusual(c, fid) is None


# -- E-7, E-8, E-11 -------------------------------------------------------------------------
def _text(html: str) -> str:
    import re
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_record_shows_words_chinese_dates_and_separated_amounts_not_codes(store, user):
    ent = user("enterprise")
    fid = contract(ent, cid="W-1", amount="150000", currency="USD").json()["id"]
    assert ent.put(f"/api/v1/filings/{fid}", json={"signed_on": "2024-12-03", "client_country": "JP",
                                                   "category": "BPO", "amount": "160000"}).status_code == 200
    record = _text(ent.get(f"/filings/{fid}").text)
    head = record.split("检查结果")[0]
    for words in ("2024年12月3日", "日本", "业务流程外包", "160,000.00美元"):
        assert words in head, words
    for code in (" ITO ", " BPO ", " USD", " JP ", "2024-12-03", "160000 "):
        assert code not in head, code
    history = record.split("记录历史")[1]
    assert "合同金额：150,000.00美元" in history and "业务类别：信息技术外包" in history
    assert "合同金额：160,000.00美元" in history and "业务类别：业务流程外包" in history
    for code in ("=ITO", "ITO；", "JP", "USD", "2024-12-02", "orig_", "amount"):
        assert code not in history, code
    assert "截止日期 2025年1月10日" in record or "截止日期 2025年" in record


def test_the_executions_contract_is_a_searchable_choice_newest_first(store, user):
    ent = user("enterprise")
    for cid, day in (("S-OLD", "2024-12-01"), ("S-NEW", "2024-12-04"), ("S-MID", "2024-12-02")):
        assert contract(ent, cid=cid, day=day).status_code == 201
    page = ent.get("/filings/new", params={"kind": "execution"}).text
    tags = Tags(page).tags
    [box] = [a for t, a in tags if t == "input" and a.get("id") == "f-contract_id"]
    assert box["list"] == "contract-list" and "required" in box
    ids = [a["value"] for t, a in tags if t == "option" and a.get("value", "").startswith("S-")]
    assert ids == ["S-NEW", "S-MID", "S-OLD"]
    assert "2024年12月4日 · 日本 · 500,000.00美元" in page and "<select id=\"f-contract_id\"" not in page
    # without a script the typed id is what is posted; a foreign or unknown one is refused
    pre = ent.get("/filings/new", params={"kind": "execution", "contract": "S-MID"}).text
    assert [a["value"] for t, a in Tags(pre).tags if a.get("id") == "f-contract_id"] == ["S-MID"]


def test_the_check_table_leaves_context_out_where_it_does_not_apply(store, user, tmp_path):
    ent = user("enterprise")
    fid = contract(ent, cid="E-EUR", currency="EUR").json()["id"]       # no EUR rate: 0 cents
    html = ent.get(f"/filings/{fid}").text
    rows = [r for r in html.split("<tr class=\"level-")[1:]]
    assert rows and all("0.00</td>" not in r for r in rows)
    from shumao.filing import service
    results = {r.code: r for r in service.evaluate(store, fid)}
    assert results["missing-rate"].this_month_cents is None and results["late"].last_year_cents is None
    # an amount's own check keeps its context
    ok = contract(ent, cid="E-USD", amount="900000000").json()["id"]
    amounts = [r for r in service.evaluate(store, ok) if r.field == "amount"]
    assert amounts and all(r.this_month_cents is not None for r in amounts)
    assert all(r.this_month_cents is None for r in service.evaluate(store, ok) if r.code == "late")


def test_exceeds_contract_names_the_contract_amount_and_the_excess(store, user):
    ent = user("enterprise")
    assert submit(ent, contract(ent, cid="X-C", amount="150000").json()["id"]).status_code == 200
    xid = execution(ent, "X-1", "160000", cid="X-C").json()["id"]
    r = submit(ent, xid)
    [chk] = [k for k in r.json()["error"]["checks"] if k["code"] == "exceeds-contract"]
    assert "合计160,000.00美元，已超过合同金额150,000.00美元（超出10,000.00美元）" in chk["message"]


# -- E-5: the monthly upload ------------------------------------------------------------------
def _upload(c, name: str, data: bytes, kind: str = "text/csv"):
    from tests.web.conftest import csrf_of
    token = csrf_of(c.get("/filings").text)
    return c.post("/filings/upload", data={"csrf_token": token}, files={"file": (name, io.BytesIO(data), kind)})


def test_the_monthly_upload_needs_no_credit_code_and_names_columns_as_the_file_does(store, user):
    ent = user("enterprise")
    r = _upload(ent, "合同.csv", "合同编号,签约日期,国别,业务类别,合同金额\n"
                "M-1,2024-12-03,日本,ITO,1000\nM-2,2024-12-04,新加坡,BPO,\"2,000.50\"\n".encode())
    assert r.status_code == 303, r.text
    drafts = {f["record_id"]: f for f in store.filings.find()}
    assert set(drafts) == {"M-1", "M-2"} and {f["enterprise_id"] for f in drafts.values()} == {store.facts["first"]}
    # an empty cell of the column is the user's own too; another enterprise's code is still refused
    r = _upload(ent, "合同2.csv", "合同编号,统一社会信用代码,签约日期,国别,业务类别,合同金额\n"
                f"M-3,,2024-12-03,日本,ITO,1000\nM-4,{store.facts['second']},2024-12-03,日本,ITO,1000\n".encode())
    assert r.status_code == 422 and "不属于本企业" in r.text and "M-3" not in {f["record_id"] for f in store.filings.find()}
    # a bad cell: the column as the file heads it, never the field's name
    r = _upload(ent, "合同3.csv", "合同编号,签约日期,发包国别,业务类别,合同金额（美元）\n"
                "M-5,2024-12-03,火星,ITO,abc\n".encode())
    assert r.status_code == 422
    text = _text(r.text)
    assert "合同金额（美元）" in text and "发包国别" in text
    for raw in ("client_country", "amount", "enterprise_id", "缺少必填列", "请先导入该企业"):
        assert raw not in text, raw


def test_the_upload_template_has_the_right_chinese_headers_and_uploads_as_it_is_filled(store, user, client):
    from openpyxl import load_workbook

    from shumao.ingest.headers import match_header
    ent = user("enterprise")
    r = ent.get("/filings/template.xlsx")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["合同", "合同执行"]
    heads = {ws.title: [c.value for c in ws[1]] for ws in wb}
    assert heads == {"合同": ["合同编号", "签约日期", "发包方国别（地区）", "业务类别", "合同金额", "币种",
                            "业务子类", "交付方式", "远程交付比例（%）", "线上订购", "接单平台"],
                     "合同执行": ["合同编号", "执行编号", "执行日期", "执行金额", "币种"]}
    kinds = {"合同": "contracts", "合同执行": "executions"}
    for title, cells in heads.items():       # each header reads as its own column of filings.md
        assert all(match_header(kinds[title], h)[0] for h in cells)
    assert wb["合同"].freeze_panes == "A2"
    wb["合同"].append(["T-1", "2024-12-03", "日本", "信息技术外包", 5000, "美元",
                       "软件研发服务", "混合", 60, "否", None])      # the digital fields too
    wb["合同执行"].append(["T-1", "T-X1", "2024-12-05", 1000, "美元"])
    out = io.BytesIO()
    wb.save(out)
    r = _upload(ent, "我的月报.xlsx", out.getvalue(),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert r.status_code == 303, r.text
    assert {f["record_id"] for f in store.filings.find()} == {"T-1", "T-X1"}
    got = store.filings.record("contracts", "T-1")
    assert [got[k] for k in ("subcategory", "delivery_mode", "remote_share", "ordered_online",
                             "platform_id")] == ["ITO01", "mixed", 60, "no", None]
    # only a member gets it
    assert user("staff").get("/filings/template.xlsx").status_code == 404
    assert client().get("/filings/template.xlsx").status_code in (303, 401, 404)
