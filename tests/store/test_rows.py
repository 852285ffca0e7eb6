"""Each repository row has exactly the keys of its TypedDict in store/rows.py: the
repositories build most rows from column lists and only cast them, so this is what holds
the types to what the store returns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from shumao.store import rows


def keys_fit(row, typed) -> bool:
    return typed.__required_keys__ <= set(row) <= typed.__required_keys__ | typed.__optional_keys__


def test_every_row_has_the_keys_of_its_type(sample_store):
    s = sample_store
    ent = s.records.enterprises()[0]["enterprise_id"]
    june = dt.date(2024, 6, 1)
    fid = s.filings.add("contracts", {
        "contract_id": "ROWS-1", "enterprise_id": ent, "signed_on": dt.date(2024, 6, 5),
        "client_country": "US", "category": "ITO", "amount_cents": 100_000,
        "orig_amount": Decimal(1000), "orig_scale": 1, "currency": "USD"}, ent, "form", "测试")
    s.filings.add("executions", {
        "execution_id": "ROWS-X1", "contract_id": "ROWS-1", "executed_on": dt.date(2024, 6, 6),
        "amount_cents": 50_000, "orig_amount": Decimal(500), "orig_scale": 1, "currency": "USD"},
        ent, "form", "测试")
    s.windows.set(june, None, None, False, "测试")
    s.windows.log_reminder(june, ent, "a@example.com", "测试", None)
    bid = s.bulletins.create("简报", "第1期", "2024-06", {"index.md": b"# x"}, "秘书处")
    vid = s.vintages.add("report", bid, "2024-06", {}, "{}", "正文", (june, dt.date(2024, 6, 30)), "测试")

    (counted,), = s.db.execute("SELECT min(contract_id) FROM executions WHERE status = 'approved'")
    filing = s.filings.get(fid)
    assert filing is not None
    found = {
        rows.Filing: [filing, *s.filings.find()],
        rows.FilingEvent: s.filings.history("contracts", "ROWS-1"),
        rows.Record: [s.filings.record("contracts", "ROWS-1"), s.filings.record("executions", "ROWS-X1"),
                      *(r for rs in s.records.of_enterprise(ent).values() for r in rs)],
        rows.OfEnterprise: [s.records.of_enterprise(ent)],
        rows.CountedExecution: s.filings.contract_executions(counted),
        rows.MonthState: s.filings.month_states(june),
        rows.Ledger: [s.filings.ledger()],
        rows.FilingState: [s.filings.state(fid)],
        rows.Window: [s.windows.get(june), *s.windows.all(), s.filings.state(fid)["window"]],
        rows.Reminder: s.windows.reminders(june),
        rows.Bulletin: [s.bulletins.get(bid), *s.bulletins.all()],
        rows.Vintage: [s.vintages.get(vid)],
        rows.VintageListed: s.vintages.all(),
        rows.Enterprise: [s.records.enterprise(ent), *s.records.enterprises()],
        rows.Summary: [s.records.summary()],
        rows.Batch: s.records.batches(),
        rows.BatchFile: [f for b in s.records.batches() for f in b["files"]],
        rows.AuditEntry: s.audit.latest(),
    }
    for typed, got in found.items():
        assert got, typed.__name__
        assert all(keys_fit(r, typed) for r in got), typed.__name__
    assert set(s.vintages.all()[0]) == rows.VintageListed.__required_keys__      # no figures, text
    assert "enterprise_id" not in s.records.of_enterprise(ent)["contracts"][0]
