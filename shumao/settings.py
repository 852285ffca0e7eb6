"""Every ``SHUMAO_*`` environment setting in one declarative table: its name, default and
what it does.  Code reads a setting only through ``get`` (never ``os.environ`` directly),
so this table is the complete list a user or an administrator can set.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from shumao.errors import InputError

CGROUP_LIMITS = ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")


def machine_memory() -> int | None:
    """The machine's memory in bytes (None where the system does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def memory_share(fraction: int = 4, limits: tuple[str, ...] = CGROUP_LIMITS) -> str:
    """1/``fraction`` of the memory this process may use — the machine's, or its container's
    limit where that is lower — and at least 1 GB, as DuckDB writes a memory limit: the
    default of the DuckDB memory settings (a fixed 1 GB made the report's join spill to disk
    at 10⁸ executions while most of the machine stood idle)."""
    total = machine_memory()
    if total is None:
        return "1GB"
    for f in limits:
        with contextlib.suppress(OSError, ValueError):     # "max": no limit there
            total = min(total, int(Path(f).read_text().strip()))
    return f"{max(1024, (total // fraction) >> 20)}MB"


UNITS = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12,
         "ki": 2**10, "mi": 2**20, "gi": 2**30, "ti": 2**40}


class Memory(str):
    """A memory size as DuckDB reads it, its unit written: 512MB, 2GB, 1.5GiB.  ``low``: the
    least DuckDB can work in (below it, it fails later with “Out of Memory Error”)."""

    FORM = re.compile(r"(\d+(?:\.\d+)?)\s*([KMGT]i?)?B", re.IGNORECASE)
    SAID = "内存大小，如 2GB、512MB"

    @classmethod
    def size(cls, raw: str) -> float | None:
        m = cls.FORM.fullmatch(raw)
        return float(m[1]) * UNITS[(m[2] or "").lower()] if m else None


class SparkMemory(str):
    """A memory size as Spark (the JVM) reads it: 512m, 4g, 16g."""

    FORM = re.compile(r"(\d+)([kmgt])", re.IGNORECASE)
    SAID = "Spark 的内存大小，如 4g、16g、512m"

    @classmethod
    def size(cls, raw: str) -> float | None:
        m = cls.FORM.fullmatch(raw)
        return float(m[1]) * UNITS[m[2].lower()] if m else None


class SdmxId(str):
    """An SDMX identifier: a letter, then letters, digits, ``_`` or ``-`` (an agency or a code)."""

    FORM = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,49}")
    SAID = "SDMX 标识（字母开头，只含字母、数字、下划线和连字符），如 SHUMAO"


