"""Filing and review, the one path for the portal's pages, its API and the tests: create or
edit a draft (its values read by ``fields``; a value that cannot be right refuses the save),
submit it (the edit checks of ``checks`` run; a blocking one refuses the submission with
every check that fired), review it (approve, or return with a comment).

Who may touch which filing is the web layer's question (web.access and the permission
table); this module checks what the record's state, its month's window and its values
allow.  Every change goes through the store in one transaction with its history and audit,
and what it depends on — the window, and for a submission the edit checks — is checked
again inside that transaction (store.filings: a check made before it could be out of date by
the time the change is written, when others file at the same moment).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from shumao.catalogue.edits import UPLOAD
from shumao.errors import ConflictError, InputError
from shumao.filing import fields, windows
from shumao.filing.checks import Result, result
from shumao.filing.rates import currency_zh
from shumao.model import rules
from shumao.model.money import dollars, growth, round_half_up, usd_cents
from shumao.model.periods import day_words
from shumao.model.records import DATE_OF, FIELDS, KEY_OF
from shumao.model.status import STATUS_ZH, TRANSITIONS
from shumao.model.text import LINES, stray
from shumao.store import Store
from shumao.store.filings import UNUSABLE
from shumao.store.rows import CountedExecution, Filing, FilingState, Record

MAX_EXPLANATION = 500
# an enterprise's upload is a month's records: a handful, a few hundred for the largest
MAX_UPLOAD_ROWS = 1_000
FOREIGN_SHOWN = 20     # rows not the enterprise's listed one by one; the rest counted
# the codes this module yields (the catalogue's test holds every producer to its list)
YIELDS = ("id-taken", "future-date", "missing-rate", "unknown-contract", "before-contract",
          "exceeds-contract", "possible-duplicate", "unusual-amount", "onshore", "late",
          "not-a-filing", "unknown-platform")


PENDING_APPROVAL = ("该记录的金额为{currency}，{month}的汇率尚未录入（待折算），暂不能审核通过；"
                    "请等统计人员在“汇率”页录入该月汇率、记录折算为美元后再审核")
# the checks that leave a record's amount without its US dollars
UNCONVERTED = ("missing-rate", "unknown-currency")


class ChecksFailed(InputError):
    """The values or the edit checks block the save or the submission (422)."""

    def __init__(self, message: str, results: list[Result]):
        super().__init__(message)
        self.results = results


class WindowClosed(ConflictError):
    """The record's month is locked or not open yet (409)."""


def create(store: Store, kind: str, values: dict, enterprise_id: str, actor: str,
           source: str = "form", address: str | None = None,
           today: dt.date | None = None) -> int:
    """A new draft of the user's enterprise; its filing id."""
    record = _read(store, kind, values, enterprise_id, today)
    month = record[DATE_OF[kind]].replace(day=1)
    return store.filings.add(kind, record, enterprise_id, source, actor, address,
                            check=lambda: _open(store, month, today))


def edit(store: Store, filing_id: int, values: dict, actor: str, address: str | None = None,
         today: dt.date | None = None) -> None:
    """Replace a draft's or returned record's fields; the record id stays what it was."""
    f = _filing(store, filing_id)
    _open(store, f["month"], today)
    key = KEY_OF[f["kind"]]
    if isinstance(values, dict) and values.get(key) not in (None, "", f["record_id"]):
        raise InputError(f"编号不能修改（本记录的编号是“{f['record_id']}”）")
    values = {**values, key: f["record_id"]}
    record = _read(store, f["kind"], values, f["enterprise_id"], today, editing=f["record_id"])
    months = {f["month"], record[DATE_OF[f["kind"]]].replace(day=1)}    # from, and to

    def still_open() -> None:
        for m in months:
            _open(store, m, today)
    store.filings.edit(filing_id, record, actor, address, check=still_open)


