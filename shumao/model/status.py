"""A record's review status (filings.md, web.md filings-web) and the words each audience reads
for it.

An imported record arrives ``approved``, ``pending`` or ``returned``; a record filed on the
web starts as a ``draft``.  Only ``approved`` records count in any figure.

Two audiences see different words for some statuses, and each keeps its own: the record
pages and the bulletin (``STATUS_ZH``), the status board's counts (``BOARD_ZH``) and the
filing pages, where a submission is what a reviewer still has to do (``FILING_ZH``).
"""

from __future__ import annotations

from shumao.errors import ConflictError

STATUSES = ("approved", "pending", "returned", "draft", "submitted")

# status: (records and bulletin, status board, filing pages)
WORDS = {
    "approved": ("审核通过", "通过", "已通过"),
    "pending": ("待审核", "待审核", "待审核"),
    "returned": ("退回", "退回", "已退回"),
    "draft": ("草稿", "草稿", "草稿"),
    "submitted": ("已提交", "已提交", "待审核"),
}
STATUS_ZH = {s: WORDS[s][0] for s in STATUSES}
# the board counts a month's records in the order a record moves
BOARD_ZH = {s: WORDS[s][1] for s in ("draft", "submitted", "pending", "returned", "approved")}
FILING_ZH = {s: WORDS[s][2] for s in STATUSES}

# the status machine: every change of a record's status the portal may make, and its action
# (the audit log's ``filing-<action>``); a transition not listed here is refused
TRANSITIONS = {
    (None, "draft"): "create",               # filed on the web
    ("draft", "draft"): "edit",
    ("returned", "draft"): "edit",           # corrected after review: a draft again
    ("draft", "submitted"): "submit",
    ("submitted", "approved"): "approve",
    ("submitted", "returned"): "return",
    ("approved", "returned"): "return",      # an approved record returned for correction
}


def check(old: str | None, new: str) -> str:
    """The action that takes a record from ``old`` to ``new``; a ConflictError, worded for
    what was attempted, when the machine has no such transition."""
    action = TRANSITIONS.get((old, new))
    if action is not None:
        return action
    now = f"该记录当前状态为“{STATUS_ZH.get(old or '', old or '')}”"
    if new == "submitted" and old == "submitted":
        raise ConflictError("该记录已提交，正在等待审核")
    if new in ("draft", "submitted"):
        raise ConflictError(f"{now}，只有草稿或被退回的记录可以修改或提交")
    raise ConflictError(f"{now}，不能{'通过' if new == 'approved' else '退回'}")
