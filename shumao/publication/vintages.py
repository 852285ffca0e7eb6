"""Vintages (web.md filings-web): a published 数据月报 or bulletin frozen with the record
versions behind it, reproduced exactly later, and its revisions — per figure, the value
published, today's value and the records that moved it.

    vid  = freeze(store, "2024Q3", settings, source="report", actor=…)   # or a ReportDoc
    doc  = report(store, vid)       # the ReportDoc as published, recomputed and verified
    revs = revisions(store, vid)    # per figure: published, today, the records that moved it

A vintage keeps the report's JSON (``report --format json``) and text, the settings that
shaped it, and copies of the approved records it reads (``store.vintages.add``).  ``report``
computes it again from those copies by the same indicator code (``report_of`` over
``Frozen``: the indicators read tables only through ``con.table``) and refuses to answer
if the result differs from what was published.  ``revisions`` stacks the frozen and
today's records with the same expressions (indicators.compute ``stacked``) and applies
the catalogue's own filters (``predicate``) to both, so a record is named under a figure
exactly when its part of that figure changed — the catalogue's figures and the partners the
published text names (``partner_JP``: a figure of one country's offshore executions).

When its period has digital-trade data, a vintage also freezes the 【数字贸易】 (spec/
digital-trade.md §8.4): its settings (crosswalk version, deliverable set, imputation,
ordered_unknown, services source), its JSON and text, and copies of the customs e-commerce
rows, the services direct reports, the enterprise survey, the benchmarks and platforms with
their batch ids; ``digital`` computes it again from those, verified the same way.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import ibis
import pyarrow as pa
from ibis.backends import BaseBackend

from shumao.errors import ContentError, InputError, NoData, StoreError, UnknownVintage
from shumao.indicators.catalog import Indicator
from shumao.indicators.compute import (
    ONSHORE,
    compute,
    figures_of,
    predicate,
    stacked,
    with_nature,
)
from shumao.indicators.digital import Digital, DigitalSettings
from shumao.indicators.digital import digital as compute_digital
from shumao.indicators.source import RecordSource
from shumao.model.codes import country_name
from shumao.model.money import wan
from shumao.model.periods import Period, day_words
from shumao.model.status import STATUS_ZH
from shumao.report import digital as words
from shumao.report.data import as_json
from shumao.report.doc import ReportDoc
from shumao.report.service import build_report, report_of
from shumao.report.settings import ReportSettings
from shumao.store import Store, cells
from shumao.store.rows import Vintage
from shumao.store.vintages import bad_settings

SOURCES = {"report": "数据月报", "bulletin": "简报"}
# the tables the indicators read (the 数据月报's, then digital trade's own)
FROZEN = ("enterprises", "contracts", "executions", "platforms", "ecommerce", "services",
          "dt_survey", "totals")
CHANGES = {"added": "新计入", "removed": "不再计入", "changed": "已修改"}
# what a record's row in the stacked table says about it, and the words for a change of it
FIELDS_ZH = {"amount": "金额", "day": "日期", "client_country": "发包方国别（地区）",
             "category": "业务类别", "enterprise_id": "企业", "nature": "企业性质"}
PERIODS = {"cur": "current", "prev": "previous"}
HINT = "：已有的版本可用命令 shumao vintages 或网页的“数据版本”页查看"


# -- what is frozen -----------------------------------------------------------------------------
def dates(period: Period) -> tuple[dt.date, dt.date]:
    """The dates of the records a report of ``period`` reads: the period and the same months
    a year earlier (indicators.compute), and January to its last month of both years
    (``monthly``, the trend table) — from 1 January of the year before to the period's end."""
    return dt.date(period.year - 1, 1, 1), period.end


# -- freezing -----------------------------------------------------------------------------------
def spec(doc: ReportDoc, generation: int, source: str = "report",
         bulletin_id: int | None = None, digital: dict[str, Any] | None = None) -> dict[str, Any]:
    """The arguments of ``store.vintages.add`` (but actor and address) that freeze ``doc``
    (and ``digital``, its period's 【数字贸易】: ``digital_spec``), computed when the store's
    generation was ``generation`` (read before computing them: a change since makes the
    store refuse)."""
    if source not in SOURCES:
        raise InputError(f"数据版本的来源只能是 {'、'.join(SOURCES)}（收到“{source}”）")
    return {"source": source, "bulletin_id": bulletin_id, "period": str(doc.period),
            "settings": doc.settings.to_json(), "figures": as_json(doc), "text": doc.text,
            "dates": dates(doc.period), "generation": generation, "digital": digital}


