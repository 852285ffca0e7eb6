"""Digital trade's reference data (spec/digital-trade.md §6.3): customs supervision modes,
EBOPS 2010, the 可数字化交付 sets, the service-outsourcing sub-categories and their crosswalk
to EBOPS (versioned, modelled), HS chapters and series breaks.  The files are in
``shumao/data/digital`` with their sources in ``data/SOURCES.md``; this module only reads
them and checks what a file must hold (a crosswalk's weights sum to 10000 bp per
sub-category: ``crosswalk-weights``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from shumao.errors import InputError
from shumao.model.codes import DATA, _rows

FOLDER = DATA / "digital"
CROSSWALK = "SO-EBOPS-2026.1"          # the version in force (spec §6.3.3)
DELIVERABLE_SETS = ("MOFCOM6", "UNCTAD")
BP = 10_000                            # basis points of a whole
CROSSWALK_LABEL = "模型估算"             # every output says the crosswalk is modelled
# delivery_default → remote share in percent (spec §7.3: remote 100, mixed 50, onsite 0)
DEFAULT_SHARE = {"remote": 100, "mixed": 50, "onsite": 0}


@dataclass(frozen=True)
class Regime:
    code: str
    name_full: str
    name_short: str
    name_report: str             # the phrase prose uses: 9610 → 跨境电商零售
    flows: tuple[str, ...]       # X, M
    ecommerce: bool
    model: str
    valid_from: dt.date | None
    legal_basis: str


@cache
def regimes() -> dict[str, Regime]:
    out = {}
    for r in _rows(FOLDER / "customs_regimes.csv"):
        out[r["code"]] = Regime(
            r["code"], r["name_full"], r["name_short"], r["name_report"],
            tuple(r["flows"].split("|")), r["ecommerce"] == "yes", r["model"],
            dt.date.fromisoformat(r["valid_from"]) if r["valid_from"] else None,
            r["legal_basis"])
    return out


def ecommerce_regimes() -> tuple[str, ...]:
    """The e-commerce regimes in the order prose lists them (spec §8.1: 9610, 9710, 9810,
    1210, then 1239)."""
    order = ("9610", "9710", "9810", "1210", "1239")
    return tuple(c for c in order if c in regimes() and regimes()[c].ecommerce)


@dataclass(frozen=True)
class Ebops:
    code: str
    parent: str | None
    name_en: str
    name_zh: str


@cache
def ebops() -> dict[str, Ebops]:
    return {r["code"]: Ebops(r["code"], r["parent"] or None, r["name_en"], r["name_zh"])
            for r in _rows(FOLDER / "ebops2010.csv")}


@cache
def ebops_aliases() -> dict[str, str]:
    """An EBOPS code or its Chinese name (norm'd) → the code (a direct report's 服务类别)."""
    from shumao.model.codes import norm
    out = {}
    for e in ebops().values():
        out[norm(e.code)] = e.code
        out.setdefault(norm(e.name_zh), e.code)
    return out


def main_component(code: str) -> str:
    """The EBOPS main component (SA … SL) a code belongs to: SJ312 → SJ."""
    table = ebops()
    while table[code].parent not in (None, "S"):
        code = table[code].parent          # type: ignore[assignment]
    return code


@cache
def deliverable(set_id: str = "MOFCOM6") -> frozenset[str]:
    """The EBOPS codes of a 可数字化交付 set, each member with all its sub-items."""
    if set_id not in DELIVERABLE_SETS:
        raise InputError(f"可数字化交付口径“{set_id}”无法识别（应为 MOFCOM6 或 UNCTAD）")
    members = {r["code"] for r in _rows(FOLDER / "deliverable_sets.csv") if r["set"] == set_id}
    table = ebops()

    def within(code: str) -> bool:
        while code is not None:
            if code in members:
                return True
            code = table[code].parent       # type: ignore[assignment]
        return False

    return frozenset(c for c in table if within(c))


@dataclass(frozen=True)
class Subcategory:
    code: str
    name: str
    parent: str                  # ITO, BPO or KPO


@cache
def subcategories() -> dict[str, Subcategory]:
    return {r["code"]: Subcategory(r["code"], r["name"], r["parent"])
            for r in _rows(FOLDER / "so_subcategories.csv")}


@cache
def subcategory_aliases() -> dict[str, str]:
    """A sub-category's code or name (norm'd) → its code."""
    from shumao.model.codes import norm
    out = {}
    for s in subcategories().values():
        out[norm(s.code)] = s.code
        out[norm(s.name)] = s.code
    return out


@dataclass(frozen=True)
class Weight:
    ebops: str
    bp: int


@dataclass(frozen=True)
class Crosswalk:
    """One version of the sub-category → EBOPS crosswalk: weights in basis points per
    sub-category (and per top-level category, the fallback), each summing to 10000."""

    version: str
    weights: dict[str, tuple[Weight, ...]]
    delivery_default: dict[str, str]

    def of(self, subcategory: str | None, category: str) -> tuple[Weight, ...]:
        """The weights of a contract: its sub-category's, else its category's fallback."""
        return self.weights[subcategory if subcategory else category]

    def deliverable_bp(self, key: str, set_id: str) -> int:
        dl = deliverable(set_id)
        return sum(w.bp for w in self.weights[key] if w.ebops in dl)


def crosswalk_problems(rows: list[dict[str, str]]) -> list[str]:
    """``crosswalk-weights``: every sub-category whose weights do not sum to 10000 bp (or
    whose weight is not a whole number from 1 to 10000), and EBOPS codes not in the list."""
    sums: dict[str, int] = {}
    bad = []
    for r in rows:
        w = r["weight_bp"].strip()
        if not w.isascii() or not w.isdigit() or not 0 < int(w) <= BP:
            bad.append(f"{r['subcategory']} 的权重“{w}”不是1到10000的整数")
            continue
        if r["ebops"] not in ebops():
            bad.append(f"{r['subcategory']} 的EBOPS代码“{r['ebops']}”无法识别")
        sums[r["subcategory"]] = sums.get(r["subcategory"], 0) + int(w)
    bad += [f"{k} 的权重合计为{v}个基点，应为10000" for k, v in sums.items() if v != BP]
    return bad


def read_crosswalk(path: Path | None = None, version: str = CROSSWALK) -> Crosswalk:
    rows = [r for r in _rows(path or FOLDER / "so_ebops.csv") if r["version"] == version]
    if not rows:
        raise InputError(f"服务外包与EBOPS对照表没有版本“{version}”")
    problems = crosswalk_problems(rows)
    missing = [k for k in (*subcategories(), "ITO", "BPO", "KPO")
               if k not in {r["subcategory"] for r in rows}]
    problems += [f"缺少 {k} 的对照" for k in missing]
    if problems:
        raise InputError(f"服务外包与EBOPS对照表（{version}版）有误（crosswalk-weights）："
                         + "；".join(problems))
    weights: dict[str, list[Weight]] = {}
    defaults = {}
    for r in rows:
        weights.setdefault(r["subcategory"], []).append(Weight(r["ebops"], int(r["weight_bp"])))
        if r["delivery_default"]:
            defaults[r["subcategory"]] = r["delivery_default"]
    return Crosswalk(version, {k: tuple(v) for k, v in weights.items()}, defaults)


@cache
def crosswalk(version: str = CROSSWALK) -> Crosswalk:
    return read_crosswalk(None, version)


@cache
def hs_chapters() -> dict[str, str]:
    """Chapter ('01' … '97', 77 reserved and not valid) → Chinese name."""
    return {r["chapter"]: r["name_zh"] for r in _rows(FOLDER / "hs_chapters.csv")
            if r["chapter"] != "77"}


@dataclass(frozen=True)
class SeriesBreak:
    start: str                    # YYYY-MM
    scope: str
    note: str


@cache
def series_breaks() -> tuple[SeriesBreak, ...]:
    return tuple(SeriesBreak(r["from"], r["scope"], r["note"])
                 for r in _rows(FOLDER / "series_breaks.csv"))


@cache
def words(table: str) -> dict[str, str]:
    """alias (norm'd) → code for ``delivery_modes``, ``yesno``, ``ordered``, ``flows``,
    ``bases``, ``platform_roles`` (data/digital/words.csv)."""
    from shumao.model.codes import norm
    return {norm(r["alias"]): r["code"] for r in _rows(FOLDER / "words.csv")
            if r["table"] == table}


@cache
def shown_words(table: str) -> dict[str, str]:
    """code → the word a form shows for it (``shown`` in data/digital/words.csv): 交付方式
    remote → 远程交付, 线上订购 no → 否."""
    return {r["code"]: r["alias"] for r in _rows(FOLDER / "words.csv")
            if r["table"] == table and r.get("shown") == "1"}
