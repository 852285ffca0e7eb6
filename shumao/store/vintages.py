"""Vintages (web.md publication): a published report frozen — its figures and text, the
settings that shaped it, and copies of the approved records it read (``vintage_<kind>``) —
so that ``report --vintage`` computes it again exactly as published.  With its 【数字贸易】
(``digital``: the section's settings and figures), the customs e-commerce rows, services
direct reports and platforms it read are copied too and their batch ids kept, so that ``digital --vintage`` does the same."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any, cast

from shumao.errors import ConflictError
from shumao.store import cells, schema
from shumao.store.audit import AuditLog
from shumao.store.backend import Backend
from shumao.store.rows import Vintage, VintageListed

VINTAGE_COLUMNS = ("id", "source", "bulletin_id", "period", "settings", "figures", "text",
                   "generation", "created_by", "created_at", "digital")
LISTED = tuple(c for c in VINTAGE_COLUMNS if c not in ("figures", "text", "digital"))


class Vintages:
    def __init__(self, db: Backend, audit: AuditLog):
        self.db = db
        self.audit = audit

    def add(self, source: str, bulletin_id: int | None, period: str, settings: dict,
                    figures: str, text: str, dates: tuple[dt.date, dt.date], actor: str,
                    address: str | None = None, generation: int | None = None,
                    digital: dict[str, Any] | None = None) -> int:
        """Freeze a published report: its figures and text, and copies of the approved
        records dated in ``dates`` (with the contracts of those executions and the
        enterprises of all of them) — what ``report --vintage`` computes from again.
        With ``digital`` (the 【数字贸易】's settings and figures), also the customs
        e-commerce rows of months in ``dates`` and every platform, and it is kept with
        ``customs_batches`` and ``platform_batches``: the batch ids of those copies.
        Refused when the store changed since the figures were computed (``generation``)."""
        first, last = dates
        with self.db.write():
            gen = schema.generation(self.db)
            if generation is not None and gen != generation:
                raise ConflictError("数据在生成报告之后已有变动（新的导入或审核），请重新发布")
            (vid,), = self.db.execute("SELECT coalesce(max(id), 0) + 1 FROM vintages")
            if digital is not None:
                digital = {**digital, **self._digital_inputs(vid, first, last)}
            self.db.execute("INSERT INTO vintages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          [vid, source, bulletin_id, period, cells.to_json(settings), figures, text,
                           gen, actor, cells.now(),
                           None if digital is None else cells.to_json(digital)])
            self.db.execute("INSERT INTO vintage_executions SELECT ?, * FROM executions "
                          "WHERE status = 'approved' AND executed_on BETWEEN ? AND ?",
                          [vid, first, last])
            self.db.execute("INSERT INTO vintage_contracts SELECT ?, * FROM contracts "
                          "WHERE status = 'approved' AND (signed_on BETWEEN ? AND ? OR contract_id "
                          "IN (SELECT contract_id FROM vintage_executions WHERE vintage_id = ?))",
                          [vid, first, last, vid])
            self.db.execute("INSERT INTO vintage_enterprises SELECT ?, * FROM enterprises WHERE "
                          "enterprise_id IN (SELECT enterprise_id FROM vintage_contracts "
                          "WHERE vintage_id = ?)", [vid, vid])
            self.audit.append(actor, "vintage", {"id": vid, "source": source,
                                           "bulletin_id": bulletin_id, "period": period}, address)
        return int(vid)

    def _digital_inputs(self, vid: int, first: dt.date, last: dt.date) -> dict[str, list[int]]:
        """Copy the customs rows, services direct reports, survey answers, benchmarks and
        platforms a 【数字贸易】 of these dates reads; their batch ids (inside add's transaction: the
        vintage row comes after)."""
        self.db.execute("INSERT INTO vintage_ecommerce SELECT ?, * FROM ecommerce "
                        "WHERE month BETWEEN ? AND ?", [vid, first, last])
        self.db.execute("INSERT INTO vintage_services SELECT ?, * FROM services "
                        "WHERE month BETWEEN ? AND ?", [vid, first, last])
        self.db.execute("INSERT INTO vintage_dt_survey SELECT ?, * FROM dt_survey "
                        "WHERE year <= ?", [vid, last.year])
        self.db.execute("INSERT INTO vintage_totals SELECT ?, * FROM totals", [vid])
        self.db.execute("INSERT INTO vintage_platforms SELECT ?, * FROM platforms", [vid])
        return {f"{name}_batches": [int(b) for b, in self.db.execute(
                    f"SELECT DISTINCT batch_id FROM vintage_{kind} WHERE vintage_id = ? "
                    "ORDER BY batch_id", [vid])]
                for name, kind in (("customs", "ecommerce"), ("platform", "platforms"),
                                   ("services", "services"), ("survey", "dt_survey"),
                                   ("totals", "totals"))}

    def get(self, vintage_id: int) -> Vintage | None:
        rows = self.db.execute(f"SELECT {', '.join(VINTAGE_COLUMNS)} FROM vintages WHERE id = ?",
                             [vintage_id])
        return cast(Vintage, _vintage(rows[0], self.db.url)) if rows else None

    def with_digital(self) -> set[int]:
        """The vintages that froze a 【数字贸易】."""
        return {int(i) for i, in self.db.execute("SELECT id FROM vintages WHERE digital IS NOT NULL")}

    def all(self) -> list[VintageListed]:
        """Every vintage, newest first, without its frozen figures and text (``get(id)``
        has them)."""
        cols = list(LISTED)
        return [_vintage(r, self.db.url, cols) for r in self.db.execute(
            f"SELECT {', '.join(cols)} FROM vintages ORDER BY id DESC")]


def _vintage(row: Sequence[Any], url: str,
             columns: Sequence[str] = VINTAGE_COLUMNS) -> VintageListed:
    """A Vintage with VINTAGE_COLUMNS (``digital`` read as JSON, None without), a
    VintageListed without figures, text and digital."""
    d = dict(zip(columns, row, strict=True))
    if "digital" in d and d["digital"] is not None:
        try:
            d["digital"] = json.loads(d["digital"])
        except ValueError:
            raise schema.damaged(url, f"第 {d['id']} 号数据版本的数字贸易部分无法读取") from None
    try:
        d["settings"] = json.loads(d["settings"])
    except (TypeError, ValueError):
        d["settings"] = None
    if not isinstance(d["settings"], dict):
        raise bad_settings(url, d["id"])
    d["created_at"] = cells.iso(d["created_at"])
    return cast(VintageListed, d)


def bad_settings(url: str, vintage_id: int):
    """A vintage whose settings are not the JSON object shumao froze (publication reads it)."""
    return schema.damaged(url, f"第 {vintage_id} 号数据版本的设置无法读取")
