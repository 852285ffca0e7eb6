"""The portal under test: a sample-city store with one account per role (plus a second
enterprise and a disabled user), signed-in ``TestClient``s for the in-process tests, and a
live ``shumao serve`` process on loopback for the browser tests.
The portal store and its accounts are tests/support/portal.py's, built once per backend per
session and copied for each test (``portal_store`` in tests/conftest.py)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from shumao.bench import harness
from shumao.store import connect
from tests.conftest import BACKENDS, copy_of
from tests.support.portal import CHEAP, PASSWORD, add_accounts, load_portal  # noqa: F401  (tests import them from here)


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def sign_in(client, name: str, password: str = PASSWORD):
    """Sign in through the form, as a browser does; returns the response to POST /login."""
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"username": name, "password": password, "csrf_token": token})


@pytest.fixture
def app(portal_store):
    from shumao.web.app import create_app

    return create_app(portal_store)


@pytest.fixture
def client(app):
    """``client(role)``: a TestClient signed in as that account (None: anonymous)."""
    made = []

    def make(name: str | None = None) -> TestClient:
        c = TestClient(app, follow_redirects=False)
        c.__enter__()
        made.append(c)
        if name:
            r = sign_in(c, name)
            assert r.status_code == 303, r.text
        return c

    yield make
    for c in made:
        c.__exit__(None, None, None)


class LiveServer:
    """``shumao serve`` as its own process on 127.0.0.1 (stopped at the end), started and waited
    for as the benchmarks do (shumao.bench.harness), its output in ``log``."""

    def __init__(self, db: str, log: Path):
        self.db = db
        self.port = harness.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.proc = harness.start_server(db, self.port, log.open("w"), subprocess.STDOUT)
        try:
            harness.wait_for(self.url, self.proc)
        except RuntimeError as e:
            self.stop()
            raise RuntimeError(f"{e}\n{log.read_text()}") from None

    def memory(self, field: str = "VmHWM") -> int:
        """The server process's memory in bytes as /proc says it: VmHWM is its peak resident
        set so far, VmRSS the present one."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) << 10
        raise LookupError(field)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture
def live_setup():
    """What a test module does to the store before its live server starts (DuckDB lets one
    process open the file, so after that the test speaks only HTTP): a module overrides this
    fixture with a function of (store, facts).  Nothing by default."""
    return None


ON_DUCKDB = pytest.mark.parametrize("live", [BACKENDS[0]], indirect=True)
"""For tests of what a page shows and does in a browser, and of limits that do not touch the
store: the API tests run every route on both backends, so these run on DuckDB (the demo's
store) alone, and one staff walk (test_browser) on PostgreSQL too."""


@pytest.fixture(params=BACKENDS)
def live(request, tmp_path, templates, live_setup):
    """A live portal over a copy of the portal store on each backend; ``.facts`` as in
    portal_store."""
    db = copy_of(request, templates, "portal", request.param, load_portal, tmp_path)
    facts = templates.facts("portal", request.param)
    if live_setup is not None:
        with connect(db) as store:
            live_setup(store, facts)
    server = LiveServer(db, tmp_path / "server.log")
    server.facts = facts
    server.backend = request.param
    yield server
    server.stop()
