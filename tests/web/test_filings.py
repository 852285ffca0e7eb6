"""企业填报 and 审核 through the API and the pages: the whole cycle with the four check levels,
a return and a resubmission, figures that move by exactly the approved amounts and not
before; isolation generated from the permission table; windows; uploads; hostile input."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from shumao.access.rules import RULES
from shumao.filing import windows
from shumao.web.access import COOKIE
from shumao.web.app import routes
from tests.html import Tags
from tests.web.conftest import csrf_of

MONTH = dt.date(2024, 12, 1)     # the sample city's last month: history for the usual amount


@pytest.fixture
def store(portal_store):
    windows.set_window(portal_store, MONTH, locked=False, actor="测试")   # the year has closed
    return portal_store


@pytest.fixture
def user(client, app):
    """``user(name)``: signed in, sending its session's CSRF token as a page's script does."""
    def make(name):
        c = client(name)
        c.headers["X-CSRF-Token"] = app.state.portal.sessions.get(c.cookies.get(COOKIE)).csrf
        return c
    return make


def _file(c, **fields):
    return c.post("/api/v1/filings", json=fields)


def contract(c, cid="W-C1", amount="500000", day="2024-12-02", **kw):
    return _file(c, kind="contract", contract_id=cid, signed_on=day, client_country="日本",
                 category="信息技术外包", amount=amount, **kw)


def execution(c, xid, amount, cid="W-C1", day="2024-12-05", **kw):
    return _file(c, kind="execution", execution_id=xid, contract_id=cid, executed_on=day,
                 amount=amount, **kw)


def submit(c, fid, **explanations):
    return c.post(f"/api/v1/filings/{fid}/submit", json={"explanations": explanations})


def figures(staff) -> dict:
    r = staff.get("/api/v1/report", params={"period": "2024-12"})
    assert r.status_code == 200, r.text
    return {k: v["current_cents"] for k, v in r.json()["figures"].items()}


def test_file_check_return_resubmit_approve_moves_figures_by_exactly_the_approved(store, user):
    ent, rev, staff = user("enterprise"), user("reviewer"), user("staff")
    before = figures(staff)
    r = contract(ent, amount="2600000")
    assert r.status_code == 201, r.text
    c = r.json()
    assert c["status"] == "draft" and c["kind"] == "contract" and c["client_country"] == "JP"
    assert submit(ent, c["id"]).status_code == 200    # within 26 × its contracts' median

    # verify: far above the enterprise's median of the last twelve months (model.rules: its
    # executions spread so widely, their top tenth above 250,000 USD, that 100 × the median)
    x1 = execution(ent, "W-X1", "2500000").json()
    r = submit(ent, x1["id"], **{"unusual-amount": "一二三四五"})      # five characters
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "checks-failed" and "不少于6个字" in err["message"]
    [chk] = [k for k in err["checks"] if k["level"] != "hint"]
    assert chk["code"] == "unusual-amount" and chk["level"] == "verify"
    assert chk["last_year_cents"] is not None and chk["this_month_cents"] >= 250_000_000
    assert submit(ent, x1["id"], **{"unusual-amount": "年度大额结算款项"}).status_code == 200

    # quasi-hard: the running total exceeds the contract
    x2 = execution(ent, "W-X2", "200000").json()
    r = submit(ent, x2["id"])
    assert r.status_code == 422
    assert [k["code"] for k in r.json()["error"]["checks"]] == ["exceeds-contract", "late"]
    r = submit(ent, x2["id"], **{"exceeds-contract": "含追加"})
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert r.json()["explanations"] == {"exceeds-contract": "含追加"}

    # the reviewer's queue: oldest first, with the checks and explanations
    queue = rev.get("/api/v1/review/queue").json()
    assert [f.get("execution_id") or f["contract_id"] for f in queue] == \
        ["W-C1", "W-X1", "W-X2"]
    assert figures(staff) == before                      # nothing counts before approval

    r = rev.post(f"/api/v1/review/{x2['id']}", json={"decision": "return"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "comment-required"
    r = rev.post(f"/api/v1/review/{x2['id']}", json={"decision": "return", "comment": "超出合同金额，请核对"})
    assert r.status_code == 200 and r.json()["status"] == "returned"
    seen = ent.get(f"/api/v1/filings/{x2['id']}").json()
    assert seen["comment"] == "超出合同金额，请核对"

    r = ent.put(f"/api/v1/filings/{x2['id']}", json={"contract_id": "W-C1", "executed_on": "2024-12-05",
                                                     "amount": "50000"})
    assert r.status_code == 200 and r.json()["status"] == "draft"
    assert submit(ent, x2["id"]).status_code == 200      # within the contract now

    for f in (c, x1, x2):
        assert rev.post(f"/api/v1/review/{f['id']}", json={"decision": "approve"}).status_code == 200
    after = figures(staff)
    assert after["exec_total"] - before["exec_total"] == 255_000_000     # 2,500,000 + 50,000 USD
    assert after["exec_offshore"] - before["exec_offshore"] == 255_000_000
    assert after["signed_total"] - before["signed_total"] == 260_000_000
    assert after["exec_onshore"] == before["exec_onshore"]

    history = ent.get(f"/api/v1/filings/{x2['id']}").json()["history"]
    assert [(h["from"], h["to"]) for h in history] == [
        (None, "draft"), ("draft", "submitted"), ("submitted", "returned"), ("returned", "draft"),
        ("draft", "submitted"), ("submitted", "approved")]
    assert history[2]["by"] == "reviewer" and history[2]["comment"] == "超出合同金额，请核对"
    audit = [e for e in store.audit.latest(100) if e["action"].startswith("filing-")]
    assert len(audit) == 3 + 4 + 1 + 1 + 3     # created, submitted, returned, edited, approved
    assert len([e for e in audit if e["detail"]["record"] == "W-X2"]) == 6


def test_values_the_store_cannot_hold_refuse_the_save_and_name_each_field(store, user):
    ent = user("enterprise")
    r = _file(ent, kind="contract", contract_id="", signed_on="2024-13-01", client_country="日本",
              category="ITO", amount="12.345", currency="USD")
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid-filing"
    codes = {(k["code"], k["field"]) for k in r.json()["error"]["checks"]}
    assert codes == {("missing-value", "contract_id"), ("bad-date", "signed_on"),
                     ("fraction-of-cent", "amount")}
    r = _file(ent, kind="contract", contract_id={"a": 1}, signed_on=[2024], client_country="JP",
              category="ITO", amount=True)
    assert r.status_code == 422 and {k["code"] for k in r.json()["error"]["checks"]} == {"bad-value"}
    assert store.filings.find() == [] and store.audit.latest(5)[0]["action"] != "filing-create"


def test_hard_checks_block_the_submission_of_a_draft_that_holds_them(store, user):
    """web.md: an unknown country or an amount not positive is kept in the draft as typed and
    blocks its submission until corrected."""
    ent = user("enterprise")
    r = _file(ent, kind="contract", contract_id="H-1", signed_on="2024-12-03", client_country="火星",
              category="外包", amount=-5, currency="贝壳")
    assert r.status_code == 201 and r.json()["status"] == "draft"
    fid = r.json()["id"]
    assert r.json()["client_country"] == "火星"
    r = submit(ent, fid, **{"unknown-country": "说明也没有用"})
    assert r.status_code == 422
    hard = {(k["code"], k["field"], k["value"]) for k in r.json()["error"]["checks"] if k["level"] == "hard"}
    assert hard == {("unknown-country", "client_country", "火星"), ("unknown-category", "category", "外包"),
                    ("unknown-currency", "currency", "贝壳"), ("amount-not-positive", "amount", "-5")}
    assert store.filings.get(fid)["status"] == "draft"
    r = ent.put(f"/api/v1/filings/{fid}", json={"signed_on": "2024-12-03", "client_country": "荷兰",
                                                "category": "KPO", "amount": 1000})
    assert r.status_code == 200 and r.json()["client_country"] == "NL" and r.json()["checks"] == []
    assert submit(ent, fid).status_code == 200
    r = ent.put(f"/api/v1/filings/{fid}", json={"contract_id": "H-2", "signed_on": "2024-12-03",
                                                "client_country": "JP", "category": "KPO", "amount": 1})
    assert r.status_code in (400, 409)          # submitted: not editable; and the id never changes


def test_dates_far_outside_the_calendar_are_a_chinese_error_not_a_crash(store, user):
    ent, admin = user("enterprise"), user("admin")
    r = contract(ent, day="9999-12-31")
    assert r.status_code == 422 and r.json()["error"]["checks"][0]["code"] == "date-out-of-range"
    for path in ("/api/v1/windows/9999-05", "/api/v1/windows/0000-01"):
        r = admin.put(path, json={"locked": True})
        assert r.status_code == 400 and "月份" in r.json()["error"]["message"], path
    assert user("staff").get("/board", params={"period": "9999-12"}).status_code == 400


def test_explanations_are_bounded_and_plain_text(store, user):
    ent = user("enterprise")
    fid = contract(ent).json()["id"]
    r = submit(ent, fid, **{"late": "很" * 501})
    assert r.status_code == 400 and "超过500个字" in r.json()["error"]["message"]
    r = submit(ent, fid, **{"late": "逾期\u202e说明"})
    assert r.status_code == 400 and "控制字符" in r.json()["error"]["message"]
    assert store.filings.get(fid)["status"] == "draft"


def test_an_execution_beyond_its_contract_is_caught_whatever_order_the_dates_are_submitted_in(store, user):
    ent = user("enterprise")
    c = contract(ent, amount="1000").json()["id"]
    submit(ent, c)
    x1 = execution(ent, "O-1", "600", day="2024-12-05").json()["id"]
    x2 = execution(ent, "O-2", "600", day="2024-12-06").json()["id"]
    assert submit(ent, x2).status_code == 200          # the later date first: 600 of 1,000
    r = submit(ent, x1)
    assert r.status_code == 422 and "exceeds-contract" in {k["code"] for k in r.json()["error"]["checks"]}


def test_execution_before_its_contract_is_hard(store, user):
    ent = user("enterprise")
    contract(ent, day="2024-12-10")
    x = execution(ent, "W-X1", "100", day="2024-12-03").json()
    r = submit(ent, x["id"], **{"before-contract": "说明也不行"})
    assert r.status_code == 422
    assert [k["code"] for k in r.json()["error"]["checks"]] == ["before-contract", "late"]
    assert store.filings.get(x["id"])["status"] == "draft"


def test_an_id_of_another_enterprise_or_a_contract_of_another_is_refused_without_leaking(store, user):
    other = user("other")
    first_contract = store.records.of_enterprise(store.facts["first"])["contracts"][0]["contract_id"]
    r = execution(other, "W-O1", "100", cid=first_contract)
    assert r.status_code == 422
    assert r.json()["error"]["checks"][0]["code"] == "unknown-contract"
    assert "不是本企业" in r.json()["error"]["message"]


# -- isolation, from the permission table ------------------------------------------------------
FILING_ROUTES = [r for r in routes() if "{filing_id}" in r.path]


def test_every_filing_and_review_route_with_an_id_is_in_the_isolation_walk():
    names = {r.name for r in FILING_ROUTES}
    assert names == {n for n in RULES if n.startswith(("filing_", "review_", "api_filing", "api_review"))
                     and n not in ("filing_new", "filing_create", "filing_upload", "filing_checks",
                                   "review_queue", "api_filing_create", "api_review_queue",
                                   "api_filings", "filing_nil", "api_filing_nil", "filing_template")}


@pytest.mark.parametrize("route", FILING_ROUTES, ids=lambda r: r.name)
@pytest.mark.parametrize("who", ["other", "reviewer2"])
def test_another_enterprise_and_another_regions_reviewer_get_404(route, who, store, user):
    ent = user("enterprise")
    fid = contract(ent).json()["id"]
    assert submit(ent, fid).status_code == 200
    c = user(who)
    page = c.get("/filings")
    token = csrf_of(page.text) if page.status_code == 200 else ""
    path = route.path.replace("{filing_id}", str(fid))
    for method in sorted(route.methods - {"HEAD"}):
        if path.startswith("/api/"):
            body = {"decision": "approve", "explanations": {}, "kind": "contract",
                    "contract_id": "W-C1", "signed_on": "2024-12-02", "client_country": "JP",
                    "category": "ITO", "amount": "1"}
            r = c.request(method, path, json=None if method == "GET" else body)
        else:
            r = c.request(method, path, data=None if method == "GET" else
                          {"csrf_token": token, "decision": "approve"})
        assert r.status_code == 404, f"{method} {path} as {who}: {r.status_code} {r.text[:200]}"
    assert store.filings.get(fid)["status"] == "submitted"


@pytest.mark.parametrize("who", ["other", "reviewer2"])
def test_lists_and_queues_hold_only_what_the_user_may_see(who, store, user):
    ent = user("enterprise")
    fid = contract(ent).json()["id"]
    submit(ent, fid)
    c = user(who)
    assert all(f["id"] != fid for f in c.get("/api/v1/filings").json())
    assert "W-C1" not in c.get("/filings").text
    if who == "reviewer2":
        assert c.get("/api/v1/review/queue").json() == []
        assert "W-C1" not in c.get("/review").text
    assert [f["id"] for f in user("reviewer").get("/api/v1/review/queue").json()] == [fid]
    assert [f["id"] for f in user("staff").get("/api/v1/filings").json()] == [fid]


def test_staff_reads_but_cannot_file_or_review(store, user):
    ent, staff = user("enterprise"), user("staff")
    fid = contract(ent).json()["id"]
    submit(ent, fid)
    assert staff.get(f"/filings/{fid}").status_code == 200
    assert staff.post(f"/api/v1/review/{fid}", json={"decision": "approve"}).status_code == 404
    assert contract(staff, cid="S-1").status_code == 404


# -- windows --------------------------------------------------------------------------------------
def test_a_locked_month_takes_no_filing_edit_or_decision_until_reopened(store, user):
    ent, rev = user("enterprise"), user("reviewer")
    fid = contract(ent).json()["id"]
    windows.set_window(store, MONTH, locked=True, actor="admin")
    r = submit(ent, fid)
    assert r.status_code == 409 and r.json()["error"]["code"] == "window-locked"
    assert "锁定" in r.json()["error"]["message"]
    assert contract(ent, cid="W-C2").status_code == 409
    windows.set_window(store, MONTH, locked=False, actor="admin")
    assert submit(ent, fid).status_code == 200
    windows.set_window(store, MONTH, locked=True, actor="admin")
    assert rev.post(f"/api/v1/review/{fid}", json={"decision": "approve"}).status_code == 409


def test_a_closed_year_refuses_and_says_how_to_reopen(portal_store, user):
    r = contract(user("enterprise"), day="2024-06-03")
    assert r.status_code == 409
    assert "年度关闭" in r.json()["error"]["message"] and "重新开放" in r.json()["error"]["message"]


def test_a_late_submission_is_flagged_not_refused(store, user):
    ent = user("enterprise")
    fid = contract(ent).json()["id"]
    r = submit(ent, fid)             # the deadline, 10 January 2025, has passed
    assert r.status_code == 200 and r.json()["late"] is True
    assert any(c["code"] == "late" for c in r.json()["checks"])


# -- pages, without JavaScript -------------------------------------------------------------------
def test_the_form_flow_shows_checks_beside_the_fields_and_explanations_to_the_reviewer(store, user):
    ent, rev = user("enterprise"), user("reviewer")
    page = ent.get("/filings/new?kind=contract")
    assert page.status_code == 200 and 'list="country-list"' in page.text
    token = csrf_of(page.text)
    bad = ent.post("/filings/new", data={"csrf_token": token, "kind": "contract", "contract_id": "P-1",
                                         "signed_on": "2024-02-30", "client_country": "火星",
                                         "category": "ITO", "amount": "1000"})
    assert bad.status_code == 422 and "日期“2024-02-30”无法识别" in bad.text
    assert 'value="P-1"' in bad.text and 'value="火星"' in bad.text     # nothing typed is lost
    mars = ent.post("/filings/new", data={"csrf_token": token, "kind": "contract", "contract_id": "P-0",
                                          "signed_on": "2024-12-03", "client_country": "火星",
                                          "category": "ITO", "amount": "1000"})
    assert mars.status_code == 303                # kept as a draft; its page says what blocks it
    page = ent.get(mars.headers["location"]).text
    assert "国别（地区）“火星”无法识别" in page and "强制性" in page and "请修改后再提交" in page
    ok = ent.post("/filings/new", data={"csrf_token": token, "kind": "contract", "contract_id": "P-1",
                                        "signed_on": "2024-12-03", "client_country": "日本",
                                        "category": "ITO", "amount": "400000"})
    assert ok.status_code == 303
    fid = int(ok.headers["location"].split("/")[2].split("?")[0])
    xpage = ent.get("/filings/new?kind=execution")
    assert "P-1" in xpage.text
    r = ent.post("/filings/new", data={"csrf_token": token, "kind": "execution", "contract_id": "P-1",
                                       "execution_id": "P-1-1", "executed_on": "2024-12-04",
                                       "amount": "500000"})
    xid = int(r.headers["location"].split("/")[2].split("?")[0])
    view = ent.get(f"/filings/{xid}")
    assert "准强制性" in view.text and 'name="explain-exceeds-contract"' in view.text
    refused = ent.post(f"/filings/{xid}/submit", data={"csrf_token": token})
    assert refused.status_code == 422 and "请填写说明后再提交" in refused.text
    done = ent.post(f"/filings/{xid}/submit", data={"csrf_token": token,
                                                    "explain-exceeds-contract": "合同已追加",
                                                    "explain-unusual-amount": "年度结算大额款项"})
    assert done.status_code == 303, done.text
    ent.post(f"/filings/{fid}/submit", data={"csrf_token": token})
    queue = rev.get("/review")
    assert "P-1-1" in queue.text
    review = rev.get(f"/review/{xid}")
    assert "合同已追加" in review.text and "该企业近期记录" in review.text
    rtoken = csrf_of(review.text)
    r = rev.post(f"/review/{xid}", data={"csrf_token": rtoken, "decision": "return", "comment": ""})
    assert r.status_code == 422 and "必须填写退回意见" in r.text
    r = rev.post(f"/review/{xid}", data={"csrf_token": rtoken, "decision": "return",
                                         "comment": "请核对金额"})
    assert r.status_code == 303
    mine = ent.get(f"/filings/{xid}")
    assert "请核对金额" in mine.text and f"/filings/{xid}/edit" in mine.text
    edit = ent.get(f"/filings/{xid}/edit")
    assert 'value="500000"' in edit.text
    r = ent.post(f"/filings/{xid}/edit", data={"csrf_token": token, "contract_id": "P-1",
                                               "execution_id": "P-1-1", "executed_on": "2024-12-04",
                                               "amount": "300000"})
    assert r.status_code == 303
    assert store.filings.get(xid)["record_id"] == "P-1-1" and store.filings.get(xid)["amount_cents"] == 30_000_000


def test_a_forged_form_without_the_csrf_token_changes_nothing(store, client):
    ent = client("enterprise")
    r = ent.post("/filings/new", data={"kind": "contract", "contract_id": "F-1", "signed_on": "2024-12-03",
                                       "client_country": "JP", "category": "ITO", "amount": "1"})
    assert r.status_code == 403 and store.filings.find() == []


def test_markup_in_every_typed_value_reaches_pages_inert(store, user):
    ent, rev = user("enterprise"), user("reviewer")
    evil = '<img src=x onerror=alert(1)>'
    fid = contract(ent, cid=evil).json()["id"]
    x = execution(ent, "<b>x</b>", "600000", cid=evil).json()
    submit(ent, x["id"], **{"exceeds-contract": evil, "unusual-amount": evil + "说明六个字"})
    rev.post(f"/api/v1/review/{x['id']}", json={"decision": "return", "comment": evil})
    for c, path in ((ent, f"/filings/{x['id']}"), (rev, f"/review/{x['id']}"), (ent, "/filings"),
                    (ent, f"/filings/{fid}")):
        html = c.get(path).text
        assert evil not in html and "&lt;img src=x onerror=alert(1)&gt;" in html, path
        assert not any(tag == "img" for tag, _ in Tags(html).tags), path


def test_the_catalogue_page_lists_every_check_with_its_level(store, user):
    from shumao.filing.checks import CATALOGUE
    html = user("enterprise").get("/filings/checks").text
    for code, check in CATALOGUE.items():
        assert code in html and check.rule in html
    assert "强制性" in html and "准强制性" in html and "核实性" in html and "提示性" in html


# -- a month's records uploaded --------------------------------------------------------------------
def _upload(c, name: str, text: str):
    token = csrf_of(c.get("/filings").text)
    return c.post("/filings/upload", data={"csrf_token": token},
                  files={"file": (name, io.BytesIO(text.encode("utf-8")), "text/csv")})


def test_an_uploaded_month_becomes_drafts_with_the_same_checks(store, user):
    ent = user("enterprise")
    first = store.facts["first"]
    r = _upload(ent, "合同.csv", "合同编号,统一社会信用代码,签约日期,国别,业务类别,合同金额\n"
                f"U-1,{first},2024-12-03,日本,ITO,1000\nU-2,{first},2024/12/4,新加坡,BPO,\"2,000.50\"\n")
    assert r.status_code == 303, r.text
    drafts = store.filings.find()
    assert sorted(f["record_id"] for f in drafts) == ["U-1", "U-2"]
    assert all(f["status"] == "draft" and f["source"] == "upload" for f in drafts)
    assert store.filings.record("contracts", "U-2")["amount_cents"] == 200_050


def test_an_upload_with_another_enterprises_row_or_a_bad_cell_saves_nothing(store, user):
    ent = user("enterprise")
    second = store.facts["second"]
    r = _upload(ent, "合同.csv", "合同编号,统一社会信用代码,签约日期,国别,业务类别,合同金额\n"
                f"U-1,{second},2024-12-03,日本,ITO,1000\n")
    assert r.status_code == 422 and "不属于本企业" in r.text and store.filings.find() == []
    r = _upload(ent, "合同.csv", "合同编号,统一社会信用代码,签约日期,国别,业务类别,合同金额\n"
                f"U-1,{store.facts['first']},2024-12-03,火星,ITO,1000\n")
    assert r.status_code == 422 and "火星" in r.text and store.filings.find() == []


def test_the_list_filters_by_a_period_of_the_report_grammar_and_status(store, user):
    ent = user("enterprise")
    fid = contract(ent).json()["id"]
    ids = lambda **q: [f["id"] for f in ent.get("/api/v1/filings", params=q).json()]  # noqa: E731
    assert ids(period="2024Q4") == [fid] and ids(period="2024-12", status="draft") == [fid]
    assert ids(period="2024-11") == [] and ids(status="submitted") == []
    r = ent.get("/api/v1/filings", params={"period": "2024-13"})
    assert r.status_code == 400 and "月份" in r.json()["error"]["message"]
    assert ent.get("/filings", params={"period": "下个月"}).status_code == 400


def test_a_foreign_currency_is_converted_as_the_import_converts_it_and_kept_on_editing(
        store, user, tmp_path):
    from shumao.ingest.importer import import_files
    rates = tmp_path / "汇率.csv"
    rates.write_text("currency,month,usd_per_unit\nTHB,2024-12,0.0291234567\n", encoding="utf-8")
    assert import_files(store, [rates]).ok
    ent = user("enterprise")
    r = contract(ent, amount="100,000.05", currency="泰铢")
    assert r.status_code == 201, r.text
    # 10,000,005 satang × 0.0291234567 = 291,234.71… US cents, half-up
    assert r.json()["amount_cents"] == 291235 and r.json()["currency"] == "THB"
    form = ent.get(f"/filings/{r.json()['id']}/edit").text
    assert '<option value="THB" selected>' in form and 'value="100000.05"' in form
    r = contract(ent, cid="W-EUR", currency="EUR")       # no rate yet: 待折算, no US dollars
    assert r.status_code == 201 and r.json()["amount_cents"] is None
    assert r.json()["pending_conversion"] is True and r.json()["amount_wan_usd"] is None
    r = submit(ent, r.json()["id"])                      # submitted all the same (E-1)
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    hint = [k for k in r.json()["checks"] if k["code"] == "missing-rate"]
    assert hint and hint[0]["level"] == "hint" and "2024年12月" in hint[0]["message"]


def test_the_readmes_table_of_checks_is_the_catalogue():
    """Codes and levels, none missing and none extra: the table's rows are "| 强制性 hard | … |
    `code`, `code` (words) |"."""
    import re

    from shumao.filing.checks import CATALOGUE
    from tests.conftest import REPO
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| \S+ (hard|quasi-hard|verify|hint) \|[^|]*\|(.*)\|$", readme, re.M)
    table = [(code, level) for level, codes in rows for code in re.findall(r"`([a-z-]+)`", codes)]
    assert sorted(table) == sorted((c.code, c.level) for c in CATALOGUE.values())


