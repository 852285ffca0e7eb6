"""``shumao bench filings``: filing on the web under load — many enterprise accounts
create and submit filings at once against a live ``shumao serve``; then the store is
checked against every answer the server gave, and the ledger against itself.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from shumao.bench.harness import free_port, generated, pct, scratch, start_server, wait_for
from shumao.samples.synth import Plan
from shumao.store import is_postgres

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
    paths = [str(p) for p in files] if files else [str(p) for p in generated(
        "filings-city", FILING_PLAN, f"生成基准城市：{FILING_PLAN.enterprises} 家企业", log).values()]
    with scratch(db, "filings") as (url,), tempfile.TemporaryDirectory(prefix="shumao-bench-") as tmp:
        with connect(url) as store:
            imported = import_files(store, paths)
            if not imported.ok:
                raise RuntimeError(f"基准数据导入失败：{imported.errors[:3]}")
            newest = store.records.summary()["executed_on"][1]
            assert newest is not None                   # the files just imported have executions
            last = dt.date.fromisoformat(newest)
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
        port = free_port()
        server_log = Path(tmp) / "server.log"
        with server_log.open("w") as out:
            server = start_server(url, port, out, subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base, server)
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
