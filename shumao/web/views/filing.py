"""A filing as the portal's pages and API see it (web.md filings-web): the filing a request
may name — the viewer's scope (access/scopes.py) admits it, else the same 404 as one that
does not exist — and the view-models
of the filing pages (the form, a filing with its checks, the words of its fields).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from fastapi import Request
from fastapi.responses import Response

from shumao.access.scopes import scope
from shumao.filing import board, checks, fields, rates, service, windows
from shumao.model.codes import (
    aliases,
    countries,
    country_name,
    currency_name,
    currency_names,
    norm,
    usual_currencies,
)
from shumao.model.periods import Period
from shumao.model.records import DATE_OF, KEY_OF
from shumao.model.status import FILING_ZH
from shumao.store.rows import Filing
from shumao.web import deps
from shumao.web.access import not_found
from shumao.web.pages import render


# -- the filing a request may see ----------------------------------------------------------
def visible_filing(request: Request, filing_id: int) -> Filing:
    """The filing if the viewer's scope admits it; else the 404 of one that does not exist."""
    f = deps.store(request).filings.get(filing_id)
    if f is None or not scope(request.state.viewer.user).admits(f):
        raise not_found("填报记录")
    return f


def own_enterprise(request: Request) -> str:
    user = request.state.viewer.user
    if user is None or user.role != "enterprise" or not user.enterprise_id:
        raise not_found("页面")
    return user.enterprise_id


def months(period: str) -> tuple[dt.date, dt.date]:
    """A period of report.md's grammar (2024-06, 2024Q2, 2024 …) as (first, last) day."""
    p = Period.parse(period)
    return p.start, p.end


def mine(request: Request, filing_id: int) -> Filing:
    """The filing if it is the user's own enterprise's; else 404."""
    eid = own_enterprise(request)
    f = visible_filing(request, filing_id)
    if f["enterprise_id"] != eid:
        raise not_found("填报记录")
    return f


def queue(request: Request) -> list[Filing]:
    return deps.store(request).filings.find(status="submitted", order="f.submitted_at, f.id", limit=None,
                                     **scope(request.state.viewer.user).filter())


async def threaded(fn, *args):
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(fn, *args)


# -- view-models -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Task:
    """The member's home (E-2, 联网直报's 报表目录): the month being filed now, its deadline
    and state (filing.board, 无业务 for a 零申报), what it holds, and the records returned."""

    month: dt.date
    window: windows.Window
    state: str
    state_zh: str
    counts: dict[str, int]
    returned: int                # returned records of any month, waiting for a correction
    pending: int                 # the month's records waiting for a rate (待折算)

    @property
    def name(self) -> str:
        return f"{self.month.year}年{self.month.month}月"


def task(store, eid: str, today: dt.date | None = None) -> Task:
    month = board.default_month(store, today)
    b = board.build(store, month, today, enterprise_id=eid)
    row = b.rows[0] if b.rows else None
    state = row.state if row else "unfiled"
    returned = len(store.filings.find(enterprise_id=eid, status="returned", limit=None))
    pending = sum(f["pending"] for f in store.filings.find(
        enterprise_id=eid, months=(month, windows.month_end(month)), limit=None))
    return Task(month, b.window, state, board.STATE_ZH[state], dict(row.counts) if row else {},
                returned, pending)



def labels(kind: str | None = None) -> dict[str, str]:
    """The Chinese name of each field a check or a record's history names: a kind's own
    (a contract's amount is 合同金额, an execution's 执行金额); without a kind, the words both
    kinds share and a neutral word where they differ (金额, on the page of all checks)."""
    out = {"*": "整条记录", "orig_amount": "金额（原币）", "currency": "币种"}
    if kind is not None:
        return {**out, **fields.FORM[kind], "orig_amount": f"{fields.FORM[kind]['amount']}（原币）"}
    forms = list(fields.FORM.values())
    for name in {n for form in forms for n in form}:
        words = {form[name] for form in forms if name in form}
        out[name] = words.pop() if len(words) == 1 else "金额" if name == "amount" else name
    return out


def country_words(iso: str) -> str:
    try:
        return country_name(iso) if iso else ""
    except KeyError:
        return iso


