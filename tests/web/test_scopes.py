"""Every role × every scoped resource, from the one table of row scopes (access/scopes.py),
the way test_permissions.py walks the route table: for each account, which of two
enterprises in two districts it sees — in the lists (the query's filter) and one object at
a time (the 404 check) — filings, enterprises and rows of the status board alike.  A role
or a resource added to the data without a case here fails the first test."""

from __future__ import annotations

import datetime as dt

import pytest

from shumao.access import accounts
from shumao.access.roles import ROLES
from shumao.access.rules import RULES
from shumao.access.scopes import RESOURCES, SCOPES, scope
from shumao.filing import board, windows
from shumao.web.access import COOKIE
from tests.web.conftest import CHEAP, PASSWORD

MONTH = dt.date(2024, 12, 1)
BOTH = frozenset({"first", "second"})
# account → (its role, which of the two enterprises it sees); 'reviewer-all' is a reviewer
# whose account names no district (it sees every one), made by the fixture below
ACCOUNTS = {
    "admin": ("admin", BOTH),
    "staff": ("staff", BOTH),
    "reviewer": ("reviewer", frozenset({"first"})),
    "reviewer2": ("reviewer", frozenset({"second"})),
    "reviewer-all": ("reviewer", BOTH),
    "enterprise": ("enterprise", frozenset({"first"})),
    "other": ("enterprise", frozenset({"second"})),
}


@pytest.fixture
def scoped(portal_store, client, app):
    """The store with a reviewer without a district and one submitted filing of each of the
    two enterprises; returns (store, signed-in client maker, {first/second: filing id})."""
    store = portal_store
    accounts.add(store, "reviewer-all", "reviewer", PASSWORD, actor="测试", hasher=CHEAP)
    windows.set_window(store, MONTH, locked=False, actor="测试")

    def user(name):
        c = client(name)
        c.headers["X-CSRF-Token"] = app.state.portal.sessions.get(c.cookies.get(COOKIE)).csrf
        return c

    ids = {}
    for key, clerk in (("first", "enterprise"), ("second", "other")):
        c = user(clerk)
        r = c.post("/api/v1/filings", json={
            "kind": "contract", "contract_id": f"SCOPE-{key.upper()}", "signed_on": "2024-12-02",
            "client_country": "日本", "category": "信息技术外包", "amount": "1000"})
        assert r.status_code == 201, r.text
        ids[key] = r.json()["id"]
        r = c.post(f"/api/v1/filings/{ids[key]}/submit",
                   json={"explanations": {"unusual-amount": "本月新签合同，金额属实，已核对"}})
        assert r.status_code == 200, r.text
    return store, user, ids


def _refused(r, route: str) -> None:
    assert r.status_code == (404 if RULES[route].hide else 403), r.text[:200]


def _filing(store, user, ids, name, sees):
    facts, c, role = store.facts, user(name), ACCOUNTS[name][0]
    listed = {f["enterprise_id"] for f in c.get("/api/v1/filings").json()}
    assert listed & {facts["first"], facts["second"]} == {facts[k] for k in sees}
    page = c.get("/filings").text
    for key, fid in ids.items():
        assert (f"SCOPE-{key.upper()}" in page) == (key in sees)
        for path in (f"/api/v1/filings/{fid}", f"/filings/{fid}"):
            assert c.get(path).status_code == (200 if key in sees else 404), path
    if role in RULES["api_review_queue"].roles:
        queued = {f["id"] for f in c.get("/api/v1/review/queue").json()}
        assert queued & set(ids.values()) == {ids[k] for k in sees}
        queue_page = c.get("/review").text
        for key, fid in ids.items():
            assert (f"SCOPE-{key.upper()}" in queue_page) == (key in sees)
            assert c.get(f"/review/{fid}").status_code == (200 if key in sees else 404)
    else:
        _refused(c.get("/api/v1/review/queue"), "api_review_queue")
        _refused(c.get(f"/review/{ids['first']}"), "review_page")


def _enterprise(store, user, ids, name, sees):
    facts, c, role = store.facts, user(name), ACCOUNTS[name][0]
    for key in BOTH:
        r = c.get(f"/api/v1/enterprises/{facts[key]}/records")
        assert r.status_code == (200 if key in sees else 404), r.text[:200]
    r = c.get("/members")
    if role in RULES["members"].roles:
        for key in BOTH:
            assert (facts[key] in r.text) == (key in sees)
    else:
        _refused(r, "members")


def _board_row(store, user, ids, name, sees):
    facts, c, role = store.facts, user(name), ACCOUNTS[name][0]
    you = scope(store.users.get(name))
    for row in board.build(store, MONTH).rows:       # the object check, one row at a time
        if row.enterprise_id in (facts["first"], facts["second"]):
            key = "first" if row.enterprise_id == facts["first"] else "second"
            assert you.admits(row) == (key in sees)
    export = c.get("/board/export", params={"period": "2024-12", "format": "csv"})
    page = c.get("/board", params={"period": "2024-12"})
    if role in RULES["board"].roles:
        for key in BOTH:
            assert (facts[key] in export.text) == (key in sees)
            assert (facts[key] in page.text) == (key in sees)
    else:
        _refused(export, "board_export")
        _refused(page, "board")


CASES = {"filing": _filing, "enterprise": _enterprise, "board row": _board_row}


def test_every_role_and_resource_of_the_scopes_has_a_case():
    assert set(SCOPES) == set(ROLES) == {role for role, _ in ACCOUNTS.values()}
    assert set(CASES) == set(RESOURCES)
    for role, s in SCOPES.items():           # a scope that opens up when unset is walked unset
        if s.all_if_unset:
            assert any(r == role and sees == BOTH for r, sees in ACCOUNTS.values()), role


def test_a_scope_admits_what_it_filters(scoped):
    """The data itself: each account's scope against the two enterprises, and nobody's."""
    store, _, _ = scoped
    ents = {k: store.records.enterprise(store.facts[k]) for k in BOTH}
    for name, (role, sees) in ACCOUNTS.items():
        user = store.users.get(name)
        assert user is not None and user.role == role
        s = scope(user)
        for key, ent in ents.items():
            assert s.admits(ent) == (key in sees), (name, key)
        assert len(store.filings.find(**s.filter())) == len(
            [f for f in store.filings.find() if s.admits(f)]), name
    nobody = scope(None)
    assert not any(nobody.admits(e) for e in ents.values())
    assert store.filings.find(**nobody.filter()) == []


@pytest.mark.parametrize("resource", RESOURCES)
def test_each_account_sees_its_scope_in_lists_and_objects(resource, scoped):
    store, user, ids = scoped
    for name, (_, sees) in ACCOUNTS.items():
        try:
            CASES[resource](store, user, ids, name, sees)
        except AssertionError as e:
            raise AssertionError(f"{resource} as {name}: {e}") from e
