"""What every benchmark shares: scratch stores to time into (DuckDB files, or databases on a
PostgreSQL server, dropped afterwards); the benchmark data sets, generated once and cached,
and a store built from them; a whole child process timed (wall seconds and peak memory);
a ``shumao serve`` on a free loopback port, waited for until it answers; percentiles.
"""

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


@contextmanager
def scratch(db: str | None, *names: str):
    """Fresh empty stores to time into: DuckDB files in a temporary folder, or new
    databases on the PostgreSQL server of ``db`` (dropped afterwards)."""
    if db is None or not is_postgres(db):
        with tempfile.TemporaryDirectory(prefix="shumao-bench-") as tmp:
            yield [f"{tmp}/{n}.duckdb" for n in names]
        return
    urls = [create_database(db, f"shumao_bench_{n}_{os.getpid()}") for n in names]
    try:
        yield urls
    finally:
        for u in urls:
            drop_database(db, u.rsplit("/", 1)[1])


def create_database(db: str, name: str) -> str:
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


def drop_database(db: str, name: str) -> None:
    import psycopg

    with psycopg.connect(db, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "shumao" / "bench"


def generated(name: str, plan: Plan, what: str, log: Callable[[str], None]) -> dict[str, Path]:
    """The three CSV files of ``plan`` in the cache folder ``name``: generated once (the
    ``.complete`` mark says generation finished), then reused."""
    folder = cache_dir() / name
    files = {k: folder / f"{k}.csv" for k in ("enterprises", "contracts", "executions")}
    done = folder / ".complete"
    if not done.exists():
        log(f"{what} → {folder}")
        generate(folder, plan)
        done.touch()
    return files


def dataset(executions: int, log: Callable[[str], None], seed: int = 7,
            what: str = "生成基准数据") -> dict[str, Path]:
    """The benchmark data of that size: generated once, then reused (seed fixed; a second
    seed for a second data set of the same size)."""
    plan = Plan(enterprises=max(50, min(5000, executions // 500)), executions=executions, seed=seed)
    name = f"import-{executions}" if seed == 7 else f"import-{executions}-seed{seed}"
    return generated(name, plan, f"{what}：{executions:,} 条执行记录", log)


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
        url = create_database(db, name)
        log(f"建立基准数据库：shumao import → {name}")
        run_process([sys.executable, "-m", "shumao", "import",
                     *(str(files[k]) for k in ("enterprises", "contracts", "executions")),
                     "--db", url])
        return url
    return str(cached_store(f"report-{executions}", files, log))


def cached_store(name: str, files: dict[str, Path], log: Callable[[str], None]) -> Path:
    """The DuckDB file ``name``.duckdb in the cache, imported from ``files`` with ``shumao
    import`` the first time (under another name until the import is whole)."""
    path = cache_dir() / f"{name}.duckdb"
    if not path.exists():
        log(f"建立基准数据库：shumao import → {path}")
        tmp = path.with_suffix(".partial.duckdb")
        tmp.unlink(missing_ok=True)
        run_process([sys.executable, "-m", "shumao", "import",
                     *(str(files[k]) for k in ("enterprises", "contracts", "executions")),
                     "--db", str(tmp)])
        tmp.rename(path)
    return path


def pct(xs: list[float], q: float) -> float | None:
    """The ``q`` quantile of ``xs`` (seconds) in milliseconds, None for no values."""
    return round(sorted(xs)[min(len(xs) - 1, int(q * len(xs)))] * 1000, 1) if xs else None


def start_server(db: str, port: int, stdout, stderr) -> subprocess.Popen:
    """``shumao serve`` on ``db`` at the loopback ``port``, as a process of its own."""
    return subprocess.Popen([sys.executable, "-m", "shumao", "serve", "--db", db,
                             "--port", str(port)], stdout=stdout, stderr=stderr)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(base: str, server: subprocess.Popen) -> None:
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