class Folder(str):
    """A folder that exists and this process may write in (checked with a file made and removed)."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    kind: type = str
    low: int | str | None = None     # the least value: a number, or a size in the kind's words
    high: int | None = None
    choices: tuple[str, ...] = ()    # the only values allowed, if any


TABLE: tuple[Setting, ...] = (
    Setting("SHUMAO_DB", "shumao.duckdb",
            "默认数据库：DuckDB 文件路径，或 postgresql://用户@主机/库名"),
    Setting("SHUMAO_LOCK_WAIT", "30",
            "数据库文件正被另一个程序写入时，最多等待的秒数（0 到 86400）", int, 0, 86400),
    Setting("SHUMAO_IDLE_RELEASE", "2",
            "网页门户（shumao serve）闲置多少秒后释放 DuckDB 数据库文件，让命令行可以同时使用；"
            "下一个请求再打开（0 为一直占用；0 到 3600）", int, 0, 3600),
    Setting("SHUMAO_STORE_MEMORY", memory_share(),
            "嵌入式数据库（DuckDB）可用的内存上限，如 2GB、8GB（默认为本机内存的四分之一，至少 1GB；不能小于 128MB）",
            Memory, "128MB"),
    Setting("SHUMAO_STAGING_MEMORY", memory_share(),
            "导入检查所用临时数据库的内存上限，超出部分写入磁盘（默认为本机内存的四分之一，至少 1GB；不能小于 128MB）",
            Memory, "128MB"),
    Setting("SHUMAO_TMPDIR", "", "导入检查所用的临时数据库（需约为导入文件 2.5 倍的空闲磁盘）和网页上传文件所在的"
            "临时文件夹（默认：系统临时文件夹）；须是已有的、可写入的文件夹", Folder),
    Setting("SHUMAO_SPARK_MEMORY", "4g",
            "shumao report --engine spark 时 Spark 驱动进程的内存（本机模式下也是计算用的内存），如 4g、16g（不能小于 512m）",
            SparkMemory, "512m"),
    Setting("SHUMAO_UPLOAD_MB", "200", "网页上传的大小上限（MB，1 到 100000），超出时答复 413；压缩包（网页上传或命令行导入）解压后以它的 4 倍为限", int, 1, 100000),
    Setting("SHUMAO_SESSION_MINUTES", "60", "网页登录多久无操作后失效（分钟，1 到 525600）", int, 1, 525600),
    Setting("SHUMAO_TRUSTED_PROXIES", "127.0.0.1",
            "门户前面的反向代理的地址（多个用逗号隔开）：只采信这些地址送来的 X-Forwarded-For 和 X-Forwarded-Proto，"
            "据此记录访客地址、限制登录尝试；代理必须设置 X-Forwarded-For"),
    Setting("SHUMAO_SESSION_HOURS", "12", "网页登录最长有效多久（小时，1 到 8760）：到时即使一直在使用也须重新登录", int, 1, 8760),
    # -- reminder e-mails (issue 10: filing windows, the status board, reminders) ----------
    Setting("SHUMAO_SMTP_HOST", "", "发送催报邮件的发信服务器（SMTP）地址，如 smtp.example.com；不设置则不能发送催报邮件"),
    Setting("SHUMAO_SMTP_PORT", "0", "发信服务器端口；0 表示按加密方式取默认值（ssl 为 465，starttls 为 587，none 为 25）", int, 0, 65535),
    Setting("SHUMAO_SMTP_USER", "", "登录发信服务器的用户名（不需要登录时留空）"),
    Setting("SHUMAO_SMTP_PASSWORD", "", "登录发信服务器的密码或授权码（不需要登录时留空）"),
    Setting("SHUMAO_SMTP_FROM", "", "催报邮件的发件人，如 协会秘书处 <tongji@example.org>"),
    Setting("SHUMAO_SMTP_TLS", "starttls", "与发信服务器的加密方式：none（不加密）、starttls（先明文再加密）或 ssl（全程加密）"),
    Setting("SHUMAO_SMTP_TIMEOUT", "30", "连接发信服务器和发送每封邮件最多等待的秒数（1 到 3600）", int, 1, 3600),
    Setting("SHUMAO_FAULT_KILL_AFTER_BATCHES", "", "仅供测试：导入在写入第 N 个数据块之后（或提交之前）立即终止进程，"
            "以验证数据库要么保持原样、要么完整导入（留空表示不启用）", int, 0),
    Setting("SHUMAO_SDMX_AGENCY", "SHUMAO", "SDMX 文件的维护机构标识；报送 .Stat Suite 等数据库前须在那里登记，如 CN_DLDTA", SdmxId),
    Setting("SHUMAO_SDMX_REF_AREA", "CN_999901", "SDMX 文件的报告地区代码：CN_ 加本市的 GB/T 2260 行政区划代码，如大连市 CN_210200；"
            "默认值 CN_999901 是示例市的虚构代码", SdmxId),
    Setting("SHUMAO_DIGITAL_ORDERED_UNKNOWN", "NDO", "数字贸易中“是否线上订购”未填报的服务：NDO（按非数字订购计，默认）"
            "或 separate（单列，计入数字交付贸易而不计入数字订购贸易）", choices=("NDO", "separate")),
    Setting("SHUMAO_DIGITAL_BY_SIZE", "no", "数字贸易是否按企业规模（大型、中型、小型、微型）分列（试验性）：no（默认）或 yes",
            choices=("no", "yes")),
    Setting("SHUMAO_PORTAL_URL", "", "催报邮件中给出的门户网址，如 https://tongji.example.org/（企业据此登录填报）"),
)
BY_NAME = {s.name: s for s in TABLE}


def get(name: str):
    """The setting's value from the environment, else its default, as its declared type —
    checked against the kind and range the table declares, so a value that would fail later
    (in DuckDB's, Spark's or the system's words) is refused now, in Chinese."""
    s = BY_NAME[name]
    raw = os.environ.get(name, "").strip() or s.default
    if s.kind is int and raw == "":
        return None                 # an optional number, unset

    def wrong(said: str) -> str:    # a Latin word after Chinese: a space between
        return f"环境变量 {name} 应为{' ' * said[:1].isascii()}{said}（收到“{raw}”）"

    if s.kind is int:
        try:
            value = int(raw)
        except ValueError:
            raise InputError(wrong("整数")) from None
        if (s.low is not None and value < int(s.low)) or (s.high is not None and value > s.high):
            said = (f"{s.low} 到 {s.high} 之间的整数" if s.high is not None else f"不小于 {s.low} 的整数")
            raise InputError(wrong(said))
        return value
    if s.kind in (Memory, SparkMemory):
        size = s.kind.size(raw)
        if size is None:
            raise InputError(wrong(s.kind.SAID))
        if s.low is not None and size < (s.kind.size(str(s.low)) or 0):
            raise InputError(f"环境变量 {name} 应不小于 {s.low}（收到“{raw}”）")
    if s.choices and raw not in s.choices:
        raise InputError(wrong(" 或 ".join(s.choices)))
    if s.kind is SdmxId and not SdmxId.FORM.fullmatch(raw):
        raise InputError(wrong(SdmxId.SAID))
    if s.kind is Folder and raw:
        _folder(raw, wrong)
    return raw


def _folder(raw: str, wrong: Callable[[str], str]) -> None:
    from shumao.files.scratch import probe, why  # files/ reads its folder from here

    if not Path(raw).is_dir():
        raise InputError(wrong("已有的文件夹"))
    try:
        probe(raw)
    except OSError as e:
        raise InputError(wrong(f"可写入的文件夹（{why(e)}）")) from e
