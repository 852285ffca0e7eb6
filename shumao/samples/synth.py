"""Synthetic filings at any scale, written as a real platform export would be, streamed to
disk in chunks so that memory stays bounded whatever the size.

The mix follows what the background research shows for a city like Dalian: offshore work
led by Japan, then Hong Kong, the United States and Europe; about a fifth onshore; ITO the
largest category; domestic enterprises the majority.  Every credit code is valid, every
execution belongs to an earlier contract, and a contract's executions never exceed it.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from shumao.model import credit

PARTNERS = {  # client country → share of contracts
    "JP": 22, "CN": 20, "HK": 12, "US": 12, "SG": 5, "KR": 5, "DE": 3, "NL": 3, "GB": 3,
    "FR": 2, "MY": 2, "AU": 2, "TW": 1.5, "IN": 1, "TH": 1, "VN": 1, "ID": 1, "IE": 1,
    "CA": 1, "AE": 0.5, "RU": 0.5, "PL": 0.5, "SE": 0.5, "CH": 0.5, "IT": 0.5, "NZ": 0.5,
}
CATEGORIES = {"ITO": 55, "BPO": 27, "KPO": 18}
NATURES = {"domestic": 60, "foreign": 32, "hmt": 8}
STATUSES = {"approved": 97, "pending": 2, "returned": 1}
REGIONS = ["高新区", "中心区", "港区", "开发区", "金州区"]
NAME_PARTS = (["云桥", "海岸", "明远", "北辰", "樱桥", "莱茵", "太平洋", "星海", "东港", "华信",
               "软通", "博远", "启航", "联创", "智汇", "数联", "新途", "恒通", "蓝海", "天成"],
              ["信息技术", "软件", "数据科技", "网络科技", "数字服务", "信息系统", "智能科技", "咨询"])
CHUNK = 50_000


@dataclass(frozen=True)
class Plan:
    enterprises: int = 50
    executions: int = 5_000
    seed: int = 1
    first_year: int = 2022
    last_year: int = 2024

    @property
    def contracts(self) -> int:
        return max(1, self.executions // 4)


def _pick(rng: np.random.Generator, table: dict, n: int) -> np.ndarray:
    keys = np.array(list(table))
    p = np.array(list(table.values()), dtype=float)
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]


def _money(cents: np.ndarray) -> list[str]:
    return [f"{c // 100}.{c % 100:02d}" for c in cents.tolist()]


def generate(out: str | Path, plan: Plan = Plan(),
             progress: Callable[[int], None] | None = None) -> dict[str, Path]:
    """Write enterprises.csv, contracts.csv and executions.csv into ``out``; ``progress``
    is called with the number of executions written since its last call."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(plan.seed)
    files = {k: out / f"{k}.csv" for k in ("enterprises", "contracts", "executions")}
    ids = _enterprises(rng, plan, files["enterprises"])
    start = dt.date(plan.first_year, 1, 1).toordinal()
    end = dt.date(plan.last_year, 12, 31).toordinal()
    # enterprises differ in size: a few large ones take much of the work
    weight = rng.pareto(1.2, len(ids)) + 1
    weight /= weight.sum()
    per_contract = plan.executions / plan.contracts
    written = 0
    with files["contracts"].open("w", encoding="utf-8", newline="") as fc, \
            files["executions"].open("w", encoding="utf-8", newline="") as fe:
        wc, we = csv.writer(fc, lineterminator="\n"), csv.writer(fe, lineterminator="\n")
        wc.writerow(["contract_id", "enterprise_id", "signed_on", "client_country", "category",
                     "amount", "currency", "status"])
        we.writerow(["execution_id", "contract_id", "executed_on", "amount", "currency", "status"])
        for first in range(0, plan.contracts, CHUNK):
            n = min(CHUNK, plan.contracts - first)
            left = plan.executions - written
            remaining_contracts = plan.contracts - first
            k = _executions_per_contract(rng, n, per_contract, left, remaining_contracts)
            written += _chunk(rng, wc, we, first, n, k, ids, weight, start, end, written)
            if progress:
                progress(int(k.sum()))
    return files


def _executions_per_contract(rng, n, mean, left, remaining) -> np.ndarray:
    """How many executions each contract of the chunk gets, so that the total comes out at
    exactly the planned number of executions."""
    target = left if remaining <= n else min(left, round(mean * n))
    k = np.ones(n, dtype=np.int64)
    extra = target - n
    if extra > 0:
        k += np.bincount(rng.integers(0, n, extra), minlength=n)
    elif extra < 0:
        k[: -extra] = 0
    return k


def _chunk(rng, wc, we, first, n, k, ids, weight, start, end, exec_base) -> int:
    signed = rng.integers(start - 330, end - 20, n)           # some contracts predate the years
    signed = np.clip(signed, start - 365, None)
    amount = np.maximum((rng.lognormal(11.9, 1.0, n) * 100).astype(np.int64), 100_000)
    country = _pick(rng, PARTNERS, n)
    category = _pick(rng, CATEGORIES, n)
    status = _pick(rng, STATUSES, n)
    ent = np.array(ids)[rng.choice(len(ids), size=n, p=weight)]
    cids = [f"HT{first + i + 1:09d}" for i in range(n)]
    dates = [dt.date.fromordinal(int(d)).isoformat() for d in signed]
    wc.writerows(zip(cids, ent, dates, country, category, _money(amount), ["USD"] * n, status))
    # executions: a share of each contract, split into k parts, dated after signing
    total_k = int(k.sum())
    owner = np.repeat(np.arange(n), k)
    share = rng.uniform(0.55, 1.0, n)
    parts = rng.gamma(2.0, 1.0, total_k)
    sums = np.bincount(owner, weights=parts, minlength=n)
    cents = np.floor(parts / sums[owner] * share[owner] * amount[owner]).astype(np.int64)
    when = np.minimum(signed[owner] + rng.integers(5, 540, total_k), end)
    when = np.maximum(when, signed[owner])
    estatus = np.where(rng.random(total_k) < 0.98, status[owner], "approved")
    eids = [f"ZX{exec_base + i + 1:010d}" for i in range(total_k)]
    edates = [dt.date.fromordinal(int(d)).isoformat() for d in when]
    econtract = [cids[i] for i in owner.tolist()]
    we.writerows(zip(eids, econtract, edates, _money(cents), ["USD"] * total_k, estatus))
    return total_k


def _enterprises(rng, plan: Plan, path: Path) -> list[str]:
    ids: list[str] = []
    seen = set()
    alphabet = np.array(list(credit.ALPHABET))
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["enterprise_id", "name", "nature", "region"])
        natures = _pick(rng, NATURES, plan.enterprises)
        i = 0
        while len(ids) < plan.enterprises:
            body = "".join(rng.choice(alphabet, 8))
            code = credit.complete("91990102" + body)
            if code in seen:
                continue
            seen.add(code)
            a, b = NAME_PARTS[0][i % 20], NAME_PARTS[1][(i // 20) % 8]
            suffix = "" if i < 160 else f"{i // 160}号"
            w.writerow([code, f"示例{a}{b}{suffix}有限公司", natures[i], REGIONS[i % len(REGIONS)]])
            ids.append(code)
            i += 1
    return ids
