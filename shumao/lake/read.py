"""A Parquet data set written by ``shumao export`` as a backend of the indicator expressions:
``shumao report --data DIR [--engine duckdb|spark] [--spark-master URL]``.

``open_lake(folder, engine)`` yields an Ibis backend on which the data set's ``contracts``,
``executions`` and ``enterprises`` are tables of the store's names and types (export.py), so
``report.service.report_of`` — the same indicator expressions as on a DuckDB or PostgreSQL
store — computes the whole 数据月报 on it; with ``tables=DIGITAL`` the digital-trade kinds too
(platforms, ecommerce, services, dt_survey, totals), for ``indicators.digital`` and
``shumao digital --data DIR``.  There is no second implementation of any figure.

- ``duckdb``: in-process, the data set read where it lies (Hive partitions from folder names).
- ``spark``: PySpark through Ibis's pyspark backend — the optional extra ``shumao[spark]`` and
  Java 17 or later (Debian ``default-jre-headless``).  Local mode on this machine
  (``local[*]``, the driver on 127.0.0.1, no web UI) unless ``master`` names a cluster
  (``spark://…``, ``yarn``, ``k8s://…``); on a cluster ``folder`` must be a path every
  executor reads (``hdfs://…``, ``s3a://…``, a shared disk).  Java's own output goes to a log
  file; when Spark fails the user sees one line naming it (and the file Spark could not read).

Before either engine runs, the data set is checked against its manifest (verify.py): a
damaged one is refused the same way on both, never computed.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from shumao import settings
from shumao.errors import EngineError, InputError
from shumao.indicators.source import RecordSource
from shumao.lake import verify
from shumao.lake.export import MANIFEST, check_manifest, parse_manifest, read_manifest

ENGINES = ("duckdb", "spark")
TABLES = ("enterprises", "contracts", "executions")           # what the 数据月报 reads
# ... and what digital trade reads besides (indicators.digital)
DIGITAL = (*TABLES, "platforms", "ecommerce", "services", "dt_survey", "totals")
REACH_SECONDS = 5         # a Spark master's port must answer within this


def is_remote(folder: str) -> bool:
    """A data set behind a file system URL (hdfs://, s3a://…) rather than a local path."""
    return "://" in folder and not folder.startswith("file://")


def check_engine(engine: str, master: str | None) -> None:
    """The engine and Spark master as given (``--engine``, ``--spark-master``): wrong input in
    Chinese before any work, the field named as each edge names it (errors.py)."""
    if engine not in ENGINES:
        raise InputError(f"{{engine}}只能是 {'、'.join(ENGINES)}（收到“{engine}”）", field="engine")
    if master and engine != "spark":
        raise InputError("{spark_master}只用于{engine} spark", field="spark_master", also=("engine",))


def holds(folder: str | Path, manifest: dict, tables: tuple[str, ...]) -> None:
    """Refuse (InputError) a data set without one of ``tables``: an export of an earlier
    shumao (schema version 1) holds no digital-trade kinds."""
    missing = [t for t in tables if t not in verify.kinds(manifest)]
    if missing:
        raise InputError(f"{folder} 由较早版本的 shumao 导出，不含数字贸易所需的记录"
                         f"（{'、'.join(missing)}）：请用 shumao export 重新导出后再计算")


@contextmanager
def open_lake(folder: str | Path, engine: str = "duckdb", master: str | None = None,
              tables: tuple[str, ...] = TABLES) -> Iterator[RecordSource]:
    """An Ibis backend holding the data set's record ``tables`` (a ``RecordSource``), closed
    on leaving."""
    folder = str(folder)
    check_engine(engine, master)
    if folder.startswith("file://"):                  # file:///数据/湖 is the local folder
        folder = unquote(urlsplit(folder).path)
    if is_remote(folder) and engine != "spark":
        raise InputError(f"{folder} 是远程路径，只有{{engine}} spark 能读取；本机的数据集请写本地文件夹",
                         field="engine")
    if not is_remote(folder):
        if not Path(folder).is_dir():
            raise InputError(f"找不到文件夹：{folder}")
        manifest = read_manifest(folder)
        verify.check(folder, manifest)                    # before any engine starts
        holds(folder, manifest, tables)
    if engine == "duckdb":
        with _duckdb(folder, tables) as con:
            yield con
    else:
        with _spark(folder, master, tables) as con:
            yield con


@contextmanager
def _duckdb(folder: str, tables: tuple[str, ...]):
    import duckdb
    import ibis

    from shumao.store.duckdb import CONFIG

    con = ibis.duckdb.from_connection(duckdb.connect(config={
        **CONFIG, "memory_limit": settings.get("SHUMAO_STORE_MEMORY")}))
    try:
        for kind in tables:
            con.read_parquet(f"{folder}/{kind}/**/*.parquet", table_name=kind)
        yield con
    except duckdb.Error as e:
        raise InputError(f"无法读取 Parquet 数据集 {folder}：{str(e).strip().splitlines()[0]}") from e
    finally:
        con.disconnect()


# -- Spark --------------------------------------------------------------------------------------


@contextmanager
def _spark(folder: str, master: str | None, tables: tuple[str, ...]):
    try:
        import ibis.backends.pyspark  # noqa: F401 — Ibis's Spark backend, part of the extra
        from pyspark import SparkConf, SparkContext
        from pyspark.sql import SparkSession
    except ImportError:
        raise EngineError("未安装 Spark 支持：请先安装 shumao 的可选组件 "
                          "pip install 'shumao[spark]'（另需 Java 17 或更高版本）") from None
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise EngineError("Spark 需要 Java 17 或更高版本，本机没有找到 java："
                          "请安装（Debian/Ubuntu：sudo apt-get install default-jre-headless）"
                          "或设置 JAVA_HOME")
    active = SparkContext._active_spark_context
    if active is None and master:
        _reach(master)
    if active is not None:     # a session this process already runs (a notebook, a test): used, left open
        if master and master != active.master:
            raise InputError(f"本进程已在运行 Spark（{active.master}），不能再连接 {master}")
        with _tables(SparkSession(active), folder, None, tables) as con:
            yield con
        return
    fd, log = tempfile.mkstemp(prefix="shumao-spark-", suffix=".log")
    try:
        with os.fdopen(fd, "wb") as logs, _session(_conf(SparkConf(), master), logs, log) as session, \
                _tables(session, folder, log, tables) as con:
            yield con
    except EngineError:
        raise                   # its message names the log file: kept for the user
    except BaseException:
        os.unlink(log)
        raise
    os.unlink(log)


@contextmanager
def _session(conf, logs, log: str):
    """A new JVM and Spark session, Java's stdout and stderr (log4j, warnings, progress) going
    to ``logs``; stopped, and the JVM ended, on leaving (a later open_lake starts its own)."""
    from pyspark import SparkContext
    from pyspark.java_gateway import launch_gateway
    from pyspark.sql import SparkSession

    gateway = session = None
    try:
        try:
            gateway = launch_gateway(conf, popen_kwargs={"stdout": logs, "stderr": logs})
            session = SparkSession(SparkContext(conf=conf, gateway=gateway))
        except Exception as e:
            raise EngineError(f"无法启动 Spark（{conf.get('spark.master')}）：{_tail(log, e)}") from e
        session.sparkContext.setLogLevel("ERROR")
        yield session
    finally:
        _stop(session, gateway)


def _stop(session, gateway) -> None:
    """Stop the session and end its JVM whatever state they are in (a JVM that died, one
    that does not exit within a minute is killed); a later open_lake starts its own."""
    import subprocess

    from pyspark import SparkContext

    if session is not None:
        with contextlib.suppress(Exception):
            session.stop()
    if gateway is None:
        return
    SparkContext._gateway = SparkContext._jvm = None
    with contextlib.suppress(Exception):
        gateway.shutdown()
    proc = getattr(gateway, "proc", None)
    if proc is not None:
        with contextlib.suppress(OSError):
            proc.stdin.close()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def _tables(session, folder: str, log: str | None, tables: tuple[str, ...]):
    """An Ibis backend on the Spark session with the data set's tables (as temporary views
    of those names); a failing Spark job is an EngineError with the first line of Spark's
    error and, when this process owns the JVM, the end of Java's log."""
    import ibis

    try:
        con = ibis.pyspark.connect(session)
        if is_remote(folder):
            try:
                text = session.read.text(f"{folder}/{MANIFEST}", wholetext=True).first()[0]
            except Exception as e:
                raise InputError(f"{folder} 不是 shumao 导出的 Parquet 数据集（无法读取 {MANIFEST}："
                                 f"{str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__}）") from e
            manifest = check_manifest(parse_manifest(text, folder), folder)
            verify.check_listing(folder, manifest, _listing(session, folder))
            holds(folder, manifest, tables)
        for kind in tables:
            con.read_parquet(f"{folder}/{kind}", table_name=kind)
        try:
            yield con
        finally:            # a session that outlives this (a borrowed one) keeps nothing of it
            for kind in tables:
                with contextlib.suppress(Exception):
                    session.catalog.dropTempView(kind)
    except Exception as e:
        if type(e).__module__.startswith(("pyspark", "py4j")):
            raise EngineError(f"Spark 计算失败：{_tail(log, e)}") from e
        raise


def _listing(session, folder: str) -> dict[str, int]:
    """Every file under the data set's table folders (path relative to ``folder`` → bytes),
    listed through Spark's own Hadoop file system (hdfs://, s3a://…)."""
    from shumao.model.records import EXPORTED

    jvm, out = session.sparkContext._jvm, {}
    Path_ = jvm.org.apache.hadoop.fs.Path
    fs = Path_(folder).getFileSystem(session.sparkContext._jsc.hadoopConfiguration())
    root = fs.makeQualified(Path_(folder)).toUri().getPath().rstrip("/") + "/"
    for kind in EXPORTED:
        where = Path_(f"{folder.rstrip('/')}/{kind}")
        if not fs.exists(where):
            continue
        files = fs.listFiles(where, True)
        while files.hasNext():
            st = files.next()
            rel = st.getPath().toUri().getPath().removeprefix(root)
            if verify.read(rel):
                out[rel] = st.getLen()
    return out


def _conf(conf, master: str | None):
    """Local mode: every core of this machine, the driver on loopback, no web UI, a few
    shuffle partitions; a cluster keeps its own defaults but the UI."""
    conf.setMaster(master or "local[*]").setAppName("shumao report")
    conf.set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false")
    conf.set("spark.sql.session.timeZone", "UTC")
    conf.set("spark.driver.memory", settings.get("SHUMAO_SPARK_MEMORY"))
    if not master or master.startswith("local"):
        conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
        conf.set("spark.sql.shuffle.partitions", str(4 * (os.cpu_count() or 1)))
        conf.set("spark.local.dir", settings.get("SHUMAO_TMPDIR") or tempfile.gettempdir())
    return conf


def _tail(log: str | None, e: Exception) -> str:
    """One line for the terminal — the data set's file Spark names, or the first line of
    its error — and the whole error appended to Java's log file, which it names."""
    text = str(e).strip()
    first = text.splitlines()[0] if text else type(e).__name__
    named = re.search(r"(?:file:)?(/[^\s\"'\]\[,]+\.parquet)", text)
    said = f"无法读取文件 {named[1]}" if named else first
    if log is None:
        return said
    with open(log, "a", encoding="utf-8") as f:
        f.write(f"\n--- shumao: {type(e).__name__} ---\n{text}\n")
    return f"{said}（详情见日志 {log}）"


def _reach(master: str) -> None:
    """A ``spark://`` master that does not answer is said at once (Spark itself tries for
    about 90 seconds, then prints Java's stack): one of its hosts must accept a connection."""
    import socket

    if not master.startswith("spark://"):
        return
    why = ""
    for hostport in master.removeprefix("spark://").split(","):
        host, _, port = hostport.rpartition(":")
        try:
            with socket.create_connection((host.strip("[]"), int(port or 7077)), timeout=REACH_SECONDS):
                return
        except (OSError, ValueError) as e:
            why = "连接被拒绝" if isinstance(e, ConnectionRefusedError) else \
                "连接超时" if isinstance(e, TimeoutError) else "地址无效或无法解析"
    raise EngineError(f"无法连接 Spark 集群 {master}（{why}）：请检查{{spark_master}}的地址和端口，"
                      "或不写它而在本机计算", field="spark_master")
