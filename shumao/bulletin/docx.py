"""DOCX a clerk can keep editing in Word or WPS: real heading and paragraph styles (no text
boxes), Word tables, charts as images, page numbers in the footer, and a GB/T 9704-like
layout — A4, 仿宋 body, 黑体 headings, 宋体 masthead — in the fonts of the reader's machine.

The page geometry is the PDF's (PAGE_MM, MARGINS_MM, BODY_PT, LINE_PT), so the two paginate alike: GB/T 9704's 版心 of
156 × 225 mm, 22 lines of 28 characters in 三号 (16 pt) 仿宋. Every paragraph kind has its
own style (注释, 图表来源, 版记, 页眉 …), so a clerk restyles a kind in one place.

python-docx sets only ascii fonts by default; Chinese needs ``w:eastAsia``, and the
built-in heading styles' theme fonts override explicit names unless removed (stack.md §6).
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document as new_document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from shumao.bulletin.markdown import Heading, ListBlock, Paragraph, Run
from shumao.bulletin.markdown import Table as MdTable
from shumao.bulletin.model import Document
from shumao.report.formats import cell, note_lines

BODY, HEI, SONG, KAI, LATIN = "仿宋", "黑体", "宋体", "楷体", "Times New Roman"
RED = RGBColor(0xB0, 0x00, 0x00)
BLACK = RGBColor(0, 0, 0)

# GB/T 9704-2012 §5.2: A4; 天头 37 mm, 订口 28 mm; 版心 156 × 225 mm; 22 lines × 28 characters
# of 三号 仿宋. The PDF template uses the same numbers (issue 8), so page counts agree.
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
BODY_PT, LINE_PT = 16, 28.9
TEXT_WIDTH_PT = (PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]) / 25.4 * 72   # 442.2 pt
SMALL_PT = 12                                            # 小四: captions, notes, table titles
TABLE_PT = 10.5                                          # 五号: table cells
HEADER_FILL = "E7E6E6"                                   # light grey header row
# a table of at most this many rows (header included) is kept whole; a longer one breaks
# between rows as the PDF's do (its header repeated): its header with two rows, its last row
# with the notes; a whole 12-row table with its notes would push a half page of white before it
KEEP_ROWS = 4


def set_fonts(target, east_asia: str, latin: str = LATIN) -> None:
    """Fonts of a style or run, Chinese included; theme fonts removed so they apply."""
    element = getattr(target, "element", None)
    if element is None:
        element = target._element
    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


# the fonts this document names, declared as Chinese (charset 86 = GB2312) with a free
# alternative, so that a reader without them substitutes a Chinese face, not a Japanese one
FONT_TABLE = {BODY: ("FangSong", "Noto Serif CJK SC", "modern"), HEI: ("SimHei", "Noto Sans CJK SC", "modern"),
              SONG: ("SimSun", "Noto Serif CJK SC", "roman"), KAI: ("KaiTi", "Noto Serif CJK SC", "modern")}


def _fonts_declared(d) -> None:
    from lxml import etree

    part = next(p for p in d.part.package.parts if str(p.partname) == "/word/fontTable.xml")
    root = etree.fromstring(part.blob)
    for name, (latin_name, alt, family) in FONT_TABLE.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, val in (("w:altName", f"{latin_name},{alt}"), ("w:charset", "86"),
                         ("w:family", family), ("w:pitch", "variable")):
            etree.SubElement(font, qn(tag)).set(qn("w:val"), val)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _defaults(d) -> None:
    """Document defaults in Chinese: the template's are en-US with the theme's fonts."""
    rpr = d.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), LATIN)
    fonts.set(qn("w:hAnsi"), LATIN)
    fonts.set(qn("w:eastAsia"), BODY)
    rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    no_autospace(d.styles.element.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr")))


def no_autospace(ppr) -> None:
    """No quarter-em gap between Chinese and Latin letters or figures (review C10: Word's
    default spaces "2023 年 9 月 5 日", "第 8 期"; the PDF and the web page have none)."""
    for tag in ("autoSpaceDE", "autoSpaceDN"):
        _put(ppr, tag, PPR_ORDER, "0")


def _style(st, name: str, base: str = "Normal", kind=WD_STYLE_TYPE.PARAGRAPH):
    try:
        return st[name]
    except KeyError:
        s = st.add_style(name, kind)
        s.base_style = st[base]
        s.quick_style = True
        return s


def _clean(style) -> None:
    """The default template's decoration, gone: borders, theme colours, letter spacing,
    contextual spacing, the Subtitle's list numbering."""
    ppr, rpr = style.element.pPr, style.element.rPr
    if ppr is not None:
        for tag in ("w:pBdr", "w:contextualSpacing", "w:numPr"):
            for el in ppr.findall(qn(tag)):
                ppr.remove(el)
    if rpr is not None:
        for tag in ("w:color", "w:spacing", "w:i", "w:iCs"):
            for el in rpr.findall(qn(tag)):
                rpr.remove(el)


