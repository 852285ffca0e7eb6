"""A throwaway PostgreSQL cluster for tests and benchmarks.

    with Cluster() as pg:                       # initdb + start: about a second
        url = pg.create_database("t1")          # postgresql://postgres@127.0.0.1:PORT/t1
        ...                                     # psycopg.connect(url), ibis.connect(url), connect(url)
    # stopped (immediate) and its folder removed

The cluster lives in a fresh temporary folder (``data/``, ``server.log`` and the unix socket),
listens only on 127.0.0.1 at a free port, trusts every local connection as user ``postgres``,
and trades durability for speed (``fsync=off`` and friends: nothing here outlives the test).
``max_connections=300`` leaves room for the web load test.

PostgreSQL refuses to run as root, so when we are root the folder is given to the ``postgres``
system user (Debian's package creates it) and every server command runs through
``runuser -u postgres --``.  Binaries come from :func:`find_bindir`; ``make setup`` installs
Debian's ``postgresql`` when they are missing.

Startup never leaves a server behind: any failure stops it and removes the folder before the
:class:`~shumao.errors.StoreError` (with the tail of the server log) is raised, and an
``atexit`` hook stops a cluster its owner forgot.  A process killed outright (SIGKILL) can
still orphan one; ``pg_ctl -D <folder>/data stop`` ends it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql

from shumao.bench.harness import free_port
from shumao.errors import StoreError

MISSING = "未找到 PostgreSQL（initdb/pg_ctl），请先运行 make setup 安装 postgresql"

# Throwaway settings for a small (2-core) test box; a caller's `settings` override these.
SETTINGS: dict[str, str] = {
    "max_connections": "300",  # the web load test opens many connections
    "shared_buffers": "128MB",
    "fsync": "off",  # durability is pointless for a cluster deleted after the run
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",  # bulk loads into fresh tables skip most WAL
    "max_wal_senders": "0",  # required by wal_level=minimal
    "max_wal_size": "1GB",  # fewer checkpoints during big loads
    "autovacuum": "on",
    "log_min_messages": "warning",
}

_TOOLS = ("initdb", "pg_ctl")
_START_TIMEOUT = 60  # seconds; a cold 2-core CI box can be slow
_PORT_TRIES = 3  # another process may take the port between our probe and the bind


def _has_tools(d: Path) -> bool:
    return all(os.access(d / t, os.X_OK) for t in _TOOLS)


def find_bindir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, or None.

    Tried in order: ``pg_config --bindir`` (on Debian it may belong to libpq-dev alone, so
    the folder must really hold the tools), the newest ``/usr/lib/postgresql/<ver>/bin``
    (Debian keeps server binaries off PATH), then PATH.
    """
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10)
            d = Path(out.stdout.strip())
            if out.returncode == 0 and out.stdout.strip() and _has_tools(d):
                return d
        except (OSError, subprocess.SubprocessError):
            pass
    versions = []
    for d in Path("/usr/lib/postgresql").glob("*/bin"):
        key = tuple(int(p) for p in re.findall(r"\d+", d.parent.name))
        if key and _has_tools(d):
            versions.append((key, d))
    if versions:
        return max(versions)[1]
    found = [w for t in _TOOLS if (w := shutil.which(t))]
    if len(found) == len(_TOOLS):
        # a symlink such as /usr/local/bin/initdb: pg_ctl finds `postgres` beside the real file
        real = Path(found[0]).resolve().parent
        return real if _has_tools(real) else Path(found[0]).parent
    return None


def _tail(path: Path, lines: int = 20) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "（没有服务器日志）"
    return "\n".join(text.strip().splitlines()[-lines:]) or "（服务器日志为空）"


