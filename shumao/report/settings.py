"""What shapes one 数据月报 (report.md): its wording (region, short name, source, relative
year), how many partners the text and the tables name, and what the figures count (the
basis) — and the settings' JSON form, which a vintage keeps beside the figures it froze.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from shumao.errors import InputError
from shumao.indicators import Basis
from shumao.model.codes import Group, Member, load_group
from shumao.model.periods import Period

BRI_BASES = ("route65", "partners")
DEFAULT_SOURCE = "商务部服务外包统一平台"


@dataclass(frozen=True)
class ReportSettings:
    """Everything that shapes one report: its wording (region, short name, source, relative
    year), how many partners the text and the tables name, and what the figures count."""

    region: str = "本市"
    short: str = "我市"
    source: str = DEFAULT_SOURCE
    relative: bool = False
    top_text: int = 3         # report.md: the text names the top three partners
    top_table: int = 5        # the partner table and chart
    basis: Basis = field(default_factory=Basis)

    def __post_init__(self):
        for name, words in (("region", "地区名称"), ("short", "简称"), ("source", "数据来源")):
            if not str(getattr(self, name)).strip():
                raise InputError(f"报告设置中的{words}（{name}）不能为空")
        if self.basis.bri not in (None, *BRI_BASES):
            raise InputError(f"“一带一路”口径只能是 route65 或 partners（收到“{self.basis.bri}”）")
        if self.top_text < 1 or self.top_table < 1:
            raise InputError("前几位国家（地区）的数目至少为 1")

    @classmethod
    def from_options(cls, region: str | None = None, short: str | None = None,
                     source: str | None = None, bri: str | None = None,
                     bri_file: str | Path | None = None, groups: tuple = (),
                     relative: bool = False, hmt_separate: bool = False) -> ReportSettings:
        """From command-line or form values, reading the group files they name."""
        basis = Basis(bri=bri or None, bri_group=load_group(bri_file) if bri_file else None,
                      groups=tuple(load_group(g) for g in groups or ()),
                      hmt_separate=hmt_separate)
        d = cls()
        return cls(region=region or d.region, short=short or d.short,
                   source=source or d.source, relative=relative, basis=basis)

    def to_json(self) -> dict:
        """The settings as JSON values (a vintage keeps them): wording, basis, and the
        members of the user's own country groups (their files may be gone or changed later)."""
        b = self.basis
        return {"region": self.region, "short": self.short, "source": self.source,
                "relative": self.relative, "top_text": self.top_text, "top_table": self.top_table,
                "bri": b.bri, "bri_group": _group(b.bri_group) if b.bri_group else None,
                "groups": [_group(g) for g in b.groups], "hmt_separate": b.hmt_separate}

    @classmethod
    def from_json(cls, d: dict) -> ReportSettings:
        """``to_json``'s settings back."""
        basis = Basis(bri=d["bri"], bri_group=_group_of(d["bri_group"]) if d["bri_group"] else None,
                      groups=tuple(_group_of(g) for g in d["groups"]), hmt_separate=d["hmt_separate"])
        return cls(region=d["region"], short=d["short"], source=d["source"],
                   relative=d["relative"], top_text=d["top_text"], top_table=d["top_table"],
                   basis=basis)

    def title(self, period: Period) -> str:
        """The document's title names the absolute period, whatever the text says."""
        return f"{self.region}{period.words()}服务外包数据月报"


def _group(g: Group) -> dict:
    return {"name": g.name, "source": g.source,
            "members": [[m.iso2, _iso(m.joined_on), _iso(m.left_on)] for m in g.members]}


def _group_of(d: dict) -> Group:
    return Group(d["name"], tuple(Member(c, _day(j), _day(left)) for c, j, left in d["members"]),
                 d["source"])


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _day(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None
