"""The one path from a store to a 数据月报: ``build_report(store, period, settings)`` computes
the figures on one consistent snapshot of the store, vets them (consistency and disclosure,
report.md) and returns a ``ReportDoc`` — the narrative, tables, charts and checks every
renderer draws.  The CLI, the demo, the bulletin and the web portal all call it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from shumao.errors import InputError, NoData
from shumao.indicators import Basis, Indicators, compute, monthly
from shumao.model.codes import load_group
from shumao.model.periods import Period
from shumao.report import charts, narrative, tables, vetting
from shumao.store import Store

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

    def title(self, period: Period) -> str:
        """The document's title names the absolute period, whatever the text says."""
        return f"{self.region}{period.words()}服务外包数据月报"


@dataclass
class ReportDoc:
    """Everything a rendering of the data report needs, computed once."""

    settings: ReportSettings
    ind: Indicators
    series: list[tuple[int, int, int]]
    paragraphs: list[str]
    tables: list[tables.Table]
    charts: list[charts.Chart]
    checks: list[vetting.Check]

    @property
    def period(self) -> Period:
        return self.ind.period

    @property
    def title(self) -> str:
        return self.settings.title(self.period)

    @property
    def text(self) -> str:
        """report.md: exactly the 数据月报 and nothing else."""
        return narrative.text(self.ind, self.settings)

    @property
    def flagged(self) -> list[vetting.Check]:
        return [c for c in self.checks if not c.ok]


def build_report(store: Store, period: Period | str, settings: ReportSettings = ReportSettings(),
                 with_charts: bool = False) -> ReportDoc:
    """The report for a period: figures, monthly series, text, tables, checks (and charts,
    which take a second or so to draw, when asked)."""
    p = Period.parse(period) if isinstance(period, str) else period
    with store.reading() as con:
        doc = report_of(con, p, settings)
    if with_charts:
        doc = replace(doc, charts=charts.all_charts(doc.ind, doc.series, settings))
    return doc


def report_of(con, period: Period, settings: ReportSettings) -> ReportDoc:
    """The report (without charts) from an Ibis backend ``con`` holding the store's record
    tables: a snapshot of the store, or the records a vintage froze (filings.vintages)."""
    ind = compute(con, period, settings.basis)
    if not ind.has_data:
        raise NoData(f"{period.words()}没有已审核通过的合同或执行数据，无法生成数据月报")
    series = monthly(con, period)
    paragraphs = narrative.paragraphs(ind, settings)
    return ReportDoc(settings, ind, series, paragraphs, tables.all_tables(ind, series, settings), [],
                     vetting.consistency(ind) + vetting.disclosure(ind) + vetting.wording(paragraphs))


def with_charts(doc: ReportDoc) -> ReportDoc:
    """The same report with its charts drawn."""
    if doc.charts:
        return doc
    return replace(doc, charts=charts.all_charts(doc.ind, doc.series, doc.settings))
