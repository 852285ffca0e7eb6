"""Issue 23, target 3: after an approval the figures the dashboard opens on are computed again
in the background (web/refresh.py, figures.warm), so the next view is served from the shared
cache — equal to a fresh computation, never an older generation's; a burst of approvals is
one more run, a change during a run a second one; the thread stops with the app; and on a
DuckDB file the portal still lets go of it when idle.

Each test counts where ``build_report`` ran (the worker's thread or a request's), never a time."""

from __future__ import annotations

import datetime as dt
import threading

import httpx
import pytest
from fastapi.testclient import TestClient

from shumao.bench.filing_load import EXPLAIN
from shumao.filing import service, windows
from shumao.model.periods import Period
from shumao.publication import vintages
from shumao.report import service as report_service
from shumao.report.data import as_dict
from shumao.report.settings import ReportSettings
from shumao.web import figures
from shumao.web.access import COOKIE
from shumao.web.refresh import THREAD_NAME
from tests.conftest import BACKENDS
from tests.web.conftest import sign_in
from tests.web.test_cli_beside_portal import shumao

MONTH = dt.date(2024, 12, 1)         # the sample city's last month: where the dashboard opens
WORKER = THREAD_NAME


@pytest.fixture
def store(portal_store):
    windows.set_window(portal_store, MONTH, locked=False, actor="测试")
    return portal_store


def submitted(store, n: int, start: int = 0) -> list[int]:
    """``n`` contracts of the first enterprise in December 2024, submitted."""
    eid = store.facts["first"]
    ids = []
    for i in range(start, start + n):
        fid = service.create(store, "contracts", {
            "contract_id": f"RF-C{i:03d}", "signed_on": "2024-12-03", "client_country": "日本",
            "category": "ITO", "amount": f"{200_000 + 1_000 * i}.00"}, eid, "enterprise", "api")
        service.submit(store, fid, EXPLAIN, "enterprise")
        ids.append(fid)
    return ids


class Builds:
    """``build_report`` counted by the thread it ran in; ``gate`` (when set up) holds the
    worker's first computation until released, ``entered`` says it got there."""

    def __init__(self, monkeypatch, hold: bool = False):
        self.real = report_service.build_report
        self.threads: list[str] = []
        self.entered, self.gate = threading.Event(), threading.Event()
        if not hold:
            self.gate.set()
        monkeypatch.setattr(report_service, "build_report", self)

    def __call__(self, *args, **kw):
        name = threading.current_thread().name
        self.threads.append(name)
        if name == WORKER and not self.gate.is_set():
            self.entered.set()
            assert self.gate.wait(60), "the test never let the worker go on"
        return self.real(*args, **kw)

    def requests(self) -> int:
        return sum(t != WORKER for t in self.threads)


@pytest.fixture
def portal_app(store):
    from shumao.web.app import create_app

    app = create_app(store)
    with TestClient(app, follow_redirects=False):   # startup: the worker runs
        yield app


def signed(app, name: str) -> TestClient:
    c = TestClient(app, follow_redirects=False)          # no lifespan of its own
    assert sign_in(c, name).status_code == 303
    c.headers["X-CSRF-Token"] = app.state.portal.sessions.get(c.cookies.get(COOKIE)).csrf
    return c


def approve(reviewer: TestClient, fid: int) -> None:
    r = reviewer.post(f"/api/v1/review/{fid}", json={"decision": "approve"})
    assert r.status_code == 200 and r.json()["status"] == "approved", r.text


def shown_now(portal):
    """The dashboard's default report as the shared cache holds it now, and a fresh one."""
    p = Period(MONTH.year, MONTH.month, MONTH.month)
    s = figures.settings(portal, None, None)
    return as_dict(figures.report(portal, p, s)), as_dict(report_service.build_report.real(portal.store, p, s))


