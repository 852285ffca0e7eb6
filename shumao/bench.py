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
from contextlib import contextmanager
from pathlib import Path

from shumao.store import is_postgres
from shumao.synth import Plan, generate

BASELINE_IMPORT = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], config={"autoinstall_known_extensions": False})
for kind, path in zip(("enterprises", "contracts", "executions"), sys.argv[2:]):
    con.execute(f"CREATE TABLE {kind} AS SELECT * FROM read_csv(?)", [path])
con.close()
"""


# the same bare load on PostgreSQL: COPY of the three files into text tables
BASELINE_IMPORT_PG = """
import csv, sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as con:
    for kind, path in zip(("enterprises", "contracts", "executions"), sys.argv[2:]):
        with open(path, encoding="utf-8") as f:
            cols = next(csv.reader(f))
        con.execute(f"CREATE TABLE {kind} (" + ", ".join(f"{c} TEXT" for c in cols) + ")")
        with con.cursor() as cur, cur.copy(f"COPY {kind} FROM STDIN (FORMAT csv, HEADER true)") as cp, \\
                open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                cp.write(chunk)
"""


@contextmanager
def scratch(db: str | None, *names: str):
    """Fresh empty stores to time into: DuckDB files in a temporary folder, or new
    databases on the PostgreSQL server of ``db`` (dropped afterwards)."""
    if db is None or not is_postgres(db):
        with tempfile.TemporaryDirectory(prefix="shumao-bench-") as tmp:
            yield [f"{tmp}/{n}.duckdb" for n in names]
        return
    urls = [_create_database(db, f"shumao_bench_{n}_{os.getpid()}") for n in names]
    try:
        yield urls
    finally:
        for u in urls:
            _drop_database(db, u.rsplit("/", 1)[1])


def _create_database(db: str, name: str) -> str:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    with psycopg.connect(db, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{name}"')
    d = conninfo_to_dict(db)
    user = f"{d['user']}" if d.get("user") else ""
    password = f":{d['password']}" if d.get("password") else ""
    at = "@" if user else ""
    return f"postgresql://{user}{password}{at}{d.get('host', 'localhost')}:{d.get('port', 5432)}/{name}"


def _drop_database(db: str, name: str) -> None:
    import psycopg

    with psycopg.connect(db, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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


def bench_import(executions: int, log: Callable[[str], None] = lambda m: None,
                 db: str | None = None) -> dict:
    files = dataset(executions, log)
    paths = [str(files[k]) for k in ("enterprises", "contracts", "executions")]
    pg = db is not None and is_postgres(db)
    with scratch(db, "base", "ours") as (base, ours):
        log("计时：PostgreSQL 裸 COPY（独立进程）" if pg else "计时：DuckDB 裸 read_csv（独立进程）")
        base_s, _ = run_process([sys.executable, "-c", BASELINE_IMPORT_PG if pg else BASELINE_IMPORT,
                                 base, *paths])
        log("计时：shumao import（独立进程）")
        ours_s, rss = run_process([sys.executable, "-m", "shumao", "import", *paths,
                                   "--db", ours, "--json"])
    return {"step": "import", "executions": executions, "backend": "postgres" if pg else "duckdb",
            "seconds": round(ours_s, 3), "baseline_seconds": round(base_s, 3),
            "ratio": round(ours_s / base_s, 2), "peak_rss_mb": round(rss, 1),
            "baseline": ("PostgreSQL COPY 同样三个文件到文本列表" if pg
                         else "DuckDB read_csv 读入同样三个文件并建表")}

# report.md's totals for a year and the year before, by hand: the yardstick for one report
REPORT_SQL = '''
WITH x AS (
  SELECT 'signed' AS m, c.signed_on AS d, c.client_country AS cc, c.category AS cat,
         e.nature AS nat, c.enterprise_id AS eid, c.amount_cents AS a
  FROM contracts c JOIN enterprises e USING (enterprise_id) WHERE c.status = 'approved'
  UNION ALL
  SELECT 'exec', x.executed_on, c.client_country, c.category, e.nature, c.enterprise_id, x.amount_cents
  FROM executions x JOIN contracts c USING (contract_id) JOIN enterprises e USING (enterprise_id)
  WHERE x.status = 'approved' AND c.status = 'approved')
SELECT year(d) AS y, m, sum(a) AS total, sum(a) FILTER (WHERE cc <> 'CN') AS offshore,
       sum(a) FILTER (WHERE cc <> 'CN' AND nat = 'domestic') AS dom,
       sum(a) FILTER (WHERE cc <> 'CN' AND nat <> 'domestic') AS frn,
       sum(a) FILTER (WHERE cc <> 'CN' AND cat = 'ITO') AS ito, sum(a) FILTER (WHERE cc <> 'CN' AND cat = 'BPO') AS bpo,
       sum(a) FILTER (WHERE cc <> 'CN' AND cat = 'KPO') AS kpo, count(*) AS n, count(DISTINCT eid) AS ents
FROM x WHERE d BETWEEN DATE '2023-01-01' AND DATE '2024-12-31'
GROUP BY 1, 2 ORDER BY 1, 2'''
BASELINE_REPORT = f"""
import sys
if sys.argv[1].startswith("postgres"):
    import psycopg
    with psycopg.connect(sys.argv[1]) as con:
        con.execute('''{REPORT_SQL}'''.replace("year(d)", "extract(year FROM d)")).fetchall()