def digital_spec(store: Store, period: Period, settings: ReportSettings,
                 ds: DigitalSettings | None = None) -> dict[str, Any] | None:
    """The 【数字贸易】 a vintage of ``period`` freezes — its settings and its JSON (text
    included) worded with the report's ``settings`` — or None when the period has no
    digital-trade data (the bulletin shows no such section then)."""
    ds = ds or DigitalSettings()
    with store.reading() as con:
        d = compute_digital(con, period, ds)
    return digital_frozen(d, settings, ds)


def digital_frozen(d: Digital, settings: ReportSettings,
                   ds: DigitalSettings | None = None) -> dict[str, Any] | None:
    """``digital_spec`` of figures already computed with ``ds`` (default settings if None):
    a bulletin freezes the very figures its 【数字贸易】 was worded from."""
    if not d.has_digital_inputs:
        return None
    ds = ds or DigitalSettings()
    return {"settings": ds.to_json(), "figures": words.as_json(d, settings, settings.source)}


def freeze(store: Store, what: Period | str | ReportDoc, settings: ReportSettings | None = None,
           *, source: str = "report", bulletin_id: int | None = None, actor: str,
           address: str | None = None, generation: int | None = None,
           digital: DigitalSettings | None = None) -> int:
    """Freeze the report of a period (computed here) or a ``ReportDoc`` already computed
    (then ``generation`` is the store's generation read before computing it), with the
    period's 【数字贸易】 under ``digital`` (default settings if None); the vintage's
    id.  A change of the store in between is a ConflictError: nothing is frozen."""
    if isinstance(what, ReportDoc):
        if generation is None:
            raise ValueError("freeze(doc) needs the generation read before doc was computed")
        doc = what
    else:
        generation = store.generation()      # read first: a change while computing refuses
        doc = build_report(store, what, settings or ReportSettings())
    more = digital_spec(store, doc.period, doc.settings, digital)
    return store.vintages.add(**spec(doc, generation, source, bulletin_id, more), actor=actor,
                             address=address)


# -- reproducing --------------------------------------------------------------------------------
class Frozen:
    """An Ibis backend's record tables as one vintage froze them: ``table(name)`` is
    ``vintage_<name>`` of that vintage without its vintage_id column — every table the
    indicator expressions read."""

    def __init__(self, con: BaseBackend, vintage_id: int):   # the store's: it has vintage_*
        self.con, self.vintage_id = con, vintage_id

    def table(self, name: str, /) -> ibis.Table:
        if name not in FROZEN:
            raise ValueError(f"a vintage keeps {FROZEN}, not {name!r}")
        t = self.con.table(f"vintage_{name}")
        return t.filter(t.vintage_id == self.vintage_id).drop("vintage_id")


def of_bulletins(store: Store) -> dict[int, int]:
    """Bulletin issue → the vintage its publication froze."""
    return {v["bulletin_id"]: v["id"] for v in store.vintages.all() if v["bulletin_id"] is not None}


def vintage_id(text: str | int) -> int:
    """A vintage id as typed (CLI option, query parameter), or UnknownVintage."""
    s = str(text).strip()
    if not (s.isascii() and s.isdigit()) or len(s) > 9:
        raise UnknownVintage(f"没有编号为“{s}”的数据版本（编号是正整数）{HINT}")
    return int(s)


def vintage(store: Store, vid: str | int) -> Vintage:
    """A vintage's row (figures, text, settings, …), or UnknownVintage; a StoreError if its
    settings are not ones ``ReportSettings.from_json`` reads (the store is damaged)."""
    v = store.vintages.get(vintage_id(vid))
    if v is None:
        raise UnknownVintage(f"没有编号为“{vid}”的数据版本{HINT}")
    try:
        ReportSettings.from_json(v["settings"])
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise bad_settings(store.url, v["id"]) from e
    return v


