"""Sign-in and safety (web.md): passwords, sessions, CSRF, the throttle, tokens."""

from __future__ import annotations

from fastapi.testclient import TestClient

from shumao.access import accounts
from shumao.web.access import COOKIE
from tests.web.conftest import PASSWORD, csrf_of, sign_in


def test_sign_in_gives_a_new_session_id_in_an_httponly_lax_cookie(client):
    c = client()
    before = c.get("/login")
    visitor = c.cookies.get(COOKIE)
    r = c.post("/login", data={"username": "staff", "password": PASSWORD,
                               "csrf_token": csrf_of(before.text)})
    assert r.status_code == 303 and r.headers["location"] == "/dashboard"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert c.cookies.get(COOKIE) != visitor


def test_wrong_password_and_disabled_account_are_refused_alike(client):
    for name, password in (("staff", "wrong-password-1"), ("gone", PASSWORD), ("nobody", PASSWORD)):
        r = sign_in(client(), name, password)
        assert r.status_code == 401
        assert "用户名或密码不正确" in r.text


def test_the_tenth_wrong_password_in_a_minute_is_refused_with_429(client):
    c = client()
    codes = [sign_in(c, "admin", f"wrong-password-{i}").status_code for i in range(10)]
    assert codes == [401] * 9 + [429]
    assert sign_in(c, "admin").status_code == 429        # the right one too, for now
    assert sign_in(client(), "staff").status_code == 303  # another name is not affected


def test_a_cookie_post_without_the_csrf_token_is_refused(client, portal_store):
    c = client("admin")
    r = c.post("/admin/users", data={"name": "x1", "role": "staff", "password": PASSWORD})
    assert r.status_code == 403
    r = c.post("/admin/users", data={"name": "x1", "role": "staff", "password": PASSWORD,
                                     "csrf_token": "forged"})
    assert r.status_code == 403
    assert portal_store.users.get("x1") is None
    token = csrf_of(c.get("/admin/users").text)
    r = c.post("/admin/users", data={"name": "x1", "role": "staff", "password": PASSWORD,
                                     "csrf_token": token})
    assert r.status_code == 303 and portal_store.users.get("x1").role == "staff"


def test_logout_ends_the_session(client):
    c = client("admin")
    old = c.cookies.get(COOKIE)
    token = csrf_of(c.get("/admin/users").text)
    assert c.post("/logout", data={"csrf_token": token}).status_code == 303
    again = TestClient(c.app, follow_redirects=False, cookies={COOKIE: old})
    assert again.get("/api/v1/audit").status_code == 401


def test_a_disabled_user_is_refused_at_the_next_request(client, portal_store):
    c = client("staff")
    assert c.get("/dashboard").status_code == 200
    accounts.disable(portal_store, "staff", actor="测试")
    assert c.get("/dashboard").status_code == 303       # back to 登录


def test_bearer_tokens_carry_the_role_need_no_csrf_and_can_be_revoked(client, portal_store):
    token = accounts.issue_token(portal_store, "admin", 1, actor="测试")
    c = client()
    auth = {"Authorization": f"Bearer {token}"}
    assert c.get("/api/v1/audit", headers=auth).status_code == 200
    assert c.get("/api/v1/audit", headers={"Authorization": "Bearer sm_forged"}).status_code == 401
    r = c.post("/admin/users", headers=auth, data={"name": "x2", "role": "staff", "password": PASSWORD})
    assert r.status_code == 303 and portal_store.users.get("x2")
    assert portal_store.users.token_user(accounts.token_hash(token)).name == "admin"
    assert not any(token in str(row) for row in portal_store.db.execute("SELECT * FROM tokens"))
    accounts.add(portal_store, "admin2", "admin", PASSWORD, actor="测试")   # not the last admin
    accounts.disable(portal_store, "admin", actor="测试")
    assert c.get("/api/v1/audit", headers=auth).status_code == 401


def test_passwords_are_argon2id_at_the_production_cost_and_at_least_ten_characters(portal_store, client):
    """The fixtures' accounts use a cheap profile; an account made the product's way gets
    RFC 9106's second recommended profile (argon2-cffi's default: 64 MiB, 3 passes, 4 lanes)
    and signs in."""
    import pytest

    from shumao.errors import InputError
    accounts.add(portal_store, "real", "staff", "一个真正的密码-2024", actor="测试")
    stored = portal_store.users.get("real").password_hash
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert accounts.check_password(stored, "一个真正的密码-2024")
    assert not accounts.check_password(stored, "一个真正的密码-2025")
    assert sign_in(client(), "real", "一个真正的密码-2024").status_code == 303
    with pytest.raises(InputError, match="至少需要 10 个字符"):
        accounts.add(portal_store, "short", "staff", "123456789", actor="测试")


def test_next_is_only_a_path_on_this_site(client):
    c = client()
    page = c.get("/login?next=//evil.example/x")
    assert "evil" not in page.text
    r = c.post("/login", data={"username": "staff", "password": PASSWORD, "next": "https://evil.example",
                               "csrf_token": csrf_of(page.text)})
    assert r.headers["location"] == "/dashboard"


def test_pages_carry_a_strict_content_security_policy(client):
    r = client().get("/login")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"


def test_the_admin_page_names_the_enterprise_by_its_own_label_not_the_cli_option(client, portal_store):
    c = client("admin")
    token = csrf_of(c.get("/admin/users").text)
    for data, words in (({"role": "enterprise"}, "企业填报员账号须用“所属企业”指定所属企业的统一社会信用代码"),
                        ({"role": "staff", "enterprise": "91110000MA01ABCD2X"},
                         "只有企业填报员账号才属于某家企业，其他角色的“所属企业”请留空")):
        r = c.post("/admin/users", data={"name": "x3", "password": PASSWORD, "csrf_token": token, **data})
        assert r.status_code == 400 and words in r.text, r.text
        assert "--enterprise" not in r.text
    assert portal_store.users.get("x3") is None