class Cluster:
    """A PostgreSQL cluster in a temporary folder: a context manager, or ``start()``/``stop()``.

    ``bindir`` defaults to :func:`find_bindir`; ``settings`` add to or override
    :data:`SETTINGS`; ``base`` is where the temporary folder goes (as root it must be
    reachable by the ``postgres`` user, which the system temp folder is).
    """

    def __init__(
        self,
        bindir: Path | str | None = None,
        settings: dict[str, str] | None = None,
        base: Path | str | None = None,
    ):
        self.bindir = Path(bindir) if bindir is not None else find_bindir()
        self.settings = {**SETTINGS, **(settings or {})}
        self.base = Path(base) if base is not None else None
        self.folder: Path | None = None
        self.port: int | None = None
        self._as_postgres = os.geteuid() == 0

    # -- life cycle -------------------------------------------------------------------------

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def data(self) -> Path:
        assert self.folder is not None, "the cluster is not started"
        return self.folder / "data"

    @property
    def log(self) -> Path:
        assert self.folder is not None, "the cluster is not started"
        return self.folder / "server.log"

    def start(self) -> Cluster:
        """initdb, then start the server and wait until it accepts connections."""
        if self.folder is not None:
            raise StoreError("PostgreSQL 临时集群已经启动")
        if self.bindir is None or not _has_tools(self.bindir):
            raise StoreError(MISSING)
        owner = self._owner()
        self.folder = Path(tempfile.mkdtemp(prefix="shumao-pg-", dir=self.base))
        atexit.register(self.stop)
        try:
            if owner is not None:
                os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self._initdb()
            for attempt in range(_PORT_TRIES):
                self.port = free_port()
                self._write_settings(owner)
                self.log.unlink(missing_ok=True)  # so the tail shows this attempt only
                if self._pg_ctl_start():
                    break
                self._kill()  # half-started: make sure nothing keeps running before retrying
                if attempt == _PORT_TRIES - 1 or "already in use" not in _tail(self.log, 50):
                    raise StoreError(f"PostgreSQL 临时集群启动失败，服务器日志末尾：\n{_tail(self.log)}")
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop the server at once (no checkpoint: the data are thrown away) and remove the folder."""
        if self.folder is None:
            return
        try:
            self._kill()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
            atexit.unregister(self.stop)

    # -- databases --------------------------------------------------------------------------

    def url_for(self, dbname: str) -> str:
        if self.port is None or self.folder is None:
            raise StoreError("PostgreSQL 临时集群尚未启动")
        return f"postgresql://postgres@127.0.0.1:{self.port}/{quote(dbname, safe='')}"

    @property
    def url(self) -> str:
        """The maintenance database ``postgres``."""
        return self.url_for("postgres")

    def create_database(self, name: str, template: str | None = None) -> str:
        """A fresh database (dropped first if it exists), empty or a copy of ``template`` (a
        database nobody is connected to); returns its URL."""
        create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            create = sql.SQL("{} TEMPLATE {}").format(create, sql.Identifier(template))
        with psycopg.connect(self.url, autocommit=True) as conn:  # CREATE DATABASE cannot run in a transaction
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(create)
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, ending any connections a test left open."""
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    # -- the steps --------------------------------------------------------------------------

    def _owner(self) -> pwd.struct_passwd | None:
        if not self._as_postgres:
            return None
        try:
            return pwd.getpwnam("postgres")
        except KeyError:
            raise StoreError(
                "以 root 运行时需要系统用户 postgres 来运行 PostgreSQL，请先运行 make setup 安装 postgresql"
            ) from None

    def _run(self, tool: str, *args: str, timeout: float = _START_TIMEOUT) -> subprocess.CompletedProcess:
        assert self.bindir is not None
        cmd = [str(self.bindir / tool), *args]
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        # cwd inside the folder: the postgres user may not be allowed into ours (e.g. /root)
        return subprocess.run(
            cmd, cwd=self.folder, capture_output=True, text=True, errors="replace", timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    def _initdb(self) -> None:
        common = ["-D", str(self.data), "-A", "trust", "-U", "postgres", "--encoding=UTF8", "--no-sync"]
        out = self._run("initdb", *common, "--locale=C.UTF-8")
        if out.returncode != 0:  # C.UTF-8 missing on this system: plain C sorts bytewise, as tests expect anyway
            shutil.rmtree(self.data, ignore_errors=True)
            out = self._run("initdb", *common, "--locale=C")
        if out.returncode != 0:
            raise StoreError(f"PostgreSQL 临时集群初始化（initdb）失败：\n{(out.stdout + out.stderr).strip()[-2000:]}")

    def _write_settings(self, owner: pwd.struct_passwd | None) -> None:
        lines = {
            **self.settings,
            "port": str(self.port),
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.folder}'",
        }
        # a later line wins, so appending overrides initdb's defaults; rewritten on a port retry
        conf = self.data / "shumao.conf"
        conf.write_text("".join(f"{k} = {v}\n" for k, v in lines.items()), encoding="utf-8")
        main = self.data / "postgresql.conf"
        if "include 'shumao.conf'" not in main.read_text(encoding="utf-8"):
            with main.open("a", encoding="utf-8") as f:
                f.write("\ninclude 'shumao.conf'\n")
        if owner is not None:
            os.chown(conf, owner.pw_uid, owner.pw_gid)

    def _pg_ctl_start(self) -> bool:
        out = self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", str(_START_TIMEOUT), "start",
            timeout=_START_TIMEOUT + 10,
        )
        return out.returncode == 0

    def _wait_ready(self) -> None:
        """pg_ctl -w already waits; one real connection over TCP proves the URL works."""
        deadline = time.monotonic() + _START_TIMEOUT
        while True:
            try:
                with psycopg.connect(self.url, connect_timeout=5) as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError as e:
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"PostgreSQL 临时集群不接受连接（{e}），服务器日志末尾：\n{_tail(self.log)}"
                    ) from e
                time.sleep(0.1)

    def _kill(self) -> None:
        """Immediate stop; if pg_ctl cannot, kill the postmaster named in postmaster.pid.

        Returns once the postmaster is gone: pg_ctl returns when the pid file vanishes,
        a moment before the process itself exits."""
        pidfile = self.data / "postmaster.pid"
        try:
            pid = int(pidfile.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return  # never started, or already stopped
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        if not _gone(pid, 10):
            with contextlib.suppress(OSError):
                os.kill(pid, 9)  # postgres children exit when the postmaster dies
            _gone(pid, 10)


def _gone(pid: int, timeout: float) -> bool:
    """Wait until process `pid` has exited (a zombie counts: it holds no port or files)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            if state in ("Z", "X"):
                return True
        except FileNotFoundError:
            return True
        except (OSError, IndexError):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
            except OSError:
                pass
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
