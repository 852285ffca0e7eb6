"""Every ``SHUMAO_*`` environment setting in one declarative table: its name, default and
what it does.  Code reads a setting only through ``get`` (never ``os.environ`` directly),
so this table is the complete list a user or an administrator can set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from shumao.errors import InputError


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    kind: type = str


TABLE: tuple[Setting, ...] = (
    Setting("SHUMAO_DB", "shumao.duckdb",
            "默认数据库：DuckDB 文件路径，或 postgresql://用户@主机/库名"),
    Setting("SHUMAO_LOCK_WAIT", "30",
            "数据库文件正被另一个程序写入时，最多等待的秒数", int),
    Setting("SHUMAO_STORE_MEMORY", "1GB", "嵌入式数据库（DuckDB）可用的内存上限"),
    Setting("SHUMAO_STAGING_MEMORY", "1GB", "导入检查所用临时数据库的内存上限，超出部分写入磁盘"),
    Setting("SHUMAO_TMPDIR", "", "导入时溢出到磁盘的临时文件和网页上传文件所在的临时文件夹（默认：系统临时文件夹）"),
    Setting("SHUMAO_UPLOAD_MB", "200", "网页上传的大小上限（MB），超出时答复 413", int),
    Setting("SHUMAO_SESSION_MINUTES", "60", "网页登录多久无操作后失效（分钟）", int),
)
BY_NAME = {s.name: s for s in TABLE}


def get(name: str):
    """The setting's value from the environment, else its default, as its declared type."""
    s = BY_NAME[name]
    raw = os.environ.get(name, "").strip() or s.default
    if s.kind is int:
        try:
            return int(raw)
        except ValueError:
            raise InputError(f"环境变量 {name} 应为整数（收到“{raw}”）") from None
    return raw
