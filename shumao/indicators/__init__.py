"""Indicators of report.md, written once as Ibis expressions over the store's tables, so
that the same code runs on DuckDB (default), SQLite or Spark."""

from shumao.indicators.compute import Figure, Indicators, Settings, compute, explain, monthly

__all__ = ["Figure", "Indicators", "Settings", "compute", "explain", "monthly"]