@pytest.mark.parametrize("portal_url", BACKENDS, indirect=True)
def test_after_an_approval_the_dashboard_is_served_from_the_figures_computed_in_the_background(
        store, monkeypatch):
    from shumao.web.app import create_app

    fid, = submitted(store, 1)
    vintages.freeze(store, "2024-06", ReportSettings(), actor="staff")   # the newest published period
    portal_app = create_app(store)
    with TestClient(portal_app):                     # its lifespan: the worker runs
        _served_from_the_background(store, portal_app, fid, monkeypatch)


def _served_from_the_background(store, portal_app, fid, monkeypatch):
    portal = portal_app.state.portal
    reviewer, staff = signed(portal_app, "reviewer"), signed(portal_app, "staff")
    before = staff.get("/api/v1/report", params={"period": "2024-12"}).json()["figures"]
    assert portal.refresher.settled(60)
    builds = Builds(monkeypatch)
    runs = portal.refresher.finished

    approve(reviewer, fid)
    assert portal.refresher.settled(60)
    assert portal.refresher.finished == runs + 1
    assert builds.threads and set(builds.threads) == {WORKER}      # the latest month and the others

    page = staff.get("/dashboard")
    assert page.status_code == 200 and "2024年12月" in page.text
    r = staff.get("/api/v1/report", params={"period": "2024-12", "format": "json"})
    assert builds.requests() == 0                   # neither computed anything: both from the cache
    # the quick choices (本季度, 今年以来, 上年全年) and the newest published period too
    asked = [c.period.short() for c in figures.choices(figures.months(portal))] + ["2024-06"]
    assert len(set(asked)) == 5
    for period in asked:
        assert staff.get("/dashboard", params={"period": period}).status_code == 200
        assert staff.get("/report", params={"period": period}).status_code == 200
    assert builds.requests() == 0
    after = r.json()["figures"]
    assert after["signed_total"]["current_cents"] - before["signed_total"]["current_cents"] == 20_000_000
    cached, fresh = shown_now(portal)
    assert cached == fresh                           # exactly what a computation now gives


@pytest.mark.parametrize("more", [1, 9])
def test_changes_during_a_run_make_one_more_run_on_the_newest_generation(
        store, portal_app, monkeypatch, more):
    first, *rest = submitted(store, 1 + more)
    portal = portal_app.state.portal
    reviewer, staff = signed(portal_app, "reviewer"), signed(portal_app, "staff")
    assert portal.refresher.settled(60)
    builds = Builds(monkeypatch, hold=True)
    runs, finished = portal.refresher.runs, portal.refresher.finished

    approve(reviewer, first)
    assert builds.entered.wait(60)                   # the worker is in the middle of its run
    for fid in rest:                                 # answered at once, the run still held
        approve(reviewer, fid)
    assert not builds.gate.is_set() and portal.refresher.runs == runs + 1
    builds.gate.set()
    assert portal.refresher.settled(60)
    # the held run stops at its next step; one more run for all the approvals since, not one each
    assert portal.refresher.runs == runs + 2 and portal.refresher.finished == finished + 1
    n = len(builds.threads)
    assert staff.get("/dashboard").status_code == 200
    assert len(builds.threads) == n and builds.requests() == 0
    cached, fresh = shown_now(portal)
    assert cached == fresh
    assert fresh["figures"]["signed_total"]["current_cents"] > 0


def test_a_view_before_the_run_reaches_its_period_never_gets_an_older_generation(
        store, portal_app, monkeypatch):
    fid, = submitted(store, 1)
    portal = portal_app.state.portal
    reviewer, staff = signed(portal_app, "reviewer"), signed(portal_app, "staff")
    old = staff.get("/api/v1/report", params={"period": "2024-12"}).json()["figures"]
    assert portal.refresher.settled(60)
    builds = Builds(monkeypatch, hold=True)
    approve(reviewer, fid)
    assert builds.entered.wait(60)                   # the worker holds the latest month's report
    seen: list = []
    asking = threading.Thread(target=lambda: seen.append(
        staff.get("/api/v1/report", params={"period": "2024-12"}).json()["figures"]))
    asking.start()
    asking.join(1)
    assert asking.is_alive() and not seen           # it waits for the computation in flight
    builds.gate.set()
    asking.join(60)
    assert seen[0]["signed_total"]["current_cents"] == old["signed_total"]["current_cents"] + 20_000_000
    assert builds.requests() == 0
    assert portal.refresher.settled(60)


