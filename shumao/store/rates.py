"""Exchange rates (filings.md's rates: US dollars per unit of a currency, per month) as the
portal's 汇率 page keeps them, and the records filed on the web that wait for one.

A record filed on the web in another currency is stored with its original amount and
currency; until its month's rate is held its ``amount_cents`` is 0 and it is *pending*
(待折算: no figure counts it, and it cannot be approved).  Whenever a rate arrives — entered
here (``set``) or loaded by an import (``records.load``) — ``convert`` converts, inside that
same transaction, every pending web record of that currency and month with
``model.money.usd_cents``, the conversion the filing itself uses; so a record is never left
at 0 beside a rate that could convert it.  Each conversion is in the audit log.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import TypedDict

from shumao.errors import ConflictError
from shumao.model.codes import currency_names
from shumao.model.money import usd_cents
from shumao.model.records import DATE_OF, KEY_OF
from shumao.store import schema
from shumao.store.audit import AuditLog
from shumao.store.backend import Backend

WEB_BATCH = 0          # the batch_id of what the portal writes (store.filings: imports count from 1)


class Converted(TypedDict):
    """A record a rate converted: its kind, id, enterprise, status, original amount and
    currency, month, and the US cents it now counts."""

    kind: str
    record_id: str
    enterprise_id: str
    status: str
    orig_amount: Decimal
    currency: str
    month: dt.date
    amount_cents: int


class Missing(TypedDict):
    """A currency and month that web records need but no rate covers."""

    currency: str
    month: dt.date
    records: int            # pending records of any status
    submitted: int          # of which submitted, waiting for review
    enterprises: int


def _pending_sql(kind: str, rated: bool) -> str:
    """The web records of ``kind`` in another currency: with ``rated``, those whose month now
    has a rate but still count 0 cents (to convert); else those with no rate (pending)."""
    date, key = DATE_OF[kind], KEY_OF[kind]
    owner = ("r.enterprise_id" if kind == "contracts" else
             "(SELECT c.enterprise_id FROM contracts c WHERE c.contract_id = r.contract_id)")
    month = f"CAST(date_trunc('month', r.{date}) AS DATE)"
    rate = f"(SELECT t.usd_per_unit FROM rates t WHERE t.currency = r.currency AND t.month = {month})"
    cond = (f"{rate} IS NOT NULL AND r.amount_cents = 0" if rated else f"{rate} IS NULL")
    return (f"SELECT '{kind}' AS kind, r.{key} AS record_id, {owner} AS enterprise_id, r.status, "
            f"r.orig_amount, r.orig_scale, r.currency, {month} AS month, {rate} AS rate, "
            f"r.{date} AS day FROM {kind} r WHERE r.batch_id = {WEB_BATCH} "
            f"AND r.currency <> 'USD' AND {cond}")


def convert(db: Backend, audit: AuditLog, actor: str, address: str | None = None,
            ids: Sequence[tuple[str, str]] | None = None) -> list[Converted]:
    """Inside the caller's write transaction: every pending web record whose month now has
    a rate (only ``ids``, (kind, id) pairs, when given) converted to US cents; those changed."""
    out: list[Converted] = []
    for kind in ("contracts", "executions"):
        wanted = None if ids is None else [rid for k, rid in ids if k == kind]
        if wanted == []:
            continue
        sql, params = _pending_sql(kind, rated=True), []
        if wanted:
            sql += f" AND r.{KEY_OF[kind]} IN ({', '.join('?' * len(wanted))})"
            params = list(wanted)
        for _, rid, eid, status, orig, scale, cur, month, rate, _day in db.execute(sql, params):
            cents = usd_cents(Decimal(orig) * int(scale), Decimal(rate))
            if cents == 0:
                continue        # a rate so small it rounds to nothing: 0 is its value
            db.execute(f"UPDATE {kind} SET amount_cents = ? WHERE {KEY_OF[kind]} = ?", [cents, rid])
            out.append(Converted(kind=kind, record_id=rid, enterprise_id=eid, status=status,
                                 orig_amount=Decimal(orig), currency=cur, month=month,
                                 amount_cents=cents))
    if out:
        audit.append(actor, "rate-convert", {"records": [
            {"kind": c["kind"], "record": c["record_id"], "currency": c["currency"],
             "month": c["month"].strftime("%Y-%m"), "amount_cents": c["amount_cents"]}
            for c in out]}, address)
    return out


class Rates:
    def __init__(self, db: Backend, audit: AuditLog):
        self.db = db
        self.audit = audit

    def held(self) -> list[tuple[str, dt.date, Decimal, int]]:
        """Every rate held: (currency, month, usd_per_unit, batch_id), newest month first."""
        return [(c, m, Decimal(r), int(b)) for c, m, r, b in self.db.execute(
            "SELECT currency, month, usd_per_unit, batch_id FROM rates ORDER BY month DESC, currency")]

    def get(self, currency: str, month: dt.date) -> Decimal | None:
        rows = self.db.execute("SELECT usd_per_unit FROM rates WHERE currency = ? AND month = ?",
                               [currency, month])
        return Decimal(rows[0][0]) if rows else None

    def missing(self) -> list[Missing]:
        """The currencies and months web records need and no rate covers, most urgent first:
        the oldest month (its deadline passed first), then the most records waiting."""
        parts = " UNION ALL ".join(_pending_sql(k, rated=False) for k in ("contracts", "executions"))
        rows = self.db.execute(
            "SELECT currency, month, count(*), sum(CASE WHEN status = 'submitted' THEN 1 ELSE 0 END), "
            f"count(DISTINCT enterprise_id) FROM ({parts}) p GROUP BY currency, month "
            "ORDER BY month, 4 DESC, currency")
        return [Missing(currency=c, month=m, records=int(n), submitted=int(s or 0),
                        enterprises=int(e)) for c, m, n, s, e in rows]

    def pending(self, first: dt.date, last: dt.date, statuses: Sequence[str] = ("submitted",)) -> int:
        """How many web records dated in [first, last] with one of ``statuses`` wait for a
        rate (待折算): what the figures of that period leave out."""
        parts = " UNION ALL ".join(_pending_sql(k, rated=False) for k in ("contracts", "executions"))
        marks = ", ".join("?" * len(statuses))
        (n,), = self.db.execute(f"SELECT count(*) FROM ({parts}) p WHERE day BETWEEN ? AND ? "
                                f"AND status IN ({marks})", [first, last, *statuses])
        return int(n)

    def set(self, currency: str, month: dt.date, usd_per_unit: Decimal, actor: str,
            address: str | None = None) -> tuple[bool, list[Converted]]:
        """Hold a month's rate and convert what waited for it, in one transaction: (whether
        the rate is new, the records converted).  The same rate again changes nothing; another
        rate for a month already held is refused (an import with 替换 corrects it, and says
        which records it replaces)."""
        with self.db.write():
            old = self.get(currency, month)
            if old is not None:
                if old != usd_per_unit:
                    raise ConflictError(
                        f"{month.year}年{month.month}月的{currency_names().get(currency, currency)}汇率已有（{old.normalize():f}），"
                        f"与录入的{usd_per_unit.normalize():f}不同，未作改动；如需更正，请在“导入”中上传汇率文件并勾选“替换已有记录”")
                return False, []
            self.db.execute("INSERT INTO rates (currency, month, usd_per_unit, batch_id) "
                            "VALUES (?, ?, ?, ?)", [currency, month, usd_per_unit, WEB_BATCH])
            self.audit.append(actor, "rate-set", {"currency": currency,
                                                  "month": month.strftime("%Y-%m"),
                                                  "usd_per_unit": f"{usd_per_unit.normalize():f}"}, address)
            converted = convert(self.db, self.audit, actor, address)
            schema.bump(self.db)
        return True, converted

    def conversions(self, limit: int = 50) -> list[dict]:
        """The latest conversions the audit log holds (who, when, which records), newest first."""
        rows = self.db.execute("SELECT logged_at, actor, detail FROM audit_log WHERE action = "
                               "'rate-convert' ORDER BY seq DESC LIMIT ?", [limit])
        return [{"at": at, "by": by, "records": json.loads(d)["records"]} for at, by, d in rows]
