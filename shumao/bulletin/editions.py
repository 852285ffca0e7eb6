"""Bulletin editions kept in the store — the library behind the web portal's 简报 editor and
公开简报 archive (web.md), and for any script.

An edition (一期; its number is ``bulletin.toml``'s ``issue``) is a content folder held as
files (folder.py) and checked exactly as ``shumao bulletin`` checks a folder on disk
(content.load, with the same messages); it is a draft until published.  Publishing renders PDF, DOCX and HTML with the command's own ``publish()``
and keeps them with the edition in one transaction, with a vintage of the figures its 数据月报
shows (filings.vintages; refused if the store changed while rendering): a failure leaves
the draft as it was and keeps no output.  A published edition never changes (bulletin.md: one
source, published outputs); a correction is a new draft, ``revise``, whose ``revision_of``
names it.

    files  = from_zip(upload)                       # or {name: bytes} from the editor
    draft  = create(store, files, actor, address)   # validated first: nothing kept on error
    save(store, draft, files, actor, address)       # drafts only
    refused = save_valid(store, draft, files, …)    # the parts that pass; the others named
    facts  = check(store, draft)                    # what publishing would do, before it
    publish(store, draft, actor, address)           # PDF, DOCX, HTML kept, figures frozen
                                                    # (filings.vintages); then immutable
    fix    = revise(store, draft, actor)            # a new draft with the same content
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shumao.bulletin import content
from shumao.bulletin.editor import item_template, preview_html
from shumao.bulletin.folder import MAX_BYTES, MAX_ENTRIES, TOML, from_zip, materialised, outline
from shumao.bulletin.model import complete
from shumao.bulletin.publish import DEFAULT
from shumao.bulletin.publish import publish as render
from shumao.errors import ConflictError, ContentError, InputError, NoData
from shumao.publication import vintages
from shumao.report.service import build_report
from shumao.store import BulletinFile, Store
from shumao.store.rows import Bulletin

__all__ = ["MAX_BYTES", "MAX_ENTRIES", "Check", "check", "create", "from_zip", "item_template",
           "outline", "preview_html", "publish", "revise", "save", "save_valid", "validate"]


def validate(files: Mapping[str, bytes]) -> content.Content:
    """The content as ``content.load`` reads it, or its ContentError naming the file as the
    clerk knows it.  (The returned ``Content`` names files in a folder that is gone.)"""
    with materialised(files) as folder:
        return content.load(folder)


def create(store: Store, files: Mapping[str, bytes], actor: str,
           address: str | None = None) -> int:
    """A new draft edition from a content folder's files; its id."""
    c = validate(files)
    return store.bulletins.create(c.title, c.issue, str(c.data.period), files, actor, address)


def save(store: Store, bulletin_id: int, files: Mapping[str, bytes], actor: str,
         address: str | None = None) -> None:
    """Replace a draft's content.  A published edition is refused (ConflictError) before the
    content is even checked; bad content changes nothing."""
    _draft(store, bulletin_id)
    c = validate(files)
    store.bulletins.replace(bulletin_id, c.title, c.issue, str(c.data.period), files, actor,
                           address)


def refused_parts(files: Mapping[str, bytes]) -> dict[str, ContentError]:
    """Each part of a content folder checked on its own, as ``content.load`` checks it —
    ``bulletin.toml``'s settings, and every item — the refused ones by name."""
    out: dict[str, ContentError] = {}
    for name, data in files.items():
        try:
            with materialised({name: data}) as root:
                if name == TOML:
                    content.load_settings(root)
                else:
                    content.read_item(root / name, name.split("/", 1)[0])
        except ContentError as e:
            out[name] = e
    return out


def save_valid(store: Store, bulletin_id: int, files: Mapping[str, bytes], actor: str,
               address: str | None = None) -> dict[str, ContentError]:
    """Save the parts of a draft that pass their checks (issue 20 S-7: one empty field blocks
    only its own item): a refused part keeps its stored version (a new one is left out
    until it passes).  The refused parts by name; nothing is written when every part was
    refused or nothing would change."""
    stored = store.bulletins.content(bulletin_id)
    _draft(store, bulletin_id)
    refused = refused_parts(files)
    keep = {n: (stored[n] if n in refused else d) for n, d in files.items()
            if n not in refused or n in stored}
    if keep != stored:
        save(store, bulletin_id, keep, actor, address)
    return refused


