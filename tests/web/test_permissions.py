"""Every route × every role, from the one table (web.md: "a test walks all routes × all
roles from that table, so a route without a declared permission fails the suite")."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from shumao.access.rules import ANONYMOUS, RULES
from shumao.web.access import COOKIE
from shumao.web.app import routes
from tests.web.conftest import csrf_of, sign_in

# anonymous and a disabled account first, then each role
WHO = {None: ANONYMOUS, "gone": ANONYMOUS, "admin": "admin", "staff": "staff",
       "reviewer": "reviewer", "enterprise": "enterprise"}
MISSING = 987654     # ids that exist nowhere: a route's own 404 stays distinguishable by role


def _path(template: str, facts: dict) -> str:
    values = {"figure": "exec_total", "credit_code": facts["first"], "name": "gone",
              "fmt": "pdf", "check_id": "none", "id": str(MISSING),
              "filing_id": str(MISSING), "period": "2024-06"}
    return re.sub(r"{(\w+)(:\w+)?}", lambda m: values.get(m.group(1), "x"), template)


def _client(app, name: str | None) -> tuple[TestClient, str]:
    c = TestClient(app, follow_redirects=False)
    if name is None:
        return c, csrf_of(c.get("/login").text)
    r = sign_in(c, name)
    if name == "gone":
        assert r.status_code == 401
        return c, csrf_of(r.text)
    assert r.status_code == 303
    return c, app.state.portal.sessions.get(c.cookies.get(COOKIE)).csrf


def test_every_route_has_a_rule_and_every_rule_a_route():
    names = [r.name for r in routes()]
    assert len(names) == len(set(names)), "two routes share a name"
    assert set(names) == set(RULES)


@pytest.mark.parametrize("route", routes(), ids=lambda r: r.name)
def test_route_answers_each_role_as_the_table_says(route, app, portal_store):
    rule = RULES[route.name]
    path = _path(route.path, portal_store.facts)
    for name, role in WHO.items():
        for method in sorted(route.methods - {"HEAD"}):
            c, token = _client(app, name)
            data = {"csrf_token": token} if method != "GET" else None
            if route.name in ("login", "logout"):
                continue     # exercised in test_signin.py
            r = c.request(method, path, data=data)
            where = f"{method} {path} as {name or 'anonymous'}: {r.status_code} {r.text[:200]}"
            if role in rule.roles:
                assert r.status_code not in (401, 403), where
                assert not r.headers.get("location", "").startswith("/login"), where
            elif role == ANONYMOUS:
                if path.startswith("/api/"):
                    assert r.status_code == 401, where
                    assert r.json()["error"]["code"] == "sign-in-required"
                else:
                    assert r.status_code == 303 and r.headers["location"].startswith("/login"), where
            else:
                assert r.status_code == (404 if rule.hide else 403), where
                if path.startswith("/api/"):
                    assert set(r.json()) == {"error"}, where
