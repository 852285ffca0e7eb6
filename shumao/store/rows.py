"""The store's rows as typed values: what a repository returns and takes.

``User`` and ``BulletinFile`` are dataclasses.  Every other row is a ``TypedDict``: a plain
dict at run time (so ``f["status"]``, the Jinja templates and the JSON bodies read it as
before) whose keys and value types mypy checks.  Each has exactly the keys its repository
method returns (``NotRequired``: a key only some of its rows have, such as a contract's
``signed_on`` in a ``Record``); times are ``datetime``, or ``str`` where the repository
gives them as ISO text.  Most repositories build a row from their column list and cast it,
so tests/store/test_rows.py holds each row to its type's keys.
"""

# no ``from __future__ import annotations``: TypedDict reads NotRequired only from evaluated
# annotations (Python 3.11), and __optional_keys__ should say which keys may be missing
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NotRequired, TypedDict


@dataclass
class User:
    name: str
    role: str
    enterprise_id: str | None = None
    region: str | None = None
    disabled: bool = False
    password_hash: str | None = field(default=None, repr=False)
    email: str | None = None
    must_change: bool = False      # a password an admin set: changed at the next sign-in


@dataclass(frozen=True)
class BulletinFile:
    """One stored file of a bulletin issue: a content file (``name`` its path in the content
    folder) or an output (``name`` pdf | docx | html, ``file_name`` the name to download as)."""

    name: str
    content: bytes
    file_name: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def size(self) -> int:
        return len(self.content)


# -- records (store.records, store.filings) --------------------------------------------------
class Record(TypedDict):
    """A contract or an execution as stored (``filings.record``, ``records.of_enterprise``):
    the keys of one kind only are NotRequired; ``of_enterprise``'s contracts have no
    ``enterprise_id``."""

    contract_id: str
    execution_id: NotRequired[str]                    # executions
    enterprise_id: NotRequired[str]                   # contracts (filings.record)
    signed_on: NotRequired[dt.date]                   # contracts
    executed_on: NotRequired[dt.date]                 # executions
    client_country: NotRequired[str]                  # contracts
    category: NotRequired[str]                        # contracts
    subcategory: NotRequired[str | None]              # contracts: digital trade (optional)
    delivery_mode: NotRequired[str | None]
    remote_share: NotRequired[int | None]
    ordered_online: NotRequired[str | None]
    platform_id: NotRequired[str | None]
    amount_cents: int
    orig_amount: Decimal
    orig_scale: int
    currency: str
    status: str
    batch_id: int


class OfEnterprise(TypedDict):
    """``records.of_enterprise``: an enterprise's records, oldest first."""

    contracts: list[Record]
    executions: list[Record]


class CountedExecution(TypedDict):
    """``filings.contract_executions``: an execution counting toward its contract's total."""

    execution_id: str
    executed_on: dt.date
    amount_cents: int
    status: str


class Enterprise(TypedDict):
    enterprise_id: str
    name: str
    nature: str
    region: str | None


class Summary(TypedDict):
    """``records.summary`` (``shumao status --json``): rows per table, and the first and last
    date of signing and of execution (ISO, None when there are none)."""

    enterprises: int
    contracts: int
    executions: int
    rates: int
    platforms: int
    ecommerce: int
    services: int
    dt_survey: int
    totals: int
    batches: int
    signed_on: list[str | None]
    executed_on: list[str | None]


class BatchFile(TypedDict):
    path: str
    file: str
    sheet: str | None
    kind: str
    sha256: str
    size: int
    rows: int


class Batch(TypedDict):
    """``records.batches``: one import with its files."""

    batch_id: int
    imported_at: str | None
    imported_by: str | None
    replace: bool
    counts: dict[str, dict[str, int]]
    files: list[BatchFile]


# -- filings ------------------------------------------------------------------------------
class Filing(TypedDict):
    """``filings.get`` / ``find``: a filing (the columns of ``filings``, ``explanations`` and
    ``checks`` decoded) with its record's status, date, amount and enterprise."""

    id: int
    kind: str
    record_id: str
    enterprise_id: str
    month: dt.date
    source: str
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    late: bool
    explanations: dict[str, str]
    checks: list[dict[str, Any]]
    status: str
    day: dt.date
    amount_cents: int
    currency: str
    orig_amount: Decimal
    contract_id: str
    enterprise_name: str | None
    region: str | None
    pending: bool                 # 待折算: another currency, no rate for its month yet


# ``filings.history``: one transition of a record ("from" is a keyword, hence this form);
# ``content`` is {"fields": …} or {"explanations": …} or None
FilingEvent = TypedDict("FilingEvent", {
    "from": str | None, "to": str, "by": str, "at": str | None, "comment": str | None,
    "content": dict[str, Any] | None})


class Ledger(TypedDict):
    """``filings.ledger``: the raw rows the filing ledger (filing.ledger) checks."""

    filings: list[tuple]
    records: list[tuple]
    history: list[tuple]
    audit: list[tuple]


class MonthState(TypedDict):
    """``filings.month_states``: an enterprise's records of a month by status (the board)."""

    enterprise_id: str
    name: str
    region: str | None
    counts: dict[str, int]
    first_submitted_at: dt.datetime | None
    late: bool
    nil_at: dt.datetime | None          # when it declared the month 无业务 (零申报), if it did


class Window(TypedDict):
    """``windows.get`` / ``all``: a month's filing window."""

    month: dt.date
    opens: dt.date | None
    closes: dt.date | None
    locked: bool | None
    updated_by: str
    updated_at: dt.datetime


class FilingState(TypedDict):
    """``filings.state``: what a transition reads of a filing, in one statement."""

    kind: str
    record_id: str
    enterprise_id: str
    month: dt.date
    status: str
    currency: str
    pending: bool                 # 待折算: another currency, no rate for its month yet
    window: Window | None         # the month's window as the admin set it; None: nothing set


class Reminder(TypedDict):
    """``windows.reminders``: one reminder sent about a month."""

    enterprise_id: str
    recipient: str
    sent_at: dt.datetime
    sent_by: str
    error: str | None


# -- publication --------------------------------------------------------------------------
class Bulletin(TypedDict):
    """``bulletins.get`` / ``all``: an issue's columns (times as ISO text) and ``outputs``
    (format → download name)."""

    id: int
    revision_of: int | None
    title: str
    issue: str
    period: str
    status: str
    created_by: str
    created_at: str
    updated_by: str
    updated_at: str
    published_by: str | None
    published_at: str | None
    outputs: dict[str, str]


class VintageListed(TypedDict):
    """``vintages.all``: a vintage without its frozen figures and text."""

    id: int
    source: str
    bulletin_id: int | None
    period: str
    settings: dict[str, Any]
    generation: int
    created_by: str
    created_at: str


class Vintage(VintageListed):
    """``vintages.get``: a vintage with its figures (JSON text) and text, and its
    【数字贸易】 (settings, customs_batches, platform_batches, figures) or None."""

    figures: str
    text: str
    digital: dict[str, Any] | None


class AuditEntry(TypedDict):
    """``audit.latest``: one entry of the audit log."""

    seq: int
    at: str | None
    actor: str
    action: str
    detail: dict[str, Any]
    address: str | None
