"""Every issue code has a specimen file named after its defect (tests/data/<kind>-<code>.csv,
or .xlsx where the defect lives only in a workbook),
imported on top of the sample city: exactly the expected (file, row, column, code) come out,
and an error leaves the store as it was."""

from __future__ import annotations

import datetime as dt

import pytest

from shumao.ingest.importer import YIELDS, import_files
from shumao.ingest.issues import CATALOGUE
from tests.conftest import DATA, snapshot

TODAY = dt.date(2026, 11, 27)

# specimen → the issues it must give: (row, column, code)
EXPECTED = {
    "enterprises-bad-credit-code.csv": [(3, "enterprise_id", "bad-credit-code")],
    "enterprises-unknown-nature.csv": [(2, "nature", "unknown-nature")],
    "enterprises-missing-value.csv": [(2, "name", "missing-value")],
    "contracts-unknown-country.csv": [(3, "client_country", "unknown-country")],
    "contracts-unknown-category.csv": [(2, "category", "unknown-category")],
    "contracts-unknown-currency.csv": [(2, "currency", "unknown-currency")],
    "contracts-unknown-status.csv": [(2, "status", "unknown-status")],
    "contracts-currency-conflict.csv": [(2, "currency", "currency-conflict")],
    "contracts-bad-number.csv": [(2, "amount", "bad-number")],
    "contracts-negative-amount.csv": [(2, "amount", "negative-amount")],
    "contracts-fraction-of-cent.csv": [(2, "amount", "fraction-of-cent")],
    "contracts-bad-date.csv": [(2, "signed_on", "bad-date")],
    "contracts-impossible-date.csv": [(2, "signed_on", "impossible-date")],
    # issue 19: Excel's day 0, outside the years a record may name (model.rules)
    "contracts-date-out-of-range.csv": [(2, "signed_on", "date-out-of-range")],
    "contracts-unknown-enterprise.csv": [(2, "enterprise_id", "unknown-enterprise")],
    "contracts-missing-rate.csv": [(2, "currency", "missing-rate")],
    "contracts-duplicate-id.csv": [(2, "contract_id", "duplicate-id"),
                                   (3, "contract_id", "duplicate-id"),
                                   (4, "contract_id", "duplicate-id")],
    "contracts-changed-record.csv": [(2, "contract_id", "changed-record")],
    "contracts-future-date.csv": [(2, "signed_on", "future-date")],
    "contracts-unusual-amount.csv": [(3, "amount", "unusual-amount")],
    "contracts-missing-column.csv": [(1, "category", "missing-column")],
    "executions-unknown-contract.csv": [(2, "contract_id", "unknown-contract")],
    "executions-exceeds-contract.csv": [(3, "amount", "exceeds-contract")],
    "rates-bad-month.csv": [(2, "month", "bad-month")],
    "rates-bad-rate.csv": [(2, "usd_per_unit", "bad-rate")],
    "contracts-unreadable-file.csv": [(2, None, "unreadable-file")],
    "misc-unknown-file-kind.csv": [(None, None, "unknown-file-kind")],
    # issue 7
    "contracts-mixed-encoding.csv": [(3, None, "mixed-encoding")],
    "contracts-empty-file.csv": [(None, None, "empty-file")],
    "contracts-amount-too-large.csv": [(2, "amount", "amount-too-large")],
    # made with openpyxl, which writes a formula without its value: F3 is "=F2*2"
    "contracts-formula-without-value.xlsx": [(3, "amount", "formula-without-value")],
    # issue 19: one cell at XFD1048576 (tests/support/workbooks.py far), 1.6 KB whose
    # rectangle python-calamine would allocate whole (549 GB), aborting the process
    "contracts-workbook-too-large.xlsx": [(None, None, "workbook-too-large")],
    # issue 22: digital trade (spec/digital-trade.md §6.2)
    "contracts-unknown-subcategory.csv": [(2, "subcategory", "unknown-subcategory")],
    "contracts-subcategory-parent-mismatch.csv": [(2, "subcategory", "subcategory-parent-mismatch")],
    "contracts-bad-delivery-mode.csv": [(2, "delivery_mode", "bad-delivery-mode")],
    "contracts-remote-share-out-of-range.csv": [(2, "remote_share", "remote-share-out-of-range")],
    "contracts-delivery-share-inconsistent.csv": [(2, "remote_share", "delivery-share-inconsistent")],
    "contracts-bad-ordered-online.csv": [(2, "ordered_online", "bad-ordered-online")],
    "contracts-unknown-platform.csv": [(2, "platform_id", "unknown-platform")],
    "platforms-bad-platform-role.csv": [(2, "role", "bad-platform-role")],
    "platforms-bad-yes-no.csv": [(2, "resident", "bad-yes-no")],
    "ecommerce-unknown-regime.csv": [(3, "regime", "unknown-regime")],
    "ecommerce-regime-not-ecommerce.csv": [(2, "regime", "regime-not-ecommerce")],
    "ecommerce-regime-flow-mismatch.csv": [(2, "flow", "regime-flow-mismatch")],
    "ecommerce-regime-not-in-force.csv": [(2, "regime", "regime-not-in-force")],
    "ecommerce-bad-hs-chapter.csv": [(2, "hs_chapter", "bad-hs-chapter")],
    "ecommerce-partner-is-china.csv": [(2, "partner", "partner-is-china")],
    "ecommerce-full-scope-has-detail.csv": [(2, "basis", "full-scope-has-detail")],
    "ecommerce-duplicate-line.csv": [(2, "line_id", "duplicate-line"), (3, "line_id", "duplicate-line")],
    "ecommerce-unknown-platform.csv": [(2, "platform_id", "unknown-platform")],
    "ecommerce-date-is-declaration-date.csv": [(2, "declared_on", "date-is-declaration-date")],
    "ecommerce-unknown-basis.csv": [(2, "basis", "unknown-basis")],
    "ecommerce-bad-flow.csv": [(2, "flow", "bad-flow")],
    # issue 22: digital trade's optional inputs (spec §6.1.4–§6.1.7)
    "services-unknown-ebops.csv": [(3, "ebops", "unknown-ebops")],
    "services-share-out-of-range.csv": [(2, "ordered_online_share", "share-out-of-range")],
    "dt_survey-bad-year.csv": [(3, "year", "bad-year")],
    "totals-unknown-total-name.csv": [(3, "name", "unknown-total-name")],
    "totals-bad-period.csv": [(2, "period", "bad-period")],
    "enterprises-bad-size-class.csv": [(3, "size_class", "bad-size-class")],
    "enterprises-bad-industry.csv": [(2, "industry", "bad-industry"), (3, "industry", "bad-industry")],
}
SPECIMENS = sorted(p for p in DATA.glob("*-*.*") if p.suffix in (".csv", ".xlsx"))


