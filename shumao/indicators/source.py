"""``RecordSource``: what the indicator expressions read — anything whose ``table(name)``
is an Ibis table of the store's names and columns for ``enterprises``, ``contracts``,
``executions`` (and ``rates``).  ``compute``, ``monthly``, ``explain`` and ``report_of``
take one; there is no second implementation of any figure.

The four sources today:

- an Ibis backend on one snapshot of the store (``Store.reading()``);
- a Parquet data set written by ``shumao export`` (``lake.read.open_lake``, DuckDB or Spark);
- the records a vintage froze (``publication.vintages.Frozen``);
- one enterprise's own records (``publication.beside.Mine``).
"""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

import ibis

# no figure reads ``rates`` today (amounts are kept in US cents): a vintage keeps only the
# kinds its figures read, and a data set opened by lake.read.open_lake only those asked for
TableName = Literal["enterprises", "contracts", "executions", "rates", "platforms", "ecommerce",
                    "services", "dt_survey", "totals"]


@runtime_checkable
class RecordSource(Protocol):
    """The store's record tables by name (an Ibis backend is one as it is)."""

    def table(self, name: TableName, /) -> ibis.Table: ...
