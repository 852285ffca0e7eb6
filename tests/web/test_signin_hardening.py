"""Accounts and sessions hardened after the security review (§3.5, 3.6, 3.13–3.17): visitors
keep no state on the server, over-long names go nowhere, private answers are not cached,
look-alike names and guessable passwords are refused, one API token can be revoked."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from shumao.access import accounts
from shumao.errors import InputError
from shumao.web.access import COOKIE
from tests.conftest import BACKENDS, run_cli
from tests.web.conftest import CHEAP, PASSWORD, csrf_of, sign_in


# -- §3.5 / §3.17 sessions --------------------------------------------------------------------
def test_anonymous_visitors_do_not_evict_signed_in_sessions(app, client):
    app.state.portal.sessions.cap = 5
    staff = client("staff")
    anon = client()
    for _ in range(60):
        anon.cookies.clear()
        assert anon.get("/login").status_code == 200
    assert staff.get("/dashboard").status_code == 200
    assert sign_in(anon, "admin").status_code == 303          # a visitor's form still signs in


def test_a_visitor_cookie_the_server_did_not_make_is_replaced(app):
    """The visitor's id is signed: a chosen or altered one is not a session, and the form's
    token of one visitor does not pass with another's cookie."""
    chosen = TestClient(app, follow_redirects=False, cookies={COOKIE: "v1.attacker.chosen"})
    r = chosen.get("/login")
    made = r.cookies.get(COOKIE)
    assert made and made != "v1.attacker.chosen"
    token = csrf_of(r.text)
    for cookie in ("v1.attacker.chosen", made[:-1] + ("0" if made[-1] != "0" else "1")):
        forged = TestClient(app, follow_redirects=False, cookies={COOKIE: cookie})
        r = forged.post("/login", data={"username": "staff", "password": PASSWORD, "csrf_token": token})
        assert r.status_code == 403
    ok = TestClient(app, follow_redirects=False, cookies={COOKIE: made})
    assert ok.post("/login", data={"username": "staff", "password": PASSWORD,
                                   "csrf_token": token}).status_code == 303


def test_a_session_ends_after_its_absolute_lifetime_even_when_used(app, client):
    c = client("staff")
    assert c.get("/dashboard").status_code == 200
    session = app.state.portal.sessions.get(c.cookies.get(COOKIE))
    session.born -= app.state.portal.sessions.lifetime + 1
    assert c.get("/dashboard").status_code == 303


# -- §3.6 over-long names ---------------------------------------------------------------------
def test_an_over_long_name_is_refused_before_it_is_checked_kept_or_echoed(client, portal_store):
    r = sign_in(client(), "Z" * 500_000, "wrong-password-1")
    assert r.status_code == 400 and "不超过 64 个字符" in r.text
    assert "Z" * 65 not in r.text and len(r.text) < 20_000
    r = sign_in(client(), "坏\u202e名字", "wrong-password-1")
    assert r.status_code == 401
    actors = [a for (a,) in portal_store.db.execute(
        "SELECT actor FROM audit_log WHERE action = 'login-failed' ORDER BY seq")]
    assert actors == ["坏\ufffd名字"]


