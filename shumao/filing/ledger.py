"""Is what the store keeps about filed records whole?  Every record filed on the web has
exactly one filing and every filing one record; each record's status history is one
unbroken chain from its creation to its present status; and the audit log holds exactly
one entry per transition (web.md filings-web: every transition in the audit log) and
nothing about filings that did not happen.  The filing load test and ``shumao bench
filings`` check a store with it after many users filed at once.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from shumao.store import rows

# the audit action of each transition (store.filings): → draft is a creation or an edit
ACTION_OF = {(None, "draft"): "filing-create", "submitted": "filing-submit",
             "approved": "filing-approve", "returned": "filing-return", "draft": "filing-edit"}


@dataclass
class Ledger:
    """What ``store.filings.ledger()`` returns, by record: (kind, record id) → …"""

    filing: dict[tuple[str, str], list[int]]            # its filing ids (one, if whole)
    status: dict[tuple[str, str], str]                   # the record's status
    history: dict[tuple[str, str], list[tuple]]          # (old, new), oldest first
    audit: dict[int, list[str]]                          # filing id → its audit actions
    stray_audit: list[int]                               # seq of entries naming no filing

    @classmethod
    def of(cls, raw: rows.Ledger) -> Ledger:
        filing: dict[tuple[str, str], list[int]] = {}
        for fid, kind, rid in raw["filings"]:
            filing.setdefault((kind, rid), []).append(int(fid))
        history: dict[tuple[str, str], list[tuple]] = {}
        for _seq, kind, rid, old, new in raw["history"]:
            history.setdefault((kind, rid), []).append((old, new))
        ids = {i for fids in filing.values() for i in fids}
        audit: dict[int, list[str]] = {}
        stray = []
        for seq, action, detail in raw["audit"]:
            fid = json.loads(detail).get("id")
            if fid in ids:
                audit.setdefault(fid, []).append(action)
            else:
                stray.append(int(seq))
        return cls(filing, {(k, r): s for k, r, s in raw["records"]}, history, audit, stray)

    @property
    def ids(self) -> dict[tuple[str, str], int]:
        """(kind, record id) → its filing id, for records with exactly one."""
        return {key: fids[0] for key, fids in self.filing.items() if len(fids) == 1}


def transitions_of(chain: list[tuple]) -> Counter:
    """The audit actions a record's history calls for."""
    return Counter(ACTION_OF[(old, new)] if old is None else ACTION_OF[new]
                   for old, new in chain)


def problems(ledger: Ledger) -> list[str]:
    """What is not whole, one line each (Chinese); [] when everything holds."""
    out: list[str] = []
    for key, fids in sorted(ledger.filing.items()):
        if len(fids) > 1:
            out.append(f"记录 {key[1]}（{key[0]}）有 {len(fids)} 条填报：{fids}")
        if key not in ledger.status:
            out.append(f"填报 {fids} 的记录 {key[1]}（{key[0]}）不存在")
    for key, status in sorted(ledger.status.items()):
        if key not in ledger.filing:
            out.append(f"网上填报的记录 {key[1]}（{key[0]}）没有填报信息")
        chain = ledger.history.get(key, [])
        if not chain or chain[0] != (None, "draft"):
            out.append(f"记录 {key[1]} 的状态历史不是从新建草稿开始：{chain}")
        elif any(a[1] != b[0] for a, b in zip(chain, chain[1:], strict=False)):
            out.append(f"记录 {key[1]} 的状态历史前后不接：{chain}")
        elif chain[-1][1] != status:
            out.append(f"记录 {key[1]} 的状态为 {status}，历史最后为 {chain[-1][1]}")
        fid = ledger.ids.get(key)
        if fid is not None and chain:
            want, got = transitions_of(chain), Counter(ledger.audit.get(fid, []))
            if want != got:
                out.append(f"填报 {fid}（{key[1]}）的审计记录 {dict(got)} 与状态变化 {dict(want)} 不符")
    for key in sorted(set(ledger.history) - set(ledger.status)):
        out.append(f"状态历史中有不存在的网上填报记录 {key[1]}（{key[0]}）")
    if ledger.stray_audit:
        out.append(f"审计日志中有 {len(ledger.stray_audit)} 条填报操作不对应任何填报："
                   f"序号 {ledger.stray_audit[:10]}")
    return out
