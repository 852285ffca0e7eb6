"""填报时间 (admin): the page lists each month's window and sets the deadline, the opening
day, lock and reopen, with a Chinese message naming the field on bad input; the same through
``GET /api/v1/windows`` and ``PUT /api/v1/windows/{period}``; every change in the audit log."""

from __future__ import annotations

import datetime as dt

import pytest

from shumao.filing import windows
from tests.web.conftest import csrf_of

JUNE = dt.date(2024, 6, 1)


def _post(c, **fields):
    token = csrf_of(c.get("/admin/windows").text)
    return c.post("/admin/windows", data={"csrf_token": token, **fields})


def test_the_page_lists_windows_and_links_from_the_admin_tabs(client):
    c = client("admin")
    assert 'href="/admin/windows"' in c.get("/admin/users").text
    assert 'href="/admin/windows"' in c.get("/admin/audit").text
    r = c.get("/admin/windows")
    assert r.status_code == 200
    today = dt.date.today()
    listed = windows.windows(c.app.state.portal.store)
    assert len(listed) == 13
    assert f"{today.year}年{today.month}月" in r.text and "填报中" in r.text and "默认" in r.text
    # AD-8: one form for the table's dates (one 保存日期), plus the other months' form
    assert r.text.count('value="save-all"') == 1 and r.text.count('name="action" value="save"') == 1
    assert f'aria-label="{today.year}年{today.month}月 截止日期"' in r.text      # no ISO names
    # AD-4: each lock asks first, in words
    assert r.text.count('data-confirm="锁定2') == len(listed) - sum(w.locked for w in listed)


def test_set_the_deadline_lock_and_reopen_from_the_page(client, portal_store):
    c = client("admin")
    r = _post(c, period="2024-06", opens="2024-06-01", closes="2024-07-20", action="save")
    assert r.status_code == 303 and r.headers["location"].startswith("/admin/windows?saved=2024-06")
    w = windows.window(portal_store, JUNE)
    assert w.closes == dt.date(2024, 7, 20) and w.updated_by == "admin"
    assert w.state_zh == "已年度关闭"                                # 31 March 2025 has passed
    page = c.get(r.headers["location"]).text
    assert "已保存2024年6月的填报时间" in page and 'value="2024-07-20"' in page
    r = _post(c, period="2024-06", action="reopen")
    assert r.status_code == 303
    assert "2024年6月已重新开放：企业可以继续填报和修改" in c.get(r.headers["location"]).text
    w = windows.window(portal_store, JUNE)
    assert not w.locked and w.closes == dt.date(2024, 7, 20) and w.state_zh == "已逾期（仍可补报）"
    r = _post(c, period="2024-06", opens="2024-06-01", closes="2024-07-20", action="lock")
    assert r.status_code == 303
    assert "2024年6月已锁定：该月的记录不能再新增、修改、提交或审核" in c.get(r.headers["location"]).text
    assert windows.window(portal_store, JUNE).state_zh == "已锁定"
    changes = [e for e in portal_store.audit.latest(20) if e["action"] == "window-set"]
    assert len(changes) == 3 and {e["actor"] for e in changes} == {"admin"}
    assert changes[0]["detail"]["locked"] is True and changes[0]["detail"]["from"]["locked"] is False
    assert "设置填报时间" in c.get("/admin/audit").text


@pytest.mark.parametrize("fields, words", [
    ({"period": "2024-06", "opens": "2024-06-05", "closes": "2024-06-01"},
     ["2024年6月", "截止日期2024年6月1日早于开始日期2024年6月5日"]),
    ({"period": "2024-06", "closes": "2024-02-30"}, ["2024年6月", "截止日期“2024-02-30”无效"]),
    ({"period": "2024-06", "opens": "明天"}, ["开始日期“明天”无效"]),
    ({"period": "2024-13", "closes": "2025-01-10"}, ["月份“2024-13”无效"]),
    ({"period": "2024-06", "action": "delete"}, ["不认识的操作"]),
])
def test_bad_input_is_named_in_chinese(client, portal_store, fields, words):
    c = client("admin")
    r = _post(c, **fields)
    assert r.status_code == 400
    for w in words:
        assert w in r.text
    assert portal_store.windows.all() == []                           # nothing written
    assert f'value="{fields["period"]}"' in r.text                    # the typed values kept


def test_the_tables_dates_are_one_form_that_saves_only_what_changed(client, portal_store):
    c = client("admin")
    listed = windows.windows(portal_store)
    a, b = listed[1], listed[2]
    ka, kb = f"{a.month:%Y-%m}", f"{b.month:%Y-%m}"
    fields = {f"{k}-{w.month:%Y-%m}": getattr(w, k).isoformat() for w in listed for k in ("opens", "closes")}
    new_a, new_b = a.closes + dt.timedelta(days=3), b.closes + dt.timedelta(days=1)
    r = _post(c, action="save-all", **{**fields, f"closes-{ka}": new_a.isoformat(),
                                       f"closes-{kb}": new_b.isoformat()})
    assert r.status_code == 303
    page = c.get(r.headers["location"]).text
    assert f"已保存{b.month.year}年{b.month.month}月、{a.month.year}年{a.month.month}月的填报时间" in page \
        or f"已保存{a.month.year}年{a.month.month}月、{b.month.year}年{b.month.month}月的填报时间" in page
    assert windows.window(portal_store, a.month).closes == new_a
    assert windows.window(portal_store, b.month).closes == new_b
    assert len(portal_store.windows.all()) == 2                       # the others untouched
    r = _post(c, action="save-all", **{**fields, f"closes-{ka}": new_a.isoformat(),
                                       f"closes-{kb}": new_b.isoformat()})
    assert "日期没有改动" in c.get(r.headers["location"]).text
    # one bad month: nothing written, the month named, everything typed kept
    before = portal_store.windows.all()
    bad = {**fields, f"closes-{ka}": "2024-02-30", f"closes-{kb}": (new_b + dt.timedelta(days=5)).isoformat()}
    r = _post(c, action="save-all", **bad)
    assert r.status_code == 400 and f"{a.month.year}年{a.month.month}月：截止日期“2024-02-30”无效" in r.text
    assert 'value="2024-02-30"' in r.text and f'value="{(new_b + dt.timedelta(days=5)).isoformat()}"' in r.text
    assert portal_store.windows.all() == before