def test_an_enterprise_sees_its_own_figures_beside_the_published_city_totals(store, user):
    from shumao.publication import vintages
    from shumao.report.service import ReportSettings
    ent = user("enterprise")
    assert "本企业与全市" not in ent.get("/filings").text          # nothing published yet
    vid = vintages.freeze(store, "2024-12", ReportSettings(), actor="staff")
    fid = contract(ent, amount="1000").json()["id"]
    submit(ent, fid)
    user("reviewer").post(f"/api/v1/review/{fid}", json={"decision": "approve"})
    html = ent.get("/filings").text
    published = vintages.vintage(store, vid)
    city = json.loads(published["figures"])["figures"]["signed_total"]["current"]
    own = vintages.report(store, vid)     # still the published figures, after the approval
    assert json.loads(published["figures"])["figures"]["signed_total"]["current_cents"] == \
        own.ind.figures["signed_total"].current
    assert f"第 {vid} 号数据版本" in html and city in html
    mine = sum(c["amount_cents"] for c in store.records.of_enterprise(
        store.facts["first"], (MONTH, dt.date(2024, 12, 31)))["contracts"] if c["status"] == "approved")
    from shumao.model.money import wan
    assert str(wan(mine)) in html
    assert "示例" not in html.split("本企业与全市")[1].split("</section>")[0]   # no other names