def evaluate(store: Store, filing_id: int, explanations: dict[str, str] | None = None,
             today: dt.date | None = None) -> list[Result]:
    """The edit checks on a filing as it is stored, each with the enterprise's same month
    last year, this month with the record, the change, and the explanation given."""
    return _evaluate(store, store.filings.state(filing_id), explanations, today)


def _evaluate(store: Store, f: FilingState, explanations: dict[str, str] | None,
              today: dt.date | None, w: windows.Window | None = None) -> list[Result]:
    """``evaluate`` on the filing's state as a transition read it (``w``: its month's window,
    when the caller has it): each check's history in as few statements as it can be read."""
    today = today or dt.date.today()
    kind, rid = f["kind"], f["record_id"]
    rec = store.filings.record(kind, rid)
    assert rec is not None
    day = rec["signed_on"] if kind == "contracts" else rec["executed_on"]     # DATE_OF[kind]
    cents, eid = rec["amount_cents"], f["enterprise_id"]
    found: list[Result] = []
    if day > today:
        found.append(result("future-date", day.isoformat(), field=DATE_OF[kind]))
    found += fields.judge(kind, rec)
    known = not any(r.code == "unknown-currency" for r in found)
    # 待折算 (filing.rates): no rate yet — submitted as it is, converted when the rate comes;
    # the checks that compare US dollars wait for the conversion (the review page runs them)
    pending = (known and rec["currency"] != "USD"
               and store.filings.rate(rec["currency"], day.replace(day=1)) is None)
    if pending:
        found.append(result("missing-rate", currency_zh(rec["currency"]), f"{day.year}年{day.month}月"))
    contract = None
    if kind == "contracts":
        if rec["client_country"] == "CN":
            found.append(result("onshore"))
    else:
        contract, counted = store.filings.contract_with_executions(rec["contract_id"], excluding=rid)
        found += _execution_checks(rec, eid, contract, counted, in_usd=not pending)
    # the enterprise's usual amount and the month totals beside each check: one statement
    month = day.replace(day=1)
    last_year = _same_month_last_year(month)
    start, end = rules.history_window(month)
    (recent, whole), (before, others) = store.filings.amounts(
        kind, eid, [(start, end), (dt.date(rules.FIRST_YEAR, 1, 1), end)],
        [(last_year, windows.month_end(last_year), ("approved",), None),
         (month, windows.month_end(month), ("approved", "submitted"), rid)])
    if not pending:
        found += _usual(store, kind, rec, day, contract, recent, whole)
    if w is None or w.month != month or w.today != today:
        w = windows.window(store, month, today)
    if w.overdue:
        found.append(result("late", detail=day_words(w.closes)))
    # the context every check shows: the enterprise's same month last year and the change
    now: int | None = others + cents
    if pending:
        now = None          # 待折算: this month with the record has no US-dollar total yet
    g = growth(now, before) if before and now is not None else None
    change = None if g is None else str(round_half_up(g))
    given = explanations or {}
    # the month's totals are the context of a check of the amount, once it is in US dollars;
    # beside a date, a country, the rate or the deadline they would only repeat (None: "—")
    converted = not any(r.code in UNCONVERTED for r in found)

    def shown(r: Result) -> Result:
        r = replace(r, explanation=(given.get(r.code) or "").strip() or None)
        if converted and r.field == "amount":
            r = replace(r, last_year_cents=before, this_month_cents=now, change=change)
        return r
    return [shown(r) for r in found]


