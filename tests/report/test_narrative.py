"""The 数据月报 for every expected_<period>.txt of the sample city (tests/data/city, and
shared/examples when present), character for character, through the real command; the
real-export variant gives the identical text."""

from __future__ import annotations

import pytest

from shumao.indicators import Basis
from shumao.ingest.importer import import_files
from shumao.report.numbers import growth_phrase, growths_phrase
from shumao.report.service import ReportSettings, build_report
from shumao.store import connect
from tests.conftest import SAMPLE, SHARED_SAMPLE, SHARED_SAMPLE_FILES, need_shared, run_cli, sql
from tests.ingest.test_real_export import write_variant

EXPECTED = sorted(SAMPLE.glob("expected_*.txt"))
SHARED_EXPECTED = sorted(SHARED_SAMPLE.glob("expected_*.txt")) or [None]   # None: skipped
SETTINGS = ReportSettings(region="示例市", short="我市")


def text(store, period, settings=SETTINGS) -> str:
    return build_report(store, period, settings).text


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda p: p.stem)
def test_expected_text_on_every_backend(sample_store, expected):
    """report.md's exact wording, through the report service, on DuckDB and PostgreSQL."""
    period = expected.stem.removeprefix("expected_")
    assert text(sample_store, period) == expected.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory):
    need_shared()
    db = tmp_path_factory.mktemp("r") / "shared.duckdb"
    assert run_cli("import", *SHARED_SAMPLE_FILES, "--db", db).returncode == 0
    return db


def _check_text(db, expected):
    period = expected.stem.removeprefix("expected_")
    p = run_cli("report", "--period", period, "--region", "示例市", "--short", "我市",
                "--format", "text", "--db", db)
    assert p.returncode == 0, p.stderr
    assert p.stdout == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda p: p.stem)
def test_expected_text(sample_db, expected):
    _check_text(sample_db, expected)


@pytest.mark.parametrize("expected", SHARED_EXPECTED, ids=lambda p: p.stem if p else "absent")
def test_shared_expected_text(shared_db, expected):
    _check_text(shared_db, expected)


@pytest.mark.parametrize("source", ["city", "shared"])
def test_real_export_gives_identical_text(tmp_path, source):
    if source == "shared":
        need_shared()
    folder = SAMPLE if source == "city" else SHARED_SAMPLE
    files = write_variant(tmp_path, folder)
    with connect(tmp_path / "v.duckdb") as store:
        assert import_files(store, files).ok
        for expected in sorted(folder.glob("expected_*.txt")):
            period = expected.stem.removeprefix("expected_")
            assert text(store, period) == expected.read_text(encoding="utf-8")


def test_bases_relative_and_words(sample_store):
    route = text(sample_store, "2024", ReportSettings(region="示例市", basis=Basis(bri="route65")))
    assert "“一带一路”沿线国家" in route and "共建国家" not in route
    partners = text(sample_store, "2024", ReportSettings(region="示例市", relative=True,
                                                         basis=Basis(bri="partners")))
    assert "“一带一路”共建国家" in partners and "今年全年" in partners and "2024年" not in partners
    early = build_report(sample_store, "2021", SETTINGS)          # no 2020 data at all
    assert all(f.previous is None for f in early.ind.figures.values())
    assert "上年同期无数据" in early.text


def test_growth_words():
    from decimal import Decimal as D
    assert growth_phrase(D("38.695")) == "同比增长38.70%"
    assert growth_phrase(D("-20.871")) == "同比下降20.87%"
    assert growth_phrase(D("0.004")) == "与上年同期持平"
    assert growth_phrase(None) == "上年同期无数据"
    assert growths_phrase([D(1), D(2), D(3)]) == "同比分别增长1.00%、2.00%、3.00%"
    assert growths_phrase([D(-1), D(-2), D(-3)]) == "同比分别下降1.00%、2.00%、3.00%"
    assert growths_phrase([None, None, None]) == "上年同期均无数据"
    assert growths_phrase([D(1), D("-2"), D(0), None]) == "同比分别增长1.00%、下降2.00%、持平、上年同期无数据"


