"""Re-importing any valid batch changes nothing (hypothesis); --replace replaces."""

from __future__ import annotations

import csv
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shumao.ingest.importer import import_files
from tests.conftest import SAMPLE_FILES, snapshot, sql

ENTERPRISE = "91990102B8QRD82822"        # tests/data/city
HEADER = ["contract_id", "enterprise_id", "signed_on", "client_country", "category", "amount",
          "currency", "status"]

contract = st.tuples(
    st.dates(min_value=__import__("datetime").date(2020, 1, 1),
             max_value=__import__("datetime").date(2025, 12, 31)),
    st.sampled_from(["JP", "日本", "USA", "中国香港", "CN", "荷兰", "sg"]),
    st.sampled_from(["ITO", "BPO", "KPO", "信息技术外包"]),
    st.integers(min_value=0, max_value=10**12),
    st.sampled_from(["approved", "待审核", "退回", ""]),
)


EXAMPLES = itertools.count()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(contract, min_size=1, max_size=30), dup=st.booleans())
def test_reimport_changes_nothing(store, tmp_path_factory, rows, dup):
    """On each backend: any valid batch imported twice is unchanged the second time (each
    example its own ids, so one store serves them all)."""
    folder = tmp_path_factory.mktemp("batch")
    path = folder / "contracts.csv"
    prefix = f"H{next(EXAMPLES)}-"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i, (d, country, cat, cents, status) in enumerate(rows):
            w.writerow([f"{prefix}{i}", ENTERPRISE, d.isoformat(), country, cat,
                        f"{cents // 100}.{cents % 100:02d}", "USD", status])
            if dup and i == 0:      # an identical duplicate collapses, counted as such
                w.writerow([f"{prefix}{i}", ENTERPRISE, d.isoformat(), country, cat,
                            f"{cents // 100}.{cents % 100:02d}", "USD", status])
    if not store.records.counts()["enterprises"]:
        assert import_files(store, [SAMPLE_FILES[0]]).ok
    first = import_files(store, [path])
    assert first.ok, first.errors
    assert first.counts["contracts"]["new"] == len(rows)
    assert first.counts["contracts"]["duplicates"] == int(dup)
    before, batches = snapshot(store), store.records.counts()["batches"]
    again = import_files(store, [path])
    assert again.ok and again.counts["contracts"]["unchanged"] == len(rows)
    assert again.counts["contracts"]["new"] == again.counts["contracts"]["replaced"] == 0
    assert snapshot(store) == before and store.records.counts()["batches"] == batches


def test_replace(tmp_path, sample_store):
    from tests.conftest import DATA

    changed = DATA / "contracts-changed-record.csv"
    assert not import_files(sample_store, [changed]).ok
    result = import_files(sample_store, [changed], replace=True)
    assert result.ok and result.counts["contracts"]["replaced"] == 1
    cents = sql(sample_store, "SELECT amount_cents FROM contracts WHERE contract_id = 'HT000000001'")
    assert cents == [(48651948,)]
    assert sample_store.records.counts()["contracts"] == 375


def test_a_rate_keeps_its_ten_decimals_and_converts_half_up(tmp_path, sample_store):
    """A rate is stored to ten decimals (not rounded to six on reading) and an amount in that
    currency becomes cents with it, half-up — the same conversion as a web filing's."""
    from decimal import Decimal

    from shumao.model.money import usd_cents
    (tmp_path / "汇率.csv").write_text("currency,month,usd_per_unit\nJPY,2024-12,0.0067123456\n",
                                       encoding="utf-8")
    (tmp_path / "合同.csv").write_text(
        "合同编号,统一社会信用代码,签约日期,国别,业务类别,合同金额,币种\n"
        f"R-1,{ENTERPRISE},2024-12-03,日本,ITO,\"1,234,567\",日元\n", encoding="utf-8")
    assert import_files(sample_store, [tmp_path / "汇率.csv", tmp_path / "合同.csv"]).ok
    import datetime as dt
    assert sample_store.filings.rate("JPY", dt.date(2024, 12, 1)) == Decimal("0.0067123456")
    cents = sql(sample_store, "SELECT amount_cents FROM contracts WHERE contract_id = 'R-1'")[0][0]
    # 123,456,700 sen × 0.0067123456 = 828,684.39… → 828,684
    assert cents == 828684 == usd_cents(Decimal("1234567"), Decimal("0.0067123456"))
