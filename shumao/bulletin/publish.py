"""``shumao bulletin``: content folder + store → PDF, DOCX and HTML, all or nothing.

Every output is rendered into a temporary folder first and moved into place only when all
of them succeeded, so a malformed content folder, a flagged figure (model.vet) or a failed
render leaves no partial file.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from shumao.bulletin import content, model
from shumao.bulletin.docx import write_docx
from shumao.bulletin.html import write_html, write_pdf
from shumao.errors import InputError
from shumao.store import Store

FORMATS = {"pdf": write_pdf, "docx": write_docx, "html": write_html}


def parse_formats(text: str) -> list[str]:
    wanted = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise InputError(f"--formats 只能是 pdf、docx、html 的组合（收到“{text}”）")
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
            formats: tuple[str, ...] | list[str] = tuple(FORMATS),
            allow_flagged: bool = False) -> Published:
    """Every format or none.  A flagged figure in the data section (report.md's disclosure
    and consistency checks) is a ``ContentError`` before anything is written, unless
    ``allow_flagged``: then the outputs carry the override in their metadata."""
    doc = model.build(content.load(folder), store, allow_flagged=allow_flagged)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stem = file_stem(doc)
    with tempfile.TemporaryDirectory(prefix=".shumao-", dir=out) as tmp:
        staged = {}
        for fmt in formats:
            staged[fmt] = Path(tmp) / f"{stem}.{fmt}"
            FORMATS[fmt](doc, staged[fmt])
        done = {}
        for fmt, path in staged.items():
            done[fmt] = out / path.name
            shutil.move(path, done[fmt])
    return Published(done, doc)
