"""Opening the store.  DuckDB is pinned exactly (its file format changed in 2.0) and never
loads extensions: they would be downloaded, which fails offline (stack.md §1)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb

from shumao.errors import StoreError

SCHEMA_VERSION = "1"
RECORD_TABLES = ("enterprises", "contracts", "executions", "rates")
KEYS = {"enterprises": ("enterprise_id",), "contracts": ("contract_id",),
        "executions": ("execution_id",), "rates": ("currency", "month")}
CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


@dataclass
class Store:
    """An open store: the DuckDB connection and where it lives."""

    con: duckdb.DuckDBPyConnection
    path: str

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def counts(self) -> dict[str, int]:
        sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}"
                                 for t in (*RECORD_TABLES, "batches"))
        return dict(self.con.execute(sql).fetchall())

    def ibis(self):
        """The same connection as an Ibis backend, for the indicator expressions."""
        import ibis

        return ibis.duckdb.from_connection(self.con)


def default_path() -> str:
    return os.environ.get("SHUMAO_DB") or "shumao.duckdb"


def connect(url: str | os.PathLike | None = None, read_only: bool = False) -> Store:
    """Open (creating if needed) the store at a path, ``duckdb:///path`` or ``:memory:``."""
    target = str(url) if url is not None else default_path()
    if target.startswith("duckdb://"):
        target = target[len("duckdb://"):] or ":memory:"
    if target != ":memory:":
        if read_only and not Path(target).exists():
            raise StoreError(f"数据库文件不存在：{target}（请先用 shumao import 导入数据）")
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(target, read_only=read_only, config=dict(CONFIG))
    except duckdb.IOException as e:
        if "lock" in str(e).lower():
            raise StoreError(f"数据库文件 {target} 正被另一个程序使用，请稍后再试") from e
        raise StoreError(f"无法打开数据库文件 {target}：{e}") from e
    except duckdb.Error as e:
        raise StoreError(f"无法打开数据库文件 {target}：{e}") from e
    if not read_only:
        con.execute(resources.files("shumao.store").joinpath("schema.sql").read_text("utf-8"))
        con.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
    return Store(con, target)
