"""Recovering an account (issue 20 AD-1): an admin resets a password (a one-time password, to
be changed at the next sign-in), disables and enables an account; every user changes their
own password with the old one — through the API, the pages and ``shumao user``.  Hostile
callers: a wrong old password (throttled), a non-admin, a missing CSRF token, a weak new
password, an unknown user, an admin disabling themselves or the last admin."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from shumao.access import accounts
from shumao.errors import InputError
from shumao.model import credit
from shumao.web import auth
from tests.conftest import run_cli
from tests.web.conftest import PASSWORD, csrf_of, sign_in

NEW = "新的密码-海风-7319"
OTHER = "另一个密码-松林-2846"


def _api(c: TestClient, method: str, path: str, body: dict | None = None, **kw):
    """A JSON call from a signed-in browser session: the CSRF token as its header."""
    token = csrf_of(c.get("/account").text)
    return c.request(method, path, json=body, headers={"X-CSRF-Token": token, **kw})


def _actions(store) -> list[tuple[str, str]]:
    return [(e["actor"], e["action"]) for e in store.audit.latest(50)]


# -- an admin resets a password -----------------------------------------------------------------
def test_a_generated_one_time_password_works_once_and_must_be_changed(client, portal_store):
    admin, user = client("admin"), client()
    r = _api(admin, "POST", "/api/v1/users/enterprise/password", {})
    assert r.status_code == 200, r.text
    once = r.json()["password"]
    assert r.json() == {"name": "enterprise", "must_change": True, "password": once}
    assert sign_in(user, "enterprise").status_code == 401            # the old password is gone
    r = sign_in(user, "enterprise", once)
    assert r.status_code == 303 and r.headers["location"] == "/account"
    # until changed, nothing else opens: pages go to 我的账号, the API refuses
    assert user.get("/filings").headers["location"] == "/account"
    assert user.get("/").headers["location"] == "/account"
    r = _api(user, "GET", "/api/v1/filings")
    assert r.status_code == 403 and r.json()["error"]["code"] == "password-change-required"
    page = user.get("/account")
    assert page.status_code == 200 and "一次性密码" in page.text
    r = user.post("/account/password", data={"old": once, "new": NEW, "again": NEW,
                                             "csrf_token": csrf_of(page.text)})
    assert r.status_code == 303 and r.headers["location"] == "/account?changed=1"
    assert user.get("/filings").status_code == 200                   # free again
    assert not portal_store.users.get("enterprise").must_change
    # the one-time password worked once: it no longer signs in, the new one does
    assert sign_in(client(), "enterprise", once).status_code == 401
    assert sign_in(client(), "enterprise", NEW).headers["location"] == "/filings"
    assert ("admin", "password-reset") in _actions(portal_store)
    assert ("enterprise", "password-change") in _actions(portal_store)


def test_a_reset_ends_the_accounts_sessions_and_tokens(client, portal_store):
    user = client("staff")
    token = accounts.issue_token(portal_store, "staff", 5, actor="测试")
    bearer = {"Authorization": f"Bearer {token}"}
    assert user.get("/dashboard").status_code == 200
    assert client().get("/api/v1/status", headers=bearer).status_code == 200
    r = _api(client("admin"), "POST", "/api/v1/users/staff/password", {"password": OTHER})
    assert r.status_code == 200 and r.json() == {"name": "staff", "must_change": True}   # not echoed
    assert user.get("/dashboard").headers["location"].startswith("/login")
    assert client().get("/api/v1/status", headers=bearer).status_code == 401
    r = sign_in(client(), "staff", OTHER)
    assert r.headers["location"] == "/account"                       # typed by the admin: one-time too


def test_the_reset_page_shows_a_generated_password_once_and_never_in_an_address(client, portal_store):
    admin = client("admin")
    page = admin.get("/admin/users")
    assert "重设密码" in page.text and 'action="/admin/users/reviewer/password"' in page.text
    r = admin.post("/admin/users/reviewer/password", data={"password": "", "csrf_token": csrf_of(page.text)})
    assert r.status_code == 200 and "一次性密码" in r.text
    shown = r.text.split('id="one-time">')[1].split("<")[0]
    assert sign_in(client(), "reviewer", shown).headers["location"] == "/account"
    assert shown not in admin.get("/admin/users").text                 # shown that once
    assert shown not in str(portal_store.audit.latest(20))
    assert r.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(("who", "path", "body", "status", "words"), [
    ("staff", "/api/v1/users/enterprise/password", {}, 404, "找不到"),           # not an admin
    ("enterprise", "/api/v1/users/enterprise/disable", None, 404, "找不到"),
    ("reviewer", "/api/v1/users/gone/enable", None, 404, "找不到"),
    ("admin", "/api/v1/users/nobody/password", {}, 404, "找不到该账号"),
    ("admin", "/api/v1/users/nobody/enable", None, 404, "找不到该账号"),
    ("admin", "/api/v1/users/enterprise/password", {"password": "1234567890"}, 400, "太常见"),
    ("admin", "/api/v1/users/enterprise/password", {"password": "short"}, 400, "至少需要 10 个字符"),
    ("admin", "/api/v1/users/enterprise/password", {"password": "enterprise-2024-x"}, 400, "不能是用户名"),
    ("admin", "/api/v1/users/enterprise/password", {"password": 1234567890123}, 400, "password"),
    ("admin", "/api/v1/users/enterprise/password", {"pw": "x"}, 400, "password"),
    ("admin", "/api/v1/users/admin/password", {}, 400, "我的账号"),            # one's own: 我的账号
    ("admin", "/api/v1/users/admin/disable", None, 400, "不能停用自己"),
    ("admin", "/api/v1/users/staff/enable", None, 400, "没有停用"),
])
def test_admin_actions_refuse_the_hostile_and_the_mistaken(client, portal_store, who, path, body,
                                                           status, words):
    before = portal_store.users.all()
    r = _api(client(who), "POST", path, body)
    assert r.status_code == status, r.text
    assert words in r.json()["error"]["message"]
    assert portal_store.users.all() == before                        # nothing changed


def test_admin_actions_need_the_csrf_token_in_a_browser_session(client, portal_store):
    admin = client("admin")
    for path in ("/api/v1/users/staff/password", "/api/v1/users/staff/disable",
                 "/admin/users/staff/password", "/admin/users/staff/disable"):
        r = admin.post(path, json={} if "api" in path else None)
        assert r.status_code == 403, path
    r = admin.put("/api/v1/me/password", json={"old": PASSWORD, "new": NEW})
    assert r.status_code == 403
    assert not portal_store.users.get("staff").disabled and not portal_store.users.get("staff").must_change
    assert accounts.check_password(portal_store.users.get("admin").password_hash, PASSWORD)


# -- disable and enable --------------------------------------------------------------------------
def test_a_disabled_account_ends_at_once_and_a_reenabled_one_signs_in(client, portal_store):
    user = client("reviewer")
    token = accounts.issue_token(portal_store, "reviewer", 5, actor="测试")
    admin = client("admin")
    r = _api(admin, "POST", "/api/v1/users/reviewer/disable")
    assert r.status_code == 200 and r.json() == {"name": "reviewer", "disabled": True}
    assert user.get("/review").headers["location"].startswith("/login")
    assert client().get("/api/v1/review/queue", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert sign_in(client(), "reviewer").status_code == 401
    r = _api(admin, "POST", "/api/v1/users/reviewer/enable")
    assert r.status_code == 200 and r.json() == {"name": "reviewer", "disabled": False}
    assert sign_in(client(), "reviewer").headers["location"] == "/review"
    # its old token stays revoked: a re-enabled account gets a new one if it needs one
    assert client().get("/api/v1/review/queue", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert [a for _, a in _actions(portal_store) if a.startswith("user-")][:2] == ["user-enable", "user-disable"]


def test_the_accounts_page_enables_a_disabled_account(client, portal_store):
    admin = client("admin")
    page = admin.get("/admin/users")
    assert 'action="/admin/users/gone/enable"' in page.text
    r = admin.post("/admin/users/gone/enable", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 303 and not portal_store.users.get("gone").disabled
    assert sign_in(client(), "gone").status_code == 303


def test_the_last_admin_cannot_be_disabled(client, portal_store):
    with pytest.raises(InputError, match="唯一可用的管理员"):
        accounts.disable(portal_store, "admin", actor="测试")
    accounts.add(portal_store, "admin2", "admin", PASSWORD, actor="测试")
    r = _api(client("admin2"), "POST", "/api/v1/users/admin/disable")
    assert r.status_code == 200                                       # another admin is left
    with pytest.raises(InputError, match="唯一可用的管理员"):
        accounts.disable(portal_store, "admin2", actor="测试")
    assert not portal_store.users.get("admin2").disabled


# -- one's own password -------------------------------------------------------------------------
def test_a_user_who_changed_their_password_cannot_use_the_old_one(client, portal_store):
    me, elsewhere = client("reviewer"), client("reviewer")
    token = accounts.issue_token(portal_store, "reviewer", 5, actor="测试")
    r = _api(me, "PUT", "/api/v1/me/password", {"old": PASSWORD, "new": NEW})
    assert r.status_code == 200 and r.json() == {"name": "reviewer", "changed": True}
    assert sign_in(client(), "reviewer").status_code == 401
    assert sign_in(client(), "reviewer", NEW).status_code == 303
    assert me.get("/review").status_code == 200                     # this session goes on
    assert elsewhere.get("/review").headers["location"].startswith("/login")   # others end
    # a script's token is the user's own to keep (revoke it with shumao user revoke)
    assert client().get("/api/v1/review/queue", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert ("reviewer", "password-change") in _actions(portal_store)


@pytest.mark.parametrize(("body", "code", "words"), [
    ({"old": "不是这个密码-0000", "new": NEW}, "wrong-password", "原密码不正确"),
    ({"old": PASSWORD, "new": "password123"}, "bad-input", "太常见"),
    ({"old": PASSWORD, "new": "short"}, "bad-input", "至少需要 10 个字符"),
    ({"old": PASSWORD, "new": "staff-staff-staff-9"}, "bad-input", "不能是用户名"),
    ({"old": PASSWORD, "new": PASSWORD}, "bad-input", "不能与原密码相同"),
    ({"old": PASSWORD}, "bad-input", '"new"'),
    ({"old": PASSWORD, "new": 12345678901}, "bad-input", '"new"'),
    ({"old": PASSWORD, "new": NEW, "role": "admin"}, "bad-input", '"new"'),
])
def test_changing_ones_password_refuses_wrong_and_weak_input(client, portal_store, body, code, words):
    r = _api(client("staff"), "PUT", "/api/v1/me/password", body)
    assert r.status_code == 400 and r.json()["error"]["code"] == code, r.text
    assert words in r.json()["error"]["message"]
    assert accounts.check_password(portal_store.users.get("staff").password_hash, PASSWORD)
    assert portal_store.users.get("staff").role == "staff"


def test_wrong_old_passwords_are_throttled_like_sign_ins(app, client, portal_store):
    app.state.portal.throttle = auth.Throttle(limit=3, step=0)
    me = client("staff")
    for _ in range(3):
        assert _api(me, "PUT", "/api/v1/me/password", {"old": "猜的密码-1111-aa", "new": NEW}).status_code == 400
    r = _api(me, "PUT", "/api/v1/me/password", {"old": PASSWORD, "new": NEW})
    assert r.status_code == 429 and "一分钟后再试" in r.json()["error"]["message"]
    assert accounts.check_password(portal_store.users.get("staff").password_hash, PASSWORD)


def test_the_account_page_changes_the_password_and_says_what_went_wrong(client):
    me = client("enterprise")
    page = me.get("/account")
    assert page.status_code == 200 and "修改密码" in page.text and "enterprise" in page.text
    token = csrf_of(page.text)
    r = me.post("/account/password", data={"old": PASSWORD, "new": NEW, "again": OTHER, "csrf_token": token})
    assert r.status_code == 400 and "两次输入的新密码不一致" in r.text
    r = me.post("/account/password", data={"old": "错的-密码-0000", "new": NEW, "again": NEW, "csrf_token": token})
    assert r.status_code == 400 and "原密码不正确" in r.text
    r = me.post("/account/password", data={"old": PASSWORD, "new": NEW, "again": NEW, "csrf_token": token})
    assert r.status_code == 303
    assert "密码已修改" in me.get(r.headers["location"]).text


def test_every_page_links_to_ones_account_and_the_sign_in_page_says_whom_to_ask(client):
    assert 'href="/account"' in client("reviewer").get("/review").text
    text = client().get("/login").text
    assert "忘记密码" in text and "协会秘书处" in text


# -- the command line ----------------------------------------------------------------------------
def test_cli_resets_a_password_and_enables_an_account(portal_url):
    portal_db = portal_url
    r = run_cli("user", "passwd", "staff", "--password-stdin", "--db", portal_db, input=OTHER + "\n")
    assert r.returncode == 0 and "下次登录后须立即修改密码" in r.stdout, r.stderr
    r = run_cli("user", "passwd", "staff", "--password-stdin", "--db", portal_db, input="1234567890\n")
    assert r.returncode == 2 and "太常见" in r.stderr
    r = run_cli("user", "passwd", "nobody", "--password-stdin", "--db", portal_db, input=OTHER + "\n")
    assert r.returncode == 2 and "没有用户“nobody”" in r.stderr
    r = run_cli("user", "enable", "gone", "--db", portal_db)
    assert r.returncode == 0 and "已启用账号 gone" in r.stdout
    r = run_cli("user", "enable", "gone", "--db", portal_db)
    assert r.returncode == 2 and "没有停用" in r.stderr
    r = run_cli("user", "disable", "admin", "--db", portal_db)
    assert r.returncode == 2 and "唯一可用的管理员" in r.stderr
    from shumao.store import connect
    with connect(portal_db) as s:
        assert s.users.get("staff").must_change and not s.users.get("gone").disabled
        assert accounts.check_password(s.users.get("staff").password_hash, OTHER)


def test_a_schema_5_store_gains_the_must_change_flag(tmp_path):
    from shumao.store import connect
    from shumao.store.schema import SCHEMA_VERSION
    from tests.conftest import sql

    db = tmp_path / "old.duckdb"
    with connect(db) as s:
        accounts.add(s, "ops", "staff", PASSWORD, actor="测试")
        sql(s, "ALTER TABLE users DROP COLUMN must_change")
        sql(s, "UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    with connect(db) as s:
        assert sql(s, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
        assert s.users.get("ops").must_change is False
        accounts.reset_password(s, "ops", None, actor="测试")
        assert s.users.get("ops").must_change is True


# -- the accounts page (AD-2, AD-5, AD-6) -------------------------------------------------------
def test_a_reviewers_district_is_chosen_from_the_known_ones(client, portal_store):
    facts = portal_store.facts
    admin = client("admin")
    page = admin.get("/admin/users")
    known = accounts.regions(portal_store)
    assert facts["region"] in known
    assert '<select name="region">' in page.text
    assert all(f"<option>{r}</option>" in page.text for r in known)
    token = csrf_of(page.text)
    typo = facts["region"][:-1]                                  # "甘井子" for "甘井子区"
    r = admin.post("/admin/users", data={"name": "rv", "role": "reviewer", "region": typo,
                                         "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 400 and f"区县“{typo}”没有任何会员企业" in r.text
    assert portal_store.users.get("rv") is None
    r = admin.post("/admin/users", data={"name": "rv", "role": "reviewer", "region": facts["region"],
                                         "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 303 and portal_store.users.get("rv").region == facts["region"]


def test_the_new_account_form_asks_for_a_role_and_checks_the_enterprise(client, portal_store):
    admin = client("admin")
    page = admin.get("/admin/users")
    form = page.text.split('<form method="post" action="/admin/users" class="form grid">')[1]
    assert '<option value="" selected>请选择</option>' in form
    assert 'value="admin" selected' not in form
    token = csrf_of(page.text)
    r = admin.post("/admin/users", data={"name": "nr", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 400 and "角色只能是" in r.text
    unknown = credit.complete("9111000071093012")                # valid check digits, no such member
    r = admin.post("/admin/users", data={"name": "nr", "role": "enterprise", "enterprise": unknown,
                                         "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 400 and f"“{unknown}”不在会员企业名录中" in r.text
    assert portal_store.users.get("nr") is None


def test_the_accounts_table_names_enterprises_not_codes(client, portal_store):
    first = portal_store.facts["first"]
    name = next(e["name"] for e in portal_store.records.enterprises() if e["enterprise_id"] == first)
    text = client("admin").get("/admin/users").text
    table = text.split("<table")[1].split("</table>")[0]
    assert name in table and first not in table
    assert 'data-label="所属企业"' in table                       # a phone shows each row as a card
