"""HTML and PDF from the one template: a self-contained page (inline CSS, charts as inline
SVG, no request anywhere) and, with paged media, the A4 PDF through WeasyPrint."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from shumao.bulletin.model import Document
from shumao.report.fonts import cjk_files
from shumao.report.formats import cell


def _env() -> Environment:
    env = Environment(loader=PackageLoader("shumao.bulletin", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["cell"] = cell
    env.filters["runs"] = runs_html
    return env


def runs_html(runs, links: bool = True) -> Markup:
    """Styled runs as HTML, every text escaped."""
    out = []
    for r in runs:
        t = escape(r.text).replace("\n", Markup("<br>"))
        if r.bold:
            t = Markup("<strong>%s</strong>") % t
        if r.italic:
            t = Markup("<em>%s</em>") % t
        if r.href and links:
            t = Markup('<a href="%s">%s</a>') % (r.href, t)
        out.append(t)
    return Markup("").join(out)


def render_html(doc: Document, print_: bool = False) -> str:
    return _env().get_template("bulletin.html.j2").render(doc=doc, print=print_)


def write_html(doc: Document, path: Path) -> None:
    path.write_text(render_html(doc), encoding="utf-8")


def write_pdf(doc: Document, path: Path) -> None:
    import weasyprint

    cjk_files()   # a PDF without the CJK font would silently show boxes: fail instead
    html = weasyprint.HTML(string=render_html(doc, print_=True), base_url=str(path.parent))
    html.write_pdf(path, pdf_variant=None, metadata=True)
