"""What every command shares: the options (``--db``, ``--json``, ``--period``…), the consoles,
the JSON output, the flags the library's messages name, and the path rules.

Paths, one rule for every command:
- a path the user names to be read (an input file, a content folder, a group file, the store of
  a command that only reads: status, report, explain, bulletin) must exist, else it is wrong
  usage (exit 2): "找不到文件：X", "找不到文件夹：X", "数据库不存在：X".  Nothing is created.
- an output (``--out``, ``--errors-out``) may be new, but its folder must exist ("输出文件夹
  不存在：X", exit 2); an output folder itself is created, never its parents.  An output file
  that names an existing folder is refused.
- only ``import`` creates a store that does not exist yet.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console, ConsoleDimensions

from shumao.errors import InputError
from shumao.files.scratch import probe, why
from shumao.ingest.headers import KIND_ZH  # noqa: F401  (the commands name a kind by it)


class _Out(Console):
    """stdout: at the terminal's width; to a pipe or a file (no terminal, no COLUMNS) wide
    enough that no table cell is broken — Rich would otherwise lay it out at 80 columns."""

    PIPE_WIDTH = 1000

    @property
    def size(self) -> ConsoleDimensions:
        size = Console.size.fget(self)  # type: ignore[attr-defined]
        if self._width is None and not self.is_terminal:
            columns = os.environ.get("COLUMNS", "")
            return ConsoleDimensions(int(columns) if columns.isdigit() else self.PIPE_WIDTH,
                                     size.height)
        return size

    @size.setter
    def size(self, new: tuple[int, int]) -> None:
        Console.size.fset(self, new)  # type: ignore[attr-defined]


out = _Out(highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)  # the terminal wraps messages
STATE = {"debug": False, "json_printed": False}


DbOption = Annotated[Optional[str], typer.Option(
    "--db", metavar="数据库",
    help="DuckDB 数据库文件，或 postgresql://用户@主机/库名；不写时用环境变量 SHUMAO_DB，"
         "再不然用当前文件夹的 shumao.duckdb")]
JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 输出（供脚本读取），出错时也是")]


def print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False))
    STATE["json_printed"] = True


# --- paths: the rule of the module docstring --------------------------------------------------

def input_folder(path: Path) -> Path:
    if path.exists() and not path.is_dir():
        raise InputError(f"这是文件，不是文件夹：{path}")
    if not path.is_dir():
        raise InputError(f"找不到文件夹：{path}")
    return path


def output_file(path: Path, option: str) -> Path:
    if path.is_dir():
        raise InputError(f"{option} 应是文件，但这是已有的文件夹：{path}")
    if not path.parent.is_dir():
        raise InputError(f"输出文件夹不存在：{path.parent}（请先建好这个文件夹）")
    try:
        if path.exists():
            path.open("ab").close()            # opened for writing, not changed
        else:
            probe(path.parent)
    except OSError as e:
        raise InputError(f"{option} 无法写入：{path}（{why(e)}）") from e
    return path


def output_folder(path: Path, option: str) -> Path:
    if path.exists() and not path.is_dir():
        raise InputError(f"{option} 应是文件夹，但这是已有的文件：{path}")
    if not path.parent.is_dir():
        raise InputError(f"输出文件夹不存在：{path.parent}（请先建好这个文件夹）")
    try:
        probe(path if path.is_dir() else path.parent)
    except OSError as e:
        raise InputError(f"{option} 无法写入：{path}（{why(e)}）") from e
    return path


PeriodOption = Annotated[str, typer.Option(
    "--period", metavar="时期",
    help="要统计的时期。写法：2024-03、2024Q2、2024H1、2024、2024-01..2024-09，或照网页的写法 "
             "2024年3月、2024年二季度、2024年上半年、2024年、2024年1-9月"
         "（一个月、一个季度、半年、全年、几个月）")]


GroupOption = Annotated[Optional[list[Path]], typer.Option(
    "--group", metavar="文件", help="自定义国家组文件（可多次指定），每组增加指标 exec_group_<文件名>")]
BriOption = Annotated[Optional[str], typer.Option(
    "--bri", metavar="口径", help="“一带一路”口径：route65（沿线国家）或 partners（共建国家）；默认按时期")]
BriFileOption = Annotated[Optional[Path], typer.Option(
    "--bri-file", metavar="文件", help="自定义“一带一路”国家名单（CSV：country 列，可选 joined_on/left_on）")]


# a Parquet data set instead of the store (report, digital: report.request.check_source)
DataOption = Annotated[Optional[str], typer.Option(
    "--data", metavar="文件夹",
    help="不读数据库，而从 shumao export 导出的 Parquet 数据集计算（同一套指标代码）；"
         "计算引擎见 --engine")]
EngineOption = Annotated[str, typer.Option(
    "--engine", metavar="引擎",
    help="用 --data 时的计算引擎：duckdb（默认，本机）或 spark（需安装 shumao[spark] 和 Java 17+）")]
SparkMasterOption = Annotated[Optional[str], typer.Option(
    "--spark-master", metavar="地址",
    help="Spark 集群地址，如 spark://主机:7077；不写时在本机以 local 模式运行")]


HostOption = Annotated[str, typer.Option("--host", metavar="地址", help="监听地址（默认只允许本机访问）")]
PortOption = Annotated[int, typer.Option("--port", min=1, max=65535, metavar="端口", help="监听端口")]


# the arguments the library's messages and a report request's rules name (errors.py ``field``,
# report.request ``OptionError.options``), as the clerk types them here
FLAGS = {"enterprise": "--enterprise", "days": "--days", "formats": "--formats", "db": "--db",
         "overwrite": "--overwrite", "engine": "--engine", "spark_master": "--spark-master",
         "sizes": "--sizes", "no_spark": "--no-spark", "bri_file": "--bri-file", "groups": "--group",
         "period": "--period", "vintage": "--vintage", "data": "--data", "region": "--region",
         "short": "--short", "source": "--source", "bri": "--bri", "relative": "--relative"}
