"""Filing at the same moment, on every backend (store.filings: a transition's checks run
inside its transaction).  Before, the edit checks ran on a snapshot taken before the
submission's transaction: eight identical executions submitted at once were all taken
although each is a possible duplicate of the others, and executions of one contract
submitted at once exceeded it without the quasi-hard check asking anyone why.  A month the
admin locks takes nothing written after the lock.  And ``filings.ledger`` sees a store
whose filing history, status and audit log disagree."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from shumao.errors import ConflictError
from shumao.filing import ledger, service, windows
from shumao.filing.service import ChecksFailed
from tests.support.records import set_status

MONTH = dt.date(2024, 12, 1)
N = 8


@pytest.fixture
def city(sample_store):
    windows.set_window(sample_store, MONTH, locked=False, actor="测试")
    return sample_store, sample_store.records.enterprises()[0]["enterprise_id"]


def _contract(store, eid, cid: str, amount: str) -> int:
    fid = service.create(store, "contracts", {"contract_id": cid, "signed_on": "2024-12-01",
                                              "client_country": "日本", "category": "ITO",
                                              "amount": amount}, eid, "测试")
    service.submit(store, fid, {}, "测试")
    return fid


def _execution(store, eid, cid: str, xid: str, day: int, amount: str = "100") -> int:
    return service.create(store, "executions", {"execution_id": xid, "contract_id": cid,
                                                "executed_on": f"2024-12-{day:02d}",
                                                "amount": amount}, eid, "测试")


def _at_once(fn, args: list) -> list:
    """``fn(arg)`` in one thread each, released together; each one's result or exception."""
    barrier = threading.Barrier(len(args))
    out: list = [None] * len(args)

    def run(i, arg):
        barrier.wait()
        try:
            out[i] = fn(arg)
        except Exception as e:  # noqa: BLE001 — the refusal is the result
            out[i] = e

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(args)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def _submitted_in_order(store, prefix: str) -> list[str]:
    rows = store.db.execute("SELECT record_id FROM status_history WHERE kind = 'executions' "
                          "AND record_id LIKE ? AND new_status = 'submitted' ORDER BY seq",
                          [prefix + "%"])
    return [r[0] for r in rows]


def test_identical_executions_submitted_at_once_take_one_and_ask_about_the_rest(city):
    store, eid = city
    _contract(store, eid, "CC-1", "100000")
    ids = [_execution(store, eid, "CC-1", f"CC-1-X{i}", 5) for i in range(N)]
    results = _at_once(lambda fid: service.submit(store, fid, {}, "测试"), ids)
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(_submitted_in_order(store, "CC-1-X")) == 1
    assert len(refused) == N - 1 and all(isinstance(r, ChecksFailed) for r in refused)
    assert all([c.code for c in r.results if c.blocks] == ["possible-duplicate"] for r in refused)
    assert sorted(store.filings.get(f)["status"] for f in ids) == ["draft"] * (N - 1) + ["submitted"]


def test_executions_submitted_at_once_are_each_checked_against_the_contract_as_it_stands(city):
    store, eid = city
    _contract(store, eid, "CC-2", "400")                   # room for four executions of 100
    ids = [_execution(store, eid, "CC-2", f"CC-2-X{i}", 2 + i) for i in range(N)]
    results = _at_once(lambda fid: service.submit(store, fid, {}, "测试"), ids)
    taken = _submitted_in_order(store, "CC-2-X")
    # replayed in the order they were written, none exceeded the contract when it was checked
    # (the running total by execution date, as the check defines it)
    for i, xid in enumerate(taken):
        running = 100 * (1 + sum(1 for earlier in taken[:i] if earlier < xid))
        assert running <= 400, (xid, taken)
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(taken) + len(refused) == N and all(isinstance(r, ChecksFailed) for r in refused)
    assert all("exceeds-contract" in {c.code for c in r.results if c.blocks} for r in refused)


def test_a_locked_month_takes_nothing_written_after_the_lock(city):
    store, eid = city
    stop = threading.Event()
    made: list[int] = []
    refused: list[Exception] = []

    def filer(k: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                made.append(service.create(store, "contracts", {
                    "contract_id": f"LK-{k}-{n}", "signed_on": "2024-12-03",
                    "client_country": "日本", "category": "ITO", "amount": "1000"}, eid, "测试"))
            except ConflictError as e:
                refused.append(e)

    threads = [threading.Thread(target=filer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    while len(made) < 8:
        threading.Event().wait(0.01)
    windows.set_window(store, MONTH, locked=True, actor="测试")
    threading.Event().wait(0.3)
    stop.set()
    for t in threads:
        t.join()
    log = list(reversed(store.audit.latest(10_000)))
    lock = next(e["seq"] for e in log if e["action"] == "window-set" and e["detail"]["locked"])
    created = [e["seq"] for e in log if e["action"] == "filing-create"]
    assert created and refused, "the filers ran on both sides of the lock"
    assert max(created) < lock
    assert all("锁定" in str(e) for e in refused)


# -- the ledger ------------------------------------------------------------------------------
def test_the_ledger_of_a_whole_cycle_holds_and_a_tampered_one_does_not(city):
    store, eid = city
    c = _contract(store, eid, "LG-1", "5000")
    x = _execution(store, eid, "LG-1", "LG-1-X1", 5, "1000")
    service.submit(store, x, {}, "测试")
    service.review(store, x, "return", "请核对", "审核")
    service.edit(store, x, {"contract_id": "LG-1", "executed_on": "2024-12-06", "amount": "900"}, "测试")
    service.submit(store, x, {}, "测试")
    service.review(store, x, "approve", None, "审核")
    service.review(store, c, "approve", None, "审核")
    _execution(store, eid, "LG-1", "LG-1-X2", 7)
    whole = ledger.Ledger.of(store.filings.ledger())
    assert ledger.problems(whole) == []
    assert whole.status == {("contracts", "LG-1"): "approved", ("executions", "LG-1-X1"): "approved",
                            ("executions", "LG-1-X2"): "draft"}
    assert ledger.transitions_of(whole.history[("executions", "LG-1-X1")]) == {
        "filing-create": 1, "filing-submit": 2, "filing-return": 1, "filing-edit": 1,
        "filing-approve": 1}

    store.audit.append("测试", "filing-submit", {"id": x})              # an entry without its transition
    set_status(store, "executions", "LG-1-X2", "submitted", "测试")   # a transition without its entry
    store.audit.append("测试", "filing-approve", {"id": 999})            # about no filing at all
    found = ledger.problems(ledger.Ledger.of(store.filings.ledger()))
    assert len(found) == 3, found
    assert any("LG-1-X1" in p and "审计" in p for p in found)
    assert any("LG-1-X2" in p and "审计" in p for p in found)
    assert any("999" in p or "不对应任何填报" in p for p in found)
