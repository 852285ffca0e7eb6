"""Statements per filing transition through the API, counted (issue 23, filing under load):
under load every transition waits for the writer, so what a request costs is how many
statements it sends and how many of them run while it holds the writer.  Counting is
deterministic, so the counts are pinned here; a change that adds a statement to a
transition has to say so by changing them.  Throughput itself is ``shumao bench filings``'s,
never asserted.

Before issue 23 (DuckDB, the same requests): create a contract 20, submit it 24, create an
execution 21, submit it 26, approve 20, return 17 — the filing read in full four times a
submission, the checks' history one query at a time, the token and its user apart."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from fastapi.testclient import TestClient

from shumao.access import accounts
from shumao.filing import windows
from shumao.web.refresh import THREAD_NAME as REFRESH_THREAD
from tests.conftest import BACKENDS

MONTH = dt.date(2024, 12, 1)
EXPLAINED = {"explanations": {"unusual-amount": "已核实", "possible-duplicate": "不是重复",
                              "exceeds-contract": "合同已追加"}}
# statements of each request (API answer included); on PostgreSQL each write takes the
# advisory lock too (one more), and a transition's writes go in one round trip
COUNTS = {"create contract": 16, "submit contract": 14, "create execution": 17,
          "submit execution": 15, "approve": 12, "return": 12}
WRITES_PIPELINED = {"create contract": 5, "submit contract": 5, "create execution": 5,
                    "submit execution": 5, "approve": 5, "return": 5}


def background() -> bool:
    return threading.current_thread().name == REFRESH_THREAD


class Counted:
    """Every statement the store's backend is asked to run for the requests, one by one (a
    pipelined batch counts its statements), and the round trips they took — not the portal's
    background recompute after a change (web/refresh.py), which runs beside them when it will."""

    def __init__(self, store):
        self.db, self.statements, self.trips = store.db, [], 0
        execute, arrow, run_all = self.db.execute, self.db.arrow, self.db.run_all
        piped = store.backend == "postgres"

        def counted_execute(sql, params=()):
            if not background():
                self.statements.append(sql)
                self.trips += 1
            return execute(sql, params)

        def counted_arrow(sql, params, schema_):
            if not background():
                self.statements.append(sql)
                self.trips += 1
            return arrow(sql, params, schema_)

        def counted_run_all(statements):
            if piped and len(statements) > 1 and not background():   # one round trip; execute is not called
                self.statements += [sql for sql, _ in statements]
                self.trips += 1
            return run_all(statements)

        self.db.execute, self.db.arrow, self.db.run_all = counted_execute, counted_arrow, counted_run_all

    def reset(self) -> None:
        self.statements, self.trips = [], 0


@pytest.fixture(params=BACKENDS)
def filing_api(request, tmp_path, templates):
    from shumao.store import connect
    from shumao.web.app import create_app
    from tests.conftest import copy_of
    from tests.support.portal import load_portal

    url = copy_of(request, templates, "portal", request.param, load_portal, tmp_path)
    with connect(url) as store:
        windows.set_window(store, MONTH, locked=False, actor="测试")
        tokens = {name: accounts.issue_token(store, name, 1, actor="测试")
                  for name in ("enterprise", "reviewer")}
        with TestClient(create_app(store)) as c:
            clients = {}
            for name, token in tokens.items():
                clients[name] = {"Authorization": f"Bearer {token}"}
                # the token's first use notes when it was used: not a transition's statement
                assert c.get("/api/v1/filings", headers=clients[name]).status_code == 200
            yield store, c, clients


def test_each_transition_sends_its_pinned_statements_and_writes_in_one_round_trip(filing_api):
    store, c, who = filing_api
    counted = Counted(store)
    pg = store.backend == "postgres"
    seen: dict[str, tuple[int, int]] = {}

    def call(name: str, path: str, body: dict, as_: str = "enterprise") -> dict:
        counted.reset()
        r = c.post(path, json=body, headers=who[as_])
        assert r.status_code in (200, 201), r.text
        seen[name] = (len(counted.statements), counted.trips)
        return r.json()

    f = call("create contract", "/api/v1/filings", {
        "kind": "contract", "contract_id": "ST-C1", "signed_on": "2024-12-02",
        "client_country": "日本", "category": "信息技术外包", "amount": "500000"})
    call("submit contract", f"/api/v1/filings/{f['id']}/submit", EXPLAINED)
    x = call("create execution", "/api/v1/filings", {
        "kind": "execution", "execution_id": "ST-X1", "contract_id": "ST-C1",
        "executed_on": "2024-12-05", "amount": "1000"})
    call("submit execution", f"/api/v1/filings/{x['id']}/submit", EXPLAINED)
    call("approve", f"/api/v1/review/{f['id']}", {"decision": "approve"}, "reviewer")
    call("return", f"/api/v1/review/{x['id']}", {"decision": "return", "comment": "请补充说明"},
         "reviewer")
    lock = 1 if pg else 0                         # pg_advisory_xact_lock, once per write
    assert {k: n for k, (n, _) in seen.items()} == {k: n + lock for k, n in COUNTS.items()}
    if pg:
        assert {k: t for k, (_, t) in seen.items()} == {
            k: n + lock - WRITES_PIPELINED[k] + 1 for k, n in COUNTS.items()}
    # the transitions did what they always did: the ledger holds
    from shumao.filing import ledger

    assert ledger.problems(ledger.Ledger.of(store.filings.ledger())) == []
    assert [h["to"] for h in store.filings.history("executions", "ST-X1")] == ["draft", "submitted", "returned"]


def test_a_refused_submission_writes_nothing_and_says_why_in_chinese(filing_api):
    """The checks run inside the write as before: a conflict (already submitted) is a 409
    in Chinese, and neither it nor a blocked submission leaves a history row or audit entry."""
    store, c, who = filing_api
    f = c.post("/api/v1/filings", headers=who["enterprise"], json={
        "kind": "contract", "contract_id": "ST-C2", "signed_on": "2024-12-02",
        "client_country": "日本", "category": "信息技术外包", "amount": "500000"}).json()
    assert c.post(f"/api/v1/filings/{f['id']}/submit", json=EXPLAINED,
                  headers=who["enterprise"]).status_code == 200
    audit = store.audit.latest(1000)
    history = store.filings.history("contracts", "ST-C2")
    r = c.post(f"/api/v1/filings/{f['id']}/submit", json=EXPLAINED, headers=who["enterprise"])
    assert r.status_code == 409
    assert r.json()["error"]["message"] == "该记录已提交，正在等待审核"
    x = c.post("/api/v1/filings", headers=who["enterprise"], json={
        "kind": "execution", "execution_id": "ST-X2", "contract_id": "ST-C2",
        "executed_on": "2024-12-05", "amount": "900000"}).json()
    r = c.post(f"/api/v1/filings/{x['id']}/submit", json={}, headers=who["enterprise"])
    assert r.status_code == 422 and r.json()["error"]["code"] == "checks-failed"
    assert "exceeds-contract" in {k["code"] for k in r.json()["error"]["checks"]}
    assert store.filings.history("contracts", "ST-C2") == history
    assert [h["to"] for h in store.filings.history("executions", "ST-X2")] == ["draft"]
    assert [e for e in store.audit.latest(1000) if e["action"] == "filing-submit"] == \
        [e for e in audit if e["action"] == "filing-submit"]