def form(request: Request, kind: str, eid: str, values: dict, results: list, error: str | None,
         filing: Filing | None = None, status: int = 200) -> Response:
    store = deps.store(request)
    contracts = sorted(store.records.of_enterprise(eid)["contracts"] if kind == "executions" else [],
                       key=lambda c: (c["signed_on"], c["contract_id"]), reverse=True)   # newest first
    by_field: dict[str, list] = {}
    for r in results:
        by_field.setdefault(r.field, []).append(r)
    return render(request, "filing_form.html", {
        "kind": kind, "word": fields.WORD[kind], "kind_zh": fields.KIND_ZH[kind],
        "form": fields.FORM[kind], "required": fields.REQUIRED[kind], "values": values,
        "problems": by_field, "error": error, "filing": filing, "contracts": contracts,
        "countries": sorted(countries().values(), key=lambda c: c.iso2),
        "categories": categories(), "currencies": currencies(values.get("currency")),
        "enterprise": store.records.enterprise(eid), "today": dt.date.today().isoformat(),
        "about": contract_words, **(digital_choices(store) if kind == "contracts" else {})},
        status=status)


def digital_choices(store) -> dict:
    """The choices of a contract's digital fields (spec/digital-trade.md §6.1.2), in words:
    sub-categories by their category (the name leads), delivery modes, 是/否/不明, the
    platforms register by name."""
    from shumao.indicators.catalog import CATEGORIES
    from shumao.model import digital_codes

    subs = digital_codes.subcategories().values()
    return {"subcategories": [(CATEGORIES[c], [(s.code, s.name) for s in subs if s.parent == c])
                              for c in CATEGORIES],
            "delivery_modes": list(digital_codes.shown_words("delivery_modes").items()),
            "ordered_words": list(digital_codes.shown_words("ordered").items()),
            "platforms": list(store.records.platforms().items())}


def categories() -> list[tuple[str, str]]:
    from shumao.indicators.catalog import CATEGORIES
    return [(code, f"{zh}（{code}）") for code, zh in CATEGORIES.items()]


def currencies(current: str | None = None) -> list[tuple[str, str]]:
    """The usual currencies, and the record's own when it is another (never switched
    silently to US dollars on editing)."""
    codes = list(usual_currencies())
    known = aliases("currencies")
    code = known.get(norm(current)) if current else None
    if code and code not in codes:
        codes.append(code)
    names = currency_names()
    return [(c, f"{names.get(c, c)}（{c}）") for c in codes]


def filing_view(request: Request, f: Filing, explanations: dict, error: str | None,
                note: str | None, results: list | None = None, status: int = 200) -> Response:
    store, viewer = deps.store(request), request.state.viewer
    w = windows.window(store, f["month"])
    # E-12: a locked month (or one not open yet) offers no edit and no submission
    editable = (viewer.role == "enterprise" and f["status"] in ("draft", "returned")
                and w.refusal() is None)
    if results is None:
        results = (service.evaluate(store, f["id"], explanations) if f["status"] == "draft"
                   else submitted_checks(store, f))
    return render(request, "filing.html", {
        **detail(store, f), "results": results, "explanations": explanations, "error": error,
        "note": note, "editable": editable, "submittable": editable and f["status"] == "draft",
        "locked": (w.refusal() if viewer.role == "enterprise" and f["status"] in ("draft", "returned")
                   else None),
        "window": w, "levels": checks.LEVELS, "labels": labels(f["kind"])}, status=status)


def submitted_checks(store, f: Filing) -> list[checks.Result]:
    """The checks a submitted record passed with — or, when it was submitted 待折算 and has
    been converted since, the checks run again now, so that those of US-dollar amounts are
    seen (with the explanations given)."""
    kept = [checks.Result(**{k: v for k, v in c.items() if k != "level_zh"}) for c in f["checks"]]
    if not f["pending"] and any(c.code == "missing-rate" for c in kept):
        # lateness is the submission's own: as it was flagged then, not as today's clock says
        return ([r for r in service.evaluate(store, f["id"], f["explanations"]) if r.code != "late"]
                + [r for r in kept if r.code == "late"])
    return kept


