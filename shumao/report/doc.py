"""``ReportDoc``: a 数据月报 computed once — its figures, monthly series, narrative, tables,
charts and checks — which every renderer (text, Markdown, HTML, XLSX, JSON, the bulletin)
draws."""

from __future__ import annotations

from dataclasses import dataclass

from shumao.indicators import Indicators
from shumao.model.periods import Period
from shumao.report import charts, narrative, tables, vetting
from shumao.report.settings import ReportSettings


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