def submit(store: Store, filing_id: int, explanations: dict[str, str], actor: str,
           address: str | None = None, today: dt.date | None = None) -> list[Result]:
    """Run the checks and submit; ``ChecksFailed`` with every check when one blocks."""
    today = today or dt.date.today()
    f = store.filings.state(filing_id)
    _open(store, f["month"], today, f)       # refused at once; checked again as it is written
    if not isinstance(explanations, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in explanations.items()):
        raise InputError("说明（explanations）应为“检查代码: 说明文字”的对应表")
    for code, words in explanations.items():
        if ch := stray(code):
            raise InputError(f"说明所对应的检查代码含有无法保存的字符（{ch}），请按检查结果填写")
        if len(words) > MAX_EXPLANATION:
            raise InputError(f"对“{code[:40]}”的说明超过{MAX_EXPLANATION}个字，请精简")
        if ch := stray(words, keep=LINES):
            raise InputError(f"对“{code[:40]}”的说明含有控制字符或无法保存的字符（{ch}），请删去后重新填写")
    if (f["status"], "submitted") not in TRANSITIONS:
        raise ConflictError("该记录已提交，正在等待审核" if f["status"] == "submitted"
                            else f"该记录当前状态为“{_zh(f['status'])}”，只有草稿可以提交")
    results: list[Result] = []

    def decide(now: FilingState) -> tuple[dict[str, str], list[dict], bool]:
        # inside the store's transaction: the checks see every submission made before this
        # one and none can land while they run (two executions of one contract at once)
        w = _open(store, now["month"], today, now)
        results[:] = _evaluate(store, now, explanations, today, w)
        blocking = [r for r in results if r.blocks]
        if blocking:
            raise ChecksFailed(f"有{len(blocking)}项检查未通过，未提交：" + "；".join(
                f"{r.message}（{r.needs}）" for r in blocking), results)
        kept = {r.code: r.explanation for r in results if r.explanation}
        return kept, [r.as_dict() for r in results], w.overdue

    store.filings.submit(filing_id, decide, actor, address)
    return results


def review(store: Store, filing_id: int, decision: str, comment: str | None, actor: str,
           address: str | None = None, today: dt.date | None = None) -> str:
    """approve | return (a comment required); the new status."""
    comment = (comment or "").strip() or None
    if decision == "return" and not comment:
        raise InputError("退回时必须填写退回意见，说明需要修改什么")
    if comment and len(comment) > 2000:
        raise InputError("审核意见不能超过2000个字")
    if comment and (ch := stray(comment, keep=LINES)):
        raise InputError(f"审核意见含有控制字符或无法保存的字符（{ch}），请删去后重新填写")
    def allowed(f: FilingState) -> None:
        _open(store, f["month"], today, f)
        if decision == "approve" and f["pending"]:
            raise ConflictError(PENDING_APPROVAL.format(
                currency=currency_zh(f["currency"]), month=f"{f['month'].year}年{f['month'].month}月"))
    allowed(store.filings.state(filing_id))     # refused at once; checked again as it is written
    return store.filings.review(filing_id, decision, comment, actor, address, check=allowed)


def declare_nil(store: Store, enterprise_id: str, period: object, actor: str,
                address: str | None = None, today: dt.date | None = None) -> bool:
    """零申报: the enterprise had no business in ``period`` ("2026-11"); False if it had
    already said so.  Refused when the month is not open or has any of its records; undone
    when a record of the month is filed (store.filings)."""
    month = windows.parse_month(period if isinstance(period, str) else "")
    if store.records.enterprise(enterprise_id) is None:
        raise ConflictError("本企业尚未登记在统计数据中，请联系统计人员先导入企业信息后再填报")
    _open(store, month, today)
    return store.filings.declare_nil(enterprise_id, month, actor, address,
                                     check=lambda: _open(store, month, today))


