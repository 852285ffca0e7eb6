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
# between its characters (css-text-3 §7.3, inter-character) and, three times as much, where
# a figure meets the text (the quarter-em gap typesetters set between Chinese and digits;
# never beside punctuation), never inside a figure (class "fig": a number with its unit is one
# tight run).  A letter gap never passes MAX_SPREAD em, a figure's gap MAX_EDGE em: a line
# that would need more stays short of the margin by the rest (at most a character or so)
# rather than gap visibly.  The last line of a paragraph is never justified
# (text-align-last: start).
CJK = re.compile("[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
PUNCT = re.compile("[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2018-\u201f]")
MAX_SPREAD = .12      # em between two characters
EDGE = 3              # a figure's edge takes this many letter gaps …
MAX_EDGE = .3         # … up to this many em


def _is_figure(box) -> bool:
    element = getattr(box, "element", None)
    return element is not None and "fig" in (element.get("class") or "").split()


def _leaves(box, boxes, figure: bool = False):
    """The line's text boxes in order, each with whether it is inside a figure."""
    if isinstance(box, boxes.TextBox):
        yield box, figure
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        figure = figure or _is_figure(box)
        for child in box.children:
            if child.is_in_normal_flow():
                yield from _leaves(child, boxes, figure)


def _first_leaf(box, boxes):
    return next((t for t, _ in _leaves(box, boxes)), None)


def _spaced(context, box, spacing, create_layout, line_size):
    """The text box's width, style and layout with ``spacing`` more letter spacing."""
    style = box.style.copy()
    base = style["letter_spacing"]
    style["letter_spacing"] = (0 if base == "normal" else base) + spacing
    layout = create_layout(box.text, style, context, max_width=None, justification_spacing=0)
    width, _ = line_size(layout.get_first_line()[0], style)
    return width, style, layout


def _spread(context, box, spacing, before, x_advance, boxes, create_layout, line_size,
            letters=True):
    """Move the line's boxes right: ``before`` {text box id: gap before it}, ``spacing``
    after each character of the text boxes outside figures."""
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        first = _first_leaf(box, boxes)
        if first is not None and id(first) in before and not isinstance(box, boxes.LineBox):
            x_advance += before.pop(id(first))          # an inline box begins at its gap
        box.position_x += x_advance
        start = x_advance
        letters = letters and not _is_figure(box)
        for child in box.children:
            if child.is_in_normal_flow():
                x_advance = _spread(context, child, spacing, before, x_advance, boxes,
                                    create_layout, line_size, letters)
        box.width += x_advance - start
        return x_advance
    if isinstance(box, boxes.TextBox):
        x_advance += before.pop(id(box), 0)
        box.position_x += x_advance
        if box.text and letters and spacing:
            width, style, layout = _spaced(context, box, spacing, create_layout, line_size)
            x_advance += width - box.width
            box.width, box.style, box.pango_layout = width, style, layout
        return x_advance
    box.translate(x_advance, 0)
    return x_advance


def _plan(leaves, spaced: float, em: float, extra: float,
          capped: bool = True) -> tuple[float, dict[int, float]]:
    """The letter spacing and the gaps before text boxes that take up ``extra`` (or, when
    ``capped``, as much of it as MAX_SPREAD and MAX_EDGE allow); ``spaced``: how many times
    the letter spacing widens the line's text (Pango's count, measured)."""
    edges, letter_joins = [], []
    for (a, fa), (b, fb) in zip(leaves, leaves[1:]):
        if not a.text or not b.text:
            continue
        if fa != fb:                                      # a figure meets the text
            if not PUNCT.match(a.text[-1]) and not PUNCT.match(b.text[0]):
                edges.append(id(b))
        elif not fa:
            letter_joins.append(id(b))                    # two runs of text (bold and not)
    letters = spaced + len(letter_joins)
    units = letters + EDGE * len(edges)
    if not units:
        return 0.0, {}
    most, edge_most = (MAX_SPREAD * em, MAX_EDGE * em) if capped else (extra, extra)
    gap = min(extra / units, most)
    edge = min(EDGE * gap, edge_most)
    if edges and gap * letters + edge * len(edges) < extra:
        edge = min((extra - gap * letters) / len(edges), edge_most)
    return gap, {i: gap for i in letter_joins} | {i: edge for i in edges}


@cache
def cjk_justification() -> None:
    """Install inter-character justification for lines holding CJK text in WeasyPrint."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline
    from weasyprint.text.line_break import create_layout, line_size

    spaces_only = inline.justify_line

    def justify_line(context, line, extra_width):
        leaves = list(_leaves(line, boxes))
        texts = [t for t, fig in leaves if not fig]
        if (sum(len(t.text) for t in texts) < 2 or extra_width <= 0
                or not any(CJK.search(t.text) for t in texts)):
            return spaces_only(context, line, extra_width)
        if line.style["text_align_last"] == "justify" and inline.count_expandable_spaces(line):
            return spaces_only(context, line, extra_width)       # distributed labels with spaces
        em = texts[0].style["font_size"]
        # how many letter gaps Pango widens in the line's text (after every letter: the one
        # after the line's last letter shows nowhere)
        spaced = sum(_spaced(context, t, em, create_layout, line_size)[0] - t.width
                     for t in texts if t.text) / em
        if leaves and not leaves[-1][1] and spaced >= 1:
            spaced -= 1
        distributed = line.style["text_align_last"] == "justify"   # a label's box: filled
        spacing, before = _plan(leaves, spaced, em, extra_width, capped=not distributed)
        _spread(context, line, spacing, before, 0, boxes, create_layout, line_size)
        return None

    inline.justify_line = justify_line


def pdf_of(html: str, path: Path) -> None:
    """The PDF of the print page ``html`` (side.py runs this in a process of its own)."""
    from shumao.bulletin.pages import laid_out

    cjk_files()   # a PDF without the CJK font would silently show boxes: fail instead
    cjk_justification()
    laid_out(html, base_url=str(path.parent)).write_pdf(path)