def _pf(style, size, font, *, exact=None, before=0, after=0, align=None, bold=False,
        color=None, grid=True, keep=False):
    set_fonts(style, font)
    style.font.size, style.font.bold = Pt(size), bold
    if color is not None:
        style.font.color.rgb = color
    pf = style.paragraph_format
    if exact:
        pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(exact)
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    pf.first_line_indent = Pt(0) if style.name != "Normal" else None
    if align is not None:
        pf.alignment = align
    if keep:
        pf.keep_with_next = True
    if not grid:        # small text keeps its own leading instead of the 28.9 pt grid
        _put(style.element.get_or_add_pPr(), "snapToGrid", PPR_ORDER, "0")


# schema order of the children of w:pPr and w:trPr: Word rejects elements out of order
PPR_ORDER = ("pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
             "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct "
             "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
             "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
             "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange")
TCPR_ORDER = ("cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection "
              "tcFitText vAlign hideMark")
TRPR_ORDER = ("cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader "
              "tblCellSpacing jc hidden")


def _put(parent, tag: str, order: str, val: str | None = None):
    """The child ``w:tag`` of parent, inserted in schema order if missing."""
    el = parent.find(qn(f"w:{tag}"))
    if el is None:
        el = OxmlElement(f"w:{tag}")
        names = order.split()
        later = {qn(f"w:{t}") for t in names[names.index(tag) + 1:]}
        anchor = next((c for c in parent if c.tag in later), None)
        if anchor is None:
            parent.append(el)
        else:
            anchor.addprevious(el)
    if val is not None:
        el.set(qn("w:val"), val)
    return el


