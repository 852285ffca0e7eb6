"""``shumao bench import`` and ``shumao bench report``: time a whole step as a separate
process against a bare baseline on the same data, in the same run, and report the ratio
(DESIGN.md: performance is measured by a benchmark command, never by timed assertions in
tests).  The baselines: DuckDB's ``read_csv`` (PostgreSQL's ``COPY``) of the same three
files, and one hand-written SQL query of the report's totals.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from shumao.bench.harness import best_of, dataset, drop_database, report_store, run_process, scratch
from shumao.store import is_postgres

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
            drop_database(db, store.rsplit("/", 1)[1])
    return {"step": "report", "executions": executions, "backend": "postgres" if pg else "duckdb",
            "seconds": round(ours_s, 3), "baseline_seconds": round(base_s, 3),
            "ratio": round(ours_s / base_s, 2), "peak_rss_mb": round(rss, 1),
            "baseline": f"一条手写 {'PostgreSQL' if pg else 'DuckDB'} SQL 计算同样的合计"}


# issue 23: what every command pays before its work — Python, the command tree, the imports
STARTUP = (("help", ("--help",)), ("status", ("status", "--db", "{store}")),
           ("user_list", ("user", "list", "--db", "{store}")))
STARTUP_TARGETS = {"help": 5.0, "status": 10.0}     # × a bare ``python -c pass`` (issue 23)


def bench_startup(executions: int = 1000, log: Callable[[str], None] = lambda m: None,
                  db: str | None = None, repeat: int = 7) -> dict:
    """``shumao --help``, ``shumao status`` and ``shumao user list`` on a small store, each the
    fastest of ``repeat`` whole processes, against a bare ``python -c pass`` of the same
    interpreter timed in the same run (interleaved, so that a busy moment hits both)."""
    store = report_store(executions, log, db)
    argvs = {"baseline": [sys.executable, "-c", "pass"]}
    argvs |= {name: [sys.executable, "-m", "shumao", *(a.format(store=store) for a in args)]
              for name, args in STARTUP}
    log(f"计时：裸 Python 启动与 shumao --help、status、user list（独立进程，各取 {repeat} 次最快）")
    best = dict.fromkeys(argvs, float("inf"))
    for _ in range(repeat):
        for name, argv in argvs.items():
            best[name] = min(best[name], run_process(argv)[0])
    base = best.pop("baseline")
    return {"step": "startup", "executions": executions, "backend": "postgres" if db and is_postgres(db)
            else "duckdb", "baseline_seconds": round(base, 4),
            "baseline": "裸 Python 启动（python -c pass，同一解释器）",
            **{f"{name}_seconds": round(s, 4) for name, s in best.items()},
            **{f"{name}_ratio": round(s / base, 2) for name, s in best.items()},
            "targets": STARTUP_TARGETS}