def report(store: Store, vid: str | int) -> ReportDoc:
    """The report as it was published, computed again from the records the vintage froze;
    a StoreError if it differs in any character from the figures and text kept then."""
    v = vintage(store, vid)
    try:
        with store.reading() as con:
            doc = report_of(Frozen(con, v["id"]), Period.parse(v["period"]),
                            ReportSettings.from_json(v["settings"]))
    except ContentError:
        doc = None
    if doc is None or _canonical(as_json(doc)) != _canonical(v["figures"]) or doc.text != v["text"]:
        raise StoreError(f"第 {v['id']} 号数据版本（{v['period']}）无法按发布时的原样重现：由冻结的记录"
                         "重新计算的数字或文字与当时发布的不一致（可能是升级后的参考数据或口径变化），"
                         "已停止输出，请联系维护人员")
    return doc


@dataclass
class FrozenDigital:
    """A vintage's 【数字贸易】 computed again from its frozen records: the figures, the
    report settings that worded it and its JSON (text included) as published."""

    vintage: Vintage
    digital: Digital
    settings: ReportSettings
    made: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.made["text"])


def digital(store: Store, vid: str | int) -> FrozenDigital:
    """The 【数字贸易】 of a vintage as it was published, computed again from the records,
    customs rows and platforms it froze with its own settings (crosswalk version included);
    NoData if it froze none, a StoreError if the result differs in any character."""
    v = vintage(store, vid)
    kept = v["digital"]
    if kept is None:
        raise NoData(f"第 {v['id']} 号数据版本（{Period.parse(v['period']).words()}）没有数字贸易部分："
                     "发布时该时期没有跨境电商或服务交付方式数据，或该版本发布于本功能之前")
    settings = ReportSettings.from_json(v["settings"])
    try:
        ds = DigitalSettings.from_json(kept["settings"])
    except (KeyError, TypeError, ValueError) as e:
        raise bad_settings(store.url, v["id"]) from e
    try:
        with store.reading() as con:
            d = compute_digital(Frozen(con, v["id"]), Period.parse(v["period"]), ds)
        made = words.as_json(d, settings, settings.source)
    except (ContentError, InputError):           # e.g. a crosswalk version no longer shipped
        made = None
    if made is None or cells.to_json(made) != cells.to_json(kept["figures"]):
        raise StoreError(f"第 {v['id']} 号数据版本（{v['period']}）的数字贸易部分无法按发布时的原样重现："
                         "由冻结的记录重新计算的数字或文字与当时发布的不一致（可能是升级后的参考数据"
                         "或口径变化），已停止输出，请联系维护人员")
    return FrozenDigital(v, d, settings, made)


def _canonical(figures: str) -> str:
    """The report JSON as compared with a vintage's: before issue 19 a partner without
    previous-year records was written ``previous_cents: 0`` beside ``previous: null`` (now
    null, as a figure's) — the same report."""
    d = json.loads(figures)
    for p in d.get("partners", []):
        if p.get("previous") is None and p.get("previous_cents") == 0:
            p["previous_cents"] = None
    return json.dumps(d, ensure_ascii=False, sort_keys=True)


# -- revisions ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Moved:
    """One record whose part of a figure changed since the vintage."""

    kind: str                       # contract | execution
    record_id: str
    enterprise_id: str
    enterprise: str                 # its name today (its id if the store has none)
    change: str                     # added | removed | changed (the record, not the figure)
    what: tuple[str, ...]           # changed: which of FIELDS_ZH differ
    period: str                     # current | previous: which value of the figure it moved
    old_cents: int | None           # its part of the figure then; None: not in it
    new_cents: int | None           # … and today
    now: str | None = None          # removed: why it no longer counts, in words

    def as_dict(self) -> dict:
        return {"kind": self.kind, "id": self.record_id, "enterprise_id": self.enterprise_id,
                "enterprise": self.enterprise, "change": self.change,
                "change_zh": CHANGES[self.change], "what": list(self.what),
                "what_zh": [FIELDS_ZH[w] for w in self.what], "period": self.period,
                "old_cents": self.old_cents, "new_cents": self.new_cents,
                "old": _wan(self.old_cents), "new": _wan(self.new_cents), "now": self.now}


