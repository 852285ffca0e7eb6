"""公开简报 (web.md: the public archive, no sign-in): the published editions, each as the
self-contained HTML page kept when it was published, and its PDF, DOCX and HTML files.

A draft, an unknown id and an unknown format all answer the same 404, whoever asks: the
archive never tells that an unpublished edition exists.  What is served is the stored file;
the reading view only puts a bar with the way back to the archive and the downloads above
the page's own content (the stored file stays as it was: the download is byte for byte).
An edition whose period has digital trade also offers its 【数字贸易】 tables (XLSX) and SDMX
files (zip), made from its vintage as published (publication.downloads).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from shumao.bulletin import editor
from shumao.bulletin.folder import TOML
from shumao.errors import PeriodError
from shumao.model.periods import Period
from shumao.publication import downloads, vintages
from shumao.store import Store
from shumao.store.bulletins import PUBLISHED
from shumao.store.rows import Bulletin
from shumao.web import deps
from shumao.web.access import guard, not_found
from shumao.web.pages import render

router = APIRouter(dependencies=[Depends(guard)])

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# format → (media type, what a clerk calls it), in the order the pages offer them
FORMATS = {"pdf": ("application/pdf", "PDF"), "docx": (DOCX, "Word"),
           "html": ("text/html; charset=utf-8", "网页")}


def links(meta: Mapping[str, Any]) -> dict[str, str | None]:
    """The public addresses of an edition's outputs (web.md: absolute paths); None for a draft."""
    if meta["status"] != PUBLISHED:
        return {"html": None, "pdf": None, "docx": None}
    i = meta["id"]
    return {"html": f"/archive/{i}", "pdf": f"/archive/{i}/pdf", "docx": f"/archive/{i}/docx"}


def period_words(period: str) -> str:
    try:
        return Period.parse(period).words()
    except PeriodError:
        return period


def edition_date(store: Store, bulletin_id: int) -> dt.date | None:
    """The date printed on the edition (bulletin.toml), None if it cannot be read."""
    value = editor.masthead(store.bulletins.content(bulletin_id).get(TOML))["date"]
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def download(data: bytes, file_name: str, media_type: str) -> Response:
    """A file to save, under its Chinese name (RFC 6266 / RFC 5987: ``filename*`` in UTF-8,
    with a plain ASCII ``filename`` for old clients)."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "", file_name) or "file"
    if ascii_name.startswith("."):
        ascii_name = "file" + ascii_name
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name, safe='')}"
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})


def _published(request: Request, bulletin_id: str) -> Bulletin:
    """A published edition's metadata; anything else is the archive's one 404."""
    store = deps.store(request)
    meta = store.bulletins.get(int(bulletin_id)) if bulletin_id.isascii() and bulletin_id.isdigit() and len(bulletin_id) < 10 else None
    if meta is None or meta["status"] != PUBLISHED:
        raise not_found("简报")
    return meta


@router.get("/archive", name="archive")
def archive(request: Request) -> Response:
    store = deps.store(request)
    published = store.bulletins.all(published_only=True)
    corrected: dict[int, int] = {}          # an edition → its latest published correction
    for b in published:
        if b["revision_of"]:
            corrected[b["revision_of"]] = max(b["id"], corrected.get(b["revision_of"], 0))
    digital = downloads.offered(store)
    rows = [{**b, "date": edition_date(store, b["id"]), "period_words": period_words(b["period"]),
             "corrected_by": corrected.get(b["id"]), "links": links(b),
             "digital": [(f"/archive/{b['id']}/digital/{f}", downloads.FORMATS[f][1])
                         for f in digital.get(b["id"], ())]} for b in published]
    # newest first: by the date printed on the edition, then the later publication
    rows.sort(key=lambda b: (b["date"] or dt.date.min, b["id"]), reverse=True)
    return render(request, "archive.html", {"issues": rows, "formats": FORMATS})


@router.get("/archive/{id}", name="archive_issue")
def archive_issue(request: Request, id: str) -> Response:
    meta = _published(request, id)
    page = deps.store(request).bulletins.output(meta["id"], "html")
    if page is None:
        raise not_found("简报")
    return HTMLResponse(with_bar(page.content.decode("utf-8"), meta))


@router.get("/archive/{id}/{fmt}", name="archive_file")
def archive_file(request: Request, id: str, fmt: str) -> Response:
    meta = _published(request, id)
    out = deps.store(request).bulletins.output(meta["id"], fmt) if fmt in FORMATS else None
    if out is None:
        raise not_found("简报")
    return download(out.content, out.file_name or f"简报{meta['id']}.{fmt}", FORMATS[fmt][0])


@router.get("/archive/{id}/digital/{fmt}", name="archive_digital")
def archive_digital(request: Request, id: str, fmt: str) -> Response:
    """A published edition's 【数字贸易】 as XLSX tables or a zip of SDMX files, from its
    vintage; an edition without digital trade (or an unknown format) is the archive's 404."""
    meta = _published(request, id)
    store = deps.store(request)
    vid = vintages.of_bulletins(store).get(meta["id"])
    if vid is None or fmt not in downloads.offered(store).get(meta["id"], ()):
        raise not_found("简报")
    data, name, media = downloads.made(store, vid, fmt)
    return download(data, name, media)


# The bar over the published page: inline styles only (the portal's CSP allows inline
# styles, never inline scripts), in the bulletin's red, wrapping on a phone.
_BAR = ('<nav aria-label="公开简报" style="display:flex;flex-wrap:wrap;gap:.4em 1.2em;align-items:center;'
        'font-family:\'Noto Sans CJK SC\',\'PingFang SC\',\'Microsoft YaHei\',sans-serif;font-size:14px;'
        'line-height:1.6;padding:.5em 0;margin:0 0 1em;border-bottom:1px solid #e3c4c4;">'
        '<a href="/archive" style="color:#8a0000;font-weight:bold;text-decoration:none;">← 公开简报</a>'
        '<span style="margin-left:auto;display:flex;gap:1em;">'
        '<a href="/archive/{id}/pdf" style="color:#8a0000;">下载 PDF</a>'
        '<a href="/archive/{id}/docx" style="color:#8a0000;">下载 Word</a></span></nav>')


def with_bar(page: str, meta: Bulletin) -> str:
    """The page with the archive's bar just inside ``<body>``; the page as it is if it has
    no body tag to find."""
    m = re.search(r"<body\b[^>]*>", page, flags=re.IGNORECASE)
    if m is None:
        return page
    bar = _BAR.replace("{id}", str(int(meta["id"])))
    return page[:m.end()] + "\n" + bar + page[m.end():]


def refuse_unknown(request: Request, bulletin_id: int) -> Bulletin:
    """An edition's metadata for staff pages; 404 if there is none."""
    meta = deps.store(request).bulletins.get(bulletin_id)
    if meta is None:
        raise not_found("简报")
    return meta

