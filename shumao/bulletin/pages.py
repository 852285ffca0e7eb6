"""No page left mostly empty: the print page laid out by WeasyPrint, looked at, and laid out
again where a block did not fit (what a typesetter does with floats).

WeasyPrint has no page floats: a block that never breaks (a chart, a pair of half charts, a
table of a few rows with its notes) and does not fit the rest of a page goes to the next,
leaving the rest of this one empty; an item's head (title, date, its first lines: kept
together) does the same.  The template marks such blocks (bulletin.html.j2: ``data-blk`` on
the element; the data section's charts and tables also between ``<!--blk:name kinds-->``
markers, kinds ``float`` (never breaks), ``chart``, ``pair``).  ``laid_out`` renders, finds
each page but the last filled to less than FILL of its type area whose next page opens with
a new block, and remedies:

1. the data section's charts and tables in the order that leaves the fewest pages short,
   found by simulating the pages with the blocks' measured heights (``arranged``): charts
   keep their order, tables theirs (their numbers never change), a long table may come
   before a chart so that the text runs on into it; a chart that nearly fits is drawn
   smaller (down to SHRINK);
2. then, page by page: a chart that nearly fits drawn smaller, or the charts above it on the
   page, so that the next block fits; an item that would leave a page below LOOSE opens with
   a single line at its foot (class ``loose``: ``orphans: 1``);
3. a last page holding the 版记 alone: the last item begins that page (class ``end``).

It renders again after each, at most PASSES times, and keeps the best layout (``_score``)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

FILL = .85        # a page below this (of the type area's height) is remedied …
LOOSE = .75       # … by opening the next item with one line only below this
SHRINK = {"chart": .70, "pair": .85}   # the smallest scale of a chart; of a pair (its
                                       # captions wrap when narrower)
PASSES = 5        # layouts at most (the first and four remedied)
# in CSS px (1/96 in; the type area is 850 px high)
SLACK = 12        # what a block needs beyond its measured height (the margin above it)
REPEAT = 40       # what a table split across pages adds on the next (its header again)
LINES = 77        # two lines of text: the least the last page holds above the 版记

MARK = re.compile(r"<!--blk:([^>]*)-->")


@dataclass
class Block:
    name: str          # its data-blk
    height: float      # on this page (CSS px)
    drawn: float       # of which the chart's drawing (what scaling shrinks; 0: not a chart)


@dataclass
class Gap:
    page: int          # the underfull page (0-based)
    free: float        # its empty height
    block: Block       # the block that opens the next page
    before: list[Block]    # the blocks on the underfull page
    area: float        # the type area's height


def _boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _ink(box) -> list:
    from weasyprint.formatting_structure import boxes

    return [b for b in _boxes(box)
            if isinstance(b, (boxes.LineBox, boxes.ReplacedBox, boxes.TableRowBox))]


def _bottom(page_box) -> float:
    """The lowest line, image or table row in the page's flow (not the margin boxes, not
    the footnote area of the 版记)."""
    return max([page_box.content_box_y()] + [b.position_y + b.margin_height()
                                             for b in _ink(page_box.children[0])])


def _blocks(page_box) -> list[Block]:
    """The marked blocks that show on the page, in order, with their heights there (a block
    pushed on leaves an empty box behind: not counted)."""
    from weasyprint.formatting_structure import boxes

    seen, out = set(), []
    for b in _boxes(page_box.children[0]):
        element = getattr(b, "element", None)
        name = element.get("data-blk") if element is not None else None
        if name and name not in seen and (ink := _ink(b)):
            seen.add(name)
            drawn = max([i.margin_height() for i in ink if isinstance(i, boxes.ReplacedBox)] or [0])
            out.append(Block(name, b.margin_height(), drawn))
    return out


def fills(document) -> list[float]:
    """Each page's fill: the lowest line in the type area over its height."""
    return [(_bottom(p._page_box) - p._page_box.content_box_y()) / p._page_box.height
            for p in document.pages]


