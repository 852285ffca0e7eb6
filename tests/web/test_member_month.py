"""A member's month on its home page (issue 20: E-2, E-3, E-12): the month being filed now,
its deadline and state, returned records counted in a banner, 本月无业务 from the page, and a
locked month's record offering no edit and no submission."""

from __future__ import annotations

import datetime as dt

from shumao.filing import board, windows
from tests.web.conftest import csrf_of
from tests.web.test_filings import MONTH, contract, store, submit, user  # noqa: F401  (fixtures)


def test_the_home_page_is_the_months_task_list_with_returned_records_in_a_banner(store, user):  # noqa: F811
    ent, rev = user("enterprise"), user("reviewer")
    month = board.default_month(store)
    w = windows.window(store, month)
    page = ent.get("/filings").text
    assert f"{month.year}年{month.month}月报表" in page
    assert f"{w.closes.year}年{w.closes.month}月{w.closes.day}日" in page
    assert "未填报" in page and "本月无业务（零申报）" in page and "被审核员退回" not in page
    fid = contract(ent).json()["id"]
    assert submit(ent, fid).status_code == 200
    r = rev.post(f"/api/v1/review/{fid}", json={"decision": "return", "comment": "金额有误"})
    assert r.status_code == 200
    page = ent.get("/filings").text
    assert "有 1 条记录被审核员退回" in page and 'href="/filings?status=returned"' in page


def test_no_business_declared_from_the_home_page_then_undone_by_a_record(store, user):  # noqa: F811
    ent = user("enterprise")
    month = board.default_month(store)
    period = month.strftime("%Y-%m")
    page = ent.get("/filings").text
    r = ent.post("/filings/nil", data={"csrf_token": csrf_of(page), "period": period})
    assert r.status_code == 303 and r.headers["location"] == f"/filings?nil={period}"
    page = ent.get(r.headers["location"]).text
    assert f"已申报{month.year}年{month.month}月无业务" in page and "无业务" in page
    assert "本月无业务（零申报）</button>" not in page                   # offered no more
    eid = store.facts["first"]
    assert board.build(store, month, enterprise_id=eid).rows[0].state_zh == "无业务"
    r = ent.post("/filings/nil", data={"csrf_token": csrf_of(page), "period": "2024-13"})
    assert r.status_code == 400 and "月份“2024-13”无效" in r.text


def test_a_locked_months_record_offers_no_edit_and_no_submission(store, user):  # noqa: F811
    ent = user("enterprise")
    fid = contract(ent).json()["id"]
    text = ent.get(f"/filings/{fid}").text
    assert f'href="/filings/{fid}/edit"' in text and "提交审核</button>" in text
    windows.set_window(store, MONTH, locked=True, actor="测试")
    text = ent.get(f"/filings/{fid}").text
    assert f'href="/filings/{fid}/edit"' not in text and "提交审核</button>" not in text
    assert "2024年12月的填报已被管理员锁定" in text and "不能修改或提交" in text
    r = ent.get(f"/filings/{fid}/edit")                 # typed by hand: the record, and why
    assert r.status_code == 409 and "已被管理员锁定" in r.text and 'name="amount"' not in r.text


def test_no_business_is_a_state_of_its_own_and_stops_reminders():
    assert board.state({}, nil=True) == "nil" and board.STATE_ZH["nil"] == "无业务"
    assert board.state({"draft": 1}, nil=True) == "drafted"        # a record undoes it
    assert "nil" not in board.NOT_FILED
    assert board.state({}) == "unfiled"


def test_the_month_is_dated_in_chinese_not_iso(store, user):  # noqa: F811
    ent = user("enterprise")
    fid = contract(ent).json()["id"]
    w = windows.window(store, MONTH)
    text = ent.get(f"/filings/{fid}").text
    assert f"截止日期 {w.closes.year}年{w.closes.month}月{w.closes.day}日" in text
    assert f"截止日期 {w.closes.isoformat()}" not in text
    assert dt.date(2025, 1, 10) == w.closes
