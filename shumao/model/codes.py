"""Reference data: countries, country groups with dates, categories, natures, currencies,
review statuses and header aliases.  The data are CSV files in ``shumao/data`` (sources in
``data/SOURCES.md``); this module only reads them.  A user may supply their own group file
with the same columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from shumao.errors import InputError

DATA = resources.files("shumao") / "data"
# the words pages and the bulletin show for a nature (a record's status: model.status)
NATURE_ZH = {"domestic": "内资企业", "hmt": "港澳台商投资企业", "foreign": "外商投资企业"}


def norm(text: str) -> str:
    """The key aliases are matched on: NFKC (full-width → half-width), no spaces, upper case.
    ingest.normalise applies the same rule in SQL to every cell."""
    return unicodedata.normalize("NFKC", text).replace(" ", "").upper()


def _rows(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        lines = [line for line in f if not line.startswith("#")]
    return list(csv.DictReader(lines))


@cache
def aliases(table: str) -> dict[str, str]:
    """alias key → code, for ``categories``, ``natures``, ``currencies``, ``statuses``."""
    return {norm(r["alias"]): r["code"] for r in _rows(DATA / f"{table}.csv")}


@cache
def currency_names() -> dict[str, str]:
    """Currency code → its Chinese name (currencies.csv's first Chinese alias: CNY → 人民币)."""
    names: dict[str, str] = {}
    for r in _rows(DATA / "currencies.csv"):
        if not r["alias"].isascii():
            names.setdefault(r["code"], r["alias"])
    return names


@cache
def usual_currencies() -> tuple[str, ...]:
    """The currencies the filing form lists, in its order (currencies.csv's ``menu``)."""
    ranked = [(int(r["menu"]), r["code"]) for r in _rows(DATA / "currencies.csv") if r["menu"]]
    return tuple(code for _, code in sorted(ranked))


@cache
def currency_name(code: str) -> str:
    """A currency's Chinese name (美元 for USD: currencies.csv's first Chinese alias); the code
    when it has none."""
    for r in _rows(DATA / "currencies.csv"):
        if r["code"] == code and not r["alias"].isascii():
            return r["alias"]
    return code


@dataclass(frozen=True)
class Country:
    iso2: str
    iso3: str
    name_zh: str
    aliases_zh: tuple[str, ...]
    name_en: str


@cache
def countries() -> dict[str, Country]:
    out = {}
    for r in _rows(DATA / "countries.csv"):
        al = tuple(a for a in r["aliases_zh"].split("|") if a)
        out[r["iso2"]] = Country(r["iso2"], r["iso3"], r["name_zh"], al, r["name_en"])
    return out


@cache
def country_aliases() -> dict[str, str]:
    """Every way a filing may name a country (ISO2, ISO3, Chinese short name, aliases) → ISO2."""
    out: dict[str, str] = {}
    for c in countries().values():
        for a in (c.iso2, c.iso3, c.name_zh, *c.aliases_zh):
            out.setdefault(norm(a), c.iso2)
    return out


def country_name(iso2: str) -> str:
    return countries()[iso2].name_zh


def registration_type_nature(code: str) -> str | None:
    """NBS 登记注册类型 (国统字〔2011〕86号): 1xx 内资, 2xx 港澳台商投资, 3xx 外商投资."""
    if len(code) == 3 and code.isdigit():
        return {"1": "domestic", "2": "hmt", "3": "foreign"}.get(code[0])
    return None


@dataclass(frozen=True)
class Member:
    iso2: str
    joined_on: dt.date | None
    left_on: dt.date | None

    def active(self, on: dt.date) -> bool:
        return (self.joined_on is None or self.joined_on <= on) and (
            self.left_on is None or on < self.left_on
        )


@dataclass(frozen=True)
class Group:
    """A dated country group: RCEP, the Belt and Road lists, or a user's own file."""

    name: str
    members: tuple[Member, ...]
    source: str

    def members_on(self, on: dt.date) -> list[str]:
        """ISO2 codes of the members on a date (report.md: the membership for P, applied to
        both P and P−1y)."""
        return sorted({m.iso2 for m in self.members if m.active(on)})


def _date(text: str, where: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"国家组文件 {where} 中的日期“{text}”无效（应为2023-08-31）") from None


def load_group(path: str | Path, name: str | None = None) -> Group:
    """Read a group file: a ``country`` column (ISO code or Chinese name), optional
    ``joined_on`` / ``left_on`` dates; lines starting with # are its source notes."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"找不到文件：{p}（国家组文件）")
    return _group(p, name or p.stem)


def _group(path, name: str) -> Group:
    text = path.read_text(encoding="utf-8-sig")
    source = " ".join(ln.lstrip("# ").strip() for ln in text.splitlines() if ln.startswith("#"))
    rows = _rows(path)
    if not rows or "country" not in rows[0]:
        raise InputError(f"国家组文件 {path.name} 缺少“country”列")
    lookup = country_aliases()
    members = []
    for i, r in enumerate(rows, start=2):
        iso2 = lookup.get(norm(r["country"] or ""))
        if iso2 is None:
            raise InputError(f"国家组文件 {path.name} 第{i}行：国家“{r['country']}”无法识别")
        members.append(Member(iso2, _date(r.get("joined_on", ""), path.name),
                              _date(r.get("left_on", ""), path.name)))
    return Group(name, tuple(members), source)


@cache
def builtin_group(name: str) -> Group:
    """``rcep``, ``bri_route65`` or ``bri_partners``."""
    return _group(DATA / "groups" / f"{name}.csv", name)


@dataclass(frozen=True)
class Column:
    kind: str
    name: str
    required: bool
    aliases: tuple[str, ...]


@cache
def header_columns() -> dict[str, list[Column]]:
    """kind → its canonical columns with the header words each may be given as.  A row whose
    column has ``{sub}`` stands for one column per service-outsourcing sub-category (the
    survey's ``remote_pct_<code>``), its aliases written with ``{sub}`` (the code) and
    ``{name}`` (its Chinese name)."""
    from shumao.model.digital_codes import subcategories

    out: dict[str, list[Column]] = {}
    for r in _rows(DATA / "headers.csv"):
        subs = subcategories().values() if "{sub}" in r["column"] else [None]
        for sub in subs:
            words = {} if sub is None else {"sub": sub.code, "name": sub.name}
            col = Column(r["kind"], r["column"].format(**words), r["required"] == "yes",
                         tuple(a.format(**words) for a in r["aliases"].split("|")))
            out.setdefault(r["kind"], []).append(col)
    return out
