"""The bulletin as an e-mail a clerk opens (Thunderbird, Outlook: "open saved message") and
sends: one ``.eml`` built with the standard ``email`` package, never hand-written MIME.

    multipart/alternative
      text/plain            the whole bulletin as text: headings, paragraphs, aligned tables
      multipart/related
        text/html           inline styles, nested tables ≤ 640 px (inline.py, layout "email")
        image/png × charts  referenced as cid:…

Charts travel as ``cid:`` parts, not ``data:`` URIs: Gmail and Outlook.com drop ``data:``
images, Outlook desktop shows them only sometimes, while ``multipart/related`` (RFC 2387)
is shown inline by all of them.  There is no From or To (the clerk's own client fills them;
RFC 5322 allows no From without an address); ``X-Unsent: 1`` makes Outlook open the file as
a draft ready to send, and the publisher goes in ``Organization``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from shumao.bulletin import inline
from shumao.bulletin.markdown import safe_href
from shumao.bulletin.model import Document
from shumao.report.formats import cell, note_lines

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")
MSGID_DOMAIN = "shumao.invalid"      # RFC 6761: never a real host, no hostname leaks


def subject(doc: Document) -> str:
    return f"{doc.title} {doc.issue}"


# ---- the plain-text part -------------------------------------------------------------

def width(text: str) -> int:
    """Columns in a monospaced CJK font: wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def _pad(text: str, cols: int, right: bool) -> str:
    gap = " " * (cols - width(text))
    return gap + text if right else text + gap


def text_table(columns: list[str], rows: list[list]) -> list[str]:
    """Columns aligned for a monospaced font; numbers to the right."""
    cells = [list(columns)] + [[cell(v) for v in row] for row in rows]
    cols = [max(width(r[i]) for r in cells) for i in range(len(columns))]
    lines = []
    for n, r in enumerate(cells):
        lines.append("  ".join(_pad(v, cols[i], right=i > 0 and n > 0)
                               for i, v in enumerate(r)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * c for c in cols))
    return lines


def _runs_text(runs) -> str:
    out = []
    for r in runs:
        href = safe_href(r.href)
        out.append(f"{r.text}（{href}）" if href and href != r.text else r.text)
    return "".join(out)


def plain_text(doc: Document) -> str:
    out = [doc.title, doc.issue, f"{doc.publisher}　{doc.date_words}", "=" * 40, ""]
    for s in doc.sections:
        out += [s.heading, ""]
        if s.data:
            for p in s.data.paragraphs:           # report.md: the paragraphs exactly
                out += [p, ""]
            for n, c in enumerate(s.data.charts, 1):
                out += [f"［图{n}　{c.title}（见 HTML 版）］", f"数据来源：{s.data.settings.source}", ""]
            for t in s.data.tables:     # each table with its own notes
                out += [t.title, "", *text_table(t.columns, t.rows), *note_lines(t.notes), ""]
        for e in s.entries:
            out += ([f"■ {e.title}"] if e.has_heading else []) + [_runs_text(lb.runs) for lb in e.labels] + [""]
            for b in e.blocks:
                kind = inline.block_kind(b)
                if kind == "heading":
                    out += [b.text, ""]
                elif kind == "table":
                    out += [*text_table([_runs_text(c) for c in b.header],
                                        [[_runs_text(c) for c in row] for row in b.rows]), ""]
                elif kind == "list":
                    out += [(f"{i}. " if b.ordered else "· ") + _runs_text(it)
                            for i, it in enumerate(b.items, 1)] + [""]
                elif kind == "quote" and not hasattr(b, "runs"):
                    out += ["> " + _runs_text(getattr(q, "runs", [])) for q in b.blocks] + [""]
                else:
                    out += [("> " if kind == "quote" else "") + _runs_text(b.runs), ""]
            if e.source:
                out += [e.source, ""]
        for line in s.notes:
            out += [line, ""]
    # the 版记 in the other channels' order, between rules
    out += ["-" * 40, *([doc.distribution] if doc.distribution else []),
            f"{doc.publisher}　　{doc.date_words}印发", *([doc.copies_words] if doc.copies else []), "-" * 40]
    return "\n".join(out) + "\n"


# ---- the message ---------------------------------------------------------------------

def message(doc: Document) -> EmailMessage:
    charts = doc.data.data.charts if doc.data.data else []
    cids = [make_msgid(f"chart{n}", domain=MSGID_DOMAIN) for n in range(1, len(charts) + 1)]
    msg = EmailMessage(policy=policy.default)
    msg["Subject"] = subject(doc)
    msg["Date"] = format_datetime(dt.datetime.combine(doc.date, dt.time(9, 0), CHINA))
    msg["Organization"] = doc.publisher
    msg["X-Unsent"] = "1"
    msg.set_content(plain_text(doc), charset="utf-8")
    html = inline.render(doc, "email", [f"cid:{c[1:-1]}" for c in cids])
    msg.add_alternative(html, subtype="html", charset="utf-8")
    html_part = msg.get_body(("html",))
    assert html_part is not None
    for n, (chart, cid) in enumerate(zip(charts, cids), 1):
        html_part.add_related(chart.png, "image", "png", cid=cid, disposition="inline",
                              filename=f"图{n}.png")
    return msg


def write_email(doc: Document, path: Path) -> None:
    # policy.SMTP: CRLF line ends, as RFC 5322 and the .eml readers expect
    path.write_bytes(message(doc).as_bytes(policy=policy.SMTP))
