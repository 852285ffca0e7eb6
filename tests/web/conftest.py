"""The portal under test: a sample-city store with one account per role (plus a second
enterprise and a disabled user), signed-in ``TestClient``s for the in-process tests, and a
live ``shumao serve`` process on loopback for the browser tests."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from shumao.access import accounts
from shumao.ingest.importer import import_files
from shumao.store import connect
from tests.conftest import REPO, SAMPLE_FILES

PASSWORD = "测试密码-0123456789"
REGION_OF_FIRST = None      # filled from the store: the reviewer's district


def add_accounts(store) -> dict[str, str]:
    """One account per role, named after it; 'other' is a second enterprise's clerk,
    'reviewer2' the reviewer of the second enterprise's region and 'gone' a disabled staff
    account.  Returns the facts: first and second enterprise, the first's region."""
    ents = store.records.enterprises()
    first, second = ents[0], next(e for e in ents[1:] if e["region"] != ents[0]["region"])
    made = {"admin": ("admin", None, None), "staff": ("staff", None, None),
            "reviewer": ("reviewer", None, first["region"]),
            "enterprise": ("enterprise", first["enterprise_id"], None),
            "other": ("enterprise", second["enterprise_id"], None),
            "reviewer2": ("reviewer", None, second["region"]),
            "gone": ("staff", None, None)}
    for name, (role, ent, region) in made.items():
        accounts.add(store, name, role, PASSWORD, enterprise=ent, region=region, actor="测试")
    accounts.disable(store, "gone", actor="测试")
    return {"first": first["enterprise_id"], "second": second["enterprise_id"],
            "region": first["region"]}


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def sign_in(client, name: str, password: str = PASSWORD):
    """Sign in through the form, as a browser does; returns the response to POST /login."""
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"username": name, "password": password, "csrf_token": token})


@pytest.fixture
def portal_store(tmp_path):
    """A DuckDB store with the sample city and the accounts (facts in ``.facts``)."""
    with connect(tmp_path / "portal.duckdb") as store:
        assert import_files(store, SAMPLE_FILES).ok
        store.facts = add_accounts(store)
        yield store


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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """``shumao serve`` as its own process on 127.0.0.1 (stopped at the end)."""

    def __init__(self, db: str, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "shumao", "serve", "--db", db, "--port", str(self.port)],
            stdout=log.open("w"), stderr=subprocess.STDOUT, env=env, cwd=REPO)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"shumao serve exited: {log.read_text()}")
            try:
                if httpx.get(self.url + "/login", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"shumao serve did not start: {log.read_text()}")

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


@pytest.fixture(params=[pytest.param("duckdb", marks=pytest.mark.duckdb),
                        pytest.param("postgres", marks=pytest.mark.postgres)])
def live(request, tmp_path, live_setup):
    """A live portal over the sample city on each backend; ``.facts`` as in portal_store."""
    if request.param == "postgres":
        db = request.getfixturevalue("pg_cluster").create_database(f"live{os.getpid()}_{free_port()}")
    else:
        db = str(tmp_path / "live.duckdb")
    with connect(db) as store:
        assert import_files(store, SAMPLE_FILES).ok
        facts = add_accounts(store)
        if live_setup is not None:
            live_setup(store, facts)
    server = LiveServer(db, tmp_path / "server.log")
    server.facts = facts
    server.backend = request.param
    yield server
    server.stop()


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory):
    """The sample city imported by the real command into its own store: what the CLI prints
    there is what the portal's API must answer over ``portal_store``."""
    from tests.conftest import run_cli

    db = tmp_path_factory.mktemp("cli") / "cli.duckdb"
    assert run_cli("import", *SAMPLE_FILES, "--db", db).returncode == 0
    return db


# one browser for the whole session, shared by every browser test module
from tests.web.browser import chromium  # noqa: E402, F401