def test_fewer_than_three_partners(sample_store):
    store = sample_store
    sql(store, "UPDATE contracts SET client_country = 'CN' WHERE client_country NOT IN ('JP', 'US')")
    assert "接包合同执行额前两位的是日本、美国，分别是" in text(store, "2024")
    sql(store, "UPDATE contracts SET client_country = 'CN' WHERE client_country = 'US'")
    assert "接包合同执行额第一位的是日本，为" in text(store, "2024")
    sql(store, "UPDATE contracts SET client_country = 'CN'")
    assert "暂无离岸接包合同执行额" in text(store, "2024")


def test_json_and_no_data(sample_db):
    import json

    p = run_cli("report", "--period", "2024Q2", "--format", "json", "--db", sample_db)
    data = json.loads(p.stdout)
    assert data["figures"]["signed_total"]["current"] == "562.80"     # expected_2024Q2.txt
    assert data["figures"]["signed_total"]["growth"] == "35.23"
    assert data["figures"]["exec_offshore_foreign"]["share"] == "24.63"
    assert [x["name"] for x in data["partners"][:3]] == ["美国", "日本", "中国香港"]
    p = run_cli("report", "--period", "2019", "--db", sample_db)
    assert p.returncode == 1 and "没有已审核通过" in p.stderr and p.stdout == ""


def test_user_group_file(sample_db, tmp_path):
    group = tmp_path / "my_bri.csv"
    group.write_text("# 自定义名单\ncountry\n日本\n", encoding="utf-8")
    p = run_cli("report", "--period", "2024", "--bri", "partners", "--bri-file", group,
                "--format", "json", "--db", sample_db)
    assert p.returncode == 0, p.stderr
    import json

    data = json.loads(p.stdout)
    japan = next(x for x in data["partners"] if x["country"] == "JP")
    assert data["figures"]["exec_bri"]["current"] == japan["current"] == "458.89"
    bad = tmp_path / "bad.csv"
    bad.write_text("country\n火星国\n", encoding="utf-8")
    p = run_cli("report", "--period", "2024", "--bri-file", bad, "--db", sample_db)
    assert p.returncode == 2 and "火星国" in p.stderr


def test_no_previous_year_records_is_null_for_a_figure_and_a_partner_alike(sample_db, tmp_path):
    """Reliability review F23: a group of one country with no executions a year before is a
    figure with ``previous_cents`` null, and so is that country in the partner ranking (it
    was 0); ``previous`` is null beside it, and a partner with previous records keeps them."""
    import json

    ie = tmp_path / "爱尔兰.csv"
    ie.write_text("country\nIE\n", encoding="utf-8")
    p = run_cli("report", "--period", "2024Q2", "--group", ie, "--format", "json", "--db", sample_db)
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    fig = data["figures"]["exec_group_爱尔兰"]
    partner = next(x for x in data["partners"] if x["country"] == "IE")
    assert fig["current_cents"] == partner["current_cents"] > 0
    assert fig["previous_cents"] is None and fig["previous"] is None and fig["growth"] is None
    assert partner["previous_cents"] is None and partner["previous"] is None
    assert partner["growth"] is None
    for x in data["partners"]:
        assert (x["previous_cents"] is None) == (x["previous"] is None), x
    us = next(x for x in data["partners"] if x["country"] == "US")
    assert us["previous_cents"] > 0 and us["previous"] is not None


def test_user_groups_add_figures(sample_db, tmp_path):
    import json

    eu = tmp_path / "欧盟.csv"
    eu.write_text("# 欧盟（示例）\ncountry\n德国\n法国\nNL\n", encoding="utf-8")
    p = run_cli("report", "--period", "2024", "--group", eu, "--format", "json", "--db", sample_db)
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    fig = data["figures"]["exec_group_欧盟"]
    cents = {x["country"]: (x["current_cents"], x["previous_cents"]) for x in data["partners"]}
    assert fig["current_cents"] == sum(cents.get(c, (0, 0))[0] for c in ("DE", "FR", "NL"))
    assert fig["previous_cents"] == sum(cents.get(c, (0, 0))[1] or 0 for c in ("DE", "FR", "NL"))
    md = run_cli("report", "--period", "2024", "--group", eu, "--format", "md", "--db", sample_db).stdout
    assert "承接欧盟离岸服务外包执行额" in md
    # the published text is unchanged by an extra group
    text = run_cli("report", "--period", "2024", "--group", eu, "--region", "示例市", "--db", sample_db).stdout
    assert text == (SAMPLE / "expected_2024.txt").read_text(encoding="utf-8")
