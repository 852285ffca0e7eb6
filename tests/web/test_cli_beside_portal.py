"""Issue 20, the terminal beside the portal: while ``shumao serve`` runs on a DuckDB file, the
command line works on the same store — the portal lets go of the file when no request has used
it for SHUMAO_IDLE_RELEASE seconds (shumao/web/app.py) and opens it again on the next request.
A command's import is seen by the portal at once (its shared figures are keyed by the store's
generation, which the import bumped)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import run_process
from tests.web.conftest import PASSWORD, csrf_of

DUCKDB_ONLY = pytest.mark.parametrize("live", [pytest.param("duckdb", marks=pytest.mark.duckdb)],
                                      indirect=True)
WAIT = {"SHUMAO_LOCK_WAIT": "20"}       # the portal lets go within 2 s; never the default 30
PERIOD = "2024-06"


def shumao(live, *args: str, stdin: str | None = None):
    """One ``shumao`` command as its own process on the served store."""
    if stdin is None:
        p = run_process(*args, "--db", live.db, env=WAIT)
    else:
        p = subprocess.run([sys.executable, "-m", "shumao", *args, "--db", live.db], input=stdin,
                           capture_output=True, text=True, env={**os.environ, **WAIT}, timeout=600)
    assert p.returncode == 0, f"shumao {' '.join(args)}：{p.stderr}\n{live.log.read_text()}"
    return p


def new_records(folder, first: str):
    """One new contract of the first enterprise and one execution of it in June 2024."""
    folder.mkdir()
    (folder / "contracts.csv").write_text(
        "contract_id,enterprise_id,signed_on,client_country,category,amount,currency,status\n"
        f"HT900000001,{first},2024-06-10,US,ITO,1000000.00,USD,approved\n", encoding="utf-8")
    (folder / "executions.csv").write_text(
        "execution_id,contract_id,executed_on,amount,currency,status\n"
        "ZX900000001,HT900000001,2024-06-20,500000.00,USD,approved\n", encoding="utf-8")
    return [folder / "contracts.csv", folder / "executions.csv"]


@DUCKDB_ONLY
def test_status_report_import_and_user_add_run_beside_the_portal_and_it_waits_for_them(live, tmp_path):
    token = shumao(live, "user", "token", "staff").stdout.strip()
    api = httpx.Client(base_url=live.url, headers={"Authorization": f"Bearer {token}"}, timeout=60)
    before = api.get("/api/v1/status").json()
    report_before = api.get("/api/v1/report", params={"period": PERIOD}).text   # now in the shared cache

    # the portal answered a moment ago and holds the file until it has been idle: each
    # command waits for it (at most SHUMAO_IDLE_RELEASE seconds), then works as ever
    assert json.loads(shumao(live, "status", "--json").stdout) == before
    cli_report = shumao(live, "report", "--period", PERIOD, "--format", "json").stdout
    assert json.loads(cli_report) == json.loads(report_before)

    api.get("/api/v1/status")              # the portal takes the file back between commands
    done = json.loads(shumao(live, "import", *map(str, new_records(tmp_path / "new", live.facts["first"])),
                             "--json").stdout)
    assert done["ok"] and done["counts"]["contracts"]["new"] == 1 and done["counts"]["executions"]["new"] == 1
    shumao(live, "user", "add", "newclerk", "--role", "staff", "--password-stdin", stdin=PASSWORD + "\n")

    # the portal shows the import at once: the counts read now, the report not from its cache
    after = api.get("/api/v1/status").json()
    assert (after["contracts"], after["executions"]) == (before["contracts"] + 1, before["executions"] + 1)
    report_after = api.get("/api/v1/report", params={"period": PERIOD}).text
    assert report_after != report_before
    assert json.loads(report_after) == json.loads(
        shumao(live, "report", "--period", PERIOD, "--format", "json").stdout)

    # and the account the command added signs in on the portal
    with httpx.Client(base_url=live.url, timeout=60) as browser:
        form = csrf_of(browser.get("/login").text)
        r = browser.post("/login", data={"username": "newclerk", "password": PASSWORD, "csrf_token": form})
        assert r.status_code == 303
        home = browser.get("/", follow_redirects=True)
        assert home.status_code == 200 and "/login" not in str(home.url)

    # the other way round: while a command holds the file, the portal's next request waits for
    # it (up to SHUMAO_LOCK_WAIT) and then answers with what the command wrote
    before = api.get("/api/v1/status").json()
    time.sleep(3)                          # idle: the portal has let go
    hold = ("import sys, time, duckdb; con = duckdb.connect(sys.argv[1]); "
            "con.execute(\"UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) "
            "WHERE key = 'generation'\"); print('held', flush=True); time.sleep(3); con.close()")
    keeper = subprocess.Popen([sys.executable, "-c", hold, live.db], stdout=subprocess.PIPE, text=True)
    try:
        assert keeper.stdout.readline().strip() == "held"
        t0 = time.monotonic()
        r = api.get("/api/v1/status")
        waited = time.monotonic() - t0
    finally:
        keeper.wait(30)
    assert r.status_code == 200 and r.json() == before and waited > 1
    api.close()
