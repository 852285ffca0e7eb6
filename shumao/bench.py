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

# report.md's totals for a year and the year before, by hand: the yardstick for one report
BASELINE_REPORT = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True, config={"autoinstall_known_extensions": False})
con.execute('''
WITH x AS (
  SELECT 'signed' AS m, c.signed_on AS d, c.client_country AS cc, c.category AS cat,
         e.nature AS nat, c.enterprise_id AS eid, c.amount_cents AS a
  FROM contracts c JOIN enterprises e USING (enterprise_id) WHERE c.status = 'approved'
  UNION ALL
  SELECT 'exec', x.executed_on, c.client_country, c.category, e.nature, c.enterprise_id, x.amount_cents
  FROM executions x JOIN contracts c USING (contract_id) JOIN enterprises e USING (enterprise_id)
  WHERE x.status = 'approved' AND c.status = 'approved')
SELECT year(d) AS y, m, sum(a) AS total, sum(a) FILTER (cc <> 'CN') AS offshore,
       sum(a) FILTER (cc <> 'CN' AND nat = 'domestic') AS dom,
       sum(a) FILTER (cc <> 'CN' AND nat <> 'domestic') AS frn,
       sum(a) FILTER (cc <> 'CN' AND cat = 'ITO') AS ito, sum(a) FILTER (cc <> 'CN' AND cat = 'BPO') AS bpo,
       sum(a) FILTER (cc <> 'CN' AND cat = 'KPO') AS kpo, count(*) AS n, count(DISTINCT eid) AS ents
FROM x WHERE d BETWEEN DATE '2023-01-01' AND DATE '2024-12-31' GROUP BY ALL ORDER BY ALL''').fetchall()
"""
REPEAT = 3


def best_of(argv: list[str], n: int = REPEAT) -> tuple[float, float]:
    runs = [run_process(argv) for _ in range(n)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def report_store(executions: int, log: Callable[[str], None]) -> Path:
    """A store holding the benchmark data of that size, built once with ``shumao import``."""
    files = dataset(executions, log)
    db = cache_dir() / f"report-{executions}.duckdb"
    if not db.exists():
        log(f"建立基准数据库：shumao import → {db}")
        tmp = db.with_suffix(".partial.duckdb")
        tmp.unlink(missing_ok=True)
        run_process([sys.executable, "-m", "shumao", "import",
                     *(str(files[k]) for k in ("enterprises", "contracts", "executions")),
                     "--db", str(tmp)])
        tmp.rename(db)
    return db


def bench_report(executions: int, log: Callable[[str], None] = lambda m: None) -> dict:
    """One full report of 2024 (every figure, both years, partners, disclosure) as JSON,
    against one hand-written SQL query of the same totals; best of three each."""
    db = report_store(executions, log)
    log("计时：DuckDB 手写 SQL（独立进程，取三次最快）")
    base_s, _ = best_of([sys.executable, "-c", BASELINE_REPORT, str(db)])
    log("计时：shumao report（独立进程，取三次最快）")
    ours_s, rss = best_of([sys.executable, "-m", "shumao", "report", "--period", "2024",
                           "--format", "json", "--db", str(db)])
    return {"step": "report", "executions": executions, "seconds": round(ours_s, 3),
            "baseline_seconds": round(base_s, 3), "ratio": round(ours_s / base_s, 2),
            "peak_rss_mb": round(rss, 1), "baseline": "一条手写 DuckDB SQL 计算同样的合计"}