# -- helpers ---------------------------------------------------------------------------------
def _read(store: Store, kind: str, values: dict, enterprise_id: str, today: dt.date | None,
          editing: str | None = None) -> dict:
    if not isinstance(values, dict):
        raise InputError("填报内容应为字段名到值的对应表")
    if store.records.enterprise(enterprise_id) is None:
        raise ConflictError("本企业尚未登记在统计数据中，请联系统计人员先导入企业信息后再填报")
    record, problems = fields.read(kind, values, enterprise_id)
    key = KEY_OF[kind]
    if key in record and editing is None and _owner(store, kind, record[key]) == enterprise_id:
        # another enterprise's id is refused as it is written, without saying why (UNUSABLE):
        # until then the answer is the one a never-used id gets
        problems.append(result("id-taken", record[key], field=key))
    if record.get("platform_id") and record["platform_id"] not in store.records.platforms():
        problems.append(result("unknown-platform", record["platform_id"]))
    if kind == "executions" and record.get("contract_id"):
        contract = store.filings.record("contracts", record["contract_id"])
        if contract is None or contract["enterprise_id"] != enterprise_id:
            problems.append(result("unknown-contract", record["contract_id"]))
    day = record.get(DATE_OF[kind])
    if record.get("orig_amount") is not None and day:
        # no rate yet (or a currency not known): 0 cents, 待折算, until the rate converts it
        # (store.rates, also when it arrives while this is written); it counts nowhere
        rate = (None if record["currency"] == "USD"
                else store.filings.rate(record["currency"], day.replace(day=1)))
        record["amount_cents"] = (usd_cents(record["orig_amount"], rate)
                                  if rate is not None or record["currency"] == "USD" else 0)
    if problems:
        raise ChecksFailed("填报内容有误，未保存：" + "；".join(r.message for r in problems),
                           problems)
    if day is not None:
        _open(store, day.replace(day=1), today)
    return record


def _owner(store: Store, kind: str, record_id: str) -> str | None:
    """The enterprise of a stored record (an execution's: its contract's); None if none."""
    rec = store.filings.record(kind, record_id)
    if rec is not None and kind == "executions":
        rec = store.filings.record("contracts", rec["contract_id"])
    return None if rec is None else rec["enterprise_id"]


def _open(store: Store, month: dt.date, today: dt.date | None,
          state: FilingState | None = None) -> windows.Window:
    """The month's window, refusing the change when it is not open (``state``: a filing's
    state read with its month's window, so that it is not read again)."""
    w = (windows.of_stored(month, state["window"], today) if state is not None
         and state["month"] == month else windows.window(store, month, today))
    why = w.refusal()
    if why:
        raise WindowClosed(why)
    return w


def _filing(store: Store, filing_id: int) -> Filing:
    f = store.filings.get(filing_id)
    if f is None:
        raise InputError(f"没有编号为 {filing_id} 的填报记录")
    return f


def _execution_checks(rec: Record, eid: str, contract: Record | None,
                      others: list[CountedExecution], in_usd: bool = True) -> list[Result]:
    """An execution's checks against its contract (as stored, None if none) and the other
    executions counting toward it (store.filings.contract_with_executions); ``in_usd``
    False (待折算): only those that need no US-dollar amount."""
    out = []
    if contract is None or contract["enterprise_id"] != eid:
        return [result("unknown-contract", rec["contract_id"])]
    if rec["executed_on"] < contract["signed_on"]:
        out.append(result("before-contract", rec["executed_on"].isoformat(),
                          contract["signed_on"].isoformat()))
    if not in_usd:
        return out
    # every execution of the contract already submitted or counted, whatever its date: a
    # later-dated one submitted first must not let an earlier one through unexplained
    running = rec["amount_cents"] + sum(x["amount_cents"] for x in others)
    if running > contract["amount_cents"]:
        cap = contract["amount_cents"]
        out.append(result("exceeds-contract", detail=f"{dollars(running)}，已超过合同金额"
                                                     f"{dollars(cap)}（超出{dollars(running - cap)}）"))
    twins = [x["execution_id"] for x in others if x["executed_on"] == rec["executed_on"]
             and x["amount_cents"] == rec["amount_cents"]]
    if twins:
        out.append(result("possible-duplicate", detail="、".join(twins[:3])))
    return out


