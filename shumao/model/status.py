"""A record's review status (filings.md, web.md filings-web) and the words each audience reads
for it.

An imported record arrives ``approved``, ``pending`` or ``returned``; a record filed on the
web starts as a ``draft``.  Only ``approved`` records count in any figure.

Two audiences see different words for some statuses, and each keeps its own: the record
pages and the bulletin (``STATUS_ZH``), the status board's counts (``BOARD_ZH``) and the
filing pages, where a submission is what a reviewer still has to do (``FILING_ZH``).
"""

from __future__ import annotations

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
