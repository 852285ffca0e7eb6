"""The 数据月报's figures: the catalogue as data (``catalog``) and one set of Ibis expressions
(``compute``) over any ``source`` of the store's record tables — a store snapshot, a vintage's
frozen records, one enterprise's records, a Parquet data set — so that the same code runs on
DuckDB (default), PostgreSQL, SQLite or Spark.  ``digital`` computes digital trade's blocks
and figures (spec/digital-trade.md §7) from the same sources' tables.

    catalog   the figures as data (the 数据月报's and ``DIGITAL``, digital trade's)
    compute   the 数据月报's Ibis expressions
    completeness  the months of a period with far fewer records than usual, before publishing
    digital   digital trade: Ibis aggregates → exact blocks (model.digital) → figures
    source    the RecordSource protocol"""

from shumao.indicators.catalog import Indicator, catalog
from shumao.indicators.compute import Basis, Figure, Indicators, compute, explain, monthly

__all__ = ["Basis", "Figure", "Indicator", "Indicators", "catalog", "compute", "explain", "monthly"]