@pytest.mark.parametrize("portal_url", BACKENDS, indirect=True)
def test_the_worker_stops_with_the_app_and_listens_no_more(store, monkeypatch):
    from shumao.web.app import create_app

    ids = submitted(store, 2)
    app = create_app(store)
    refresher = app.state.portal.refresher
    with TestClient(app, follow_redirects=False):
        assert refresher.running
        approve(signed(app, "reviewer"), ids[0])
        # stopped in the middle of a run, too: after the step it is in
    assert not refresher.running
    assert not [t for t in threading.enumerate() if t.name == WORKER]
    runs = refresher.runs
    service.review(store, ids[1], "approve", None, "reviewer")     # a change after the app stopped
    assert refresher.runs == runs and not refresher.running
    assert not [t for t in threading.enumerate() if t.name == WORKER]


def test_a_failing_run_is_logged_and_the_next_change_runs_again(store, portal_app, monkeypatch, caplog):
    ids = submitted(store, 2)
    portal = portal_app.state.portal
    reviewer = signed(portal_app, "reviewer")
    assert portal.refresher.settled(60)
    real = report_service.build_report

    def broken(*a, **kw):
        raise RuntimeError("坏了")
    monkeypatch.setattr(report_service, "build_report", broken)
    finished = portal.refresher.finished
    approve(reviewer, ids[0])
    assert portal.refresher.settled(60) and portal.refresher.finished == finished
    assert "recomputing the pages' figures after a change failed" in caplog.text
    monkeypatch.setattr(report_service, "build_report", real)
    approve(reviewer, ids[1])
    assert portal.refresher.settled(60) and portal.refresher.finished == finished + 1
    assert portal.refresher.running


# -- a live portal on a DuckDB file: the worker does not keep the file --------------------------
@pytest.fixture
def made():
    return {}


@pytest.fixture
def live_setup(made):
    def setup(store, facts):
        from shumao.access import accounts

        windows.set_window(store, MONTH, locked=False, actor="测试")
        store.facts = facts
        made["ids"] = submitted(store, 1)
        made["token"] = accounts.issue_token(store, "reviewer", 1, actor="测试")
    return setup


@pytest.mark.parametrize("live", [pytest.param("duckdb", marks=pytest.mark.duckdb)], indirect=True)
def test_after_an_approval_and_its_recompute_the_portal_lets_go_of_the_duckdb_file(live, made):
    with httpx.Client(base_url=live.url, headers={"Authorization": f"Bearer {made['token']}"},
                      timeout=60) as api:
        r = api.post(f"/api/v1/review/{made['ids'][0]}", json={"decision": "approve"})
        assert r.status_code == 200, r.text
    # the command waits for the file (SHUMAO_LOCK_WAIT 20 s): the portal lets go once idle
    status = shumao(live, "status", "--json")
    assert '"contracts"' in status.stdout


@pytest.mark.parametrize("portal_url", BACKENDS, indirect=True)
def test_the_store_tells_its_listeners_of_a_committed_change_only(store):
    told: list[int] = []
    stop = store.db.on_change(lambda: told.append(store.generation()))
    fid, = submitted(store, 1)                      # a draft and its submission: two changes
    assert len(told) == 2
    with pytest.raises(RuntimeError), store.db.write():
        store.db.changed()                          # as schema.bump does
        raise RuntimeError("rolled back")
    store.organisation.get()
    assert len(told) == 2                           # a rollback tells no one
    service.review(store, fid, "approve", None, "reviewer")
    assert told[-1] == store.generation() and len(told) == 3     # told after the commit: seen
    stop()
    service.review(store, submitted(store, 1, start=1)[0], "approve", None, "reviewer")
    assert len(told) == 3
