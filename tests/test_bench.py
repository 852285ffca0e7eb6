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