else:
    import duckdb
    con = duckdb.connect(sys.argv[1], read_only=True, config={{"autoinstall_known_extensions": False}})
    con.execute('''{REPORT_SQL}''').fetchall()
"""
REPEAT = 3


def best_of(argv: list[str], n: int = REPEAT) -> tuple[float, float]:
    runs = [run_process(argv) for _ in range(n)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def report_store(executions: int, log: Callable[[str], None], db: str | None = None) -> str:
    """A store holding the benchmark data of that size, built once with ``shumao import``
    (a DuckDB file in the cache, or a database on the PostgreSQL server of ``db``)."""
    files = dataset(executions, log)
    if db is not None and is_postgres(db):
        name = f"shumao_bench_report_{executions}"
        url = _create_database(db, name)
        log(f"建立基准数据库：shumao import → {name}")
        run_process([sys.executable, "-m", "shumao", "import",
                     *(str(files[k]) for k in ("enterprises", "contracts", "executions")),
                     "--db", url])
        return url
    path = cache_dir() / f"report-{executions}.duckdb"
    if not path.exists():
        log(f"建立基准数据库：shumao import → {path}")
        tmp = path.with_suffix(".partial.duckdb")
        tmp.unlink(missing_ok=True)
        run_process([sys.executable, "-m", "shumao", "import",
                     *(str(files[k]) for k in ("enterprises", "contracts", "executions")),
                     "--db", str(tmp)])
        tmp.rename(path)
    return str(path)


def bench_report(executions: int, log: Callable[[str], None] = lambda m: None,
                 db: str | None = None) -> dict:
    """One full report of 2024 (every figure, both years, partners, disclosure) as JSON,
    against one hand-written SQL query of the same totals; best of three each."""
    pg = db is not None and is_postgres(db)
    store = report_store(executions, log, db)
    try:
        log("计时：手写 SQL（独立进程，取三次最快）")
        base_s, _ = best_of([sys.executable, "-c", BASELINE_REPORT, store])
        log("计时：shumao report（独立进程，取三次最快）")
        ours_s, rss = best_of([sys.executable, "-m", "shumao", "report", "--period", "2024",
                               "--format", "json", "--db", store])
    finally:
        if db is not None and pg:
            _drop_database(db, store.rsplit("/", 1)[1])
    return {"step": "report", "executions": executions, "backend": "postgres" if pg else "duckdb",
            "seconds": round(ours_s, 3), "baseline_seconds": round(base_s, 3),
            "ratio": round(ours_s / base_s, 2), "peak_rss_mb": round(rss, 1),
            "baseline": f"一条手写 {'PostgreSQL' if pg else 'DuckDB'} SQL 计算同样的合计"}