def _styles(d) -> None:
    _defaults(d)
    _fonts_declared(d)
    st = d.styles
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Caption"):
        _clean(st[name])
    J, C, L, R = (WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER,
                  WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT)
    _pf(st["Normal"], BODY_PT, BODY, exact=LINE_PT, align=J)        # 中文两端对齐
    no_autospace(st["Normal"].element.get_or_add_pPr())            # every style inherits it
    half = LINE_PT / 2
    # the masthead (红头): the issuer in red 宋体, as GB/T 9704 §7.2.3
    _pf(st["Title"], 26, SONG, exact=44, before=12, align=C, bold=True, color=RED)
    _pf(st["Subtitle"], BODY_PT, BODY, exact=LINE_PT, align=C, color=BLACK)
    _pf(st["Heading 1"], BODY_PT, HEI, exact=LINE_PT, before=half, align=L, color=RED, keep=True)
    _pf(st["Heading 2"], BODY_PT, HEI, exact=LINE_PT, before=half, align=L, color=BLACK, keep=True)
    _pf(st["Heading 3"], BODY_PT, KAI, exact=LINE_PT, align=L, color=BLACK, keep=True)
    _pf(st["Caption"], SMALL_PT, HEI, before=6, after=3, align=C, color=BLACK, grid=False, keep=True)
    _pf(_style(st, "图表来源"), SMALL_PT - 1.5, BODY, after=6, align=C, grid=False)
    notes = _style(st, "注释")
    # 五号 as the table they explain: a table's notes stay together with its last row, and a
    # smaller block leaves less white where it cannot follow on the page
    _pf(notes, TABLE_PT, BODY, after=1, align=J, grid=False)
    notes.paragraph_format.left_indent = Pt(TABLE_PT * 2.5)              # 注：1. hangs
    notes.paragraph_format.first_line_indent = Pt(-TABLE_PT * 2.5)
    _pf(_style(st, "目录标题"), BODY_PT, HEI, exact=LINE_PT, before=half, align=C, keep=True)
    for level in (1, 2):      # Word's own names: Word and LibreOffice fill the contents in them
        toc = _style(st, f"toc {level}")
        _pf(toc, 14, BODY, exact=24, align=L)
        toc.paragraph_format.left_indent = Pt(28 * level)           # a wrapped title hangs
        toc.paragraph_format.first_line_indent = Pt(-28)
        toc.paragraph_format.right_indent = Pt(28)                  # clear of the page numbers
        toc.paragraph_format.tab_stops.add_tab_stop(Pt(TEXT_WIDTH_PT), WD_TAB_ALIGNMENT.RIGHT,
                                                    WD_TAB_LEADER.MIDDLE_DOT)
    _pf(_style(st, "日期"), 14, KAI, exact=LINE_PT, align=L, keep=True)
    _pf(_style(st, "标签"), BODY_PT, BODY, exact=LINE_PT, align=L, keep=True)
    _pf(_style(st, "来源"), 14, KAI, exact=LINE_PT, align=R)
    _pf(_style(st, "图片"), BODY_PT, BODY, before=6, after=0, align=C, grid=False, keep=True)
    _pf(_style(st, "表格文字"), TABLE_PT, BODY, align=L, grid=False)
    _pf(_style(st, "版记"), 14, BODY, exact=LINE_PT, before=LINE_PT, align=L)
    _pf(_style(st, "页眉文字", "Header"), 10.5, SONG, align=C, color=RGBColor(0x55, 0x55, 0x55), grid=False)
    _pf(_style(st, "页码", "Footer"), 14, SONG, align=C, grid=False)       # 4号半角宋体


def _border(ppr, side: str, size: int, color: str = "000000", space: int = 1) -> None:
    borders = _put(ppr, "pBdr", PPR_ORDER)
    el = _el(f"w:{side}", **{"w:val": "single", "w:sz": str(size), "w:space": str(space), "w:color": color})
    order = ["top", "left", "bottom", "right", "between", "bar"]
    later = [borders.find(qn(f"w:{s}")) for s in order[order.index(side) + 1:]]
    later = [x for x in later if x is not None]
    if later:
        later[0].addprevious(el)
    else:
        borders.append(el)