def gaps(document) -> list[Gap]:
    """The pages but the last filled below FILL because the next page opens with a new block."""
    found, pages = [], [p._page_box for p in document.pages]
    for i, (page, after) in enumerate(zip(pages, pages[1:])):
        free = page.content_box_y() + page.height - _bottom(page)
        if free <= (1 - FILL) * page.height:
            continue
        here, nxt = _blocks(page), _blocks(after)
        if nxt and nxt[0].name not in {b.name for b in here}:   # not a block's continuation
            found.append(Gap(i, free, nxt[0], here, page.height))
    return found


# --- the data section's blocks, between their markers ---------------------------------------

def _segments(html: str) -> tuple[list[str], list[list[str]]] | None:
    """(the page before the first marker, after the last) and the blocks as [marker, html]
    in order; None without markers."""
    parts = MARK.split(html)
    if len(parts) < 3:
        return None
    return [parts[0], parts[-1]], [[parts[i], parts[i + 1]] for i in range(1, len(parts) - 2, 2)]


def _join(ends: list[str], blocks: list[list[str]]) -> str:
    return ends[0] + "".join(f"<!--blk:{m}-->{h}" for m, h in blocks) + "<!--blk:end-->" + ends[1]


def _name(block: list[str]) -> str:
    return block[0].split(" ")[0]


def _kinds(block: list[str]) -> list[str]:
    return block[0].split(" ")[1:]


def _scale_of(block: list[str]) -> float:
    return next((float(k[6:]) for k in _kinds(block) if k.startswith("scale=")), 1.0)


def _least(block: list[str]) -> float:
    return SHRINK["pair" if "pair" in _kinds(block) else "chart"]


def _scale(block: list[str], scale: float) -> None:
    """The chart (or pair) drawn at ``scale`` of the type area's width, its height with it."""
    name = _name(block)
    block[1] = re.sub(rf'data-blk="{name}"(?: style="[^"]*")?',
                      f'data-blk="{name}" style="width: {scale * 100:.1f}%; margin-left: auto; '
                      f'margin-right: auto"', block[1], count=1)
    block[0] = " ".join([name, *(k for k in _kinds(block) if not k.startswith("scale=")),
                         f"scale={scale:.3f}"])


def remedy(html: str, gap: Gap) -> str:
    """The print page with a remedy for ``gap`` (the same page if none applies): the block
    that opens the next page, or the charts above it, drawn smaller so that it fits; an item
    opening with one line."""
    split = _segments(html)
    ends, blocks = split if split else ([html, ""], [])
    by_name = {_name(b): b for b in blocks}
    need = gap.block.height + SLACK - gap.free
    chart = by_name.get(gap.block.name)
    if chart and gap.block.drawn:
        scale = _scale_of(chart) * (1 - need / gap.block.drawn)
        if scale >= _least(chart):
            _scale(chart, scale)
            return _join(ends, blocks)
    above = [(by_name[b.name], b.drawn) for b in gap.before if b.name in by_name and b.drawn]
    room = sum(d * (1 - _least(c) / _scale_of(c)) for c, d in above)
    if above and 0 < need <= room:
        for c, d in above:
            cut = d * (1 - _least(c) / _scale_of(c)) / room * need
            _scale(c, _scale_of(c) * (1 - cut / d))
        return _join(ends, blocks)
    name = gap.block.name
    if name.startswith("e") and gap.free > (1 - LOOSE) * gap.area:
        return html.replace(f'class="entry" data-blk="{name}"',
                            f'class="entry loose" data-blk="{name}"', 1)
    return html