@dataclass
class Revision:
    """One figure: as published, today on the same period and settings, the records that
    moved it."""

    id: str
    name: str
    published: int                  # cents
    today: int
    published_previous: int | None  # the same months a year earlier
    today_previous: int | None
    records: list[Moved] = field(default_factory=list)

    @property
    def difference(self) -> int:
        return self.today - self.published

    @property
    def changed(self) -> bool:
        return bool(self.records) or self.difference != 0 or (
            self.published_previous != self.today_previous)

    def as_dict(self) -> dict:
        prev_diff = ((self.today_previous or 0) - (self.published_previous or 0)
                     if self.published_previous is not None or self.today_previous is not None
                     else None)
        return {"id": self.id, "name": self.name, "published_cents": self.published,
                "published": _wan(self.published), "today_cents": self.today,
                "today": _wan(self.today), "difference_cents": self.difference,
                "difference": _wan(self.difference),
                "previous": {"published_cents": self.published_previous,
                             "published": _wan(self.published_previous),
                             "today_cents": self.today_previous, "today": _wan(self.today_previous),
                             "difference_cents": prev_diff, "difference": _wan(prev_diff)},
                "changed": self.changed, "records": [m.as_dict() for m in self.records]}


@dataclass
class Revisions:
    vintage: dict                   # the vintage's row without its figures and text
    figures: list[Revision]

    def as_dict(self) -> dict:
        p = Period.parse(self.vintage["period"])
        return {"vintage": self.vintage, "period": str(p), "period_words": p.words(),
                "changed": sum(r.changed for r in self.figures),
                "figures": [r.as_dict() for r in self.figures]}

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n"


ATTRS = ("p", "day", "client_country", "category", "enterprise_id", "nature", "amount")


def revisions(store: Store, vid: str | int) -> Revisions:
    """Per figure of the vintage's report: the value published, today's value for the same
    period and settings, and the records whose part of it changed (added, removed or
    changed between the frozen copies and today's approved records)."""
    v = vintage(store, vid)
    p, settings = Period.parse(v["period"]), ReportSettings.from_json(v["settings"])
    report = json.loads(v["figures"])
    shown = report["partners"][:settings.top_text]          # the partners the text names
    defs = {**figures_of(settings.basis, p), **{f"partner_{x['country']}": partner(x["country"])
                                                for x in shown}}
    published = {**report["figures"], **{f"partner_{x['country']}": x for x in shown}}
    with store.reading() as con:
        today = compute(con, p, settings.basis)
        groups = {**today.groups, **{f"partner:{x['country']}": [x["country"]] for x in shown}}
        old = _side(Frozen(con, v["id"]), p, defs, groups, "o_")
        new = _side(con, p, defs, groups, "n_")
        j = old.outer_join(new, [old.o_measure == new.n_measure,
                                 old.o_record_id == new.n_record_id])
        differs = j.o_record_id.isnull() | j.n_record_id.isnull()
        for a in ATTRS:
            differs |= ~j[f"o_{a}"].identical_to(j[f"n_{a}"])
        rows = j.filter(differs).to_pyarrow().to_pylist()
    notes = _now(store, [r for r in rows if r["n_record_id"] is None])
    names = _names(store, {r["n_enterprise_id"] or r["o_enterprise_id"] for r in rows})
    out = []
    partners = {x.country: x for x in today.partners}
    for i, (fid, d) in enumerate(defs.items()):
        now = today[fid] if fid in today.figures else partners.get(fid.removeprefix("partner_"))
        rev = Revision(fid, d.name, published[fid]["current_cents"], now.current if now else 0,
                       published[fid]["previous_cents"], now.previous if now else None)
        for r in sorted(rows, key=lambda r: (r["o_record_id"] or r["n_record_id"])):
            for side in ("cur", "prev"):
                was = r["o_amount"] if r["o_record_id"] and r[f"o_in_{i}"] and r["o_p"] == side else None
                now = r["n_amount"] if r["n_record_id"] and r[f"n_in_{i}"] and r["n_p"] == side else None
                if was != now:
                    rev.records.append(_moved(r, PERIODS[side], was, now, notes, names))
        _check(v["id"], rev)
        out.append(rev)
    meta = {k: val for k, val in v.items() if k not in ("figures", "text", "digital")}
    return Revisions(meta, out)


def partner(country: str) -> Indicator:
    """A partner of the ranking as a figure: the offshore executions of one client country
    (indicators.compute ``_partners``), named as the catalogue names a group's."""
    assert country != ONSHORE
    return Indicator(f"partner_{country}", f"承接{country_name(country)}离岸服务外包执行额", "exec",
                     "exec_offshore", True, group=f"partner:{country}",
                     where=f"发包方为{country_name(country)}")