# -- §3.14 no-store on private answers ----------------------------------------------------------
def test_private_api_answers_and_downloads_are_not_cached(client, portal_store):
    staff = client("staff")
    for path in ("/api/v1/filings", "/board/export?period=2024-06&format=csv"):
        r = staff.get(path)
        assert r.status_code == 200 and r.headers.get("cache-control") == "no-store", path
    token = accounts.issue_token(portal_store, "staff", 1, actor="测试")
    r = client().get("/api/v1/filings", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.headers.get("cache-control") == "no-store"


# -- §3.15 look-alike names -------------------------------------------------------------------
@pytest.mark.parametrize("name, words", [
    ("\u0430dmin", "混用"),                  # Cyrillic а + Latin
    ("p\u0430yp\u0430l", "混用"),
    ("\u0430\u0441\u0435", "看起来"),         # all Cyrillic: reads as an existing 'ace'
    ("ADMIN", "看起来"), ("adm1n", "看起来"), ("stafl", None),
    ("ａｄｍｉｎ", "已存在"),                   # full-width: NFKC makes it admin
])
def test_look_alike_names_are_refused(portal_store, name, words):
    accounts.add(portal_store, "ace", "staff", PASSWORD, actor="测试", hasher=CHEAP)
    if words is None:
        accounts.add(portal_store, name, "staff", PASSWORD, actor="测试", hasher=CHEAP)
        return
    with pytest.raises(InputError, match=words):
        accounts.add(portal_store, name, "staff", PASSWORD, actor="测试", hasher=CHEAP)


@pytest.mark.parametrize("name", ["王会计", "云桥填报", "wang会计", "审核员-2", "user_01", "やまだ太郎"])
def test_chinese_and_plain_names_stay_valid(portal_store, name):
    accounts.add(portal_store, name, "staff", PASSWORD, actor="测试", hasher=CHEAP)
    assert portal_store.users.get(name).role == "staff"


def test_the_admin_page_refuses_a_look_alike_name_in_chinese(client, portal_store):
    c = client("admin")
    r = c.post("/admin/users", data={"name": "\u0430dmin", "role": "staff", "password": PASSWORD,
                                     "csrf_token": csrf_of(c.get("/admin/users").text)})
    assert r.status_code == 400 and "混用" in r.text
    assert portal_store.users.get("\u0430dmin") is None


# -- §3.16 guessable passwords ----------------------------------------------------------------
@pytest.mark.parametrize("name, password, words", [
    ("samename12", "samename12", "用户名"),
    ("xiaowang", "xiaowang-2024-mima", "用户名"),
    ("zhang", "1234567890", "太常见"),
    ("zhang", "password123", "太常见"),
    ("zhang", "qwertyuiop", "太常见"),
    ("zhang", "aaaaaaaaaaaa", "同一个字符"),
    ("zhang", "哈" * 30, "同一个字符"),
])
def test_guessable_passwords_are_refused(portal_store, name, password, words):
    with pytest.raises(InputError, match=words):
        accounts.add(portal_store, name, "staff", password, actor="测试")
    assert portal_store.users.get(name) is None


def test_the_admin_page_and_the_cli_refuse_a_common_password_alike(client, portal_store, tmp_path):
    c = client("admin")
    r = c.post("/admin/users", data={"name": "newone", "role": "staff", "password": "1234567890",
                                     "csrf_token": csrf_of(c.get("/admin/users").text)})
    assert r.status_code == 400 and "太常见" in r.text
    db = tmp_path / "cli.duckdb"
    r = run_cli("user", "add", "newone", "--role", "staff", "--password-stdin", "--db", str(db),
                input="1234567890\n")
    assert r.returncode == 2 and "太常见" in r.stderr


# -- §3.13 one token revoked ------------------------------------------------------------------
@pytest.mark.parametrize("portal_url", BACKENDS, indirect=True)
def test_one_api_token_is_listed_and_revoked_at_once_the_others_still_work(client, portal_store):
    first = accounts.issue_token(portal_store, "staff", 5, actor="测试")
    second = accounts.issue_token(portal_store, "staff", 5, actor="测试")
    c = client()
    for t in (first, second):
        assert c.get("/api/v1/filings", headers={"Authorization": f"Bearer {t}"}).status_code == 200
    listed = accounts.tokens(portal_store, "staff")
    assert len(listed) == 2 and all(t.last_used for t in listed)
    one = next(t for t in listed if accounts.token_hash(first).startswith(t.id))
    accounts.revoke_token(portal_store, "staff", one.id, actor="测试")
    assert c.get("/api/v1/filings", headers={"Authorization": f"Bearer {first}"}).status_code == 401
    assert c.get("/api/v1/filings", headers={"Authorization": f"Bearer {second}"}).status_code == 200
    audit = [json.loads(d) for (d,) in portal_store.db.execute(
        "SELECT detail FROM audit_log WHERE action = 'token-revoke' ORDER BY seq")]
    assert audit[-1] == {"user": "staff", "token": one.id}
    for user, wrong in (("staff", "ffffffff"), ("admin", one.id), ("staff", "")):
        with pytest.raises(InputError):
            accounts.revoke_token(portal_store, user, wrong, actor="测试")


def test_the_cli_lists_and_revokes_one_token(tmp_path):
    db = str(tmp_path / "t.duckdb")
    assert run_cli("user", "add", "ops", "--role", "staff", "--password-stdin", "--db", db,
                   input=PASSWORD + "\n").returncode == 0
    tokens = [run_cli("user", "token", "ops", "--days", "3", "--db", db).stdout.strip() for _ in range(2)]
    r = run_cli("user", "tokens", "ops", "--json", "--db", db)
    listed = json.loads(r.stdout)
    assert len(listed) == 2 and {t["status"] for t in listed} == {"valid"}
    gone = next(t["id"] for t in listed if accounts.token_hash(tokens[0]).startswith(t["id"]))
    r = run_cli("user", "revoke", "ops", gone, "--db", db)
    assert r.returncode == 0 and gone in r.stdout
    listed = {t["id"]: t["status"] for t in json.loads(run_cli("user", "tokens", "ops", "--json", "--db", db).stdout)}
    assert listed[gone] == "revoked" and list(listed.values()).count("valid") == 1
    r = run_cli("user", "revoke", "ops", "0000000", "--db", db)
    assert r.returncode == 2 and "没有" in r.stderr


def test_a_schema_4_store_gains_the_tokens_last_use(tmp_path):
    from shumao.store import connect
    from shumao.store.schema import SCHEMA_VERSION
    from tests.conftest import sql

    db = tmp_path / "old.duckdb"
    with connect(db) as s:
        accounts.add(s, "ops", "staff", PASSWORD, actor="测试", hasher=CHEAP)
        token = accounts.issue_token(s, "ops", 3, actor="测试")
        sql(s, "ALTER TABLE tokens DROP COLUMN last_used_at")
        sql(s, "UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    with connect(db) as s:
        assert sql(s, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
        assert accounts.tokens(s, "ops")[0].last_used is None
        assert s.users.token_user(accounts.token_hash(token)).name == "ops"
        assert accounts.tokens(s, "ops")[0].last_used is not None
