"""Digital-trade figures as SDMX data (digital-trade.md §8.3, §8.6): the observations checked
against the structure (codes in their codelists, keys unique, mandatory attributes, the period
against FREQ, a suppressed value exactly when CONF_STATUS says so), then written with pysdmx —

    data.csv            SDMX-CSV 2.0, ids as labels
    data-3.0.xml        SDMX-ML 3.0 structure-specific, dimensionAtObservation=TIME_PERIOD
    batis-extract.csv   the services rows of DD and DDL in BaTIS's columns (USD_EXC, millions)
    说明.txt             what the files hold, in Chinese: sources, versions, the suppression codes

beside the structures (structure.py).  Amounts arrive as exact US cents and leave as 万美元
(UNIT_MULT 4, DECIMALS 2, rounded half up as the text rounds them; exact cents stay in JSON and
XLSX); every value written is read back and compared with its cents so rounded, so a file never
says a figure the JSON does not.  Nothing is written unless every file passed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from shumao.errors import InputError, ShumaoError
from shumao.model.periods import Period
from shumao.sdmx import structure

# dimensions the figures give; FREQ, REF_AREA, PERIOD_BASIS, UNIT_MEASURE and TIME_PERIOD come
# from the period and the settings
GIVEN = ("COUNTERPART_AREA", "TRADE_FLOW", "DIGITAL_NATURE", "DIP", "PRODUCT_TYPE", "SERVICE",
         "COMMODITY", "CUSTOMS_REGIME", "CONTROL", "ENTERPRISE_SIZE")
SUPPRESSED = frozenset("AOD")           # CONF_STATUS of a value not published
UNIT_MULT, DECIMALS = "4", "2"          # 万美元, two decimals
CENTS_PER_UNIT = 10**6                  # one 万美元 in cents
BATIS = ("REF_AREA", "COUNTERPART_AREA", "TRADE_FLOW", "DIGITAL_NATURE", "SERVICE", "TIME_PERIOD",
         "OBS_VALUE", "UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS")


class OutputCheckError(ShumaoError):
    """Figures that would make an SDMX file the structure does not allow: nothing is written."""

    code, exit_code, http_status = "output-check", 1, 422


@dataclass(frozen=True)
class Observation:
    """One figure: its dimensions (GIVEN), exact cents (None when suppressed) and attributes."""

    key: Mapping[str, str]
    cents: int | None
    status: str = "A"                   # OBS_STATUS: A, B, E, P, Q
    conf: str = "F"                     # CONF_STATUS: F, or A / O / D when suppressed
    source: str | None = None           # SOURCE_DETAIL
    coverage: str | None = None         # COVERAGE, a percentage as text ("87.83")
    method: str | None = None           # METHOD


def time_key(period: Period) -> tuple[str, str, str]:
    """(FREQ, TIME_PERIOD, PERIOD_BASIS) of a report period (§8.3's period mapping).  A range of
    months not starting in January has no SDMX form."""
    y, a, b = period.year, period.first, period.last
    if (a, b) == (1, 12):
        return "A", f"{y}", "PER"
    if a == b:
        return "M", f"{y}-{a:02d}", "PER"
    if b == a + 2 and a % 3 == 1:
        return "Q", f"{y}-Q{(a + 2) // 3}", "PER"
    if b == a + 5 and a in (1, 7):
        return "S", f"{y}-S{(a + 5) // 6}", "PER"
    if a == 1:
        return "M", f"{y}-{b:02d}", "YTD"
    raise InputError(f"{period.words()}（{period}）不从1月开始，无法写成 SDMX："
                     "SDMX 只有当期和年初至今累计两种口径；请改用 JSON 或 XLSX 格式，"
                     "或选从1月开始的期间")


def wan(cents: int) -> Decimal:
    """Cents as 万美元 to two decimals, half up — as the text and the tables round them."""
    return (Decimal(cents) / CENTS_PER_UNIT).quantize(Decimal("0.01"), ROUND_HALF_UP)


def value(cents: int) -> float:
    """The float pysdmx writes for ``wan(cents)``: below 10¹³ 万美元 its shortest form is that
    decimal exactly."""
    return float(wan(cents))


def rows(observations: Iterable[Observation], period: Period, area: str) -> list[dict[str, Any]]:
    """The observations as rows of the structure's components (the frame pysdmx writes)."""
    freq, time, basis = time_key(period)
    out = []
    for o in observations:
        row: dict[str, Any] = {"FREQ": freq, "REF_AREA": area, **{k: o.key.get(k, "") for k in GIVEN},
                               "PERIOD_BASIS": basis, "UNIT_MEASURE": "USD", "TIME_PERIOD": time,
                               "OBS_VALUE": math.nan if o.cents is None else value(o.cents),
                               "UNIT_MULT": UNIT_MULT, "DECIMALS": DECIMALS, "OBS_STATUS": o.status,
                               "CONF_STATUS": o.conf, "SOURCE_DETAIL": o.source or "",
                               "COVERAGE": o.coverage or "", "METHOD": o.method or ""}
        out.append(row)
    return out


def problems(table: list[dict[str, Any]], lists: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """What in the rows the structure does not allow (§8.6 point 3), in Chinese; empty when
    every row may be written.  Neither pysdmx nor sdmx1 checks codes against codelists."""
    said: list[str] = []
    parts = structure.parts()
    keys = structure.key_order()
    seen: dict[tuple[str, ...], int] = {}
    patterns = {"A": r"\d{4}", "S": r"\d{4}-S[12]", "Q": r"\d{4}-Q[1-4]", "M": r"\d{4}-(0[1-9]|1[0-2])"}
    for n, row in enumerate(table, 1):
        for p in parts:
            v = row.get(p.id, "")
            if p.codelist and v != "" and v not in lists[p.codelist]:
                said.append(f"第{n}条观测值：{p.name_zh}（{p.id}）“{v}”不在代码表 {p.codelist} 中")
            elif p.required and p.role != "measure" and v == "":
                said.append(f"第{n}条观测值：缺少必填的{p.name_zh}（{p.id}）")
        key = tuple(str(row.get(k, "")) for k in keys)
        if key in seen:
            said.append(f"第{n}条观测值与第{seen[key]}条的维度完全相同（{'.'.join(key)}）")
        seen.setdefault(key, n)
        if not re.fullmatch(patterns.get(row["FREQ"], "$^"), str(row["TIME_PERIOD"])):
            said.append(f"第{n}条观测值：时间“{row['TIME_PERIOD']}”与频率“{row['FREQ']}”不符")
        hidden = row["CONF_STATUS"] in SUPPRESSED
        if hidden != (isinstance(row["OBS_VALUE"], float) and math.isnan(row["OBS_VALUE"])):
            said.append(f"第{n}条观测值：数值{'未隐去' if hidden else '为空'}，"
                        f"而保密状态为“{row['CONF_STATUS']}”")
        if hidden and row["OBS_STATUS"] != "Q":
            said.append(f"第{n}条观测值：不公布的数值的观测值状态应为 Q（收到“{row['OBS_STATUS']}”）")
    return said


def batis(table: list[dict[str, Any]]) -> str:
    """The services rows of DD and DDL (every other breakdown at its total) in BaTIS's columns:
    USD_EXC in millions (UNIT_MULT 6).  DIGITAL_NATURE tells DD from DDL, which BaTIS lacks."""
    lines = [",".join(BATIS)]
    for row in table:
        if (row["DIGITAL_NATURE"] in ("DD", "DDL") and row["PRODUCT_TYPE"] == "S"
                and all(row[k] == "_T" for k in ("DIP", "CONTROL", "ENTERPRISE_SIZE"))):
            v = row["OBS_VALUE"]
            millions = "NaN" if math.isnan(v) else format((Decimal(repr(v)) / 100).normalize(), "f")
            cells = {**row, "OBS_VALUE": millions, "UNIT_MEASURE": "USD_EXC", "UNIT_MULT": "6"}
            lines.append(",".join(str(cells[c]) for c in BATIS))
    return "\n".join(lines) + "\n"


def readme(period: Period, area: str, area_name: str, methods: Iterable[str]) -> str:
    methods = sorted({m for m in methods if m})
    return "\n".join([
        f"{area_name}数字贸易统计 SDMX 文件（{period.words()}）",
        "",
        f"维护机构：{structure.agency()}；数据结构：{structure.DSD}({structure.VERSION})；"
        f"数据流：{structure.DATAFLOW}({structure.VERSION})（试验性统计）。报告地区代码：{area}。",
        "",
        "文件：",
        "  structure-2.1.xml  代码表、概念、数据结构与数据流（SDMX-ML 2.1，供 sdmx1、FMR、.Stat Suite 读取）",
        "  structure-3.0.xml  同上（SDMX-ML 3.0）",
        "  data.csv           数据（SDMX-CSV 2.0）",
        "  data-3.0.xml       数据（SDMX-ML 3.0，按结构编写，时间为观测维度）",
        "  batis-extract.csv  服务部分的数字交付（DD）与可数字化交付（DDL）数据，按 OECD-WTO BaTIS 的列排列"
        "（百万美元，UNIT_MULT=6），供与各国 BaTIS 数据对照，不是 BaTIS 报送文件",
        "",
        "单位：美元，UNIT_MULT=4 表示万美元，保留两位小数（DECIMALS=2）；数值末尾的 0 不写出（251.3 即 251.30）。"
        "精确到分的数值见 JSON 与 XLSX 输出。",
        "",
        "来源（SOURCE_DETAIL）：MOFCOM_SO 商务部服务外包业务管理和统计系统；GACC_CBEC 海关跨境电商统计（监管方式口径）；"
        "GACC_FULL 海关跨境电商统计（全口径）；SVC_DIRECT 服务贸易直报；DT_SURVEY 数字贸易企业调查；MIXED 多来源合成。",
        "",
        "观测值状态（OBS_STATUS）：A 正常值；E 估算值（含服务外包子类与 EBOPS 对照权重或推算）；"
        "B 序列中断；P 初步值；Q 不公布。",
        "保密状态（CONF_STATUS）：F 可公布；A 企业数少于3家，不公布；O 单一企业占比超过85%，不公布；"
        "D 为避免推算出其他不公布数据而不公布。不公布的数值写作 NaN。",
        "",
        "方法（METHOD）：" + ("；".join(methods) if methods else "无"),
        "  SO-EBOPS-…：服务外包子类与 EBOPS 2010 的对照表版本（模型估算）；ORD-UNK=NDO：订购方式未知的按非数字订购计；"
        + ("ORD-UNK=SEP：订购方式未知的单列（数字交付部分为 DD_UDO，计入数字交付贸易，不计入数字订购贸易）；"
           if any("ORD-UNK=SEP" in m for m in methods) else "")
        +
        "IMPUTE=…：交付方式推算设置；SET=…：可数字化交付服务的范围（MOFCOM6 商务部六类，UNCTAD 联合国贸发会议）。",
        "",
    ])


def texts(observations: list[Observation], period: Period, area_name: str) -> dict[str, str]:
    """Every data file's text, checked: the rows against the structure, the XML against the
    SDMX XSDs, the CSV read back by pysdmx and each value compared with its cents."""
    import pandas as pd
    from pysdmx.io import write_sdmx
    from pysdmx.io.format import Format
    from pysdmx.io.pd import PandasDataset
    from pysdmx.io.xml.doc_validation import validate_doc
    from pysdmx.model.dataflow import Schema

    area = structure.ref_area()
    table = rows(observations, period, area)
    said = problems(table, structure.codelists(area_name))
    if said:
        raise OutputCheckError("SDMX 数据未写出：" + "；".join(said[:20])
                               + (f"；另有 {len(said) - 20} 处" if len(said) > 20 else ""))
    comps = structure.components(area_name)
    columns = [p.id for p in structure.parts()]
    frame = pd.DataFrame(table, columns=columns).astype({c: object for c in columns if c != "OBS_VALUE"})
    dataset = PandasDataset(structure=Schema(context="dataflow", agency=structure.agency(),
                                             id=structure.DATAFLOW, version=structure.VERSION,
                                             components=comps), data=frame)
    csv_text = structure.written(write_sdmx([dataset], Format.DATA_SDMX_CSV_2_0_0))
    xml_text = structure.written(write_sdmx([dataset], Format.DATA_SDMX_ML_3_0,
                                            dimension_at_observation={dataset.short_urn: "TIME_PERIOD"}))
    validate_doc(xml_text)
    _same_cents(csv_text, observations)
    return {"data.csv": csv_text, "data-3.0.xml": xml_text, "batis-extract.csv": batis(table),
            "说明.txt": readme(period, area, area_name, (o.method or "" for o in observations))}


def _same_cents(csv_text: str, observations: list[Observation]) -> None:
    import csv
    import io

    read = [r["OBS_VALUE"] for r in csv.DictReader(io.StringIO(csv_text))]
    if len(read) != len(observations):
        raise OutputCheckError(f"SDMX-CSV 写出 {len(read)} 条观测值，应为 {len(observations)} 条")
    for n, (text, o) in enumerate(zip(read, observations, strict=True), 1):
        back = None if text == "NaN" else Decimal(text)
        if back != (None if o.cents is None else wan(o.cents)):
            raise OutputCheckError(f"SDMX-CSV 第{n}条观测值写成“{text}”，与 {o.cents} 分不符")