def _simulate(order: list[list[str]], size: dict[str, Block], start: float,
              area: float) -> tuple[int, float, dict[str, float]]:
    """Pages left short (by more than 1 - FILL of the type area) before a block that did not
    fit, the height lost so, and the charts drawn smaller to fit ({name: scale}), when the
    data section's blocks follow in ``order`` from ``start`` on a page whose type area is
    ``area`` high: a block not ``float`` breaks anywhere, a chart fits down to its least scale."""
    y, short, lost, scales = start, 0, 0.0, {}
    for block in order:
        b = size[_name(block)]
        h = b.height
        if "float" not in _kinds(block):
            while y + h > area:
                h, y = h - (area - y) + REPEAT, 0.0
        elif y + h > area and y > 0:
            need = y + h + SLACK - area
            scale = 1 - need / b.drawn if b.drawn else 0
            if scale >= _least(block):
                scales[b.name], h = scale, area - y
            else:
                short += area - y > (1 - FILL) * area
                lost += area - y
                y = 0.0
        y += h
    return short, lost, scales


def arranged(html: str, document) -> str:
    """The data section's charts and tables in the order that leaves the fewest pages short
    (charts in their own order, tables in theirs), charts drawn smaller where that makes them
    fit; ``document`` is ``html`` laid out, for the blocks' heights."""
    split = _segments(html)
    if split is None:
        return html
    ends, blocks = split
    size: dict[str, Block] = {}
    start = None
    for page in document.pages:
        box = page._page_box
        for b in _blocks(box):
            if b.name in size:                     # a long table on two pages
                b = Block(b.name, size[b.name].height + b.height, 0)
            size[b.name] = b
        for b in _boxes(box.children[0]):
            element = getattr(b, "element", None)
            if start is None and element is not None and element.get("data-blk") == "start":
                start = b.position_y - box.content_box_y()
    if start is None or any(_name(b) not in size for b in blocks):
        return html
    charts = [b for b in blocks if "chart" in _kinds(b)]
    tables = [b for b in blocks if "chart" not in _kinds(b)]
    area = document.pages[0]._page_box.height
    orders = []
    for at in itertools.combinations(range(len(blocks)), len(charts)):
        cs, ts = iter(charts), iter(tables)
        orders.append([next(cs) if i in at else next(ts) for i in range(len(blocks))])

    def cost(order):
        short, lost, scales = _simulate(order, size, start, area)
        return short, round(lost / 10), sum(1 - s for s in scales.values()), order != blocks

    best = min(orders, key=cost)
    for name, scale in _simulate(best, size, start, area)[2].items():
        _scale(next(b for b in best if _name(b) == name), scale)
    return _join(ends, best)


def _last_whole(html: str) -> str:
    """The last item (or its section, when it is the section's first) begins a page (class
    ``end``), so that it goes on to the last page with the 版记 rather than leave it alone."""
    item = html.rfind('<article class="entry')
    if item < 0:
        return html
    head = html.rfind('<h2 class="section')
    at = head if head > html.rfind("</article>", 0, item) else item
    start = html.index('class="', at) + len('class="')
    close = html.index('"', start)
    if "end" in html[start:close].split():
        return html
    return html[:close] + " end" + html[close:]


def _score(document) -> tuple:
    """Lower is better: a last page holding the 版记 alone, pages below 70 %, pages short
    before a chart or table, pages below FILL, pages."""
    last = document.pages[-1]._page_box
    low = fills(document)[:-1]
    floats = [g for g in gaps(document) if not g.block.name.startswith("e")]
    return (_bottom(last) - last.content_box_y() < LINES, sum(f < .7 for f in low), len(floats),
            sum(f < FILL for f in low), len(low))


def laid_out(html: str, base_url: str | None = None):
    """The WeasyPrint document of the print page ``html``, remedied where pages were left
    mostly empty (see the module's docstring)."""
    import weasyprint

    best = None
    for n in range(PASSES):
        document = weasyprint.HTML(string=html, base_url=base_url).render()
        score = _score(document)
        if best is None or score < best[0]:
            best = (score, document)
        found = gaps(document)
        remedied = html
        if n == 0 and any(not g.block.name.startswith("e") for g in found):
            remedied = arranged(html, document)
        if remedied == html:
            for gap in found:
                remedied = remedy(remedied, gap)
        if remedied == html and score[0]:
            remedied = _last_whole(html)
        if remedied == html:
            break
        html = remedied
    assert best is not None           # PASSES ≥ 1
    return best[1]
