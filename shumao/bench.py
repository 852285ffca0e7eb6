"""``shumao bench``: time a whole step as a separate process against a bare DuckDB baseline
on the same data, in the same run, and report the ratio (DESIGN.md: performance is measured
by a benchmark command, never by timed assertions in tests)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from shumao.synth import Plan, generate

BASELINE_IMPORT = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], config={"autoinstall_known_extensions": False})
for kind, path in zip(("enterprises", "contracts", "executions"), sys.argv[2:]):
    con.execute(f"CREATE TABLE {kind} AS SELECT * FROM read_csv(?)", [path])
con.close()
"""


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "shumao" / "bench"


def dataset(executions: int, log: Callable[[str], None]) -> dict[str, Path]:
    """The benchmark data of that size: generated once, then reused (seed fixed)."""
    plan = Plan(enterprises=max(50, min(5000, executions // 500)), executions=executions, seed=7)
    folder = cache_dir() / f"import-{executions}"
    files = {k: folder / f"{k}.csv" for k in ("enterprises", "contracts", "executions")}
    done = folder / ".complete"
    if not done.exists():
        log(f"生成基准数据：{executions:,} 条执行记录 → {folder}")
        generate(folder, plan)
        done.touch()
    return files


def run_process(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one whole child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[:4]} 失败（退出码 {proc.returncode}）：{stderr[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def bench_import(executions: int, log: Callable[[str], None] = lambda m: None) -> dict:
    files = dataset(executions, log)
    paths = [str(files[k]) for k in ("enterprises", "contracts", "executions")]
    with tempfile.TemporaryDirectory(prefix="shumao-bench-") as tmp:
        log("计时：DuckDB 裸 read_csv（独立进程）")
        base_s, _ = run_process([sys.executable, "-c", BASELINE_IMPORT, f"{tmp}/base.duckdb", *paths])
        log("计时：shumao import（独立进程）")
        ours_s, rss = run_process([sys.executable, "-m", "shumao", "import", *paths,
                                   "--db", f"{tmp}/ours.duckdb", "--json"])
    return {"step": "import", "executions": executions, "seconds": round(ours_s, 3),
            "baseline_seconds": round(base_s, 3), "ratio": round(ours_s / base_s, 2),
            "peak_rss_mb": round(rss, 1), "baseline": "DuckDB read_csv 读入同样三个文件并建表"}
