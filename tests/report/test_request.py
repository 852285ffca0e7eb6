"""report/request.py: every option rule of ReportRequest.check — each conflict names its
rule and the fields involved (never an edge's words) — and every valid combination passes;
each record source is a RecordSource."""

from __future__ import annotations

import pytest

from shumao.errors import InputError
from shumao.indicators.source import RecordSource
from shumao.model.periods import Period
from shumao.report.request import OptionError, ReportRequest

P = Period.parse("2024Q2")


@pytest.mark.parametrize("req, rule, options", [
    (ReportRequest(P, engine="polars"), "engine", ("engine",)),
    (ReportRequest(P, data="湖", engine="polars"), "engine", ("engine",)),
    (ReportRequest(P, spark_master="spark://h:7077"), "spark-master", ("spark_master", "engine")),
    (ReportRequest(P, data="湖", spark_master="spark://h:7077"), "spark-master", ("spark_master", "engine")),
    (ReportRequest(P, engine="spark"), "engine-without-data", ("engine", "data")),
    (ReportRequest(P, engine="spark", spark_master="spark://h:7077"), "engine-without-data", ("engine", "data")),
    (ReportRequest(P, data="湖", vintage="1"), "data-with-store", ("data", "vintage")),
    (ReportRequest(P, data="湖", db="a.duckdb"), "data-with-store", ("data", "db")),
    (ReportRequest(P, data="湖", vintage="1", db="a.duckdb"), "data-with-store", ("data", "vintage")),
    (ReportRequest(None, data="湖"), "period-missing", ("period",)),
    (ReportRequest(None), "period-missing", ("period", "vintage")),
    (ReportRequest(None, db="a.duckdb"), "period-missing", ("period", "vintage")),
    (ReportRequest(None, vintage="1", given=("region",)), "vintage-settings", ("vintage", "region")),
    (ReportRequest(P, vintage="1", given=("bri_file", "groups")), "vintage-settings",
     ("vintage", "bri_file", "groups")),
])
def test_each_conflict_names_its_rule_and_fields(req, rule, options):
    with pytest.raises(OptionError) as e:
        req.check()
    assert (e.value.rule, e.value.options) == (rule, options)
    assert isinstance(e.value, InputError)             # wrong usage on every edge
    assert "--" not in str(e.value)                    # the library names no flag


@pytest.mark.parametrize("req", [
    ReportRequest(P),
    ReportRequest(P, db="a.duckdb", given=("region", "short"), charts=True),
    ReportRequest(P, vintage="1"),
    ReportRequest(None, vintage="1"),
    ReportRequest(None, vintage="1", db="a.duckdb"),
    ReportRequest(P, data="湖"),
    ReportRequest(P, data="湖", given=("region",)),
    ReportRequest(P, data="湖", engine="spark"),
    ReportRequest(P, data="湖", engine="spark", spark_master="spark://h:7077"),
    ReportRequest(P, data="hdfs://nn/湖", engine="spark", spark_master="yarn"),
])
def test_each_valid_combination_passes(req):
    req.check()


def test_every_record_source_is_one(store):
    from shumao.publication.beside import Mine
    from shumao.publication.vintages import Frozen

    with store.reading() as con:
        for source in (con, Frozen(con, 1), Mine(con, "E1")):
            assert isinstance(source, RecordSource)
