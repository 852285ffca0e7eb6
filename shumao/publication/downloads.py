"""The files the public archive offers beside a published edition whose period has digital
trade (spec/digital-trade.md §8.4): the tables of §8.2 as XLSX and the SDMX files of §8.3
as one zip (the folder ``shumao digital --format sdmx`` writes) — both computed from the
edition's vintage (``vintages.digital``: the frozen records, customs rows, platforms and
settings, verified against what was published), never from today's store.

    offered(store)                 # edition id → the formats it offers ("xlsx", "sdmx")
    data, name, media = made(store, vintage_id, "sdmx")
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from shumao.errors import InputError
from shumao.model.periods import Period
from shumao.publication import vintages
from shumao.store import Store

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# format → (media type, what a clerk calls it), in the order the archive offers them
FORMATS = {"xlsx": (XLSX, "数字贸易统计表"), "sdmx": ("application/zip", "数字贸易数据包（SDMX）")}


def formats(period: str) -> tuple[str, ...]:
    """The formats a vintage of ``period`` has: SDMX only for periods it can key (a range
    of months not from January has no SDMX form: sdmx.data.time_key)."""
    from shumao.sdmx.data import time_key

    try:
        time_key(Period.parse(period))
    except InputError:
        return ("xlsx",)
    return tuple(FORMATS)


def offered(store: Store) -> dict[int, tuple[str, ...]]:
    """Published edition id → the 【数字贸易】 formats its vintage offers (editions whose
    vintage froze no digital trade are absent)."""
    has = store.vintages.with_digital()
    return {v["bulletin_id"]: formats(v["period"]) for v in store.vintages.all()
            if v["bulletin_id"] is not None and v["id"] in has}


def made(store: Store, vid: int, fmt: str) -> tuple[bytes, str, str]:
    """One file of a vintage's 【数字贸易】: its bytes, its download name, its media type."""
    from shumao.report import digital as words
    from shumao.report import digital_tables
    from shumao.sdmx import files

    frozen = vintages.digital(store, vid)
    d, region, source = frozen.digital, frozen.settings.region, frozen.settings.source
    if fmt not in formats(str(d.period)):
        raise InputError(f"数字贸易没有“{fmt}”格式的文件")
    name = f"{digital_tables.title(d, region)}"
    if fmt == "sdmx":
        texts = files.period_texts(words.observations(d), d.period, region)
        return files.zipped(texts), f"{name}SDMX数据.zip", FORMATS[fmt][0]
    with tempfile.TemporaryDirectory(prefix="shumao-digital-") as tmp:
        path = Path(tmp) / "digital.xlsx"
        digital_tables.xlsx(d, region, frozen.text, source, path)
        return path.read_bytes(), f"{name}.xlsx", FORMATS[fmt][0]
