"""指标溯源 in the library (report/explain.py), on every backend: the figure, its filter in
words, the enterprises and the largest records behind it."""

from __future__ import annotations

import pytest

from shumao.errors import InputError, UnknownFigure
from shumao.report.explain import explain_figure


def test_a_figure_explained(sample_store):
    e = explain_figure(sample_store, "2024", "exec_bri", top=20, records=5)
    d = e.as_dict()
    assert (d["figure"], d["period"], d["current"], d["previous"]) == ("exec_bri", "2024-01..2024-12", "576.52", "332.11")
    assert (d["records"], d["enterprises"], e.unit) == (119, 13, "笔执行记录")
    assert "执行日期在2024年1月1日至2024年12月31日之间" in d["filter"] and "152国" in d["filter"]
    assert sum(c["current_cents"] for c in d["contributors"]) == d["current_cents"]
    big = d["largest_records"]
    assert [r["id"] for r in big][:1] == ["ZX0000000645"] and len(big) == 5
    assert big[0] == {"kind": "execution", "id": "ZX0000000645", "date": "2024-12-31",
                      "enterprise_id": "919901025C1TE00N3E", "name": "示例启航信息技术有限公司",
                      "client_country": "AE", "country_name": "阿联酋", "category": "KPO",
                      "current": "54.54", "current_cents": 54542892, "share": "9.46"}
    cents = [r["current_cents"] for r in big]
    assert cents == sorted(cents, reverse=True)


def test_signed_figures_list_contracts(sample_store):
    e = explain_figure(sample_store, "2024Q2", "signed_offshore")
    assert e.unit == "份合同" and {r.kind for r in e.largest} == {"contract"}
    assert all(r.client_country != "CN" for r in e.largest)
    assert all("2024-04-01" <= r.day.isoformat() <= "2024-06-30" for r in e.largest)


def test_an_unknown_figure_names_itself_and_the_known_ones(sample_store):
    with pytest.raises(UnknownFigure, match="没有指标“nope”；可用的指标：signed_total、") as caught:
        explain_figure(sample_store, "2024", "nope")
    assert isinstance(caught.value, InputError)      # the CLI's exit code 2 stays
