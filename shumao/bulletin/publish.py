"""``shumao bulletin``: content folder + store → PDF, DOCX and HTML, all or nothing.

Every output is rendered into a temporary folder first and moved into place only when all
of them succeeded, so a malformed content folder, a flagged figure (model.vet) or a failed
render leaves no partial file.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from shumao.bulletin import content, model
from shumao.bulletin.docx import write_docx
from shumao.bulletin.email import write_email
from shumao.bulletin.html import write_html, write_pdf
from shumao.bulletin.wechat import write_wechat
from shumao.errors import InputError
from shumao.store import Store

FORMATS = {"pdf": write_pdf, "docx": write_docx, "html": write_html,
           "email": write_email, "wechat": write_wechat}
DEFAULT = ("pdf", "docx", "html")
SUFFIX = {"email": ".eml", "wechat": ".wechat"}     # wechat: a folder, article + images


def parse_formats(text: str) -> list[str]:
    wanted = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise InputError(f"{{formats}}只能是 {'、'.join(FORMATS)} 的组合"
                         f"（email 为 .eml 邮件，wechat 为公众号文章文件夹；收到“{text}”）",
                         field="formats")
    return list(dict.fromkeys(wanted))


def file_stem(doc: model.Document) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "", f"{doc.title}{doc.issue}") or "简报"


class Published(dict[str, Path]):
    """{format: written file}, and the document they were drawn from (its ``overrides``: the
    flagged figures published by ``allow_flagged``)."""

    def __init__(self, files: dict[str, Path], document: model.Document):
        super().__init__(files)
        self.document = document


def publish(folder: str | Path, store: Store, out: str | Path,
            formats: tuple[str, ...] | list[str] = DEFAULT,
            allow_flagged: bool = False, allow_incomplete: bool = False,
            progress: Callable[[str], None] | None = None) -> Published:
    """Every format or none (``progress``, if given, hears "data" and then each format
    before it is drawn).  A flagged figure in the data section (report.md's disclosure
    and consistency checks) is a ``ContentError`` before anything is written, unless
    ``allow_flagged``: then the outputs carry the override in their metadata.  Months with
    far fewer records than usual are an ``IncompleteMonths`` unless ``allow_incomplete``
    (then the notes say the latest month is preliminary, model.complete)."""
    if progress:
        progress("data")
    doc = model.build(content.load(folder), store, allow_flagged=allow_flagged,
                      allow_incomplete=allow_incomplete)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stem = file_stem(doc)
    with tempfile.TemporaryDirectory(prefix=".shumao-", dir=out) as tmp:
        staged = {}
        for fmt in formats:
            if progress:
                progress(fmt)
            staged[fmt] = Path(tmp) / (stem + SUFFIX.get(fmt, f".{fmt}"))
            FORMATS[fmt](doc, staged[fmt])
        done = {}
        for fmt, path in staged.items():
            done[fmt] = out / path.name
            if done[fmt].is_dir():      # a folder from an earlier run: replaced, not entered
                shutil.move(done[fmt], Path(tmp) / f"old-{fmt}")
            shutil.move(path, done[fmt])
    return Published(done, doc)