def _side(con: RecordSource, period: Period, defs: dict, groups: dict, prefix: str):
    """Every record a report of ``period`` stacks, with its attributes and, per figure
    (by position), whether the catalogue's filter takes it."""
    t = with_nature(con, stacked(con, period, detail=True))
    cols = {f"{prefix}{c}": t[c] for c in ("measure", "record_id", *ATTRS)}
    cols.update({f"{prefix}in_{i}": predicate(t, d, groups) for i, d in enumerate(defs.values())})
    return t.select(**cols)


def _moved(r: dict, period: str, was: int | None, now: int | None, notes: dict,
           names: dict) -> Moved:
    rid = r["o_record_id"] or r["n_record_id"]
    kind = "contract" if (r["o_measure"] or r["n_measure"]) == "signed" else "execution"
    what: tuple[str, ...] = ()
    if r["o_record_id"] is None:
        change = "added"
    elif r["n_record_id"] is None:
        change = "removed"
    else:
        change = "changed"
        what = tuple(a for a in FIELDS_ZH if r[f"o_{a}"] != r[f"n_{a}"])
    eid = r["n_enterprise_id"] or r["o_enterprise_id"]
    return Moved(kind, rid, eid, names.get(eid, eid), change, what, period, _int(was),
                 _int(now), notes.get((kind, rid)))


def _now(store: Store, removed: list[dict]) -> dict[tuple[str, str], str]:
    """Why each record that counted then no longer counts in the period, in words: its
    status today, or its contract's, or its new date."""
    out: dict[tuple[str, str], str] = {}
    ids = {"contract": [r["o_record_id"] for r in removed if r["o_measure"] == "signed"],
           "execution": [r["o_record_id"] for r in removed if r["o_measure"] == "exec"]}
    rows = {k: _lookup(store, f"{k}s", f"{k}_id", v) for k, v in ids.items()}
    contracts = dict(rows["contract"])
    contracts.update(_lookup(store, "contracts", "contract_id",
                             [x["contract_id"] for x in rows["execution"].values()]))
    for kind, found in rows.items():
        for rid in ids[kind]:
            rec = found.get(rid)
            if rec is None:
                out[(kind, rid)] = "已不在数据库中"
            elif rec["status"] != "approved":
                out[(kind, rid)] = f"现为“{STATUS_ZH.get(rec['status'], rec['status'])}”"
            elif kind == "execution" and contracts.get(rec["contract_id"], {}).get(
                    "status") != "approved":
                status = contracts.get(rec["contract_id"], {}).get("status")
                out[(kind, rid)] = f"其合同现为“{STATUS_ZH.get(status or '', status or '缺失')}”"
            else:
                day = rec["signed_on" if kind == "contract" else "executed_on"]
                out[(kind, rid)] = f"日期现为{day_words(day)}"
    return out


def _lookup(store: Store, kind: str, column: str, ids: list[str]) -> dict[str, dict]:
    if not ids:
        return {}
    return {r[column]: r for r in store.records.lookup(kind, column, pa.array(ids, pa.string())).to_pylist()}


def _names(store: Store, ids: set[str]) -> dict[str, str]:
    return {k: r["name"] for k, r in _lookup(store, "enterprises", "enterprise_id",
                                             sorted(i for i in ids if i)).items()}


def _check(vid: int, rev: Revision) -> None:
    """The published value and the records that moved it add up to today's value; if not,
    the comparison missed something and says so rather than show a wrong list."""
    def moved(period: str) -> int:
        return sum((m.new_cents or 0) - (m.old_cents or 0) for m in rev.records
                   if m.period == period)

    if (rev.published + moved("current") != rev.today or (rev.published_previous or 0)
            + moved("previous") != (rev.today_previous or 0)):
        raise StoreError(f"第 {vid} 号数据版本的修订对比出错：指标“{rev.name}”发布值加上变动记录"
                         f"不等于今日值，请联系维护人员")


def _int(v) -> int | None:
    return None if v is None else int(v)


def _wan(cents: int | None) -> str | None:
    return None if cents is None else str(wan(cents))
