"""``shumao bench web``: the portal under load — signed-in people browse the dashboard
against a live ``shumao serve`` while one more uploads a data set (replacing); no report
served may be torn between the two.  First, on the quiet portal, a reviewer approves
filings one by one and a staff member opens the dashboard after each (issue 23: the first
view after a change beside a warm one).
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from shumao.bench.harness import dataset, drop_database, free_port, pct, report_store, start_server, wait_for
from shumao.store import is_postgres

PERIODS = ("2024-03", "2024Q2", "2024H1", "2024", "2024-01..2024-09", "2023H2")


def bench_web(executions: int, users: int = 50, seconds: float = 20.0,
              log: Callable[[str], None] = lambda m: None, db: str | None = None,
              approvals: int = 10, pause: float = 1.0) -> dict:
    """``users`` signed-in people browse the 仪表盘 of random periods against a live
    ``shumao serve`` on loopback: first for ``seconds`` on a store of ``executions``
    executions, then while one more person uploads a second data set of that size through
    the API (replacing).  Every report a user receives must equal the figures before the
    import or after it, never something between.  The baseline is the sign-in page (no
    store work) under the same load, in the same run.

    Before that, on the quiet portal: ``approvals`` filings are approved one at a time through
    the API, and ``pause`` seconds after each (a clerk going from 审核 to the 仪表盘) a staff
    member opens the dashboard on its default period — the first view after the change —
    and at once again (a warm view)."""
    import asyncio
    import shutil

    from shumao.access import accounts
    from shumao.store import connect

    pg = db is not None and is_postgres(db)
    source = report_store(executions, log, db)
    second = dataset(executions, log, seed=8, what="生成第二组数据")
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
            review = _submitted(store, approvals, password)
        port = free_port()
        server = start_server(store_url, port, subprocess.DEVNULL, subprocess.PIPE)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base, server)
            result = asyncio.run(_load(base, users, password, token, second, seconds, log,
                                       review, pause))
        finally:
            server.terminate()
            server.wait(30)
            if pg and db is not None:
                drop_database(db, store_url.rsplit("/", 1)[1])
    return {"step": "web", "executions": executions, "users": users,
            "backend": "postgres" if pg else "duckdb", **result,
            "baseline": "同样负载下的登录页（不读数据库）"}


def _submitted(store, n: int, password: str) -> tuple[str, list[int]]:
    """``n`` contracts filed and submitted by an enterprise of the store in its newest month
    (its window opened again), waiting for review; a reviewer's API token."""
    import datetime as dt

    from shumao.access import accounts
    from shumao.bench.filing_load import EXPLAIN
    from shumao.filing import service, windows

    newest = store.records.summary()["executed_on"][1]
    assert newest is not None                       # the data set has executions
    month = dt.date.fromisoformat(newest).replace(day=1)
    windows.set_window(store, month, locked=False, actor="基准测试")
    eid = store.records.enterprises(1)[0]["enterprise_id"]
    accounts.add(store, "bench-filer", "enterprise", password, enterprise=eid, actor="基准测试")
    accounts.add(store, "bench-reviewer", "reviewer", password, actor="基准测试")
    ids = []
    for i in range(n):
        fid = service.create(store, "contracts", {
            "contract_id": f"BENCH-APPROVE-{i:04d}", "signed_on": month.isoformat(),
            "client_country": "日本", "category": "ITO", "amount": f"{100_000 + i}.00"},
            eid, "bench-filer", "api")
        service.submit(store, fid, EXPLAIN, "bench-filer")
        ids.append(fid)
    return accounts.issue_token(store, "bench-reviewer", 1, actor="基准测试"), ids


async def _approvals(c, reviewer, ids: list[int], pause: float, log: Callable[[str], None]) -> dict:
    """Each filing approved, then after ``pause`` the dashboard twice: the first view after
    the change and a warm one; their p95 and the ratio."""
    import asyncio

    first: list[float] = []
    warm: list[float] = []
    log(f"逐条审核通过 {len(ids)} 条填报，每条之后 {pause:g} 秒打开仪表盘…")
    for fid in ids:
        r = await reviewer.post(f"/api/v1/review/{fid}", json={"decision": "approve"})
        if r.status_code != 200:
            raise RuntimeError(f"审核第 {fid} 条失败：{r.status_code} {r.text[:300]}")
        await asyncio.sleep(pause)
        for times in (first, warm):
            t0 = time.perf_counter()
            (await c.get("/dashboard")).raise_for_status()
            times.append(time.perf_counter() - t0)
    p_first, p_warm = pct(first, 0.95), pct(warm, 0.95)
    return {"approvals": len(ids), "approval_pause_seconds": pause,
            "first_view_p95_ms": p_first, "warm_view_p95_ms": p_warm,
            "first_view_ratio": round(p_first / p_warm, 2) if p_first and p_warm else None}


async def _load(base: str, users: int, password: str, token: str, files: dict[str, Path],
                seconds: float, log: Callable[[str], None],
                review: tuple[str, list[int]] = ("", []), pause: float = 1.0) -> dict:
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

    approved: dict = {}
    if review[1]:
        async with httpx.AsyncClient(base_url=base, timeout=600,
                                     headers={"Authorization": f"Bearer {review[0]}"}) as reviewer:
            approved = await _approvals(clients[0], reviewer, review[1], pause, log)
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

    steady, baseline = pct(stats["steady"], 0.95), pct(stats["baseline"], 0.95)
    return {"requests": sum(len(v) for v in stats.values()) + len(seen), "errors": len(errors),
            "error_samples": errors[:5], "reports_checked": len(seen), "torn_reports": len(torn),
            "import_seconds": round(import_s, 1),
            "figures_changed": sum(before[p] != after[p] for p in PERIODS),
            "dashboard_p50_ms": pct(stats["steady"], 0.5), "dashboard_p95_ms": steady,
            "during_import_p95_ms": pct(stats["during"], 0.95), "baseline_p95_ms": baseline,
            "ratio": round(steady / baseline, 2) if steady and baseline else None, **approved}