def detail(store, f: Filing) -> dict:
    kind = f["kind"]
    rec = store.filings.record(kind, f["record_id"]) or {}
    hist = store.filings.history(kind, f["record_id"])
    returned = [h for h in hist if h["to"] == "returned"]
    for h in hist:       # each version's fields in words, in the form's order
        got = (h["content"] or {}).get("fields") or {}
        h["words"] = [(label, value_words(name, got.get("orig_amount" if name == "amount" else name),
                                          got.get("currency")))
                      for name, label in labels(kind).items()
                      if name in fields.FORM[kind] and name != "currency"
                      and (name in got or name == "amount" and "orig_amount" in got)]
    platforms = store.records.platforms() if kind == "contracts" else {}
    for h in hist:
        h["words"] = [(label, platforms.get(v, v) if label == fields.label(kind, "platform_id") else v)
                      for label, v in h["words"]]
    shown = record_words(kind, rec)
    if rec.get("platform_id"):
        shown["platform_id"] = platforms.get(rec["platform_id"], rec["platform_id"])
    return {"f": f, "kind_zh": fields.KIND_ZH[kind], "shown": shown,
            "form": {n: w for n, w in fields.FORM[kind].items() if n != "currency"},
            "history": hist, "states": FILING_ZH, "usd": usd(f["amount_cents"]),
            "rate": _rate(store, f),
            "comment": returned[-1] if returned else None, "date_field": DATE_OF[kind],
            "key": KEY_OF[kind]}


def _rate(store, f: Filing) -> str | None:
    """The rate a converted record in another currency was converted with, as written."""
    if f["currency"] == "USD" or f["pending"]:
        return None
    rate = store.rates.get(f["currency"], f["month"])
    return None if rate is None else rates.rate_text(rate)


def record_words(kind: str, rec: dict) -> dict[str, str]:
    """A stored record's fields as a clerk reads them: 信息技术外包 not ITO, 日本 not JP,
    2026年11月20日, 150,000.00美元 (the amount as filed, in its currency's name)."""
    return {name: value_words(name, rec.get("orig_amount" if name == "amount" else name),
                              rec.get("currency"))
            for name in fields.FORM[kind]}


def value_words(name: str, value: object, currency: object = None) -> str:
    """One field's value in words (— for none); a value not known is shown as it is."""
    from shumao.indicators.catalog import CATEGORIES
    from shumao.model.periods import day_words

    if value is None or value == "":
        return "—"
    if name in ("signed_on", "executed_on"):
        day = value if isinstance(value, dt.date) else fields.read_date(str(value))
        return day_words(day) if day else str(value)
    if name == "client_country":
        return country_words(str(value))
    if name == "category":
        return CATEGORIES.get(str(value), str(value))
    if name == "currency":
        return currency_words(str(value))
    if name in ("subcategory", "delivery_mode", "ordered_online", "remote_share"):
        return digital_words(name, value)
    if name == "amount":
        try:
            amount = Decimal(str(value))
        except ArithmeticError:
            return str(value)
        return f"{amount:,.2f}{currency_words(str(currency or 'USD'))}"
    return str(value)


def digital_words(name: str, value: object) -> str:
    """A contract's digital field in words: 软件研发服务, 混合交付, 60%, 否."""
    from shumao.model import digital_codes

    v = str(value)
    if name == "subcategory":
        sub = digital_codes.subcategories().get(v)
        return sub.name if sub else v
    if name == "remote_share":
        return f"{v}%"
    table = "delivery_modes" if name == "delivery_mode" else "ordered"
    return digital_codes.shown_words(table).get(v, v)


def contract_words(c: dict) -> str:
    """A contract in the execution form's choice: 2024年12月2日 · 日本 · 500,000.00美元."""
    amount = None if c.get("orig_amount") is None else c["orig_amount"] * (c.get("orig_scale") or 1)
    return " · ".join(value_words(n, v, c.get("currency")) for n, v in (
        ("signed_on", c.get("signed_on")), ("client_country", c.get("client_country")),
        ("amount", amount)))


currency_words = currency_name       # 美元 for USD (model.codes)


def usd(cents: int) -> str:
    return f"{Decimal(cents) / 100:,.2f}"