def _page(d, doc: Document) -> None:
    sec = d.sections[0]
    sec.page_width, sec.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    m = MARGINS_MM
    sec.top_margin, sec.bottom_margin = Mm(m["top"]), Mm(m["bottom"])
    sec.left_margin, sec.right_margin = Mm(m["left"]), Mm(m["right"])
    # header and footer sit in the margins without pushing the 版心 (GB/T 9704 §7.5: the page
    # number about 7 mm below the text block)
    sec.header_distance, sec.footer_distance = Mm(24), Mm(25)
    grid = sec._sectPr.find(qn("w:docGrid"))
    grid.set(qn("w:type"), "lines")                  # 文档网格: 22 lines a page
    grid.set(qn("w:linePitch"), str(round(LINE_PT * 20)))
    # the running head as in the PDF: not on the masthead page
    sec.different_first_page_header_footer = True
    head = sec.header.paragraphs[0]
    head.style = d.styles["页眉文字"]
    head.text = f"{doc.title}　{doc.issue}"
    _border(head._p.get_or_add_pPr(), "bottom", 4, "B00000", 2)
    sec.first_page_header.paragraphs[0].text = ""
    # GB/T 9704 §7.5 as the PDF: page numbers outside, odd pages right and even pages left,
    # one character in from the type area's edge (Word's 奇偶页不同, the even page's own head)
    d.settings.odd_and_even_pages_header_footer = True
    even = sec.even_page_header.paragraphs[0]
    even.style, even.text = head.style, head.text
    _border(even._p.get_or_add_pPr(), "bottom", 4, "B00000", 2)
    for footer, odd in ((sec.footer, True), (sec.first_page_footer, True), (sec.even_page_footer, False)):
        p = footer.paragraphs[0]
        p.style = d.styles["页码"]
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
        p.paragraph_format.first_line_indent = Pt(0)
        if odd:
            p.paragraph_format.right_indent = Pt(14)
        else:
            p.paragraph_format.left_indent = Pt(14)
        p.add_run("— ")
        _page_field(p.add_run())
        p.add_run(" —")


def _page_field(run) -> None:
    """A PAGE field, so Word and WPS number the pages themselves."""
    for el in _field(" PAGE ", "1"):
        run._element.append(el)


def _el(tag: str, text: str | None = None, **attrs: str):
    """A new element ``tag`` (``w:t``, …) with its attributes (``w:id="3"`` as ``**{"w:id": "3"}``)
    and text."""
    e = OxmlElement(tag)
    for k, v in attrs.items():
        e.set(qn(k), v)
    if text is not None:
        e.text = text
    return e


def _field(instruction: str, result: str | None = None) -> list:
    """The elements of a complex field (begin, instruction, separate, result, end), for one
    run; ``result`` None: the field is opened only (its result and end follow)."""
    out = [_el("w:fldChar", **{"w:fldCharType": "begin"}),
           _el("w:instrText", instruction, **{"xml:space": "preserve"}),
           _el("w:fldChar", **{"w:fldCharType": "separate"})]
    if result is not None:
        out += [_el("w:t", result, **{"xml:space": "preserve"}), _el("w:fldChar", **{"w:fldCharType": "end"})]
    return out


def _run(*children):
    r = OxmlElement("w:r")
    for c in children:
        r.append(c)
    return r


TOC_FIELD = ' TOC \\o "1-2" \\h \\z \\u '     # headings of levels 1–2, linked, page numbers


def _bookmark(paragraph, name: str, n: int) -> None:
    """A bookmark round the paragraph's text, as Word names those its contents point to."""
    start, end = _el("w:bookmarkStart", **{"w:id": str(n), "w:name": name}), _el("w:bookmarkEnd", **{"w:id": str(n)})
    ppr = paragraph._p.pPr
    (ppr.addnext(start) if ppr is not None else paragraph._p.insert(0, start))
    paragraph._p.append(end)


def _contents(d, entries: list[tuple[int, str]]) -> None:
    """目录 as a TOC field (review C9): Word updates it on opening (settings ``updateFields``)
    and LibreOffice with 工具 > 更新 > 全部更新, both with the page numbers of the headings
    the entries point to (bookmarks ``_Toc1`` …). Its first text, until then, is the list of
    entries, each a link with a PAGEREF field that is filled when fields are updated."""
    d.add_paragraph("目　录", style="目录标题")
    for n, (level, title) in enumerate(entries, start=1):
        p = d.add_paragraph(style=f"toc {level}")
        if n == 1:
            p._p.append(_run(*_field(TOC_FIELD)))
        link = _el("w:hyperlink", **{"w:anchor": f"_Toc{n}", "w:history": "1"})
        link.append(_run(_el("w:t", title)))
        link.append(_run(_el("w:tab")))
        link.append(_run(*_field(f" PAGEREF _Toc{n} \\h ", "")))
        p._p.append(link)
        if n == len(entries):
            p._p.append(_run(_el("w:fldChar", **{"w:fldCharType": "end"})))
    # Word: update the fields (the contents) on opening
    _put(d.settings.element, "updateFields", SETTINGS_ORDER, "true")


