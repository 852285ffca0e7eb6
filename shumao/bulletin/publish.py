"""``shumao bulletin``: content folder + store → PDF, DOCX and HTML, all or nothing.

Every output is rendered into a temporary folder first and moved into place only when all
of them succeeded, so a malformed content folder, a flagged figure (model.vet) or a failed
render leaves no partial file.
"""

from __future__ import annotations

import concurrent.futures as cf
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from shumao.bulletin import content, model, side
from shumao.bulletin.docx import write_docx
from shumao.bulletin.email import write_email
from shumao.bulletin.html import render_html, write_html, write_pdf
from shumao.bulletin.wechat import write_wechat
from shumao.errors import InputError
from shumao.report.charts import Chart, all_charts, drawings
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


# the steps ``progress`` hears, in order (the portal words them: web/routes/bulletins.py)
STEPS = ("data", "charts", "files")


def publish(folder: str | Path, store: Store, out: str | Path,
            formats: tuple[str, ...] | list[str] = DEFAULT,
            allow_flagged: bool = False, allow_incomplete: bool = False,
            progress: Callable[[str], None] | None = None,
            side_by_side: bool = True) -> Published:
    """Every format or none.  ``progress``, if given, hears each of STEPS as it begins: "data"
    (the figures, computed once: the 数据月报 and 【数字贸易】), "charts" (each drawn once, the
    same bytes for every format) and "files" (every format at once).  A flagged figure in the
    data section (report.md's disclosure and consistency checks) is a ``ContentError`` before
    anything is written, unless ``allow_flagged``: then the outputs carry the override in
    their metadata.  Months with far fewer records than usual are an ``IncompleteMonths``
    unless ``allow_incomplete`` (then the notes say the latest month is preliminary,
    model.complete).

    ``side_by_side`` (the default): the charts' print SVGs are drawn first, and the PDF of
    the print page by a second process (side.py) while this one draws the rest; False draws everything here,
    one after another (the same bytes: tests and ``shumao bench publish`` compare them)."""
    say = progress or (lambda step: None)
    pool = side.worker() if side_by_side and "pdf" in formats else None   # warms up meanwhile
    say("data")
    doc = model.build(content.load(folder), store, allow_flagged=allow_flagged,
                      allow_incomplete=allow_incomplete, charts=False)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stem = file_stem(doc)
    with tempfile.TemporaryDirectory(prefix=".shumao-", dir=out) as tmp:
        staged = {fmt: Path(tmp) / (stem + SUFFIX.get(fmt, f".{fmt}")) for fmt in formats}
        pdf = None
        say("charts")
        try:
            report = doc.data.data
            if report is None:
                pass
            elif pool is None:
                doc = model.with_drawn(doc, all_charts(report.ind, report.series, report.settings))
            else:       # the print SVGs first: the PDF is drawn there while the rest is drawn here
                ds = drawings(report.ind, report.series, report.settings)
                svgs = [d.print_svg() for d in ds]
                if "pdf" in staged:
                    printed = [Chart(d.id, d.title, "", b"", svg, b"", (), d.half)   # what print shows
                               for d, svg in zip(ds, svgs)]
                    pdf = side.pdf(pool, render_html(model.with_drawn(doc, printed), print_=True),
                                   staged["pdf"])
                doc = model.with_drawn(doc, [d.chart(d.screen(), (svg, d.print_png()))
                                             for d, svg in zip(ds, svgs)])
            say("files")
            for fmt, path in staged.items():
                if not (fmt == "pdf" and pdf is not None):
                    FORMATS[fmt](doc, path)
        finally:
            if pdf is not None:         # never leave the folder while the PDF is written into it
                cf.wait([pdf])
        if pdf is not None and pool is not None:
            side.outcome(pool, pdf, " PDF ")
        done = {}
        for fmt, path in staged.items():
            done[fmt] = out / path.name
            if done[fmt].is_dir():      # a folder from an earlier run: replaced, not entered
                shutil.move(done[fmt], Path(tmp) / f"old-{fmt}")
            shutil.move(path, done[fmt])
    return Published(done, doc)
