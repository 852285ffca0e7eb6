"""The store's side of filing on the web (web.md filings-web): the SQL of filed records,
their transitions, filing windows, reminders and vintages.  ``shumao.filing`` decides what
is allowed and what the checks say; this repository only keeps it, each change in one serialised
transaction with its status_history row (the record's content after it) and its audit entry.

A filed record is a row of ``contracts`` or ``executions`` whose ``status`` is its state
(draft → submitted → approved | returned → draft …: model.status.TRANSITIONS, which every
transition here checks), so only approved records count in any
figure without a second path; ``filings`` holds what the portal adds (who filed it, when it
was submitted, the explanations and the checks).  Records are never deleted: an edited row
is first copied to ``superseded_<kind>``, and so is every row an import replaces.

What a change may do depends on the store as it is when the change is written (is the month
still open? do this contract's executions, with this one, exceed it?), so each transition
takes a ``check`` (for a submission ``decide``) that it calls inside its transaction, after
it has read the record's state and while every other write waits: what the function
raises refuses the change, and what it returns is what is kept.  Evaluated before the
transaction, two clerks submitting executions of one contract at once each passed the
quasi-hard check against a contract without the other's execution, and a month the admin
locked in between still took filings, edits and decisions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any, cast

from shumao.errors import ConflictError, InputError
from shumao.model.records import DATE_OF, FIELDS, KEY_OF
from shumao.model.status import check as check_status
from shumao.store import cells, schema
from shumao.store.audit import AuditLog
from shumao.store.backend import Backend, Statement, insert_statements
from shumao.store.rates import WEB_BATCH, convert
from shumao.store.rows import CountedExecution, Filing, FilingEvent, FilingState, Ledger, MonthState, Record
from shumao.store.rows import Window as StoredWindow
from shumao.store.windows import WINDOW_COLUMNS

FILING_COLUMNS = ("id", "kind", "record_id", "enterprise_id", "month", "source", "created_by",
                  "created_at", "updated_at", "submitted_at", "late", "explanations", "checks")
HISTORY_COLUMNS = ("seq", "kind", "record_id", "old_status", "new_status", "changed_by",
                   "changed_at", "comment", "content")
# an id held by another enterprise's record: refused without saying so (web.md: an answer
# must not reveal that a record exists), as any id the store could not take
UNUSABLE = "编号“{id}”无法使用，请换一个编号后重新填报"


class Filings:
    def __init__(self, db: Backend, audit: AuditLog):
        self.db = db
        self.audit = audit

    # -- filed records ---------------------------------------------------------------------
    def add(self, kind: str, record: dict, enterprise_id: str, source: str, actor: str,
                   address: str | None = None, check: Callable[[], object] | None = None) -> int:
        """A new record as a draft (``record``: the FIELDS of its kind); the filing's id.
        Refused when its id is taken (by any record: ids are the platform's, unique) or
        when ``check``, called inside the transaction, raises."""
        return self.add_many([(kind, record)], enterprise_id, source, actor, address,
                                check)[0]

    def add_many(self, items: Sequence[tuple[str, dict]], enterprise_id: str, source: str,
                    actor: str, address: str | None = None,
                    check: Callable[[], object] | None = None) -> list[int]:
        """Several new drafts of one enterprise, all or none (an uploaded month), written in
        bulk — a few statements for the lot, so the writer is held for moments, not a
        statement per row per table (5,000 rows held it for 102 s).  An id already held
        is refused: as taken when the record is the enterprise's own, else ``UNUSABLE``,
        which says nothing of whose it is."""
        check_status(None, "draft")
        with self.db.write():
            if check is not None:
                check()
            self._free(items, enterprise_id)
            (first, seq), = self.db.execute("SELECT (SELECT coalesce(max(id), 0) + 1 FROM filings), "
                                            "(SELECT coalesce(max(seq), 0) + 1 FROM status_history)")
            now = cells.now()
            ids = [int(first) + i for i in range(len(items))]
            writes: list[Statement] = []
            for kind in KEY_OF:
                rows = [[rec.get(c) for c in FIELDS[kind]] + ["draft", WEB_BATCH]
                        for k, rec in items if k == kind]
                if rows:
                    writes += insert_statements(kind, (*FIELDS[kind], "status", "batch_id"), rows)
            writes += insert_statements("filings", FILING_COLUMNS, [
                (fid, kind, rec[KEY_OF[kind]], enterprise_id, _month(rec[DATE_OF[kind]]), source,
                 actor, now, now, None, False, "{}", "[]")
                for fid, (kind, rec) in zip(ids, items, strict=True)])
            writes += insert_statements("status_history", HISTORY_COLUMNS, [
                (int(seq) + i, kind, rec[KEY_OF[kind]], None, "draft", actor, now, None,
                 cells.to_json({"fields": rec}))
                for i, (kind, rec) in enumerate(items)])
            entries = [("filing-create", {"id": fid, "kind": kind, "record": rec[KEY_OF[kind]],
                                          "enterprise_id": enterprise_id, "source": source})
                       for fid, (kind, rec) in zip(ids, items, strict=True)]
            if len(entries) == 1:         # the record, its filing, history and audit: one round trip
                self.db.run_all([*writes, AuditLog.entry(actor, *entries[0], address), schema.bumped(self.db)])
            else:
                self.db.run_all(writes)
                self.audit.append_many(actor, entries, address)
                schema.bump(self.db)
            self._after_write(enterprise_id, [(k, rec) for k, rec in items], actor, address)
        return ids

    def _after_write(self, enterprise_id: str, items: Sequence[tuple[str, dict]], actor: str,
                     address: str | None) -> None:
        """Inside a filing's write: convert what a rate that arrived meanwhile now covers
        (store.rates), and undo the enterprise's 零申报 of the records' months."""
        # a record in US dollars has nothing to convert: no statement for it
        convert(self.db, self.audit, actor, address,
                ids=[(kind, rec[KEY_OF[kind]]) for kind, rec in items if rec["currency"] != "USD"])
        months = sorted({_month(rec[DATE_OF[kind]]) for kind, rec in items})
        marks = ", ".join("?" * len(months))
        undone = sorted(m for (m,) in self.db.execute(
            f"DELETE FROM filing_nil WHERE enterprise_id = ? AND month IN ({marks}) RETURNING month",
            [enterprise_id, *months]))
        if undone:
            self.audit.append(actor, "filing-nil-undo", {
                "enterprise_id": enterprise_id, "months": [m.strftime("%Y-%m") for m in undone]},
                address)

    # -- 零申报: a month with no business ---------------------------------------------------
    def declare_nil(self, enterprise_id: str, month: dt.date, actor: str,
                    address: str | None = None, check: Callable[[], object] | None = None) -> bool:
        """Say the enterprise had no business in ``month``; False if it already had said so.
        Refused (ConflictError) when the month has any record of the enterprise, or when
        ``check``, called inside the transaction, raises."""
        with self.db.write():
            if check is not None:
                check()
            if self.month_records(enterprise_id, month):
                raise ConflictError(f"本企业{month.year}年{month.month}月已有记录，不能申报“本月无业务”"
                                    "（零申报只用于当月没有任何合同和执行记录的情况）")
            if self.nil_months(enterprise_id, [month]):
                return False
            self.db.execute("INSERT INTO filing_nil VALUES (?, ?, ?, ?)",
                            [enterprise_id, month, actor, cells.now()])
            self.audit.append(actor, "filing-nil", {"enterprise_id": enterprise_id,
                                                    "month": month.strftime("%Y-%m")}, address)
        return True

    def nil_months(self, enterprise_id: str, months: Sequence[dt.date]) -> dict[dt.date, dict]:
        """The months of ``months`` the enterprise declared as 无业务: month → who and when."""
        if not months:
            return {}
        marks = ", ".join("?" * len(months))
        rows = self.db.execute(f"SELECT month, declared_by, declared_at FROM filing_nil WHERE "
                               f"enterprise_id = ? AND month IN ({marks})", [enterprise_id, *months])
        return {m: {"by": by, "at": at} for m, by, at in rows}

    def month_records(self, enterprise_id: str, month: dt.date) -> dict[str, int]:
        """The enterprise's records dated in ``month`` (filed or imported), counted by status."""
        for s in self.month_states(month, enterprise_id):
            return s["counts"]
        return {}

    def _free(self, items: Sequence[tuple[str, dict]], enterprise_id: str) -> None:
        """Refuse the first id of ``items`` that a stored record holds (ids are the
        platform's, unique): named as taken only when that record is the enterprise's."""
        for kind, key in KEY_OF.items():
            wanted = [rec[key] for k, rec in items if k == kind]
            if not wanted:
                continue
            owner = ("r.enterprise_id" if kind == "contracts" else
                     "(SELECT c.enterprise_id FROM contracts c WHERE c.contract_id = r.contract_id)")
            marks = ", ".join("?" * len(wanted))
            held = self.db.execute(f"SELECT r.{key}, {owner} FROM {kind} r WHERE r.{key} IN "
                                   f"({marks}) ORDER BY r.{key} LIMIT 1", wanted)
            if held:
                rid, whose = held[0]
                raise ConflictError(f"编号“{rid}”已被使用，请换一个编号" if whose == enterprise_id
                                    else UNUSABLE.format(id=rid))

    def edit(self, filing_id: int, record: dict, actor: str,
                    address: str | None = None,
                    check: Callable[[], object] | None = None) -> None:
        """Replace a draft or returned record's fields (its id stays); it becomes a draft
        again.  The previous row is kept in superseded_<kind>."""
        with self.db.write():
            f = self.state(filing_id)
            kind, rid, old = f["kind"], f["record_id"], f["status"]
            check_status(old, "draft")
            if check is not None:
                check()
            key = KEY_OF[kind]
            now = cells.now()
            self.db.execute(f"INSERT INTO superseded_{kind} SELECT ?, ?, * FROM {kind} "
                          f"WHERE {key} = ?", [now, actor, rid])
            cols = [c for c in FIELDS[kind] if c != key]
            self.db.execute(f"UPDATE {kind} SET {', '.join(f'{c} = ?' for c in cols)}, "
                          f"status = 'draft' WHERE {key} = ?", [record.get(c) for c in cols] + [rid])
            self.db.execute("UPDATE filings SET month = ?, updated_at = ?, checks = '[]', explanations = '{}' WHERE id = ?",
                          [_month(record[DATE_OF[kind]]), now, filing_id])
            self._transition(kind, rid, old, "draft", actor, now, None, {**record, key: rid})
            self.audit.append(actor, "filing-edit", {"id": filing_id, "kind": kind, "record": rid,
                                               "from": old}, address)
            self._after_write(f["enterprise_id"], [(kind, {**record, key: rid})], actor, address)
            schema.bump(self.db)

    def submit(self, filing_id: int,
                      decide: Callable[[FilingState], tuple[dict[str, str], list[dict], bool]],
                      actor: str, address: str | None = None) -> None:
        """draft → submitted, keeping the explanations and the checks it passed with:
        ``decide(state)`` runs the checks inside the transaction, on the store as this
        submission finds it (``state``: the filing as it is now), and returns (explanations,
        checks, late) or raises to refuse it."""
        with self.db.write():
            f = self.state(filing_id)
            old = f["status"]
            check_status(old, "submitted")
            explanations, checks, late = decide(f)
            now = cells.now()
            self.db.run_all([       # one round trip
                _status_set(f["kind"], f["record_id"], "submitted"),
                ("UPDATE filings SET submitted_at = ?, late = ?, explanations = ?, checks = ?, "
                 "updated_at = ? WHERE id = ?",
                 [now, late, cells.to_json(explanations), cells.to_json(checks), now, filing_id]),
                _history_row(f["kind"], f["record_id"], old, "submitted", actor, now, None, None,
                            explanations),
                AuditLog.entry(actor, "filing-submit", {"id": filing_id, "kind": f["kind"],
                                                        "record": f["record_id"], "late": late},
                               address),
                schema.bumped(self.db)])

    def review(self, filing_id: int, decision: str, comment: str | None, actor: str,
                      address: str | None = None,
                      check: Callable[[FilingState], object] | None = None) -> str:
        """submitted → approved | returned; an approved record may be returned for
        correction (it stops counting).  ``check(state)`` is called inside the transaction
        with the filing as it is now.  The new status."""
        new = {"approve": "approved", "return": "returned"}.get(decision)
        if new is None:
            raise InputError("审核结论只能是“通过”（approve）或“退回”（return）")
        with self.db.write():
            f = self.state(filing_id)
            old = f["status"]
            check_status(old, new)
            if check is not None:
                check(f)
            now = cells.now()
            self.db.run_all([       # one round trip
                _status_set(f["kind"], f["record_id"], new),
                ("UPDATE filings SET updated_at = ? WHERE id = ?", [now, filing_id]),
                _history_row(f["kind"], f["record_id"], old, new, actor, now, comment),
                AuditLog.entry(actor, "filing-" + decision, {"id": filing_id, "kind": f["kind"],
                                                             "record": f["record_id"], "from": old,
                                                             "comment": comment}, address),
                schema.bumped(self.db)])
        return new

    def get(self, filing_id: int) -> Filing | None:
        """A filing with its record's fields and status; None if there is none."""
        rows = self._filings("f.id = ?", [filing_id])
        return rows[0] if rows else None

    def find(self, enterprise_id: str | None = None, region: str | None = None,
                months: tuple[dt.date, dt.date] | None = None, status: str | None = None,
                order: str = "f.id DESC", limit: int | None = 500) -> list[Filing]:
        """Filings by enterprise, by the region of their enterprise, the months of their
        records (first, last) and status; newest first unless ``order`` says otherwise."""
        where: list[str] = ["TRUE"]
        params: list[Any] = []
        for cond, value in (("f.enterprise_id = ?", enterprise_id), ("e.region = ?", region),
                            ("r.status = ?", status)):
            if value is not None:
                where.append(cond)
                params.append(value)
        if months is not None:
            where.append("f.month BETWEEN ? AND ?")
            params += [months[0].replace(day=1), months[1]]
        return self._filings(" AND ".join(where), params, order, limit)

    def _filings(self, where: str, params: list, order: str = "f.id", limit: int | None = None
                 ) -> list[Filing]:
        cols = ", ".join(f"f.{c}" for c in FILING_COLUMNS)
        sql = (f"SELECT {cols}, r.status, r.day, r.amount_cents, r.currency, r.orig_amount, "
               "r.contract_id, e.name AS enterprise_name, e.region, "
               # 待折算 (store.rates): another currency, and no rate for its month yet
               f"(r.currency <> 'USD' AND t.usd_per_unit IS NULL) AS pending FROM filings f "
               f"JOIN ({_RECORDS}) r ON r.kind = f.kind AND r.record_id = f.record_id "
               "LEFT JOIN enterprises e ON e.enterprise_id = f.enterprise_id "
               "LEFT JOIN rates t ON t.currency = r.currency AND t.month = f.month "
               f"WHERE {where} ORDER BY {order}" + (" LIMIT ?" if limit else ""))
        rows = self.db.execute(sql, params + ([limit] if limit else []))
        names = (*FILING_COLUMNS, "status", "day", "amount_cents", "currency", "orig_amount",
                 "contract_id", "enterprise_name", "region", "pending")
        out = []
        for r in rows:
            d = dict(zip(names, r, strict=True))
            d["explanations"] = json.loads(d["explanations"])
            d["checks"] = json.loads(d["checks"])
            d["pending"] = bool(d["pending"])
            out.append(cast(Filing, d))          # names: Filing's keys, in its order
        return out

    def state(self, filing_id: int) -> FilingState:
        """What a transition needs of a filing, in one statement: its kind, record, enterprise,
        month, the record's status and currency, whether it waits for a rate (待折算), and its
        month's window as the admin set it (None: nothing set)."""
        wcols = [c for c in WINDOW_COLUMNS if c != "month"]
        rows = self.db.execute(
            "SELECT f.kind, f.record_id, f.enterprise_id, f.month, r.status, r.currency, "
            "(r.currency <> 'USD' AND t.usd_per_unit IS NULL), w.month, "
            + ", ".join(f"w.{c}" for c in wcols) + " FROM filings f "
            f"LEFT JOIN ({_RECORDS}) r ON r.kind = f.kind AND r.record_id = f.record_id "
            "LEFT JOIN rates t ON t.currency = r.currency AND t.month = f.month "
            "LEFT JOIN filing_windows w ON w.month = f.month WHERE f.id = ?", [filing_id])
        if not rows:
            raise InputError(f"没有编号为 {filing_id} 的填报记录")
        kind, rid, eid, month, status, currency, pending, set_month, *window = rows[0]
        if status is None:
            raise InputError(f"没有编号为“{rid}”的记录")
        stored = (None if set_month is None else
                  cast(StoredWindow, {"month": set_month, **dict(zip(wcols, window, strict=True))}))
        return FilingState(kind=kind, record_id=rid, enterprise_id=eid, month=month,
                           status=status, currency=currency, pending=bool(pending), window=stored)

    def record(self, kind: str, record_id: str) -> Record | None:
        """A record's current fields and status (any record, filed on the web or imported)."""
        cols = (*FIELDS[kind], "status", "batch_id")
        rows = self.db.execute(f"SELECT {', '.join(cols)} FROM {kind} WHERE {KEY_OF[kind]} = ?",
                             [record_id])
        return cast(Record, dict(zip(cols, rows[0], strict=True))) if rows else None

    def history(self, kind: str, record_id: str) -> list[FilingEvent]:
        """Every transition of a record, oldest first: from, to, who, when, the comment,
        and the content after it (fields, or the explanations given on submission)."""
        rows = self.db.execute("SELECT old_status, new_status, changed_by, changed_at, comment, "
                             "content FROM status_history WHERE kind = ? AND record_id = ? "
                             "ORDER BY seq", [kind, record_id])
        return [{"from": a, "to": b, "by": c, "at": cells.iso(d), "comment": e,
                 "content": json.loads(f) if f else None} for a, b, c, d, e, f in rows]

    def ledger(self) -> Ledger:
        """Everything kept about records filed on the web, to check that it is whole (the
        filing load test, ``shumao bench filings``): ``filings`` (id, kind, record_id),
        ``records`` (kind, key, status) of every record filed on the web, ``history``
        (seq, kind, record_id, old, new) of those records and ``audit`` (seq, action,
        detail as JSON text) of every ``filing-*`` entry."""
        recs = " UNION ALL ".join(f"SELECT '{k}', {KEY_OF[k]}, status FROM {k} WHERE batch_id = ?"
                                  for k in ("contracts", "executions"))
        return {
            "filings": self.db.execute("SELECT id, kind, record_id FROM filings ORDER BY id"),
            "records": self.db.execute(recs, [WEB_BATCH, WEB_BATCH]),
            "history": self.db.execute(
                "SELECT h.seq, h.kind, h.record_id, h.old_status, h.new_status FROM status_history h "
                f"WHERE EXISTS (SELECT 1 FROM ({recs}) r(kind, k, s) WHERE r.kind = h.kind "
                "AND r.k = h.record_id) ORDER BY h.seq", [WEB_BATCH, WEB_BATCH]),
            "audit": self.db.execute("SELECT seq, action, detail FROM audit_log "
                                   "WHERE action LIKE 'filing-%' ORDER BY seq"),
        }

    def _status(self, kind: str, record_id: str) -> str:
        rows = self.db.execute(f"SELECT status FROM {kind} WHERE {KEY_OF[kind]} = ?", [record_id])
        if not rows:
            raise InputError(f"没有编号为“{record_id}”的记录")
        return rows[0][0]

    def _set_status(self, kind: str, record_id: str, status: str) -> None:
        self.db.execute(*_status_set(kind, record_id, status))

    def _transition(self, kind: str, record_id: str, old: str | None, new: str, actor: str,
                    at: dt.datetime, comment: str | None, record: dict | None = None,
                    explanations: dict | None = None) -> None:
        self.db.execute(*_history_row(kind, record_id, old, new, actor, at, comment, record,
                                      explanations))

    # -- what the checks read --------------------------------------------------------------
    def amounts(self, kind: str, enterprise_id: str,
                medians: Sequence[tuple[dt.date, dt.date]],
                totals: Sequence[tuple[dt.date, dt.date, Sequence[str], str | None]]
                ) -> tuple[list[tuple[float | None, float | None, int]], list[int]]:
        """What a filing's checks read of an enterprise's records of a kind, in one
        statement: for each span (start, end) of ``medians``, the median and 10th percentile
        amount (cents; None when none) and count of its stored records dated in it — the
        'usual range' of model.rules, as records.amount_medians; for each span (first, last, statuses,
        excluding) of ``totals``, the cents of its records dated in [first, last] with one
        of ``statuses``, leaving out the record ``excluding``."""
        date, key = DATE_OF[kind], KEY_OF[kind]
        src = (f"SELECT r.{date} AS d, r.{key} AS k, r.status, r.amount_cents FROM {kind} r "
               "WHERE r.enterprise_id = ?" if kind == "contracts" else
               f"SELECT r.{date} AS d, r.{key} AS k, r.status, r.amount_cents FROM executions r "
               "JOIN contracts c USING (contract_id) WHERE c.enterprise_id = ?")
        parts: list[str] = []
        params: list[Any] = []
        for start, end in medians:
            parts += [f"{self.db.median('amount_cents')} FILTER (WHERE d BETWEEN ? AND ?)",
                      f"{self.db.low('amount_cents')} FILTER (WHERE d BETWEEN ? AND ?)",
                      "count(*) FILTER (WHERE d BETWEEN ? AND ?)"]
            params += [start, end, start, end, start, end]
        for first, last, statuses, excluding in totals:
            marks = ", ".join("?" * len(statuses))
            parts.append(f"coalesce(sum(amount_cents) FILTER (WHERE d BETWEEN ? AND ? AND status "
                         f"IN ({marks}) AND k <> ?), 0)")
            params += [first, last, *statuses, excluding or ""]
        row, = self.db.execute(f"SELECT {', '.join(parts)} FROM ({src}) t", [*params, enterprise_id])
        def cents(v: Any) -> float | None:
            return None if v is None else float(v)

        n = 3 * len(medians)
        return ([(cents(row[i]), cents(row[i + 1]), int(row[i + 2])) for i in range(0, n, 3)],
                [int(t) for t in row[n:]])

    def contract_executions(self, contract_id: str, excluding: str | None = None
                            ) -> list[CountedExecution]:
        """The executions of a contract other than ``excluding`` that are not returned or
        drafts elsewhere: what counts toward its running total."""
        return self.contract_with_executions(contract_id, excluding)[1]

    def contract_with_executions(self, contract_id: str, excluding: str | None = None
                                 ) -> tuple[Record | None, list[CountedExecution]]:
        """A contract (``record``; None if there is none) and its ``contract_executions``, in
        one statement."""
        cols = (*FIELDS["contracts"], "status", "batch_id")
        rows = self.db.execute(
            f"SELECT {', '.join(f'c.{c}' for c in cols)}, x.execution_id, x.executed_on, "
            "x.amount_cents, x.status FROM contracts c LEFT JOIN executions x ON "
            "x.contract_id = c.contract_id AND x.execution_id <> ? AND x.status IN "
            "('approved', 'submitted', 'pending') WHERE c.contract_id = ? "
            "ORDER BY x.executed_on, x.execution_id", [excluding or "", contract_id])
        if not rows:
            return None, []
        contract = cast(Record, dict(zip(cols, rows[0][:len(cols)], strict=True)))
        return contract, [CountedExecution(execution_id=x, executed_on=on, amount_cents=cents, status=st)
                          for *_, x, on, cents, st in rows if x is not None]

    def rate(self, currency: str, month: dt.date) -> Any:
        rows = self.db.execute("SELECT usd_per_unit FROM rates WHERE currency = ? AND month = ?",
                             [currency, month])
        return rows[0][0] if rows else None

    # -- the status board ------------------------------------------------------------------
    def month_states(self, month: dt.date, enterprise_id: str | None = None) -> list[MonthState]:
        """Per enterprise (only ``enterprise_id`` when given), its records dated in a month by
        status, when the first of them was submitted in the portal, and whether it declared
        the month 无业务 (零申报) — the status board."""
        last = _month_end(month)
        only = "" if enterprise_id is None else "WHERE e.enterprise_id = ? "
        rows = self.db.execute(
            "WITH r AS (SELECT enterprise_id, status FROM contracts WHERE signed_on BETWEEN ? AND ? "
            "UNION ALL SELECT c.enterprise_id, x.status FROM executions x JOIN contracts c "
            "USING (contract_id) WHERE x.executed_on BETWEEN ? AND ?), "
            "n AS (SELECT enterprise_id, status, count(*) AS n FROM r GROUP BY enterprise_id, status), "
            "s AS (SELECT enterprise_id, min(submitted_at) AS first, bool_or(late) AS late "
            "FROM filings WHERE month = ? GROUP BY enterprise_id), "
            "z AS (SELECT enterprise_id, declared_at FROM filing_nil WHERE month = ?) "
            "SELECT e.enterprise_id, e.name, e.region, n.status, n.n, s.first, s.late, z.declared_at "
            "FROM enterprises e LEFT JOIN n USING (enterprise_id) LEFT JOIN s USING (enterprise_id) "
            f"LEFT JOIN z USING (enterprise_id) {only}ORDER BY e.enterprise_id",
            [month, last, month, last, month, month] + ([enterprise_id] if enterprise_id else []))
        out: dict[str, MonthState] = {}
        for eid, name, region, status, n, first, late, nil in rows:
            e = out.setdefault(eid, {"enterprise_id": eid, "name": name, "region": region,
                                     "counts": {}, "first_submitted_at": first,
                                     "late": bool(late), "nil_at": nil})
            if status is not None:
                e["counts"][status] = int(n)
        return list(out.values())


def _status_set(kind: str, record_id: str, status: str) -> Statement:
    return f"UPDATE {kind} SET status = ? WHERE {KEY_OF[kind]} = ?", [status, record_id]


def _history_row(kind: str, record_id: str, old: str | None, new: str, actor: str,
                 at: dt.datetime, comment: str | None, record: dict | None = None,
                 explanations: dict | None = None) -> Statement:
    """The status_history row of a transition (the content after it: the fields, or the
    explanations given on submission), its seq the next as it is written."""
    content = None
    if record is not None:
        content = cells.to_json({"fields": record})
    elif explanations:
        content = cells.to_json({"explanations": explanations})
    return ("INSERT INTO status_history SELECT coalesce(max(seq), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ? "
            "FROM status_history", [kind, record_id, old, new, actor, at, comment, content])


# every filed or imported record of either kind, as the filings' joins read it
_RECORDS = " UNION ALL ".join(
    f"SELECT '{kind}' AS kind, {KEY_OF[kind]} AS record_id, status, {DATE_OF[kind]} AS day, "
    f"amount_cents, currency, orig_amount, contract_id FROM {kind}" for kind in ("contracts", "executions"))


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month_end(month: dt.date) -> dt.date:
    nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)