# the tail of w:settings' schema order from updateFields on (only those a template may hold)
SETTINGS_ORDER = ("updateFields hdrShapeDefaults footnotePr endnotePr compat docVars rsids "
                  "mathPr attachedSchema themeFontLang clrSchemeMapping doNotIncludeSubdocsInStats "
                  "doNotAutoCompressPictures forceUpgrade captions readModeInkLockDown smartTagType "
                  "schemaLibrary shapeDefaults doNotEmbedSmartTags decimalSymbol listSeparator")


def _runs(par, runs) -> None:
    for r in runs:
        run = par.add_run(r.text)
        run.bold, run.italic = r.bold or None, r.italic or None


def _para(d, runs, indent=True, style=None, align=None):
    p = d.add_paragraph(style=style)
    if indent:
        p.paragraph_format.first_line_indent = Pt(2 * BODY_PT)      # two characters
    if align is not None:
        p.alignment = align
    _runs(p, runs)
    return p


def text_width(text: str, size: float) -> float:
    """Width in points of one line of text, roughly: CJK and full-width forms one em, capitals
    0.72 em, other Latin letters and figures a little over half an em (Times New Roman)."""
    def em(ch: str) -> float:
        if ord(ch) > 0x2E7F or 0x2014 <= ord(ch) <= 0x201D:
            return 1.0
        return 0.72 if ch.isupper() else 0.55
    return size * sum(em(ch) for ch in text)


FIGURE_MIN_PT = 80.0     # 1600 twips: 193185.39 in a wider face than Times still fits one line