def test_the_form_needs_its_csrf_token(client, portal_store):
    r = client("admin").post("/admin/windows", data={"period": "2024-06", "action": "lock"})
    assert r.status_code == 403 and portal_store.windows.all() == []


# -- the API -------------------------------------------------------------------------------
def _put(c, period: str, body=None, content: str | None = None):
    token = csrf_of(c.get("/admin/windows").text)
    headers = {"X-CSRF-Token": token}
    if content is not None:
        return c.put(f"/api/v1/windows/{period}", content=content,
                     headers={**headers, "Content-Type": "application/json"})
    return c.put(f"/api/v1/windows/{period}", json=body, headers=headers)


def test_api_lists_and_sets_windows(client, portal_store):
    c = client("admin")
    listed = c.get("/api/v1/windows").json()
    assert len(listed) == 13 and set(listed[0]) == {"period", "opens", "closes", "year_closes",
                                                    "locked", "open", "overdue", "state", "updated_by"}
    r = _put(c, "2024-06", {"closes": "2024-07-20", "locked": False})
    assert r.status_code == 200, r.text
    assert r.json() == {"period": "2024-06", "opens": "2024-06-01", "closes": "2024-07-20",
                        "year_closes": "2025-03-31", "locked": False, "open": True, "overdue": True,
                        "state": "已逾期（仍可补报）", "updated_by": "admin"}
    assert _put(c, "2024-06", {"locked": True}).json()["closes"] == "2024-07-20"   # kept
    assert "2024-06" in [w["period"] for w in c.get("/api/v1/windows").json()]
    assert client("staff").get("/api/v1/windows").status_code == 403


@pytest.mark.parametrize("period, body, words", [
    ("2024-06", {"deadline": "2024-07-20"}, "不认识的字段：deadline"),
    ("2024-06", {"closes": "2024-7-32"}, "截止日期（closes）“2024-7-32”无效"),
    ("2024-06", {"opens": 20240601}, "开始日期（opens）“20240601”无效"),
    ("2024-06", {"locked": "yes"}, "locked 应为 true 或 false"),
    ("2024-06", {"opens": "2024-06-20", "closes": "2024-06-10"}, "早于开始日期"),
    ("2024-6月", {"locked": True}, "月份“2024-6月”无效"),
    ("2024-06", ["locked"], "请求内容应为 JSON 对象"),
])
def test_api_bad_input_is_400_in_chinese(client, portal_store, period, body, words):
    r = _put(client("admin"), period, body)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "bad-input" and words in r.json()["error"]["message"]
    assert portal_store.windows.all() == []


def test_api_body_that_is_not_json(client):
    r = _put(client("admin"), "2024-06", content="locked=true")
    assert r.status_code == 400 and "JSON" in r.json()["error"]["message"]


# -- accounts' e-mail (reminders go to enterprise accounts' addresses) -----------------------
def test_admin_sets_an_accounts_email(client, portal_store):
    from tests.web.conftest import PASSWORD

    c = client("admin")
    token = csrf_of(c.get("/admin/users").text)
    r = c.post("/admin/users", data={"name": "云桥", "role": "enterprise", "password": PASSWORD,
                                     "enterprise": portal_store.facts["first"],
                                     "email": "yq@example.com", "csrf_token": token})
    assert r.status_code == 303 and portal_store.users.get("云桥").email == "yq@example.com"
    r = c.post("/admin/users", data={"name": "云桥2", "role": "staff", "password": PASSWORD,
                                     "email": "yq at example", "csrf_token": token})
    assert r.status_code == 400 and "电子邮箱“yq at example”格式不对" in r.text
    assert 'value="yq at example"' in r.text and portal_store.users.get("云桥2") is None
    r = c.post("/admin/users/enterprise/email", data={"email": "e@example.com", "csrf_token": token})
    assert r.status_code == 303 and portal_store.users.get("enterprise").email == "e@example.com"
    assert portal_store.users.enterprise_emails()[portal_store.facts["first"]] == ["e@example.com", "yq@example.com"]
    r = c.post("/admin/users/enterprise/email", data={"email": "e@", "csrf_token": token})
    assert r.status_code == 400 and "账号“enterprise”" in r.text
    r = c.post("/admin/users/enterprise/email", data={"email": "", "csrf_token": token})
    assert portal_store.users.get("enterprise").email is None
    assert c.post("/admin/users/nobody/email", data={"email": "", "csrf_token": token}).status_code == 404
    assert 'value="yq@example.com"' in c.get("/admin/users").text
