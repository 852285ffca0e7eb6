"""The one path from a store to a 数据月报: ``build_report(store, period, settings)`` computes
the figures on one consistent snapshot of the store, vets them (consistency and disclosure,
report.md) and returns a ``ReportDoc`` — the narrative, tables, charts and checks every
renderer draws.  The CLI, the demo, the bulletin and the web portal all call it.

What shapes a report is ``report.settings``, what it is ``report.doc``; this module only
orchestrates.
"""

from __future__ import annotations

from dataclasses import replace

from shumao.errors import NoData
from shumao.indicators import compute, monthly
from shumao.indicators.source import RecordSource
from shumao.model.periods import Period
from shumao.report import charts, narrative, tables, vetting
from shumao.report.doc import ReportDoc
from shumao.report.settings import BRI_BASES, ReportSettings
from shumao.store import Store

# the settings and the document were defined here: their importers still find them
__all__ = ["BRI_BASES", "ReportDoc", "ReportSettings", "build_report", "report_of", "with_charts"]


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


def report_of(con: RecordSource, period: Period, settings: ReportSettings) -> ReportDoc:
    """The report (without charts) from any source of the store's record tables: a snapshot
    of the store, a Parquet data set, or the records a vintage froze (indicators.source)."""
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