def _runt_free(labels: list[str], width: float, size: float, pad: float) -> bool:
    """No label of the column ends in a line of one character at this width."""
    per_line = max(1, int((width - pad) // size))
    return all(len(t) <= per_line or len(t) % per_line != 1 for t in labels)


def column_widths(columns: list[str], rows: list[list[str]], total: float = TEXT_WIDTH_PT,
                  size: float = TABLE_PT, figure_min: float = 0.0) -> list[float]:
    """Column widths in points fitted to the content. Every column gets its least: its widest
    figure and its header's longest piece (a header may wrap before 「（」); then the label
    column widens towards one line per label, then the figure columns towards one-line
    headers, and what is left is shared equally."""
    pad = 10.8 + size / 2           # Table Grid's 0.19 cm cell margins, and half an em of slack

    def pieces(h: str) -> list[str]:
        return h.replace("（", "\n（").split("\n")

    cols = list(zip(columns, *rows)) if rows else [(c,) for c in columns]
    least = [max([text_width(p, size) for p in pieces(c[0])] + [text_width(v, size) for v in c[1:]]) + pad
             for c in cols]
    full = [max(text_width(v, size) for v in c) + pad for c in cols]
    least[0] = max(least[0], min(full[0], 10 * size + pad))     # the label column: 10 characters
    if figure_min:                       # figures first: labels wrap at 10, headers anywhere
        least[0] = min(least[0], 10 * size + pad)
        least[1:] = [max([figure_min] + [text_width(v, size) + pad for v in c[1:]]) for c in cols[1:]]
    widths = least[:]
    spare = total - sum(widths)
    for order in ([0], range(1, len(cols))):
        for i in order:
            more = max(0.0, min(spare, full[i] - widths[i]))
            widths[i] += more
            spare -= more
    if spare > 0:
        widths = [w + spare / len(widths) for w in widths]
    elif spare < 0:                      # too wide even at the least: shrink proportionally
        widths = [w * total / sum(widths) for w in widths]
    labels = [c for c in cols[0][1:] if isinstance(c, str)]
    for _ in range(4):                   # a label never ends in a one-character line
        if _runt_free(labels, widths[0], size, pad):
            break                        # (the label column gives a character to the figures)
        widths = [widths[0] - size] + [w + size / (len(widths) - 1) for w in widths[1:]]
    return widths


def _cell_shade(cell_, fill: str) -> None:
    shd = _put(cell_._tc.get_or_add_tcPr(), "shd", TCPR_ORDER)
    for k, v in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
        shd.set(qn(k), v)


def _table(d, t) -> None:
    cap = d.add_paragraph(t.title, style="Caption")
    texts = [[cell(v) for v in row] for row in t.rows]
    table = d.add_table(rows=1, cols=len(t.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Pt(w) for w in column_widths(t.columns, texts, figure_min=FIGURE_MIN_PT)]
    for c, name, w in zip(table.rows[0].cells, t.columns, widths):
        # a header too long for its column wraps before its unit, not inside it
        c.text = name.replace("（", "\n（", 1) if text_width(name, TABLE_PT) + 10.8 > w.pt else name
    for row in texts:
        cells = table.add_row().cells
        for i, v in enumerate(row):
            cells[i].text = v
    for i, col in enumerate(table.columns):       # the grid, which LibreOffice reads
        col.width = widths[i]
    _put(table.rows[0]._tr.get_or_add_trPr(), "tblHeader", TRPR_ORDER)  # repeated on each page
    small = len(table.rows) <= KEEP_ROWS
    last = len(table.rows) - 1
    for n, r in enumerate(table.rows):
        _put(r._tr.get_or_add_trPr(), "cantSplit", TRPR_ORDER)
        for i, c in enumerate(r.cells):
            c.width = widths[i]
            c.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            if n == 0:
                _cell_shade(c, HEADER_FILL)
            for p in c.paragraphs:
                p.style = d.styles["表格文字"]
                # a small table stays whole; a longer one keeps its header with two rows
                # and its last row with the notes under it
                p.paragraph_format.keep_with_next = small or n in (0, 1, last)
                if n == 0:
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    for run in p.runs:
                        set_fonts(run, HEI)
                elif i:
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT     # figures right-aligned
            if n and i:
                _put(c._tc.get_or_add_tcPr(), "noWrap", TCPR_ORDER)   # a figure never wraps
    cap.paragraph_format.keep_with_next = True


def _content_table(d, t: MdTable) -> None:
    """A table a clerk wrote in Markdown: a Word table with the same header shading, its
    cells' runs kept (bold, links), each column aligned as the clerk's ``:--:`` says."""
    align = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
             "right": WD_ALIGN_PARAGRAPH.RIGHT}
    table = d.add_table(rows=1 + len(t.rows), cols=len(t.header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = [Pt(w) for w in column_widths(t.columns, t.texts)]
    _put(table.rows[0]._tr.get_or_add_trPr(), "tblHeader", TRPR_ORDER)
    for n, (r, cells) in enumerate(zip(table.rows, [t.header, *t.rows])):
        _put(r._tr.get_or_add_trPr(), "cantSplit", TRPR_ORDER)
        for i, (c, runs) in enumerate(zip(r.cells, cells)):
            c.width = widths[i]
            c.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = c.paragraphs[0]
            p.style = d.styles["表格文字"]
            # a small table whole, a longer one its header with two rows (as _table)
            p.paragraph_format.keep_with_next = n < (len(t.rows) if len(t.rows) < KEEP_ROWS else 2)
            _runs(p, runs)
            a = t.align[i] if i < len(t.align) else None
            if n == 0:
                _cell_shade(c, HEADER_FILL)
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif a in align:
                p.alignment = align[a]
    for i, col in enumerate(table.columns):
        col.width = widths[i]


def _chart(d, n: int, chart, source: str) -> None:
    """A chart in its print shape (charts.py: page-wide and low, as in the PDF), 300 dpi."""
    d.add_picture(io.BytesIO(chart.page_png or chart.png), width=Pt(TEXT_WIDTH_PT))
    d.paragraphs[-1].style = d.styles["图片"]     # single spacing: an exact line would cut it
    d.add_paragraph(f"图{n}　{chart.title}", style="Caption").paragraph_format.space_before = Pt(3)
    d.add_paragraph(f"数据来源：{source}", style="图表来源")


def _chart_pair(d, pair, source: str) -> None:
    """Two half-width charts side by side in a borderless table, each with its caption."""
    table = d.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell_, (n, chart) in zip(table.rows[0].cells, pair):
        cell_.width = Pt(TEXT_WIDTH_PT / 2)
        pic = cell_.paragraphs[0]
        pic.style = d.styles["图片"]
        pic.paragraph_format.keep_with_next = True
        pic.add_run().add_picture(io.BytesIO(chart.page_png), width=Pt(TEXT_WIDTH_PT / 2 - 12))
        cell_.add_paragraph(f"图{n}　{chart.title}", style="Caption")
        cell_.add_paragraph(f"数据来源：{source}", style="图表来源")
    _put(table.rows[0]._tr.get_or_add_trPr(), "cantSplit", TRPR_ORDER)


# the 版记's rules (GB/T 9704 §7.4): black, the first and the last 0.35 mm (w:sz in eighths
# of a point), the one between thinner: an underlined tab across the type area (RULE_PT)
RULE_HEAVY, RULE_PT = 8, 8


def _record(d, doc: Document) -> None:
    """版记 (GB/T 9704 §7.4), the other channels' lines: the 报送 line (报：…。　送：…。, a
    wrapped line under its first name), a thin rule, the publisher and the date 印发, then
    印数 at the right.  Its paragraphs share one frame at the foot of the type area of the
    page the text ends on, wherever that is (the text flowing above it), as wide as the type
    area, the text one character in.  Word and LibreOffice keep paragraphs in one frame only
    while their borders are the same: each has the heavy rules above and below (drawn once,
    round the group), and the thin rule is a paragraph of one underlined tab."""
    right = Pt(TEXT_WIDTH_PT - 14)
    lines = []
    if doc.distribution:
        p = d.add_paragraph(doc.distribution, style="版记")
        p.paragraph_format.left_indent = Pt(14 * 3)          # one character in, then 报：
        p.paragraph_format.first_line_indent = Pt(-14 * 2)
        p.paragraph_format.right_indent = Pt(14)
        rule = d.add_paragraph(style="版记")
        rule.paragraph_format.line_spacing = Pt(RULE_PT)
        rule.paragraph_format.tab_stops.add_tab_stop(Pt(TEXT_WIDTH_PT), alignment=2)
        tab = rule.add_run("\t")
        tab.font.underline, tab.font.size = True, Pt(RULE_PT)
        rule.add_run("\u200b").font.size = Pt(RULE_PT)      # a tab last in its line is not underlined
        lines += [p, rule]
    p = d.add_paragraph(style="版记")
    p.paragraph_format.tab_stops.add_tab_stop(right, alignment=2)  # right tab
    p.add_run(f"\u3000{doc.publisher}\t{doc.date_words}印发")
    if doc.copies:
        p.add_run().add_break()
        p.add_run(f"\t{doc.copies_words}")
    lines.append(p)
    for n, p in enumerate(lines):
        ppr = p._p.get_or_add_pPr()
        _border(ppr, "top", RULE_HEAVY, space=4)
        _border(ppr, "bottom", RULE_HEAVY, space=4)
        p.paragraph_format.keep_with_next = n < len(lines) - 1
        frame = _put(ppr, "framePr", PPR_ORDER)
        for k, v in (("w:w", str(round(TEXT_WIDTH_PT * 20))), ("w:wrap", "notBeside"), ("w:vAnchor", "margin"),
                     ("w:hAnchor", "margin"), ("w:xAlign", "center"), ("w:yAlign", "bottom")):
            frame.set(qn(k), v)
        p.paragraph_format.space_before = Pt(0)


def write_docx(doc: Document, path: Path) -> None:
    d = new_document()
    _styles(d)
    _page(d, doc)
    d.core_properties.title = f"{doc.title} {doc.issue}"
    d.core_properties.author = doc.publisher
    d.core_properties.language = "zh-CN"
    # model.Document.metadata (e.g. figures released with --allow-flagged), one "k: v" a line
    d.core_properties.comments = "\n".join(f"{k}: {v}" for k, v in doc.metadata.items())
    d.add_paragraph(doc.title, style="Title")
    d.add_paragraph(doc.issue, style="Subtitle")
    meta = d.add_paragraph(f"{doc.publisher}\t{doc.date_words}", style="标签")
    meta.paragraph_format.keep_with_next = False
    meta.paragraph_format.tab_stops.add_tab_stop(Pt(TEXT_WIDTH_PT), alignment=2)  # right tab
    _rule(meta)
    entries = [(level, title) for s in doc.sections
               for level, title in [(1, s.heading)] + [(2, e.title) for e in s.entries if e.has_heading]]
    _contents(d, entries)        # a dated event paragraph has no title to list
    marks = iter(range(1, len(entries) + 1))

    def heading(text: str, style: str) -> None:
        n = next(marks)
        _bookmark(d.add_paragraph(text, style=style), f"_Toc{n}", n)

    for s in doc.sections:
        heading(s.heading, "Heading 1")
        if s.data:
            for text in s.data.paragraphs:
                _para(d, [_plain(text)])
            charts = list(enumerate(s.data.charts, start=1))
            while charts:                # the PDF's print shapes: a half chart beside the next
                n, c = charts.pop(0)
                if c.half and charts and charts[0][1].half:
                    _chart_pair(d, [(n, c), charts.pop(0)], s.data.settings.source)
                else:
                    _chart(d, n, c, s.data.settings.source)
            for t in s.data.tables:     # each table with its own notes under it
                _table(d, t)
                notes = note_lines(t.notes)
                for n, line in enumerate(notes, start=1):     # the notes kept together
                    note = _para(d, [_plain(line)], indent=False, style="注释")
                    note.paragraph_format.keep_with_next = n < len(notes)
        for e in s.entries:
            if e.has_heading:
                heading(e.title, "Heading 2")
            for lbl in e.labels:
                # 类　　型：/ 简　　介： indented two characters like the body, as in the PDF
                _para(d, lbl.runs, indent=lbl.kind != "date", style="日期" if lbl.kind == "date" else "标签")
            for b in e.blocks:
                if isinstance(b, Heading):
                    d.add_paragraph(b.text, style="Heading 3")
                elif isinstance(b, MdTable):
                    _content_table(d, b)
                elif isinstance(b, ListBlock):
                    for it in b.items:
                        _para(d, it, indent=False, style="List Number" if b.ordered else "List Bullet")
                elif isinstance(b, Paragraph):
                    _para(d, b.runs)
            if e.source:             # the source line never stranded from its article
                d.paragraphs[-1].paragraph_format.keep_with_next = True
                _para(d, [_plain(e.source)], indent=False, style="来源")
        for line in s.notes:
            _para(d, [_plain(line)], indent=False, style="注释")
    d.paragraphs[-1].paragraph_format.keep_with_next = True    # the 版记 with the last lines
    _record(d, doc)
    d.save(str(path))


def _plain(text: str) -> Run:
    return Run(text)


def _rule(paragraph) -> None:
    """The red rule under the masthead (版头分隔线), as a paragraph border (no drawing objects)."""
    _border(paragraph._p.get_or_add_pPr(), "bottom", 18, "B00000", 4)
