"""The print page (html.render_html(doc, print_=True)) to an A4 PDF through WeasyPrint, with
inter-character justification for Chinese lines and no page left mostly empty (pages.py).  Only WeasyPrint and the fonts: the side
process (side.py) imports this and nothing of the store."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from shumao.report.fonts import cjk_files

# --- CJK justification -------------------------------------------------------------------
# WeasyPrint (to 70 at least) has no `text-justify: inter-character`: a justified line only
# widens its spaces (layout/inline.py justify_line), so Chinese lines, which have none, stay
# ragged. The hook below gives a line holding CJK text the extra width as letter spacing
# spread over its characters instead (css-text-3 §7.3, inter-character). The last line of a
# paragraph is never justified (text-align-last: start), and a line that would need more
# than MAX_SPREAD em between letters stays ragged rather than spread letter by letter.
CJK = re.compile("[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
MAX_SPREAD = .3


def _is_figure(box) -> bool:
    element = getattr(box, "element", None)
    return element is not None and "fig" in (element.get("class") or "").split()


def _text_boxes(box, boxes, figures: bool = True):
    """The line's text boxes; without those inside a figure when ``figures`` is false."""
    if isinstance(box, boxes.TextBox):
        yield box
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        if not figures and _is_figure(box):
            return
        for child in box.children:
            if child.is_in_normal_flow():
                yield from _text_boxes(child, boxes, figures)


def _letter_space(context, box, spacing, x_advance, boxes, create_layout, line_size,
                  spread=True):
    """Add `spacing` after every character of the line's text boxes, moving what follows;
    never inside a figure (a number with its unit stays one tight run)."""
    if isinstance(box, boxes.TextBox):
        box.position_x += x_advance
        if box.text and spread:
            style = box.style.copy()
            base = style["letter_spacing"]
            style["letter_spacing"] = (0 if base == "normal" else base) + spacing
            layout = create_layout(box.text, style, context, max_width=None,
                                   justification_spacing=0)
            width, _ = line_size(layout.get_first_line()[0], style)
            layout.deactivate()
            x_advance += width - box.width
            box.width, box.style, box.pango_layout = width, style, layout
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += x_advance
        before = x_advance
        spread = spread and not _is_figure(box)
        for child in box.children:
            if child.is_in_normal_flow():
                x_advance = _letter_space(context, child, spacing, x_advance, boxes,
                                          create_layout, line_size, spread)
        box.width += x_advance - before
    else:
        box.translate(x_advance, 0)
    return x_advance


@cache
def cjk_justification() -> None:
    """Install inter-character justification for lines holding CJK text in WeasyPrint."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline
    from weasyprint.text.line_break import create_layout, line_size

    spaces_only = inline.justify_line

    def justify_line(context, line, extra_width):
        texts = list(_text_boxes(line, boxes, figures=False))
        chars = sum(len(t.text) for t in texts)
        if chars < 2 or extra_width <= 0 or not any(CJK.search(t.text) for t in texts):
            return spaces_only(context, line, extra_width)
        if line.style["text_align_last"] == "justify":     # distributed (labels)
            if inline.count_expandable_spaces(line):
                return spaces_only(context, line, extra_width)
        elif extra_width / (chars - 1) > MAX_SPREAD * texts[0].style["font_size"]:
            return None                      # ragged rather than letter-spread
        spacing = extra_width / (chars - 1)
        # Pango spaces letters inside a run, not at its ends: one correction pass
        gained = _letter_space(context, line, spacing, 0, boxes, create_layout, line_size)
        if 0 < gained < extra_width - .01:
            _letter_space(context, line, spacing * (extra_width / gained - 1), 0, boxes,
                          create_layout, line_size)
        return None

    inline.justify_line = justify_line


def pdf_of(html: str, path: Path) -> None:
    """The PDF of the print page ``html`` (side.py runs this in a process of its own)."""
    from shumao.bulletin.pages import laid_out

    cjk_files()   # a PDF without the CJK font would silently show boxes: fail instead
    cjk_justification()
    laid_out(html, base_url=str(path.parent)).write_pdf(path)
