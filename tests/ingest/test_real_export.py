"""The sample city written as a real platform export — Chinese headers in another order, a
GBK CSV, an XLSX with a title row and a 合计 row, amounts in 万美元, some executions in CNY
with a rates file, every date style — is stored with exactly the same US cents."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from openpyxl import Workbook

from shumao.ingest.importer import import_files
from shumao.store import connect
from tests.conftest import SAMPLE, SAMPLE_FILES, sql

ENTERPRISE = "91990102B8QRD82822"        # tests/data/city
NATURE_WORDS = {"domestic": ["内资企业", "173", "民营"], "foreign": ["外商投资企业", "310", "外资"],
                "hmt": ["港澳台商投资企业", "210", "港澳台"]}
STATUS_WORDS = {"approved": "审核通过", "pending": "待审核", "returned": "退回"}
COUNTRY_WORDS = {"JP": "日本", "HK": "中国香港", "US": "USA", "CN": "中国", "NL": "荷兰",
                 "DE": "DEU", "SG": "新加坡", "MY": "马来西亚", "ID": "印度尼西亚"}
CATEGORY_WORDS = {"ITO": "信息技术外包", "BPO": "业务流程外包", "KPO": "KPO"}
CNY_PER_MONTH = {m: Decimal("0.13") + Decimal(m) / 10000 for m in range(1, 13)}  # USD per CNY


def _read(name, source=SAMPLE):
    with (source / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _date_styles(iso: str, i: int):
    d = dt.date.fromisoformat(iso)
    return [iso, f"{d.year}/{d.month}/{d.day}", f"{d.year}年{d.month}月{d.day}日"][i % 3]


def write_variant(folder, source=SAMPLE):
    ents, cons, exes = (_read(f"{k}.csv", source) for k in ("enterprises", "contracts", "executions"))
    # enterprises: GBK, Chinese headers in another order, nature words and NBS codes
    with (folder / "企业名录.csv").open("w", encoding="gbk", newline="") as f:
        w = csv.writer(f)
        w.writerow(["企业名称", "所在区域", "企业性质", "统一社会信用代码", "备注"])
        for i, e in enumerate(ents):
            words = NATURE_WORDS[e["nature"]]
            w.writerow([e["name"], e["region"], words[i % len(words)], e["enterprise_id"], "无"])
    # contracts: XLSX, title row, Excel dates, 万美元 as spreadsheet numbers, a 合计 row
    wb = Workbook()
    ws = wb.active
    ws.title = "合同明细"
    ws.append(["2023-2024年服务外包合同明细"])
    ws.append([])
    ws.append(["合同编号", "签约日期", "统一社会信用代码", "发包方国别（地区）", "业务类别",
               "合同金额（万美元）", "审核状态"])
    for c in cons:
        wan = float(Decimal(c["amount"]) / 10000)
        ws.append([c["contract_id"], dt.date.fromisoformat(c["signed_on"]), c["enterprise_id"],
                   COUNTRY_WORDS.get(c["client_country"], c["client_country"]),
                   CATEGORY_WORDS[c["category"]], wan, STATUS_WORDS[c.get("status") or "approved"]])
    ws.append(["合计", None, None, None, None, sum(float(c["amount"]) for c in cons) / 10000])
    wb.save(folder / "合同.xlsx")
    # executions: UTF-8 with BOM, thousands separators, every second one in CNY
    rates = {}
    with (folder / "合同执行.csv").open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["执行编号", "合同编号", "收款日期", "执行金额", "币种", "审核状态"])
        for i, x in enumerate(exes):
            amount, cur = Decimal(x["amount"]), "美元"
            if i % 2:
                month = x["executed_on"][:7]
                rate = CNY_PER_MONTH[int(month[5:])]
                rates[month] = rate
                amount, cur = (amount / rate).quantize(Decimal("0.01"), ROUND_HALF_UP), "人民币"
            w.writerow([x["execution_id"], x["contract_id"], _date_styles(x["executed_on"], i),
                        f"{amount:,}", cur, STATUS_WORDS[x.get("status") or "approved"]])
        w.writerow(["合计", "", "", "", "", ""])
    with (folder / "汇率.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["币种", "月份", "美元汇率"])
        for month, rate in sorted(rates.items()):
            w.writerow(["CNY", month, rate])
    return sorted(folder.iterdir())


AMOUNTS = {"contracts": "SELECT contract_id, enterprise_id, signed_on, client_country, category, "
                        "amount_cents, status FROM contracts ORDER BY 1",
           "executions": "SELECT execution_id, contract_id, executed_on, amount_cents, status "
                         "FROM executions ORDER BY 1",
           "enterprises": "SELECT enterprise_id, name, nature, region FROM enterprises ORDER BY 1"}


def test_real_export_stores_the_same_cents(tmp_path):
    files = write_variant(tmp_path)
    with connect(tmp_path / "a.duckdb") as a, connect(tmp_path / "b.duckdb") as b:
        assert import_files(a, SAMPLE_FILES).ok
        result = import_files(b, files)
        assert result.ok, result.errors[:5]
        assert result.ignored_columns == {"企业名录.csv": ["备注"]}
        for query in AMOUNTS.values():
            assert sql(b, query) == sql(a, query)
        assert b.records.counts()["rates"] > 0
        # provenance: the original amount, unit and currency are kept beside the cents
        orig = sql(b, "SELECT orig_amount, orig_scale, currency FROM contracts "
                      "WHERE contract_id = 'HT000000001'")
        assert orig == [(Decimal("48.651947"), 10000, "USD")]
        assert sql(b, "SELECT count(*) FROM executions WHERE currency = 'CNY'") == [(750,)]


def test_xlsx_rows_are_spreadsheet_rows(tmp_path, sample_store):
    wb = Workbook()
    ws = wb.active
    ws.append(["服务外包合同明细"])
    ws.append(["合同编号", "统一社会信用代码", "签约日期", "国别", "业务类别", "合同金额"])
    ws.append(["N1", ENTERPRISE, dt.date(2024, 5, 6), "日本", "ITO", 100])
    ws.append([])
    ws.append(["N2", ENTERPRISE, "2024-05-06", "火星国", "ITO", 100])
    wb.save(tmp_path / "合同.xlsx")
    result = import_files(sample_store, [tmp_path / "合同.xlsx"])
    assert [(i.row, i.column, i.code) for i in result.errors] == [(5, "client_country", "unknown-country")]


def test_csv_with_title_blank_rows_and_total(tmp_path, sample_store):
    path = tmp_path / "contracts.csv"
    path.write_text("2024年服务外包合同明细,,,,,\n\n合同编号,统一社会信用代码,签约日期,国别,业务类别,合同金额\n"
                    f"N1,{ENTERPRISE},2024-05-06,JP,ITO,\"1,000.50\"\n\n"
                    f"N2,{ENTERPRISE},2024-05-06,ZZ,ITO,1\n合计,,,,,1001.50\n", encoding="gb18030")
    result = import_files(sample_store, [path])
    assert [(i.row, i.code) for i in result.errors] == [(6, "unknown-country")]