def test_every_code_has_a_specimen():
    named = {name.split("-", 1)[1].rsplit(".", 1)[0] for name in EXPECTED}
    assert named == set(CATALOGUE) == set(YIELDS)
    assert sorted(p.name for p in SPECIMENS) == sorted(EXPECTED)


# the codes whose rule reads the store: their specimens run on PostgreSQL too; the others'
# subject is the private staging database, the same whatever the store
STORE_CODES = {"changed-record", "unknown-enterprise", "unknown-contract", "exceeds-contract", "unusual-amount",
               "unknown-platform"}
CASES = [pytest.param(name, "duckdb", marks=pytest.mark.duckdb) for name in sorted(EXPECTED)] + \
        [pytest.param(name, "postgres", marks=pytest.mark.postgres) for name in sorted(EXPECTED)
         if STORE_CODES & {code for _, _, code in EXPECTED[name]}]


@pytest.mark.parametrize("name, sample_url", CASES, indirect=["sample_url"])
def test_specimen(sample_store, name):
    before = snapshot(sample_store)
    result = import_files(sample_store, [DATA / name], today=TODAY)
    found = [(i.row, i.column, i.code) for i in result.errors + result.warnings]
    assert {code for _, _, code in found} <= set(YIELDS)   # the import yields what it declares
    assert found == EXPECTED[name]
    for i in result.errors + result.warnings:
        assert i.file == name and i.message and not i.message.isascii()
    if result.errors:
        assert not result.ok
        assert snapshot(sample_store) == before       # all or nothing
    else:
        assert result.ok                              # warnings do not stop an import


@pytest.mark.parametrize("sample_url", ["duckdb"], indirect=True)
def test_messages_name_the_value_and_header(sample_store):
    result = import_files(sample_store, [DATA / "contracts-unknown-country.csv"], today=TODAY)
    (issue,) = result.errors
    assert issue.value == "火星国" and "火星国" in issue.message
    result = import_files(sample_store, [DATA / "contracts-bad-number.csv"], today=TODAY)
    (issue,) = result.errors
    assert (issue.column, issue.value) == ("amount", "12a4")
    assert "“amount”" in issue.message and "“12a4”" in issue.message


def test_all_defects_together_are_all_reported_and_nothing_changes(sample_store):
    before = snapshot(sample_store)
    files = SPECIMENS
    result = import_files(sample_store, files, today=TODAY)
    assert not result.ok
    codes = {i.code for i in result.errors + result.warnings}
    # every error specimen's code appears; cross-file effects may add more, never fewer
    for name, expected in EXPECTED.items():
        for _, _, code in expected:
            if CATALOGUE[code].level == "error":
                assert code in codes, name
    assert snapshot(sample_store) == before
    assert sample_store.records.counts()["batches"] == 1
