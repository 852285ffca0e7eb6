"""Every number of every golden 数据月报 text, recomputed from the raw CSVs with the csv module
and ``decimal`` only — no shumao indicator, store or report code — so that the golden texts
are checked by a second, independent reading of report.md and filings.md.

The same verifier runs on the authoritative texts of shared/examples/sample_city when it is
there, which shows that the verifier itself reads the method as the spec's authors did.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

import shumao
from tests.conftest import SAMPLE, SHARED_SAMPLE

REFERENCE = Path(shumao.__file__).parent / "data"      # reference data files, read as plain CSV
HUNDREDTH = Decimal("0.01")
NUMBER = r"(\d+\.\d{2})"


# ---- reading the raw files -------------------------------------------------------------

def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [r for r in csv.DictReader(ln for ln in f if not ln.startswith("#"))]


def _cents(amount: str, currency: str) -> int:
    assert currency in ("", "USD"), "the sample data sets are in US dollars"
    cents = Decimal(amount) * 100
    assert cents == cents.to_integral_value()
    return int(cents)


def _approved(row: dict[str, str]) -> bool:
    return row.get("status", "") in ("", "approved")   # filings.md: absent means approved


@dataclass(frozen=True)
class Record:
    measure: str          # "signed" | "exec"
    day: dt.date
    country: str
    category: str
    nature: str           # domestic | hmt | foreign
    cents: int


def load(folder: Path) -> list[Record]:
    """Approved contracts by signing date; approved executions of approved contracts by
    execution date, inheriting country, category and enterprise from their contract."""
    nature = {r["enterprise_id"]: r["nature"] for r in _rows(folder / "enterprises.csv")}
    contracts = {r["contract_id"]: r for r in _rows(folder / "contracts.csv")}
    out = []
    for c in contracts.values():
        if _approved(c):
            out.append(Record("signed", dt.date.fromisoformat(c["signed_on"]), c["client_country"],
                              c["category"], nature[c["enterprise_id"]], _cents(c["amount"], c["currency"])))
    for e in _rows(folder / "executions.csv"):
        c = contracts[e["contract_id"]]
        if _approved(e) and _approved(c):
            out.append(Record("exec", dt.date.fromisoformat(e["executed_on"]), c["client_country"],
                              c["category"], nature[c["enterprise_id"]], _cents(e["amount"], e["currency"])))
    return out


def country_names() -> tuple[dict[str, str], dict[str, str]]:
    """ISO2 → Chinese name, and every name or code → ISO2 (countries.csv)."""
    names, lookup = {}, {}
    for r in _rows(REFERENCE / "countries.csv"):
        names[r["iso2"]] = r["name_zh"]
        for a in (r["iso2"], r["iso3"], r["name_zh"], *filter(None, r["aliases_zh"].split("|"))):
            lookup.setdefault(a, r["iso2"])
    return names, lookup


def group(name: str, on: dt.date) -> set[str]:
    """Members of a dated group file on a date: joined_on <= date < left_on."""
    lookup = country_names()[1]
    members = set()
    for r in _rows(REFERENCE / "groups" / f"{name}.csv"):
        joined, left = r.get("joined_on") or "", r.get("left_on") or ""
        if (not joined or dt.date.fromisoformat(joined) <= on) and (
                not left or on < dt.date.fromisoformat(left)):
            members.add(lookup[r["country"]])
    return members


# ---- periods -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Months:
    year: int
    first: int
    last: int
    words: str

    def contains(self, day: dt.date, years_back: int = 0) -> bool:
        return day.year == self.year - years_back and self.first <= day.month <= self.last

    @property
    def end(self) -> dt.date:
        return (dt.date(self.year + (self.last == 12), self.last % 12 + 1, 1) - dt.timedelta(days=1))


def months(arg: str) -> Months:
    """report.md *Periods*: the six forms the golden files use."""
    if m := re.fullmatch(r"(\d{4})-(\d{2})\.\.(\d{4})-(\d{2})", arg):
        y, a, y2, b = map(int, m.groups())
        assert y == y2
        words = "前三季度" if (a, b) == (1, 9) else f"{a}-{b}月"
        return Months(y, a, b, f"{y}年{words}")
    if m := re.fullmatch(r"(\d{4})-(\d{2})", arg):
        y, a = map(int, m.groups())
        return Months(y, a, a, f"{y}年{a}月")
    if m := re.fullmatch(r"(\d{4})Q([1-4])", arg):
        y, q = map(int, m.groups())
        return Months(y, 3 * q - 2, 3 * q, f"{y}年{'一二三四'[q - 1]}季度")
    if m := re.fullmatch(r"(\d{4})H([12])", arg):
        y, h = map(int, m.groups())
        return Months(y, 6 * h - 5, 6 * h, f"{y}年{'上下'[h - 1]}半年")
    assert re.fullmatch(r"\d{4}", arg)
    return Months(int(arg), 1, 12, f"{arg}年全年")


# ---- the figures -------------------------------------------------------------------------

def wan(cents: int) -> str:
    """万美元 with 2 decimals, half-up: cents / 1,000,000."""
    return str((Decimal(cents) / Decimal(1_000_000)).quantize(HUNDREDTH, ROUND_HALF_UP))


def growth(cur: int, prev: int) -> Decimal | None:
    if not prev:
        return None
    return ((Decimal(cur) / Decimal(prev) - 1) * 100).quantize(HUNDREDTH, ROUND_HALF_UP)


def share(part: int, whole: int) -> str:
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(HUNDREDTH, ROUND_HALF_UP))


def growth_words(g: Decimal | None) -> str:
    if g is None:
        return "上年同期无数据"
    return "与上年同期持平" if g == 0 else f"同比增长{g}%" if g > 0 else f"同比下降{-g}%"


def growths_words(gs: list[Decimal | None]) -> str:
    if all(g is None for g in gs):
        return "上年同期均无数据"
    if all(g is not None and g > 0 for g in gs):
        return "同比分别增长" + "、".join(f"{g}%" for g in gs)
    if all(g is not None and g < 0 for g in gs):
        return "同比分别下降" + "、".join(f"{-g}%" for g in gs)
    return "同比分别" + "、".join("上年同期无数据" if g is None else "持平" if g == 0 else
                                 f"增长{g}%" if g > 0 else f"下降{-g}%" for g in gs)


def figures(records: list[Record], p: Months) -> dict:
    """Every figure of the text: {id: (current cents, previous cents)}, the top three
    partners [(iso2, current, previous)] and the Belt and Road basis."""
    basis = "route65" if p.end.year <= 2023 else "partners"
    bri = group(f"bri_{basis}", p.end)                        # membership for P, used for P−1y too
    rcep = group("rcep", p.end) - {"CN"}
    filters = {
        "signed_total": ("signed", lambda r: True),
        "exec_total": ("exec", lambda r: True),
        "signed_offshore": ("signed", lambda r: r.country != "CN"),
        "exec_offshore": ("exec", lambda r: r.country != "CN"),
        "exec_bri": ("exec", lambda r: r.country in bri),
        "exec_rcep": ("exec", lambda r: r.country in rcep),
    }
    for m in ("signed", "exec"):
        filters[f"{m}_domestic"] = (m, lambda r: r.country != "CN" and r.nature == "domestic")
        filters[f"{m}_foreign"] = (m, lambda r: r.country != "CN" and r.nature in ("foreign", "hmt"))
    for cat in ("ITO", "BPO", "KPO"):
        filters[f"exec_{cat}"] = ("exec", lambda r, cat=cat: r.country != "CN" and r.category == cat)

    def total(measure, keep, back):
        return sum(r.cents for r in records if r.measure == measure and p.contains(r.day, back) and keep(r))

    out = {fid: (total(m, keep, 0), total(m, keep, 1)) for fid, (m, keep) in filters.items()}
    by_country: dict[str, list[int]] = {}
    for r in records:
        if r.measure == "exec" and r.country != "CN":
            for back in (0, 1):
                if p.contains(r.day, back):
                    by_country.setdefault(r.country, [0, 0])[back] += r.cents
    ranked = sorted((c for c in by_country if by_country[c][0] > 0),
                    key=lambda c: (-by_country[c][0], c))          # ties by country code
    out["top"] = [(c, *by_country[c]) for c in ranked[:3]]
    out["basis"] = basis
    return out


# ---- the text, parsed --------------------------------------------------------------------

GROWTH = r"(同比增长\d+\.\d{2}%|同比下降\d+\.\d{2}%|与上年同期持平|上年同期无数据)"
GROWTHS = r"(上年同期均无数据|同比分别[^。]*?)"


def parse(text: str, region: str, short: str, period_words: str) -> dict:
    """The numbers of the four paragraphs, by a regex that fixes every other character."""
    pw, s = re.escape(period_words), re.escape(short)
    pattern = (
        r"【数据月报】\n\n"
        rf"根据商务部服务外包统一平台公布的最新数据显示，{pw}{re.escape(region)}服务外包合同签约额（包含在岸）"
        rf"{NUMBER}万美元，{GROWTH}；接包合同执行额{NUMBER}万美元，{GROWTH}。"
        rf"其中，离岸服务外包合同额{NUMBER}万美元，{GROWTH}；执行额{NUMBER}万美元，{GROWTH}。\n\n"
        rf"从国际市场看，{pw}{s}接包合同执行额前三的是([^、，]+)、([^、，]+)、([^、，]+)，"
        rf"分别是{NUMBER}万美元、{NUMBER}万美元、{NUMBER}万美元，{GROWTHS}。"
        rf"{s}承接“一带一路”(沿线|共建)国家服务外包执行金额{NUMBER}万美元，{GROWTH}。"
        rf"{s}承接RCEP成员国离岸服务外包执行额{NUMBER}万美元，{GROWTH}。\n\n"
        rf"从企业性质看，{pw}{s}内资企业服务外包合同签约金额{NUMBER}万美元，占比{NUMBER}%；"
        rf"合同执行金额{NUMBER}万美元，占比{NUMBER}%；外商投资服务外包合同签约金额{NUMBER}万美元，"
        rf"占比{NUMBER}%；合同执行金额{NUMBER}万美元，占比{NUMBER}%。\n\n"
        rf"从业务结构看，{pw}{s}企业承接离岸信息技术外包（ITO）、业务流程外包（BPO）和知识流程外包（KPO）"
        rf"执行额分别为{NUMBER}万美元，{GROWTH}；{NUMBER}万美元，{GROWTH}；{NUMBER}万美元，{GROWTH}。\n\n"
    )
    m = re.fullmatch(pattern, text)
    assert m, f"the text does not have the report.md wording:\n{text}"
    g = list(m.groups())
    take = lambda n: [g.pop(0) for _ in range(n)]  # noqa: E731
    out = {}
    for fid in ("signed_total", "exec_total", "signed_offshore", "exec_offshore"):
        out[fid] = tuple(take(2))
    out["top_names"] = take(3)
    out["top_values"] = take(3)
    out["top_growths"] = take(1)[0]
    out["bri_words"] = take(1)[0]
    for fid in ("exec_bri", "exec_rcep"):
        out[fid] = tuple(take(2))
    for fid in ("signed_domestic", "exec_domestic", "signed_foreign", "exec_foreign"):
        out[fid] = tuple(take(2))                               # value, share
    for fid in ("exec_ITO", "exec_BPO", "exec_KPO"):
        out[fid] = tuple(take(2))
    assert not g
    return out


def verify(folder: Path, golden: Path) -> None:
    p = months(golden.stem.removeprefix("expected_"))
    fig = figures(load(folder), p)
    got = parse(golden.read_text(encoding="utf-8"), "示例市", "我市", p.words)

    def value_and_growth(fid):
        cur, prev = fig[fid]
        return wan(cur), growth_words(growth(cur, prev))

    for fid in ("signed_total", "exec_total", "signed_offshore", "exec_offshore", "exec_bri",
                "exec_rcep", "exec_ITO", "exec_BPO", "exec_KPO"):
        assert got[fid] == value_and_growth(fid), fid
    for m in ("signed", "exec"):
        parent = fig[f"{m}_offshore"][0]
        for part in ("domestic", "foreign"):
            cur = fig[f"{m}_{part}"][0]
            assert got[f"{m}_{part}"] == (wan(cur), share(cur, parent)), f"{m}_{part}"
    # parts add up to their totals, in cents
    assert fig["signed_domestic"][0] + fig["signed_foreign"][0] == fig["signed_offshore"][0]
    assert sum(fig[f"exec_{c}"][0] for c in ("ITO", "BPO", "KPO")) == fig["exec_offshore"][0]
    names = country_names()[0]
    assert len(fig["top"]) == 3
    assert got["top_names"] == [names[c] for c, _, _ in fig["top"]]
    assert got["top_values"] == [wan(cur) for _, cur, _ in fig["top"]]
    assert got["top_growths"] == growths_words([growth(cur, prev) for _, cur, prev in fig["top"]])
    assert got["bri_words"] == {"route65": "沿线", "partners": "共建"}[fig["basis"]]


GOLDEN = sorted(SAMPLE.glob("expected_*.txt"))
SHARED_GOLDEN = sorted(SHARED_SAMPLE.glob("expected_*.txt")) if SHARED_SAMPLE.is_dir() else []


def test_six_period_forms_are_golden():
    assert {g.stem.removeprefix("expected_") for g in GOLDEN} == {
        "2023H2", "2024", "2024-01..2024-09", "2024-03", "2024H1", "2024Q2"}


@pytest.mark.parametrize("golden", GOLDEN, ids=lambda p: p.stem)
def test_in_repo_golden_text(golden):
    verify(SAMPLE, golden)


@pytest.mark.parametrize("golden", SHARED_GOLDEN or [None], ids=lambda p: p.stem if p else "absent")
def test_shared_expected_text(golden):
    if golden is None:
        pytest.skip(f"shared examples not found at {SHARED_SAMPLE} (set SHUMAO_SHARED to check them too)")
    verify(SHARED_SAMPLE, golden)


def test_verifier_sees_a_wrong_number(tmp_path):
    """The verifier is not vacuous: one execution 10,000 US dollars higher (the text shows
    万美元 to two decimals, so the smallest change it can see is 100 dollars) changes the text it
    expects, and the figure it computes changes with a single cent."""
    for name in ("enterprises.csv", "contracts.csv"):
        (tmp_path / name).write_bytes((SAMPLE / name).read_bytes())
    rows = _rows(SAMPLE / "executions.csv")
    p = months("2024")
    approved = {r["contract_id"] for r in _rows(SAMPLE / "contracts.csv") if _approved(r)}
    target = next(r for r in rows if r["executed_on"].startswith("2024") and _approved(r)
                  and r["contract_id"] in approved)
    target["amount"] = str(Decimal(target["amount"]) + Decimal("10000"))
    with (tmp_path / "executions.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    assert figures(load(tmp_path), p)["exec_total"] != figures(load(SAMPLE), p)["exec_total"]
    with pytest.raises(AssertionError):
        verify(tmp_path, SAMPLE / "expected_2024.txt")
    target["amount"] = str(Decimal(target["amount"]) - Decimal("10000") + Decimal("0.01"))
    with (tmp_path / "executions.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    changed, base = figures(load(tmp_path), p)["exec_total"], figures(load(SAMPLE), p)["exec_total"]
    assert changed[0] - base[0] == 1 and changed[1] == base[1]
