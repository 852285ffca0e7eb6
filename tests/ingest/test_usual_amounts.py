"""The unusual-amount rule through the store on both backends (issue 21): an import warns of
the mistyped amounts of enterprises with a thin, a narrow and a wide history, and not of
amounts ordinary for each; a member filing the same amounts on the web gets the same verdict
from the verify check, against the same history, saying the same basis and multiple."""

from __future__ import annotations

import datetime as dt
import math
from statistics import NormalDist

import pytest

from shumao.filing import service, windows
from shumao.ingest.importer import import_files
from shumao.model.credit import complete

THIN, NARROW, WIDE = (complete(f"919901027RULE{c}00") for c in "TNW")
MONTH = dt.date(2024, 12, 1)
TODAY = dt.date(2024, 12, 20)


def history(median: int, sigma: float, n: int) -> list[int]:
    """``n`` USD amounts laid out as a lognormal history of spread ``sigma`` (normal quantiles)."""
    return [round(median * math.exp(sigma * NormalDist().inv_cdf((i + 0.5) / n))) for i in range(n)]


HISTORY = {THIN: [90_000, 100_000, 110_000],                 # three records: twenty times
           NARROW: history(100_000, 0.2, 24),                # hardly varies: five times
           WIDE: history(100_000, 1.0, 40)}                  # heavy-tailed: 59 times
# (enterprise, USD amount, unusual?) filed in December 2024
CASES = [(THIN, 400_000, False), (THIN, 1_000_000, False), (THIN, 10_000_000, True),
         (NARROW, 2 * max(HISTORY[NARROW]), False), (NARROW, 1_000_000, True),
         (WIDE, max(HISTORY[WIDE]), False), (WIDE, 1_500_000, False), (WIDE, 10_000_000, True)]


@pytest.fixture
def stocked(store, tmp_path):
    """The three members and their contracts of the twelve months before December 2024."""
    (tmp_path / "企业.csv").write_text("统一社会信用代码,企业名称,企业性质,所在区县\n" + "".join(
        f"{e},规则测试{i}有限公司,内资,高新区\n" for i, e in enumerate(HISTORY)), encoding="utf-8")
    rows = [f"H-{e[-6:]}-{i},{e},2024-{i % 11 + 1:02d}-15,日本,ITO,{a}\n"
            for e, amounts in HISTORY.items() for i, a in enumerate(amounts)]
    (tmp_path / "合同.csv").write_text("合同编号,统一社会信用代码,签约日期,国别,业务类别,合同金额\n"
                                      + "".join(rows), encoding="utf-8")
    r = import_files(store, [tmp_path / "企业.csv", tmp_path / "合同.csv"], today=TODAY)
    assert r.ok and not [w for w in r.warnings if w.code == "unusual-amount"], (r.errors, r.warnings)
    return store


def test_the_import_warns_of_the_typos_only_and_the_web_check_agrees(stocked, tmp_path):
    (tmp_path / "新合同.csv").write_text("合同编号,统一社会信用代码,签约日期,国别,业务类别,合同金额\n" + "".join(
        f"N-{i},{e},2024-12-02,日本,ITO,{a}\n" for i, (e, a, _) in enumerate(CASES)), encoding="utf-8")
    r = import_files(stocked, [tmp_path / "新合同.csv"], today=TODAY)
    warned = {w.row - 2: w.message for w in r.warnings if w.code == "unusual-amount"}
    assert sorted(warned) == [i for i, (_, _, unusual) in enumerate(CASES) if unusual]
    assert "该企业近12个月合同金额的中位数（10.00万美元）的20倍（这些记录不足10笔，倍数取20倍）" in warned[2]
    assert "倍数按这些记录的分散程度定：其中金额最小的一成在" in warned[4]

    windows.set_window(stocked, MONTH, locked=False, actor="测试")
    for i, (e, amount, unusual) in enumerate(CASES):
        fid = service.create(stocked, "contracts", {
            "contract_id": f"W-{i}", "signed_on": "2024-12-02", "client_country": "日本",
            "category": "ITO", "amount": str(amount)}, e, "测试", today=TODAY)
        found = [c for c in service.evaluate(stocked, fid, today=TODAY) if c.code == "unusual-amount"]
        assert bool(found) == unusual, (e, amount)
        if found:    # the same basis and multiple as the import's warning (amounts in other units)
            assert basis_and_times(found[0].message.replace("本企业", "该企业")) == \
                basis_and_times(warned[i])


def basis_and_times(message: str) -> tuple[str, str]:
    """The basis a message names (该企业近12个月合同金额的中位数) and its multiple (的20倍)."""
    import re
    m = re.search(r"超过(该企业[^（]+)（[^）]+）(的\d+倍)", message)
    assert m, message
    return m[1], m[2]
