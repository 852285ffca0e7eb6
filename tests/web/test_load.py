"""Fifty signed-in users on the dashboard while one imports (issue 9), small: no request
fails and no report is served from a half-imported store.  ``shumao bench web`` runs the
same at 10⁶ executions and prints the p95 figures (never asserted here)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from shumao.bench import web_load


@pytest.mark.load
@pytest.mark.parametrize("backend", [pytest.param("duckdb", marks=pytest.mark.duckdb),
                                     pytest.param("postgres", marks=pytest.mark.postgres)])
def test_fifty_users_browse_while_one_imports(backend, request, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))   # the generated data sets
    db = request.getfixturevalue("pg_cluster").url if backend == "postgres" else None
    # in a thread of its own: the browser tests' Playwright keeps an event loop in this one
    with ThreadPoolExecutor(1) as pool:
        result = pool.submit(web_load.bench_web, executions=20_000, users=50, seconds=3, db=db,
                             approvals=3, pause=0.5).result()
    assert result["errors"] == 0, result["error_samples"]
    assert result["reports_checked"] > 50
    assert result["torn_reports"] == 0
    assert result["figures_changed"] > 0          # the import did change what users saw
    # issue 23: the first dashboard view after each of the approvals beside a warm one
    assert result["approvals"] == 3 and result["first_view_p95_ms"] and result["warm_view_p95_ms"]
    assert result["first_view_ratio"] == round(result["first_view_p95_ms"] / result["warm_view_p95_ms"], 2)