@dataclass
class Check:
    """What publishing a draft would do (issue 20 S-8), read before it is done: the content
    as it will print, the flagged figures a clerk must let through, the months with far fewer
    records than usual a clerk must confirm (and whether the latest month will be noted as
    preliminary), the warnings, and what stops it (a number already published, no data for
    the period)."""

    content: content.Content
    flagged: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    preliminary: list[str] = field(default_factory=list)    # the notes the issue will carry
    warnings: list[str] = field(default_factory=list)
    same: Bulletin | None = None            # the published issue with this number
    stop: str | None = None                 # why it cannot be published as it is


def check(store: Store, bulletin_id: int) -> Check:
    """The check page's facts (Check); a published edition is a ConflictError."""
    _draft(store, bulletin_id)
    files = store.bulletins.content(bulletin_id)
    with materialised(files) as folder:
        c = content.load(folder)
        warned = content.dropped_images(c)
    out = Check(c, warnings=warned, same=store.bulletins.same_issue(bulletin_id))
    try:
        report = build_report(store, c.data.period, c.data.report)
        out.flagged = [ch.message for ch in report.flagged]
        out.incomplete, out.preliminary = complete(store, c.data.period, TOML, allow_incomplete=True)
    except NoData:
        out.stop = f"数据库中{c.data.period.words()}没有已审核通过的数据，无法生成本期的数据月报"
    return out


def publish(store: Store, bulletin_id: int, actor: str, address: str | None = None,
            allow_flagged: bool = False, progress: Callable[[str], None] | None = None,
            allow_incomplete: bool = False) -> dict:
    """Render a draft (PDF, DOCX, HTML: ``shumao bulletin``'s ``publish()``, its data from
    this store) and keep the outputs, published, in one transaction with the vintage of its
    数据月报; the edition's metadata and ``vintage`` (that vintage's id).
    A flagged figure is a ContentError unless ``allow_flagged`` (then recorded in the outputs
    and the audit log); months with far fewer records than usual are an IncompleteMonths
    unless ``allow_incomplete`` (then the latest month is noted as preliminary)."""
    _draft(store, bulletin_id)
    files = store.bulletins.content(bulletin_id)
    generation = store.generation()    # read before the report: a change since refuses
    # materialised: the data section's messages (model.build) name the files as the clerk does
    with materialised(files) as folder, tempfile.TemporaryDirectory(prefix="shumao-out-") as out:
        done = render(folder, store, out, DEFAULT, allow_flagged=allow_flagged,
                      allow_incomplete=allow_incomplete, progress=progress)
        outputs = [BulletinFile(fmt, Path(path).read_bytes(), Path(path).name)
                   for fmt, path in done.items()]
    # web.md filings-web: publishing freezes the figures the edition shows (its 数据月报
    # and 【数字贸易】), in the same transaction
    shown = done.document.data.data
    assert shown is not None
    if progress:
        progress("save")
    # the 【数字贸易】 frozen from the figures it was worded from, not computed again
    more = (vintages.digital_frozen(done.document.digital, shown.settings)
            if done.document.digital is not None
            else vintages.digital_spec(store, shown.period, shown.settings))
    vid = store.bulletins.publish(bulletin_id, outputs, files, actor, address,
                                 overrides=done.document.overrides,
                                 vintage=vintages.spec(shown, generation, "bulletin", bulletin_id,
                                                       more))
    return {**(store.bulletins.get(bulletin_id) or {}), "vintage": vid,
            "warnings": done.document.warnings}


def warnings(store: Store, bulletin_id: int) -> list[str]:
    """What an edition's content holds that the issue does not show (content.dropped_images),
    as its publication warned: the portal shows it after publishing."""
    with materialised(store.bulletins.content(bulletin_id)) as folder:
        return content.dropped_images(content.load(folder))


def revise(store: Store, bulletin_id: int, actor: str, address: str | None = None) -> int:
    """A correction of a published edition: a new draft with its content and ``revision_of``
    set; the published edition stays as it was.  Its id."""
    meta = _meta(store, bulletin_id)
    if meta["status"] != "published":
        raise ConflictError(f"第 {bulletin_id} 号简报尚未发布，可以直接修改，不需要建立更正版")
    return store.bulletins.create(meta["title"], meta["issue"], meta["period"],
                                 store.bulletins.content(bulletin_id), actor, address,
                                 revision_of=bulletin_id)


def _meta(store: Store, bulletin_id: int) -> Bulletin:
    meta = store.bulletins.get(bulletin_id)
    if meta is None:
        raise InputError(f"没有编号为 {bulletin_id} 的简报")
    return meta


def _draft(store: Store, bulletin_id: int) -> Bulletin:
    meta = _meta(store, bulletin_id)
    if meta["status"] == "published":
        raise ConflictError(f"第 {bulletin_id} 号简报已发布，不能再修改"
                            "（已发布的简报保持原样；如需更正，请建立更正版）")
    return meta
