"""Header rows: find the row that holds the headers, map each header to a canonical column
of filings.md, and read the unit a header may carry (`合同金额（万美元）`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shumao.model.codes import Column, aliases, header_columns, norm
from shumao.model.records import DIGITAL_COLUMNS, ENTERPRISE_COLUMNS

KINDS = ("enterprises", "contracts", "executions", "rates", "platforms", "ecommerce", "services",
         "dt_survey", "totals")
FILING_KINDS = KINDS[:4]    # filings.md's; the rest are digital trade's, each optional
KIND_WORDS = {  # filings.md: the file name says what it holds; checked in this order
    "executions": ("execution", "执行", "收款"),
    "rates": ("rate", "汇率"),
    "contracts": ("contract", "合同"),
    "enterprises": ("enterprise", "企业"),
    # spec/digital-trade.md §6.1.1, §6.1.3
    "ecommerce": ("ecommerce", "跨境电商", "电商"),
    "platforms": ("platform", "平台"),
    "services": ("services", "服务贸易", "直报"),                    # §6.1.4
    "dt_survey": ("dt_survey", "survey", "调查"),                      # §6.1.5
    "totals": ("totals", "总值", "基准"),                               # §6.1.7
}
KIND_ZH = {"enterprises": "企业", "contracts": "合同", "executions": "合同执行", "rates": "汇率",
           "platforms": "平台", "ecommerce": "跨境电商", "services": "服务贸易直报", "dt_survey": "数字贸易企业调查",
           "totals": "进出口总值"}
SCALE = {"万": 10_000, "亿": 100_000_000, "千": 1_000, "百万": 1_000_000, "十万": 100_000}
_UNIT = re.compile(r"^(?P<head>.*?)[(\[【](?P<unit>[^()\[\]【】]*)[)\]】]$")


@dataclass(frozen=True)
class Unit:
    """What a header's unit does to its column: multiply, and perhaps fix the currency."""

    scale: int = 1
    currency: str | None = None


@dataclass
class HeaderMap:
    kind: str
    columns: dict[str, int] = field(default_factory=dict)   # canonical → position
    headers: dict[str, str] = field(default_factory=dict)   # canonical → header as written
    units: dict[str, Unit] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)

    def missing(self) -> list[Column]:
        return [c for c in header_columns()[self.kind] if c.required and c.name not in self.columns]


def kind_from_name(name: str) -> str | None:
    """The kind a file (or sheet) name says, or None when it says none or more than one
    (`contracts-rates.csv`): then the headers decide.  执行 wins over 合同 (filings.md)."""
    low = name.lower()
    said = []
    for kind, words in KIND_WORDS.items():
        for w in words:
            hit = re.search(rf"(^|[^a-z]){w}s?([^a-z]|$)", low) if w.isascii() else w in name
            if hit:
                said.append(kind)
                break
    if "executions" in said and "contracts" in said:
        said.remove("contracts")
    if "ecommerce" in said and "platforms" in said:     # 电商平台 data are customs rows
        said.remove("platforms")
    return said[0] if len(said) == 1 else None


def parse_unit(text: str) -> Unit | None:
    """`万美元` → Unit(10000, 'USD'); `元` → Unit(1, 'CNY'); None if it is not a unit."""
    t = norm(text)
    scale = 1
    for word, mult in sorted(SCALE.items(), key=lambda kv: -len(kv[0])):
        if t.startswith(word) and len(t) > len(word):
            scale, t = mult, t[len(word):]
            break
    if t == "":
        return None
    cur = aliases("currencies").get(t)
    if cur is None:
        return None
    return Unit(scale, cur)


def _lookup(kind: str) -> dict[str, str]:
    return {norm(a): c.name for c in header_columns()[kind] for a in (c.name, *c.aliases)}


def match_header(kind: str, cell: str) -> tuple[str | None, Unit | None]:
    """A header cell → (canonical column, unit), trying the whole text first so that
    `发包国别（地区）` is a name, then the text without a trailing bracketed unit."""
    table = _lookup(kind)
    key = norm(cell).lstrip("*").rstrip("*")
    if key in table:
        return table[key], None
    m = _UNIT.match(key)
    if m and m["head"] in table:
        unit = parse_unit(m["unit"])
        if unit is not None:
            return table[m["head"]], unit
    return None, None


def score(kind: str, cells: list[str]) -> int:
    return sum(1 for c in cells if c and match_header(kind, c)[0])


def find_header(rows: list[list[str]], kind_hint: str | None) -> tuple[int, str] | None:
    """The first of the leading rows that reads as a header row of some kind: at least two
    known headers (title rows like `2023年1-6月服务外包合同明细` have at most one cell)."""
    kinds = [kind_hint] if kind_hint else list(KINDS)
    for i, cells in enumerate(rows):
        best = max(kinds, key=lambda k: (score(k, cells), -KINDS.index(k)))
        if score(best, cells) >= 2:
            if kind_hint is None:  # the headers decide: the kind with the most of its own
                best = max(KINDS, key=lambda k: (score(k, cells) / _size(k), score(k, cells)))
            return i, best
    return None


def _size(kind: str) -> int:
    """A kind's columns as the headers' share counts them: contracts' optional digital-trade
    columns (spec/digital-trade.md §6.1.2) do not make a filing's contracts file look less
    like one, nor enterprises' two (§6.1.6), nor the survey's one column per sub-category."""
    optional = {"contracts": DIGITAL_COLUMNS, "enterprises": ENTERPRISE_COLUMNS}.get(kind, ())
    return sum(1 for c in header_columns()[kind]
               if c.name not in optional and not c.name.startswith("remote_pct"))


def map_headers(kind: str, cells: list[str]) -> HeaderMap:
    hm = HeaderMap(kind)
    for pos, cell in enumerate(cells):
        name, unit = match_header(kind, cell or "")
        if name is None or name in hm.columns:
            if cell and cell.strip():
                hm.ignored.append(cell.strip())
            continue
        hm.columns[name] = pos
        hm.headers[name] = cell.strip()
        if unit is not None:
            hm.units[name] = unit
    return hm
