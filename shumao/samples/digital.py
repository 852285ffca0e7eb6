"""Synthetic digital-trade data for a sample city (spec/digital-trade.md §9.1), made from its
enterprises and contracts: customs e-commerce cells and declaration lines 2023-01 … 2024-11
(half of them in CNY under 货值（万元）, with the rates), the platforms register, and the
city's contracts again with the four digital columns (sub-category, delivery mode and
share, ordered online, platform) — the same seed, the same bytes.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from shumao.model.digital_codes import subcategories

EXPORT_REGIMES = {"9610": 55, "9710": 25, "9810": 15, "1210": 5}
IMPORT_REGIMES = {"1210": 45, "1239": 40, "9610": 15}
PARTNERS = ["JP", "KR", "US", "RU", "GB", "DE", "AU", "HK", "SG", "MY"]
HS_X = ["61", "62", "63", "64", "94", "95", "85", "39", "42"]
HS_M = ["33", "19", "21", "04", "30"]
DELIVERY = {"remote": 70, "mixed": 15, "onsite": 5, "unknown": 10}
# the seed's member profiles (spec §9.1): 日文CAD, 软件开发, 企业会计, 视频课件, 业务支援
PROFILE = {"ITO": ["ITO01", "ITO01", "ITO03", "ITO04"], "BPO": ["BPO07", "BPO02", "BPO02"],
           "KPO": ["KPO06", "KPO06", "KPO11", "KPO05"]}
CNY_PER_USD = {2023: "0.1420", 2024: "0.1390"}
PLATFORMS = [("P1", "示例跨境撮合平台", "中介平台", "是"), ("P2", "示例自营商城", "自营", "是"),
             ("P3", "示例企业自建站", "企业自建站", "是")]


def _months():
    for y in (2023, 2024):
        for m in range(1, 13):
            if (y, m) <= (2024, 11):
                yield y, m


def _pick(rng, table: dict) -> str:
    keys = list(table)
    w = np.array([table[k] for k in keys], float)
    return keys[int(rng.choice(len(keys), p=w / w.sum()))]


def write(city: Path, out: Path, seed: int = 2024) -> list[Path]:
    """Write ``ecommerce.csv``, ``跨境电商-人民币.csv``, ``platforms.csv``, ``rates.csv`` and
    ``contracts.csv`` (the city's, with the digital columns) into ``out``."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    with (city / "enterprises.csv").open(encoding="utf-8") as f:
        ents = [r["enterprise_id"] for r in csv.DictReader(f)]
    usd, cny = [], []
    for y, m in _months():
        for k in range(17):                             # aggregated cells
            flow = "X" if k < 13 else "M"
            regime = _pick(rng, EXPORT_REGIMES if flow == "X" else IMPORT_REGIMES)
            if regime == "9810" and (y, m) < (2023, 4):
                regime = "9610"                         # no 9810 before 2023-04 (§9.1)
            partner = PARTNERS[int(rng.integers(len(PARTNERS)))]
            hs = (HS_X if flow == "X" else HS_M)[int(rng.integers(len(HS_X if flow == "X" else HS_M)))]
            cents = int(rng.integers(20_000, 900_000)) * 100
            row = [f"{y}-{m:02d}/{regime}/{flow}/{partner}/{hs}/{k}", regime, flow, f"{y}-{m:02d}",
                   partner, hs, "", str(int(rng.integers(3, 40))), "是" if k % 5 == 0 else "否",
                   "P1" if k % 4 == 0 else "P2" if k % 4 == 1 else ""]
            if k % 2:
                yuan_wan = cents // 100 * 100 // 10_000        # whole 元 as 万元 with 2 decimals
                cny.append(row[:6] + [f"{yuan_wan / 100:.2f}"] + row[6:])
            else:
                usd.append(row[:6] + [f"{cents // 100}.{cents % 100:02d}"] + row[6:])
        for k in range(6):                              # declaration lines with an enterprise
            regime = _pick(rng, EXPORT_REGIMES)
            if regime == "9810" and (y, m) < (2023, 4):
                regime = "9710"
            ent = ents[int(rng.integers(len(ents)))]
            usd.append([f"L{y}{m:02d}{k:02d}", regime, "X", f"{y}-{m:02d}",
                        PARTNERS[int(rng.integers(4))], HS_X[int(rng.integers(len(HS_X)))],
                        f"{int(rng.integers(1_000, 60_000))}.{int(rng.integers(100)):02d}",
                        ent, "", "否", "P3" if k == 0 else ""])
    head = ["记录编号", "监管方式", "进出口", "统计月份", "贸易国别（地区）", "商品编码"]
    tail = ["统一社会信用代码", "企业数", "已公开", "电商平台代码"]
    _csv(out / "ecommerce.csv", [*head, "货值（美元）", *tail], usd)
    _csv(out / "跨境电商-人民币.csv", [*head, "货值（万元）", *tail], cny)
    _csv(out / "platforms.csv", ["平台代码", "平台名称", "平台类型", "境内平台"], PLATFORMS)
    _csv(out / "rates.csv", ["币种", "月份", "美元汇率"],
         [["CNY", f"{y}-{m:02d}", CNY_PER_USD[y]] for y, m in _months()])
    with (city / "contracts.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    subs = subcategories()
    first_bpo = True
    for r in rows:
        cat = r["category"]
        sub = PROFILE[cat][int(rng.integers(len(PROFILE[cat])))]
        if cat == "BPO" and first_bpo and r["client_country"] != "CN":
            sub, first_bpo = "BPO09", False          # one non-deliverable repair contract
        assert subs[sub].parent == cat
        mode = _pick(rng, DELIVERY)
        share = {"remote": "", "onsite": "", "unknown": "",
                 "mixed": str(int(rng.integers(1, 100)))}[mode]
        if sub == "BPO09":
            mode, share = "onsite", ""
        online = rng.random() < 0.08
        r.update({"业务子类": sub, "交付方式": {"remote": "远程", "onsite": "现场", "mixed": "混合",
                                               "unknown": "不明"}[mode],
                  "远程交付比例（%）": share, "线上订购": "是" if online else "否",
                  "接单平台": ("P1" if rng.random() < 0.5 else "P3") if online else ""})
    _csv(out / "contracts.csv", list(rows[0]), [list(r.values()) for r in rows])
    return [out / n for n in ("platforms.csv", "rates.csv", "ecommerce.csv", "跨境电商-人民币.csv",
                              "contracts.csv")]


def _csv(path: Path, header: list[str], rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
