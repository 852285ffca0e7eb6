"""The throwaway PostgreSQL cluster: databases are isolated, Ibis reads them, and nothing
outlives the cluster — neither the server (port closed) nor its folder, even when startup fails."""

from __future__ import annotations

import shutil
import socket
import tempfile
from pathlib import Path

import ibis
import psycopg
import pytest

from shumao.errors import StoreError
from tests.support.pgcluster import MISSING, Cluster


@pytest.fixture
def base():
    """A parent folder the postgres user can enter (pytest's tmp_path is root-only when root)."""
    d = Path(tempfile.mkdtemp(prefix="shumao-pg-test-"))
    d.chmod(0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def pg():
    with Cluster() as cluster:
        yield cluster


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.postgres
def test_two_databases_are_isolated_and_nothing_outlives_the_cluster(base):
    with Cluster(base=base) as pg:
        folder, port = pg.folder, pg.port
        pid = int((pg.data / "postmaster.pid").read_text().split()[0])
        assert folder.parent == base and port_open(port)
        a, b = pg.create_database("a"), pg.create_database("b")
        assert a.endswith(f":{port}/a")
        with psycopg.connect(a) as conn:
            conn.execute("CREATE TABLE t (name text)")
            conn.execute("INSERT INTO t VALUES ('数贸')")
        with psycopg.connect(b) as conn:
            assert conn.execute("SELECT to_regclass('t')").fetchone() == (None,)
            conn.execute("CREATE TABLE t (name text)")
            conn.execute("INSERT INTO t VALUES ('其他'), ('两行')")
        with psycopg.connect(a) as conn:
            assert conn.execute("SELECT name FROM t").fetchall() == [("数贸",)]
        with psycopg.connect(b) as conn:
            assert conn.execute("SELECT count(*) FROM t").fetchone() == (2,)
    assert not port_open(port)
    assert not folder.exists() and list(base.iterdir()) == []
    assert not running(pid)


@pytest.mark.postgres
def test_ibis_reads_a_table(pg):
    url = pg.create_database("ibis_read")
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE filings (city text, cents bigint)")
        conn.execute("INSERT INTO filings VALUES ('苏州', 12345), ('无锡', 678)")
    con = ibis.connect(url)
    try:
        t = con.table("filings")
        assert t.order_by("city").to_pyarrow().to_pylist() == [
            {"city": "无锡", "cents": 678},
            {"city": "苏州", "cents": 12345},
        ]
        assert t.cents.sum().execute() == 13023
    finally:
        con.disconnect()
    pg.drop_database("ibis_read")


@pytest.mark.postgres
def test_drop_database_ends_open_connections(pg):
    url = pg.create_database("left_open")
    left_open = psycopg.connect(url)  # a test that forgot to close
    try:
        pg.drop_database("left_open")
        with psycopg.connect(pg.url) as conn:
            assert conn.execute("SELECT 1 FROM pg_database WHERE datname = 'left_open'").fetchone() is None
    finally:
        left_open.close()


@pytest.mark.postgres
def test_a_failed_start_shows_the_log_and_leaves_nothing(base):
    cluster = Cluster(base=base, settings={"shared_buffers": "'很多'"})
    with pytest.raises(StoreError, match="启动失败") as e:
        cluster.start()
    assert "shared_buffers" in str(e.value)  # the server log's own explanation
    assert cluster.folder is None and list(base.iterdir()) == []


def test_missing_binaries_say_how_to_install(tmp_path):
    with pytest.raises(StoreError) as e:
        Cluster(bindir=tmp_path).start()
    assert str(e.value) == MISSING
