"""汇率 and 零申报 through the API (issue 20: E-1, E-3): a record in another currency is
submitted as 待折算, converted exactly as the import converts when staff enter the month's
rate, and counts once approved; the rates held and missing; hostile rates and callers; a
month declared 无业务, refused when it has records, undone by filing one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shumao.ingest.importer import import_files
from shumao.model.money import usd_cents
from tests.conftest import BACKENDS, sql
from tests.web.test_filings import MONTH, contract, execution, figures, store, submit, user  # noqa: F401  (fixtures)

AMOUNT = "1,234,567.89"          # 人民币
RATE = "0.1384"


def approve(rev, fid):
    return rev.post(f"/api/v1/review/{fid}", json={"decision": "approve"})


@pytest.mark.parametrize("portal_url", BACKENDS, indirect=True)
def test_a_cny_execution_before_its_rate_is_submitted_pending_converted_exactly_and_counted(
        store, user, tmp_path):  # noqa: F811
    ent, rev, staff = user("enterprise"), user("reviewer"), user("staff")
    c = contract(ent, amount="500000").json()                    # in US dollars
    assert submit(ent, c["id"]).status_code == 200 and approve(rev, c["id"]).status_code == 200
    before = figures(staff)

    r = execution(ent, "W-CNY1", AMOUNT, currency="人民币")
    assert r.status_code == 201, r.text
    x = r.json()
    assert x["currency"] == "CNY" and x["pending_conversion"] is True
    assert x["amount_cents"] is None and x["amount_wan_usd"] is None        # never 0.00
    r = submit(ent, x["id"])
    assert r.status_code == 200, r.text                                      # not blocked
    assert r.json()["status"] == "submitted" and r.json()["pending_conversion"] is True
    page = ent.get(f"/filings/{x['id']}").text
    assert "待折算" in page and "0.00 美元" not in page
    assert "待折算" in rev.get("/review").text
    # staff see it missing; a reviewer cannot approve it before it is converted
    missing = staff.get("/api/v1/rates").json()["missing"]
    assert {"currency": "CNY", "month": "2024-12", "records": 1, "submitted": 1,
            "enterprises": 1} in missing
    r = approve(rev, x["id"])
    assert r.status_code == 409 and "待折算" in r.json()["error"]["message"]
    assert figures(staff) == before

    r = staff.put("/api/v1/rates/CNY/2024-12", json={"usd_per_unit": RATE})
    assert r.status_code == 200, r.text
    body = r.json()
    cents = usd_cents(Decimal("1234567.89"), Decimal(RATE))      # 17,086,419.5… → 17,086,420
    assert cents == 17086420
    assert body["new"] is True and body["usd_per_unit"] == RATE
    assert body["converted"] == [{"kind": "execution", "record_id": "W-CNY1",
                                  "enterprise_id": x["enterprise_id"], "status": "submitted",
                                  "amount": "1234567.89", "currency": "CNY", "month": "2024-12",
                                  "amount_cents": cents}]
    got = ent.get(f"/api/v1/filings/{x['id']}").json()
    assert got["pending_conversion"] is False and got["amount_cents"] == cents
    assert "CNY" not in {m["currency"] for m in staff.get("/api/v1/rates").json()["missing"]
                         if m["month"] == "2024-12"}
    assert {"currency": "CNY", "month": "2024-12", "usd_per_unit": RATE, "source": "entered"} in \
        staff.get("/api/v1/rates").json()["held"]
    # the import converts the same amount in the same currency and month to the same cents
    (tmp_path / "合同.csv").write_text(
        "合同编号,统一社会信用代码,签约日期,国别,业务类别,合同金额,币种\n"
        f"IMP-CNY,{x['enterprise_id']},2024-12-03,日本,ITO,\"{AMOUNT}\",人民币\n", encoding="utf-8")
    assert import_files(store, [tmp_path / "合同.csv"]).ok
    assert sql(store, "SELECT amount_cents FROM contracts WHERE contract_id = 'IMP-CNY'") == [(cents,)]
    imported = figures(staff)

    # counted once approved, by exactly its cents
    assert figures(staff) == imported
    assert approve(rev, x["id"]).status_code == 200
    after = figures(staff)
    assert after["exec_total"] - imported["exec_total"] == cents
    # and the rate entry is in the audit log, with what it converted
    log = [e for e in user("admin").get("/api/v1/audit").json() if e["action"] in ("rate-set", "rate-convert")]
    assert {e["action"] for e in log} == {"rate-set", "rate-convert"}


def test_a_pending_draft_edited_after_the_rate_and_an_import_of_the_rate_convert_too(
        store, user, tmp_path):  # noqa: F811
    ent, staff = user("enterprise"), user("staff")
    x = contract(ent, cid="W-JPY", amount="2,000,000", currency="日元").json()
    assert x["pending_conversion"] is True
    (tmp_path / "汇率.csv").write_text("currency,month,usd_per_unit\nJPY,2024-12,0.0067123456\n",
                                       encoding="utf-8")
    assert import_files(store, [tmp_path / "汇率.csv"]).ok          # through 导入, not the page
    got = ent.get(f"/api/v1/filings/{x['id']}").json()
    assert got["amount_cents"] == usd_cents(Decimal("2000000"), Decimal("0.0067123456")) == 1342469
    # the same rate again changes nothing; another one is refused, the first kept
    r = staff.put("/api/v1/rates/JPY/2024-12", json={"usd_per_unit": "0.0067123456"})
    assert r.status_code == 200 and r.json()["new"] is False and r.json()["converted"] == []
    r = staff.put("/api/v1/rates/JPY/2024-12", json={"usd_per_unit": "0.0068"})
    assert r.status_code == 409 and "日元" in r.json()["error"]["message"]
    assert store.rates.get("JPY", MONTH) == Decimal("0.0067123456")


def test_the_most_urgent_missing_rate_comes_first(store, user):  # noqa: F811
    ent, staff = user("enterprise"), user("staff")
    contract(ent, cid="W-EUR12", currency="EUR")
    windows_open(store, dt.date(2024, 11, 1))
    contract(ent, cid="W-EUR11", currency="EUR", day="2024-11-20")
    missing = staff.get("/api/v1/rates").json()["missing"]
    assert [(m["currency"], m["month"]) for m in missing][:2] == [("EUR", "2024-11"), ("EUR", "2024-12")]


def windows_open(s, month):
    from shumao.filing import windows
    windows.set_window(s, month, locked=False, actor="测试")


@pytest.mark.parametrize(("currency", "month", "body", "code", "words"), [
    ("XYZ", "2024-12", {"usd_per_unit": RATE}, 400, "币种“XYZ”无法识别"),
    ("USD", "2024-12", {"usd_per_unit": RATE}, 400, "无需折算"),
    ("CNY", "2024-13", {"usd_per_unit": RATE}, 400, "月份“2024-13”无效"),
    ("CNY", "12-2024", {"usd_per_unit": RATE}, 400, "月份“12-2024”无效"),
    ("CNY", "1899-01", {"usd_per_unit": RATE}, 400, "月份“1899-01”无效"),
    ("CNY", "2024-12", {"usd_per_unit": "-0.1384"}, 400, "应为大于0的数字"),
    ("CNY", "2024-12", {"usd_per_unit": "0"}, 400, "应为大于0的数字"),
    ("CNY", "2024-12", {"usd_per_unit": "1e400"}, 400, "应为大于0的数字"),
    ("CNY", "2024-12", {"usd_per_unit": "99999999999"}, 400, "应为大于0的数字"),
    ("CNY", "2024-12", {"usd_per_unit": "NaN"}, 400, "应为大于0的数字"),
    ("CNY", "2024-12", {"usd_per_unit": "Infinity"}, 400, "应为大于0的数字"),
    ("CNY", "2024-12", {"usd_per_unit": "abc"}, 400, "汇率“abc”无效"),
    ("CNY", "2024-12", {"usd_per_unit": ""}, 400, "应为大于0的数字"),
    ("CNY", "2024-12", {"usd_per_unit": "0.12345678901"}, 400, "小数位超过10位"),
    ("CNY", "2024-12", {"usd_per_unit": 0.1384}, 400, "不用 JSON 数字"),
    ("CNY", "2024-12", {"usd_per_unit": True}, 400, "不用 JSON 数字"),
    ("CNY", "2024-12", {"usd_per_unit": ["0.1"]}, 400, "不用 JSON 数字"),
    ("CNY", "2024-12", {}, 400, "请给出 usd_per_unit"),
])
def test_a_bad_rate_is_refused_in_words_and_nothing_is_kept(store, user, currency, month, body,  # noqa: F811
                                                            code, words):
    staff = user("staff")
    r = staff.put(f"/api/v1/rates/{currency}/{month}", json=body)
    assert r.status_code == code, r.text
    assert words in r.json()["error"]["message"]
    assert store.rates.held() == []


def test_a_body_that_is_not_json_is_refused(store, user):  # noqa: F811
    r = user("staff").put("/api/v1/rates/CNY/2024-12", content=b"usd_per_unit=0.1",
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400 and store.rates.held() == []


@pytest.mark.parametrize("role", ["enterprise", "reviewer"])
def test_only_staff_enter_or_read_rates(store, user, client, role):  # noqa: F811
    c = user(role)
    assert c.put("/api/v1/rates/CNY/2024-12", json={"usd_per_unit": RATE}).status_code == 403
    assert c.get("/api/v1/rates").status_code == 403
    assert client().put("/api/v1/rates/CNY/2024-12", json={"usd_per_unit": RATE}).status_code == 401
    assert store.rates.held() == []
    assert user("admin").put("/api/v1/rates/CNY/2024-12", json={"usd_per_unit": RATE}).status_code == 200


def test_the_dashboard_and_report_say_how_many_conversions_they_leave_out(store, user):  # noqa: F811
    ent, staff = user("enterprise"), user("staff")
    x = contract(ent, cid="W-GBP", currency="英镑").json()
    assert "待折算" not in staff.get("/dashboard", params={"period": "2024-12"}).text   # a draft
    assert submit(ent, x["id"]).status_code == 200
    for page in ("/dashboard", "/report"):
        text = staff.get(page, params={"period": "2024-12"}).text
        assert "另有 1 条已提交的非美元记录待折算" in text, page
    staff.put("/api/v1/rates/GBP/2024-12", json={"usd_per_unit": "1.27"})
    assert "待折算" not in staff.get("/dashboard", params={"period": "2024-12"}).text


def test_the_rates_page_enters_a_rate_and_shows_what_it_converted(store, user):  # noqa: F811
    from tests.web.conftest import csrf_of
    ent, staff = user("enterprise"), user("staff")
    contract(ent, cid="W-HKD", amount="10,000", currency="港币")
    page = staff.get("/rates").text
    assert "缺少的汇率" in page and "港元（HKD）" in page and "2024年12月" in page
    r = staff.post("/rates", data={"csrf_token": csrf_of(page), "currency": "HKD",
                                   "month": "2024-12", "usd_per_unit": "0.1282"})
    assert r.status_code == 200 and "以下 1 条记录已折算为美元" in r.text and "W-HKD" in r.text
    assert "1,282.00" in r.text
    r = staff.post("/rates", data={"csrf_token": csrf_of(page), "currency": "HKD",
                                   "month": "2024-12", "usd_per_unit": "-1"})
    assert r.status_code == 400 and "应为大于0的数字" in r.text and 'value="-1"' in r.text


# -- 零申报 -----------------------------------------------------------------------------------
@pytest.mark.parametrize("portal_url", BACKENDS, indirect=True)
def test_a_month_with_no_business_counts_as_filed_and_is_undone_by_filing(store, user):  # noqa: F811
    from shumao.access import accounts
    from shumao.filing import reminders
    from tests.web.conftest import PASSWORD
    eid = next(s["enterprise_id"] for s in store.filings.month_states(MONTH) if not s["counts"])
    accounts.add(store, "quiet", "enterprise", PASSWORD, enterprise=eid, email="q@example.com",
                 actor="测试")
    ent = user("quiet")
    assert eid in [t.enterprise_id for t in reminders.plan(store, MONTH).targets + reminders.plan(store, MONTH).unreachable]
    r = ent.post("/api/v1/filings/nil", json={"period": "2024-12"})
    assert r.status_code == 201, r.text
    assert r.json()["state"] == "nil" and r.json()["state_zh"] == "无业务"
    assert ent.post("/api/v1/filings/nil", json={"period": "2024-12"}).status_code == 200  # again
    assert store.filings.month_states(MONTH, eid)[0]["nil_at"] is not None
    p = reminders.plan(store, MONTH)
    assert eid not in [t.enterprise_id for t in p.targets + p.unreachable + p.no_account]
    assert "无业务" in ent.get("/filings").text
    # a record filed in the month undoes it
    assert contract(ent, cid="W-LATE").status_code == 201, "filed"
    assert store.filings.month_states(MONTH, eid)[0]["nil_at"] is None
    r = ent.post("/api/v1/filings/nil", json={"period": "2024-12"})
    assert r.status_code == 409 and "已有记录" in r.json()["error"]["message"]
    actions = [e["action"] for e in user("admin").get("/api/v1/audit").json()]
    assert "filing-nil" in actions and "filing-nil-undo" in actions


@pytest.mark.parametrize(("body", "code"), [
    ({"period": "2024-13"}, 400), ({"period": "tomorrow"}, 400), ({"period": 202412}, 400),
    ({}, 400), ({"period": "2023-06"}, 409),            # the year closed: locked
])
def test_a_bad_or_locked_nil_month_is_refused(store, user, body, code):  # noqa: F811
    r = user("enterprise").post("/api/v1/filings/nil", json=body)
    assert r.status_code == code, r.text
    assert r.json()["error"]["message"]


@pytest.mark.parametrize("role", ["staff", "reviewer", "admin"])
def test_only_an_enterprise_declares_no_business(store, user, role):  # noqa: F811
    assert user(role).post("/api/v1/filings/nil", json={"period": "2024-12"}).status_code == 404


def test_the_checks_of_us_dollars_run_once_a_pending_record_is_converted(store, user):  # noqa: F811
    """Submitted 待折算 without the checks that compare US dollars; the review page shows them
    once the rate has converted the record (5,000,000 元 × 0.1384 = 692,000 美元 > 500,000)."""
    ent, rev, staff = user("enterprise"), user("reviewer"), user("staff")
    contract(ent, amount="500000")
    x = execution(ent, "W-CNY-BIG", "5,000,000", currency="CNY").json()
    r = submit(ent, x["id"])
    codes = {k["code"] for k in r.json()["checks"]}
    assert r.status_code == 200 and "missing-rate" in codes and "exceeds-contract" not in codes
    assert "exceeds-contract" not in rev.get(f"/review/{x['id']}").text
    assert staff.put("/api/v1/rates/CNY/2024-12", json={"usd_per_unit": RATE}).status_code == 200
    page = rev.get(f"/review/{x['id']}").text
    assert "已超过合同金额" in page and "汇率尚未录入" not in page