def _usual(store: Store, kind: str, rec: Record, day: dt.date, contract: Record | None,
           recent: tuple[float | None, float | None, int],
           whole: tuple[float | None, float | None, int]) -> list[Result]:
    """The verify check (model.rules.usual): above the enterprise's usual amount times the
    multiple its spread allows — its last twelve months (``recent``: median, 10th percentile
    and count), else its whole history (``whole``), else the city's for the category — and
    the check says which of them it compared with (an execution's category: its
    ``contract``'s)."""
    from shumao.indicators.catalog import CATEGORIES

    start, end = rules.history_window(day.replace(day=1))
    candidates = [("recent", *recent)]
    if recent[-1] < rules.MIN_HISTORY:
        candidates.append(("history", *whole))
    category = rec.get("category")
    if kind == "executions":
        category = contract["category"] if contract else None
    if category in CATEGORIES and all(c[-1] < rules.MIN_HISTORY for c in candidates):
        candidates.append(("city", *store.records.category_median(kind, category, start, end)))
    usual = rules.usual(*candidates)
    if usual is None or not usual.above(rec["amount_cents"]):
        return []
    return [result("unusual-amount", dollars(rec["amount_cents"]), rules.exceeded(
        usual.basis, fields.FORM[kind]["amount"], dollars(round(usual.median_cents)),
        dollars(round(usual.low_cents)), usual.multiple, usual.n, CATEGORIES.get(category or "", "")))]


def _same_month_last_year(month: dt.date) -> dt.date:
    return month.replace(year=month.year - 1)


def _zh(status: str) -> str:
    return STATUS_ZH.get(status, status)


# -- a month's records uploaded in the import format -----------------------------------------
def upload(store: Store, paths: list, names: list[str], enterprise_id: str, actor: str,
           address: str | None = None, today: dt.date | None = None) -> tuple[list[int], list]:
    """Contracts and executions in the import format (filings.md) as drafts of the user's
    enterprise, all or none: (the new filing ids, the problems as import issues).  The
    enterprise's credit code may be left out (the column, or a row's cell): it is the
    user's own (``Staging.imply``); a row naming another is refused.

    At most ``MAX_UPLOAD_ROWS`` rows, counted as soon as the files are read.  Then, before
    the import's checks compare any row with the store, every row must be the
    enterprise's own: a row naming another enterprise, an execution of a contract that is
    not its own, an id another enterprise's record holds — each answers the same whatever
    the store holds (``_not_mine``), so nothing about others' records can be confirmed.
    Then the import's checks, and each record's month must be open."""
    from shumao.ingest.staging import Staging

    with Staging(today) as staging:
        staging.read(paths, names)
        rows = sum(t.rows for t in staging.tables)
        if rows > MAX_UPLOAD_ROWS:
            raise InputError(f"企业填报一次最多上传 {MAX_UPLOAD_ROWS} 条记录，上传的文件中有 {rows} 条，"
                             "没有保存任何记录。请检查是否选错了文件，或分批上传")
        if any(t.kind in ("enterprises", "rates") for t in staging.tables):
            return [], [_upload_issue(names, None, None,
                                      "企业填报只能上传合同和合同执行记录；企业信息和汇率由统计人员导入")]
        staging.imply("contracts", "enterprise_id", enterprise_id.strip().upper())
        staging.normalise(store)
        problems = _not_mine(store, staging, enterprise_id)
        if problems:
            return [], problems
        checked = staging.check(store, replace=False)
        if checked.batch is None:
            return [], checked.errors
        batch = checked.batch
        items = [(kind, {k: r[k] for k in FIELDS[kind]})
                 for kind in ("contracts", "executions")
                 for r in batch.records(kind).read_all().to_pylist()]
    for kind, rec in items:
        w = windows.window(store, rec[DATE_OF[kind]].replace(day=1), today)
        why = w.refusal()
        if why:
            problems.append(_upload_issue(names, DATE_OF[kind], day_words(rec[DATE_OF[kind]]), why))
    if problems:
        return [], problems
    if not items:
        return [], [_upload_issue(names, None, None, "文件中没有新的合同或执行记录（与已有记录相同的行已跳过）")]
    months = {rec[DATE_OF[kind]].replace(day=1) for kind, rec in items}

    def still_open() -> None:
        for m in sorted(months):
            _open(store, m, today)
    return store.filings.add_many(items, enterprise_id, "upload", actor, address, check=still_open), []


