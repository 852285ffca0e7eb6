"""A request for one 数据月报 and its one path: ``ReportRequest`` says what to compute from
(the store, a vintage as published, or a Parquet data set) and with which settings;
``check()`` holds the rules on which options go together; ``produce(request, open_store)``
gives the document and, for a vintage, its text and JSON as published.  The CLI's
``report`` and the portal's report routes both build one: what is left to an edge is
parsing its input and wording its errors.

The library does not word a conflict in either edge's terms: an ``OptionError`` names its
``rule`` and the ``options`` involved by the request's own field names (the one at fault
first), written ``{data}`` in its message as every library error writes its fields
(errors.py); the CLI says ``--data``, the web ``period``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from shumao.errors import InputError
from shumao.lake.read import ENGINES
from shumao.model.periods import Period
from shumao.report.doc import ReportDoc
from shumao.report.render import render
from shumao.report.settings import ReportSettings
from shumao.store import Store

# (key, compute) → value: a cache the caller keeps (the portal's, shared between users);
# keys that start with "vintage" never change
Memo = Callable[[tuple, Callable[[], Any]], Any]


class OptionError(InputError):
    """Options of a request that do not go together (or a value outside its choices):
    ``rule`` names the rule, ``options`` the request fields involved."""

    def __init__(self, rule: str, options: tuple[str, ...], message: str) -> None:
        super().__init__(message, field=options[0], also=options[1:])
        self.rule, self.options = rule, options


class VintagePeriod(OptionError):
    """A period asked beside a vintage that is not the vintage's own."""

    def __init__(self, vintage_id: int, own: Period, asked: Period) -> None:
        super().__init__("vintage-period", ("period", "vintage"),
                         f"第 {vintage_id} 号数据版本是{own.words()}（{own.short()}）的数据月报，"
                         f"与{{period}}指定的{asked.words()}（{asked.short()}）不符；"
                         "用{vintage}时可以不写{period}")
        self.vintage_id, self.own, self.asked = vintage_id, own, asked


def check_source(data: str | None, engine: str, spark_master: str | None, db: str | None,
                 vintage: str | None) -> None:
    """What the figures are computed from — a store (``db``, a ``vintage`` of it) or a Parquet
    data set (``data``, on ``engine``) — as the 数据月报 and 【数字贸易】 (cli.digital) both
    take it: the first broken rule an ``OptionError``."""
    if engine not in ENGINES:
        raise OptionError("engine", ("engine",),
                          f"{{engine}}只能是 {'、'.join(ENGINES)}（收到“{engine}”）")
    if spark_master and engine != "spark":
        raise OptionError("spark-master", ("spark_master", "engine"), "{spark_master}只用于{engine} spark")
    if data is None and engine != "duckdb":
        raise OptionError("engine-without-data", ("engine", "data"),
                          f"{{engine}} {engine} 用于从 Parquet 数据集计算：请用{{data}}指定 shumao export "
                          "导出的文件夹")
    if data is not None:
        for other, given in (("vintage", vintage), ("db", db)):
            if given is not None:
                raise OptionError("data-with-store", ("data", other),
                                  f"{{data}}从 Parquet 数据集计算，不能同时使用{{{other}}}")


@dataclass(frozen=True)
class ReportRequest:
    period: Period | None = None               # a vintage's own when not given
    settings: ReportSettings = ReportSettings()
    vintage: str | None = None                 # as typed: reproduce what was published
    data: str | None = None                    # a Parquet data set (shumao export) instead of a store
    engine: str = "duckdb"                     # ... computed by lake.read.ENGINES
    spark_master: str | None = None
    db: str | None = None                      # the store named (None: the default one)
    given: tuple[str, ...] = ()                # settings chosen explicitly, by field name
    charts: bool = False                       # draw the charts (a format that shows them)

    def check(self) -> None:
        """The option rules, the first broken one an ``OptionError``."""
        check_source(self.data, self.engine, self.spark_master, self.db, self.vintage)
        if self.data is not None:
            if self.period is None:
                raise OptionError("period-missing", ("period",), "缺少报告的时期")
        elif self.vintage is None and self.period is None:
            raise OptionError("period-missing", ("period", "vintage"), "缺少报告的时期（或数据版本）")
        if self.vintage is not None and self.given:
            raise OptionError("vintage-settings", ("vintage", *self.given),
                              "{vintage}按发布时的设置原样重现，不能同时使用"
                              + "、".join("{" + g + "}" for g in self.given))


@dataclass(frozen=True)
class Produced:
    doc: ReportDoc
    text: str | None = None                    # a vintage's text and JSON as published
    json: str | None = None

    def body(self, fmt: str) -> str | bytes:
        """The report in ``fmt``: a vintage's text and JSON as kept, character for character,
        else ``render``."""
        kept = {"text": self.text, "json": self.json}.get(fmt)
        return kept if kept is not None else render(self.doc, fmt)


def _now(key: tuple, compute: Callable[[], Any]) -> Any:
    return compute()


def produce(req: ReportRequest, open_store: Callable[[], AbstractContextManager[Store]],
            memo: Memo = _now) -> Produced:
    """The report ``req`` asks for (checked first); ``open_store`` opens the store when one is
    read, ``memo`` keeps what was computed."""
    from shumao.lake.read import open_lake
    from shumao.publication import vintages
    from shumao.report.service import build_report, report_of, with_charts

    req.check()
    if req.data is not None:
        assert req.period is not None                     # check(): a data set needs a period
        with open_lake(req.data, req.engine, req.spark_master) as con:
            doc = report_of(con, req.period, req.settings)
        return Produced(with_charts(doc) if req.charts else doc)
    with open_store() as store:
        if req.vintage is None:
            p, settings = req.period, req.settings
            assert p is not None                          # check(): a store's report needs one
            doc = memo(("report", str(p), settings), lambda: build_report(store, p, settings))
            if req.charts:
                doc = memo(("report-charts", str(p), settings), lambda: with_charts(doc))
            return Produced(doc)
        v = vintages.vintage(store, req.vintage)
        own = Period.parse(v["period"])
        if req.period is not None and req.period != own:
            raise VintagePeriod(v["id"], own, req.period)
        doc = memo(("vintage", v["id"]), lambda: vintages.report(store, v["id"]))
    if req.charts:
        doc = memo(("vintage", v["id"], "charts"), lambda: with_charts(doc))
    return Produced(doc, v["text"], v["figures"])
