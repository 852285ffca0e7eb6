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

from shumao.samples.synth import Plan, generate
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


# -- the portal under load ---------------------------------------------------------------------
PERIODS = ("2024-03", "2024Q2", "2024H1", "2024", "2024-01..2024-09", "2023H2")


def bench_web(executions: int, users: int = 50, seconds: float = 20.0,
              log: Callable[[str], None] = lambda m: None, db: str | None = None) -> dict:
    """``users`` signed-in people browse the 仪表盘 of random periods against a live
    ``shumao serve`` on loopback: first for ``seconds`` on a store of ``executions``
    executions, then while one more person uploads a second data set of that size through
    the API (replacing).  Every report a user receives must equal the figures before the
    import or after it, never something between.  The baseline is the sign-in page (no
    store work) under the same load, in the same run."""
    import asyncio
    import shutil

    from shumao.access import accounts
    from shumao.store import connect

    pg = db is not None and is_postgres(db)
    source = report_store(executions, log, db)
    second = _second_dataset(executions, log)
    with tempfile.TemporaryDirectory(prefix="shumao-bench-web-") as tmp:
        if pg:
            store_url = source
        else:
            store_url = f"{tmp}/web.duckdb"
            shutil.copy(source, store_url)
        password = accounts.new_password() + "-bench"
        with connect(store_url) as store:
            for i in range(users):
                accounts.add(store, f"bench{i}", "staff", password, actor="基准测试")
            token = accounts.issue_token(store, "bench0", 1, actor="基准测试")
        port = _free_port()
        server = subprocess.Popen([sys.executable, "-m", "shumao", "serve", "--db", store_url,
                                   "--port", str(port)], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for(base, server)
            result = asyncio.run(_load(base, users, password, token, second, seconds, log))
        finally:
            server.terminate()
            server.wait(30)
            if pg and db is not None:
                _drop_database(db, store_url.rsplit("/", 1)[1])
    return {"step": "web", "executions": executions, "users": users,
            "backend": "postgres" if pg else "duckdb", **result,
            "baseline": "同样负载下的登录页（不读数据库）"}


def _second_dataset(executions: int, log: Callable[[str], None]) -> dict[str, Path]:
    plan = Plan(enterprises=max(50, min(5000, executions // 500)), executions=executions, seed=8)
    folder = cache_dir() / f"import-{executions}-seed8"
    if not (folder / ".complete").exists():
        log(f"生成第二组数据：{executions:,} 条执行记录 → {folder}")
        generate(folder, plan)
        (folder / ".complete").touch()
    return {k: folder / f"{k}.csv" for k in ("enterprises", "contracts", "executions")}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(base: str, server: subprocess.Popen) -> None:
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            err = server.stderr.read().decode("utf-8", "replace") if server.stderr else ""
            raise RuntimeError(f"shumao serve 退出：{err[-2000:]}")
        try:
            if httpx.get(base + "/login", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError("shumao serve 没有在两分钟内启动")


async def _load(base: str, users: int, password: str, token: str, files: dict[str, Path],
                seconds: float, log: Callable[[str], None]) -> dict:
    import asyncio
    import json
    import random
    import re

    import httpx

    limits = httpx.Limits(max_connections=users + 4)
    clients = [httpx.AsyncClient(base_url=base, timeout=120, limits=limits) for _ in range(users)]
    for i, c in enumerate(clients):
        page = await c.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        r = await c.post("/login", data={"username": f"bench{i}", "password": password,
                                         "csrf_token": csrf.group(1) if csrf else ""})
        if r.status_code != 303:
            raise RuntimeError(f"bench{i} 登录失败：{r.status_code}")

    async def figures(c: httpx.AsyncClient, period: str) -> str:
        r = await c.get("/api/v1/report", params={"period": period, "format": "json"})
        r.raise_for_status()
        return json.dumps(r.json()["figures"], sort_keys=True)

    before = {p: await figures(clients[0], p) for p in PERIODS}
    for p in PERIODS:                       # warm: each period computed once
        (await clients[0].get("/dashboard", params={"period": p})).raise_for_status()
    stats: dict[str, list[float]] = {"steady": [], "during": [], "baseline": []}
    seen: list[tuple[str, str]] = []
    errors: list[str] = []
    phase: dict[str, str] = {"name": "steady"}
    stop = asyncio.Event()

    async def user(c: httpx.AsyncClient, rng: random.Random) -> None:
        while not stop.is_set():
            p = rng.choice(PERIODS)
            kind = rng.random()
            t0 = time.perf_counter()
            try:
                if kind < 0.1:
                    r = await c.get("/login")
                    bucket = "baseline"
                elif kind < 0.3:
                    seen.append((p, await figures(c, p)))
                    continue
                else:
                    r = await c.get("/dashboard", params={"period": p})
                    bucket = phase["name"]
                if r.status_code not in (200, 303):   # a signed-in GET /login redirects
                    errors.append(f"{r.request.url}: {r.status_code}")
            except httpx.HTTPError as e:
                errors.append(f"{type(e).__name__}: {e}")
                continue
            stats[bucket].append(time.perf_counter() - t0)

    tasks = [asyncio.create_task(user(c, random.Random(i))) for i, c in enumerate(clients)]
    log(f"{users} 位用户浏览仪表盘 {seconds:.0f} 秒…")
    await asyncio.sleep(seconds)
    phase["name"] = "during"
    log("同时上传第二组数据（替换导入）…")
    t0 = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=3600) as importer:
        handles = [f.open("rb") for f in files.values()]
        try:
            r = await importer.post("/api/v1/imports", params={"replace": "true"},
                                    headers={"Authorization": f"Bearer {token}"},
                                    files=[("files", (f.name, h, "text/csv"))
                                           for f, h in zip(files.values(), handles)])
        finally:
            for h in handles:
                h.close()
    import_s = time.perf_counter() - t0
    if r.status_code != 200:
        errors.append(f"import: {r.status_code} {r.text[:300]}")
    await asyncio.sleep(2)
    stop.set()
    await asyncio.gather(*tasks)
    after = {p: await figures(clients[0], p) for p in PERIODS}
    for c in clients:
        await c.aclose()
    torn = [p for p, f in seen if f not in (before[p], after[p])]

    def pct(xs: list[float], q: float) -> float | None:
        return round(sorted(xs)[min(len(xs) - 1, int(q * len(xs)))] * 1000, 1) if xs else None

    steady, baseline = pct(stats["steady"], 0.95), pct(stats["baseline"], 0.95)
    return {"requests": sum(len(v) for v in stats.values()) + len(seen), "errors": len(errors),
            "error_samples": errors[:5], "reports_checked": len(seen), "torn_reports": len(torn),
            "import_seconds": round(import_s, 1),
            "figures_changed": sum(before[p] != after[p] for p in PERIODS),
            "dashboard_p50_ms": pct(stats["steady"], 0.5), "dashboard_p95_ms": steady,
            "during_import_p95_ms": pct(stats["during"], 0.95), "baseline_p95_ms": baseline,
            "ratio": round(steady / baseline, 2) if steady and baseline else None}


# -- filing on the web under load ----------------------------------------------------------------
FILING_PLAN = Plan(enterprises=25, executions=1500, seed=10)     # a city the size of the sample's
# every check that wants words gets them, so each filing is taken: the load is the work, not refusals
EXPLAIN = {"exceeds-contract": "负载测试：合同已追加", "possible-duplicate": "负载测试：不是重复填报",
           "unusual-amount": "负载测试：金额已核实无误"}
COUNTRIES = ("日本", "新加坡", "美国", "中国香港", "德国", "韩国", "中国")


def bench_filings(users: int = 200, seconds: float = 60.0, log: Callable[[str], None] = lambda m: None,
                  db: str | None = None, files: list[Path] | None = None) -> dict:
    """``users`` enterprise accounts (several per enterprise) file at once against a live
    ``shumao serve`` on loopback for ``seconds``: each creates a contract or an execution on
    one of its enterprise's contracts through ``POST /api/v1/filings`` and submits it, again
    and again; when the time is up the requests in flight are dropped unanswered (the server
    may still carry them out) and the server is stopped.  Then the store is checked: every
    acknowledged creation and submission is there exactly once, in the state it was
    acknowledged in; nothing is there that was refused; what a request without an answer did
    is whole or absent; and the ledger holds (one filing per record, one history chain, one
    audit entry per transition: ``filings.ledger``).  The baseline is the sign-in page (no
    store work) under the same users, in the same run."""
    import asyncio
    import datetime as dt

    from shumao.access import accounts
    from shumao.filing import ledger, windows
    from shumao.ingest.importer import import_files
    from shumao.store import User, connect

    pg = db is not None and is_postgres(db)
    paths = [str(p) for p in files] if files else [
        str(p) for p in _filing_dataset(log).values()]
    with scratch(db, "filings") as (url,), tempfile.TemporaryDirectory(prefix="shumao-bench-") as tmp:
        with connect(url) as store:
            imported = import_files(store, paths)
            if not imported.ok:
                raise RuntimeError(f"基准数据导入失败：{imported.errors[:3]}")
            last = dt.date.fromisoformat(store.records.summary()["executed_on"][1])
            month = last.replace(day=1)
            windows.set_window(store, month, locked=False, actor="基准测试")
            ents = [e["enterprise_id"] for e in store.records.enterprises()]
            log(f"新建 {users} 个企业账号（{len(ents)} 家企业），重新开放 {month:%Y-%m} 的填报")
            password = accounts.new_password() + "-bench"
            digest = accounts.hash_password(password)      # one Argon2 hash for every account
            tokens = []
            for i in range(users):
                name = f"filer{i:03d}"
                store.users.add(User(name, "enterprise", ents[i % len(ents)], None,
                                    password_hash=digest), "基准测试")
                tokens.append(accounts.issue_token(store, name, 1, actor="基准测试"))
            before = store.records.counts()
        port = _free_port()
        server_log = Path(tmp) / "server.log"
        with server_log.open("w") as out:
            server = subprocess.Popen([sys.executable, "-m", "shumao", "serve", "--db", url,
                                       "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for(base, server)
            load = asyncio.run(_file_load(base, tokens, [ents[i % len(ents)] for i in range(users)],
                                          month, seconds, log))
        finally:
            server.terminate()           # it may still be working on the dropped requests
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()            # then cut off: what it had not committed is not there
                server.wait(15)
        log("核对数据库…")
        with connect(url) as store:
            found = ledger.Ledger.of(store.filings.ledger())
            after = store.records.counts()
        check = _check_acknowledged(found, load.pop("sent"))
        check["problems"] = ledger.problems(found) + check["problems"]
        web = {k: sum(1 for (kind, _r) in found.status if kind == k) for k in ("contracts", "executions")}
        for k in ("contracts", "executions"):
            if after[k] - before[k] != web[k]:
                check["problems"].append(f"{k} 增加 {after[k] - before[k]} 条，网上填报的却有 {web[k]} 条")
        if "Traceback" in server_log.read_text(encoding="utf-8", errors="replace"):
            check["problems"].append("服务器日志中有未处理的异常：" +
                                     server_log.read_text(encoding="utf-8", errors="replace")[-1500:])
    return {"step": "filings", "users": users, "enterprises": len(ents), "seconds": seconds,
            "backend": "postgres" if pg else "duckdb", "month": f"{month:%Y-%m}", **load, **check,
            "baseline": "同样人数反复打开登录页（不读数据库）"}


def _filing_dataset(log: Callable[[str], None]) -> dict[str, Path]:
    folder = cache_dir() / "filings-city"
    if not (folder / ".complete").exists():
        log(f"生成基准城市：{FILING_PLAN.enterprises} 家企业 → {folder}")
        generate(folder, FILING_PLAN)
        (folder / ".complete").touch()
    return {k: folder / f"{k}.csv" for k in ("enterprises", "contracts", "executions")}


async def _file_load(base: str, tokens: list[str], enterprise_of: list[str], month, seconds: float,
                     log: Callable[[str], None]) -> dict:
    """The baseline phase, then the filing phase; every request sent, with its answer."""
    import asyncio
    import calendar
    import random
    import ssl

    import httpx

    # a client and a connection per user, as 200 browsers or scripts would be (one TLS
    # context for all: httpx builds one per client otherwise, 20 ms each)
    tls = ssl.create_default_context()

    def clients(n: int, **kw) -> list[httpx.AsyncClient]:
        return [httpx.AsyncClient(base_url=base, timeout=60, verify=tls, limits=httpx.Limits(
            max_connections=1), **kw) for _ in range(n)]
    sent: list[dict] = []
    contracts: dict[str, list[str]] = {}     # enterprise → its acknowledged contracts
    stop = asyncio.Event()
    days = calendar.monthrange(month.year, month.month)[1]

    async def baseline(c: httpx.AsyncClient, times: list[tuple[float, float]]) -> None:
        while True:
            t0 = time.perf_counter()
            try:
                r = await c.get("/login")
                if r.status_code == 200:
                    times.append((t0, time.perf_counter()))
            except httpx.HTTPError:
                pass

    async def call(c: httpx.AsyncClient, op: str, kind: str, rid: str, path: str, body: dict,
                   fid: int | None = None) -> dict:
        t0 = time.perf_counter()
        entry: dict = {"op": op, "kind": kind, "record": rid, "id": fid, "status": None}
        try:
            r = await c.post(path, json=body)
            entry["status"] = r.status_code
            if r.status_code in (200, 201):
                entry["id"] = r.json()["id"]
                entry["state"] = r.json()["status"]
            else:
                entry["error"] = r.text[:300]
        except httpx.HTTPError as e:
            entry["error"] = f"{type(e).__name__}: {e}"
        except asyncio.CancelledError:
            # time is up and the request is dropped unanswered: the server may still do it
            entry["error"] = "cancelled"
            sent.append(entry)
            raise
        entry["seconds"] = time.perf_counter() - t0
        sent.append(entry)
        return entry

    async def filer(i: int, c: httpx.AsyncClient) -> None:
        rng, eid, n = random.Random(i), enterprise_of[i], 0
        while not stop.is_set():
            n += 1
            mine = contracts.get(eid, [])
            if not mine or rng.random() < 0.3:
                kind, rid = "contracts", f"L{i:03d}C{n:05d}"
                body = {"kind": "contract", "contract_id": rid, "signed_on": month.isoformat(),
                        "client_country": rng.choice(COUNTRIES), "category": rng.choice(("ITO", "BPO", "KPO")),
                        "amount": f"{rng.randint(50_000, 900_000)}.{rng.randint(0, 99):02d}"}
            else:
                kind, rid = "executions", f"L{i:03d}X{n:05d}"
                day = month.replace(day=rng.randint(2, days))
                body = {"kind": "execution", "execution_id": rid, "contract_id": rng.choice(mine[-5:]),
                        "executed_on": day.isoformat(),
                        "amount": f"{rng.randint(1_000, 60_000)}.{rng.randint(0, 99):02d}"}
            made = await call(c, "create", kind, rid, "/api/v1/filings", body)
            if made["status"] != 201:
                continue
            done = await call(c, "submit", kind, rid, f"/api/v1/filings/{made['id']}/submit",
                              {"explanations": EXPLAIN}, made["id"])
            if kind == "contracts" and done["status"] == 200:
                contracts.setdefault(eid, []).append(rid)

    users = len(tokens)
    warm = max(2.0, min(5.0, seconds / 12))
    spans: list[tuple[float, float]] = []
    log(f"基线：{users} 位用户反复打开登录页 {warm:.0f} 秒…")
    anonymous = clients(users)
    tasks = [asyncio.create_task(baseline(c, spans)) for c in anonymous]
    await asyncio.sleep(1.0)                 # the connections opened: not measured
    t0 = time.perf_counter()
    await asyncio.sleep(warm)
    t1 = time.perf_counter()
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for c in anonymous:
        await c.aclose()
    base_times = [b - a for a, b in spans if t0 <= b <= t1]     # answered within the window
    base_wall = t1 - t0
    log(f"{users} 位企业用户同时填报并提交 {seconds:.0f} 秒…")
    t0 = time.perf_counter()
    filers = [c for t in tokens for c in clients(1, headers={"Authorization": f"Bearer {t}"})]
    tasks = [asyncio.create_task(filer(i, c)) for i, c in enumerate(filers)]
    await asyncio.sleep(seconds)
    stop.set()
    wall = time.perf_counter() - t0
    for t in tasks:                       # the requests still in flight go unanswered
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for c in filers:
        await c.aclose()

    def pct(xs: list[float], q: float) -> float | None:
        return round(sorted(xs)[min(len(xs) - 1, int(q * len(xs)))] * 1000, 1) if xs else None

    ok = [e for e in sent if e["status"] in (200, 201)]
    answered = {id(e) for e in ok}
    failed = [e for e in sent if id(e) not in answered and e.get("error") != "cancelled"]
    times = {op: [e["seconds"] for e in ok if e["op"] == op] for op in ("create", "submit")}
    every = times["create"] + times["submit"]
    rate, base_rate = len(ok) / wall, len(base_times) / base_wall
    return {"sent": sent, "requests": len(sent), "acknowledged": len(ok), "errors": len(failed),
            "cancelled": len(sent) - len(ok) - len(failed),
            "error_samples": [f"{e['op']} {e['record']}: {e['status']} {e.get('error', '')}"
                              for e in failed][:5],
            "load_seconds": round(wall, 1), "requests_per_second": round(rate, 1),
            "create_p50_ms": pct(times["create"], 0.5), "create_p95_ms": pct(times["create"], 0.95),
            "submit_p50_ms": pct(times["submit"], 0.5), "submit_p95_ms": pct(times["submit"], 0.95),
            "p50_ms": pct(every, 0.5), "p95_ms": pct(every, 0.95),
            "baseline_requests_per_second": round(base_rate, 1),
            "baseline_p50_ms": pct(base_times, 0.5), "baseline_p95_ms": pct(base_times, 0.95),
            "ratio": round(base_rate / rate, 2) if rate else None}


def _check_acknowledged(found, sent: list[dict]) -> dict:
    """Every acknowledged creation is there once, with the id it was acknowledged with;
    every acknowledged submission is submitted; a refused request (4xx) left nothing; a
    request without an answer (timeout, 5xx) either did all of its work or none (the ledger's
    own checks say the work is whole); and nothing is there that nobody asked for."""
    problems: list[str] = []
    ids = found.ids
    tried = {(e["kind"], e["record"]) for e in sent if e["op"] == "create"}
    submits = {(e["kind"], e["record"]): e for e in sent if e["op"] == "submit"}
    unanswered = 0
    for e in sent:
        key, status = (e["kind"], e["record"]), e["status"]
        present, state = key in found.status, found.status.get(key)
        if e["op"] == "create":
            if status == 201:
                if ids.get(key) != e["id"]:
                    problems.append(f"已确认新建的 {key[1]}（填报 {e['id']}）在数据库中为 {found.filing.get(key)}")
            elif status is not None and 400 <= status < 500 and present:
                problems.append(f"被拒绝（{status}）的新建 {key[1]} 却在数据库中")
            else:
                unanswered += 1
        else:
            if status == 200 and state != "submitted":
                problems.append(f"已确认提交的 {key[1]} 状态为 {state}")
            elif status is not None and 400 <= status < 500 and state != "draft":
                problems.append(f"被拒绝（{status}）的提交 {key[1]} 状态却为 {state}")
            elif status != 200:
                unanswered += 1
    for key, state in found.status.items():
        if key not in tried:
            problems.append(f"数据库中有没有人填报过的记录 {key[1]}")
        elif state == "submitted" and key not in submits:
            problems.append(f"没有提交过的 {key[1]} 状态却为已提交")
        elif state not in ("draft", "submitted"):
            problems.append(f"{key[1]} 的状态为 {state}（本次没有审核）")
    acked = [e for e in sent if e["status"] in (200, 201)]
    return {"created": sum(1 for e in acked if e["op"] == "create"),
            "submitted": sum(1 for e in acked if e["op"] == "submit"),
            "filings_in_store": len(found.status), "unanswered": unanswered,
            "problems": problems}