def _not_mine(store: Store, staging, enterprise_id: str) -> list:
    """The uploaded rows an enterprise may not file, from the typed rows (staging's
    ``n_<kind>``) before any is compared with the store: contracts naming another
    enterprise (the first ``FOREIGN_SHOWN``, then how many more), executions of a contract
    neither in the file nor the enterprise's own, and ids held by another enterprise's
    record (``UNUSABLE``, as a single filing answers)."""
    import pyarrow as pa

    con, eid = staging.con, enterprise_id.strip().upper()
    contracts = con.execute("SELECT _file, _row, contract_id, upper(trim(enterprise_id)) "
                            "FROM n_contracts WHERE contract_id IS NOT NULL ORDER BY _file, _row").fetchall()
    executions = con.execute("SELECT _file, _row, execution_id, contract_id FROM n_executions "
                             "WHERE execution_id IS NOT NULL ORDER BY _file, _row").fetchall()
    heads = {(f, c): h for t in staging.tables for f in t.files for c, h in t.headers.headers.items()}
    foreign = [(f, r, cid) for f, r, cid, e in contracts if e is not None and e != eid]
    problems = _listed(foreign, "enterprise_id", "合同“{}”不属于本企业，只能填报本企业的合同",
                       "另有 {} 行合同也不属于本企业，未逐一列出", heads)
    if problems:
        return problems

    def stored(kind: str, column: str, keys) -> list[dict]:
        keys = sorted({k for k in keys if k is not None})
        return store.records.lookup(kind, column, pa.array(keys, pa.string())).to_pylist() if keys else []
    mine = {c[2] for c in contracts}
    named = {x[3] for x in executions} - mine
    owned = {c["contract_id"]: c["enterprise_id"] for c in stored("contracts", "contract_id", named)}
    unknown = [(f, r, cid) for f, r, _, cid in executions
               if cid is not None and cid not in mine and owned.get(cid) != eid]
    problems += _listed(unknown, "contract_id", "合同“{}”不是本企业已填报的合同，请先填报该合同",
                        "另有 {} 行执行记录的合同也不是本企业的，未逐一列出", heads)
    # ids the store holds for another enterprise: unusable, whoever holds them
    held = {c["contract_id"] for c in stored("contracts", "contract_id", mine) if c["enterprise_id"] != eid}
    theirs = stored("executions", "execution_id", [x[2] for x in executions])
    owners = {c["contract_id"]: c["enterprise_id"]
              for c in stored("contracts", "contract_id", [x["contract_id"] for x in theirs])}
    held |= {x["execution_id"] for x in theirs if owners.get(x["contract_id"]) != eid}
    for file, row, rid, *_ in [*contracts, *executions]:
        if rid in held:
            problems.append(_issue(file, row, None, rid, UNUSABLE.format(id=rid)))
    return problems


def _listed(rows: list[tuple], column: str, one: str, more: str,
            heads: dict[tuple[str, str], str]) -> list:
    """A problem for each of the first FOREIGN_SHOWN (file, row, value) rows (``one`` names the
    value), then one saying how many more (``more``); the column as the file heads it."""
    out = [_issue(file, row, column, value, one.format(value), heads.get((file, column)))
           for file, row, value in rows[:FOREIGN_SHOWN]]
    if len(rows) > FOREIGN_SHOWN:
        out.append(_issue(rows[0][0], None, column, None, more.format(len(rows) - FOREIGN_SHOWN),
                          heads.get((rows[0][0], column))))
    return out


def _issue(file: str, row: int | None, column: str | None, value: object, message: str,
           header: str | None = None):
    from shumao.ingest.issues import Issue

    return Issue(file, row, column, None if value is None else str(value), UPLOAD.code,
                 UPLOAD.text(detail=message), header=header)


def _upload_issue(names: list[str], column: str | None, value: object, message: str):
    return _issue("、".join(names), None, column, value, message)
