"""Two hundred enterprise users filing at once for a minute (issue 10), on DuckDB and on
PostgreSQL, through ``shumao bench filings`` against a live ``shumao serve`` on loopback:
accounts bound to the sample city's 25 enterprises (eight to each), December 2024 reopened,
each user creating a contract or an execution of one of its enterprise's contracts with a
bearer token and submitting it, again and again; when the minute is up the requests in
flight are dropped unanswered and the server is stopped.

Afterwards: every acknowledged creation is in the store exactly once under the id it was
acknowledged with, and every acknowledged submission is submitted; a refused request left
nothing.  A request without an answer (a timeout, a 5xx) may have done its work or not, but
never half of it — which is what "nothing else is there" means: the store holds no record
without its filing, history and audit entry and no audit entry without its record, every
record's history is one chain ending in its status, the audit log has one ``filing-create``
per filing and one ``filing-submit`` per submission (filings.ledger), no record nobody
filed, and no imported record touched.  Throughput and p50/p95 are printed, never asserted.

The main test run keeps a ten-second run of fifty users on each backend (``SMOKE``); the
minute of two hundred runs with the load tests (``make test-load``).  ``SHUMAO_FILING_LOAD_SECONDS`` shortens (or lengthens)
the minute.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from shumao.bench import filing_load
from tests.conftest import SAMPLE_FILES

USERS = 200
SECONDS = float(os.environ.get("SHUMAO_FILING_LOAD_SECONDS", "60"))
SMOKE = (50, 10.0)


@pytest.mark.parametrize("users, seconds", [pytest.param(USERS, SECONDS, marks=pytest.mark.load, id="minute"),
                                            pytest.param(*SMOKE, id="smoke")])
@pytest.mark.parametrize("backend", [pytest.param("duckdb", marks=pytest.mark.duckdb),
                                     pytest.param("postgres", marks=pytest.mark.postgres)])
def test_enterprise_users_file_and_submit_at_once(backend, users, seconds, request, capsys):
    db = request.getfixturevalue("pg_cluster").url if backend == "postgres" else None
    # in a thread of its own: the browser tests' Playwright keeps an event loop in this one
    with ThreadPoolExecutor(1) as pool:
        r = pool.submit(filing_load.bench_filings, users=users, seconds=seconds, db=db,
                        files=SAMPLE_FILES).result()
    with capsys.disabled():
        print(f"\n[{backend}] {r['users']} 位企业用户 {r['seconds']:g} 秒：请求 {r['requests']}，"
              f"新建 {r['created']}、提交 {r['submitted']}；{r['requests_per_second']} 次/秒，"
              f"p50 {r['p50_ms']} ms，p95 {r['p95_ms']} ms；基线 {r['baseline_requests_per_second']} 次/秒，"
              f"p95 {r['baseline_p95_ms']} ms；吞吐比值 {r['ratio']}×")
    assert r["users"] == users and r["enterprises"] == 25 and r["month"] == "2024-12"
    assert r["problems"] == []
    # every filing was valid and explained: nothing may be refused, nothing may fail
    assert r["errors"] == 0, r["error_samples"]
    assert 0 < r["submitted"] <= r["created"]
    # the requests in flight when the minute is up are dropped: done or not, never half done
    assert r["unanswered"] == r["cancelled"] <= users
    assert r["created"] <= r["filings_in_store"] <= r["created"] + r["cancelled"]
