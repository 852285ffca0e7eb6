"""``shumao bench`` runs end to end on a small size and reports the shape of cli.md (the
figures themselves are measurements, never asserted)."""

import json

import pytest

from tests.conftest import run_cli


@pytest.mark.parametrize("step", ["import", "report"])
def test_bench_json(tmp_path, step):
    p = run_cli("bench", step, "--executions", "2000", "--json", env={"XDG_CACHE_HOME": str(tmp_path)})
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    assert {"step", "executions", "seconds", "baseline_seconds", "ratio", "peak_rss_mb"} <= set(r)
    assert r["step"] == step and r["executions"] == 2000
    assert r["seconds"] > 0 and r["baseline_seconds"] > 0 and r["peak_rss_mb"] > 0
    assert r["ratio"] == pytest.approx(r["seconds"] / r["baseline_seconds"], rel=0.05)  # rounded times


# -- issue 10: ``shumao bench filings`` (the load itself: tests/web/test_filing_load.py) ------------
def test_bench_filings_json_on_a_generated_city(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:      # its own event loop, whatever runs in this thread
        p = pool.submit(run_cli, "bench", "filings", "--users", "8", "--seconds", "2", "--json",
                        env={"XDG_CACHE_HOME": str(tmp_path)}).result()
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    assert r["step"] == "filings" and r["users"] == 8 and r["enterprises"] == 25
    assert r["problems"] == [] and r["errors"] == 0 and "sent" not in r
    assert r["created"] > 0 and {"requests_per_second", "p50_ms", "p95_ms", "baseline_p95_ms",
                                 "ratio"} <= set(r)
