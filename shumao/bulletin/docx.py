"""DOCX a clerk can keep editing in Word or WPS: real heading and paragraph styles (no text
boxes), Word tables, charts as images, page numbers in the footer, and a GB/T 9704-like
layout — A4, 仿宋 body, 黑体 headings, 宋体 masthead — in the fonts of the reader's machine.

python-docx sets only ascii fonts by default; Chinese needs ``w:eastAsia``, and the
built-in heading styles' theme fonts override explicit names unless removed (stack.md §6).
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document as new_document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from shumao.bulletin.markdown import Heading, ListBlock, Paragraph, Run
from shumao.bulletin.model import Document
from shumao.report.formats import cell

BODY, HEI, SONG, KAI, LATIN = "仿宋", "黑体", "宋体", "楷体", "Times New Roman"
RED = RGBColor(0xB0, 0x00, 0x00)


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


def _styles(d) -> None:
    _defaults(d)
    _fonts_declared(d)
    st = d.styles
    normal = st["Normal"]
    set_fonts(normal, BODY)
    normal.font.size = Pt(14)                   # 四号
    pf = normal.paragraph_format
    pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(26)
    pf.space_after = Pt(0)
    for name, font, size, color in (("Title", SONG, 26, RED), ("Heading 1", HEI, 16, RED),
                                    ("Heading 2", HEI, 14, None), ("Heading 3", KAI, 14, None)):
        s = st[name]
        set_fonts(s, font)
        s.font.size, s.font.bold = Pt(size), name != "Heading 3"
        s.font.color.rgb = color or RGBColor(0, 0, 0)
        s.paragraph_format.space_before, s.paragraph_format.space_after = Pt(12), Pt(6)
        s.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    for name in ("Caption", "Subtitle"):
        set_fonts(st[name], KAI)
        st[name].font.color.rgb = RGBColor(0x33, 0x33, 0x33)
        st[name].font.italic = False
    st["Caption"].font.size = Pt(10.5)


def _page(d) -> None:
    sec = d.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)           # A4, GB/T 9704 margins
    sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)
    sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)
    p = sec.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("— ")
    _page_field(p.add_run())
    p.add_run(" —")
    for r in p.runs:
        set_fonts(r, SONG)
        r.font.size = Pt(12)


def _page_field(run) -> None:
    """A PAGE field, so Word and WPS number the pages themselves."""
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText" if (text or "").strip() == "PAGE" else "w:t")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)


def _runs(par, runs) -> None:
    for r in runs:
        run = par.add_run(r.text)
        run.bold, run.italic = r.bold or None, r.italic or None


def _para(d, runs, indent=True, style=None, align=None):
    p = d.add_paragraph(style=style)
    if indent:
        p.paragraph_format.first_line_indent = Pt(28)       # two characters
    if align is not None:
        p.alignment = align
    _runs(p, runs)
    return p


def _table(d, t) -> None:
    cap = d.add_paragraph(t.title, style="Caption")
    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cap.paragraph_format.space_before = Pt(10)
    cap.paragraph_format.keep_with_next = True
    table = d.add_table(rows=1, cols=len(t.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    first, rest = Cm(5.6), Cm(9.6 / (len(t.columns) - 1))   # 15.2 cm of text width
    for c, name in zip(table.rows[0].cells, t.columns):
        c.text = name
        c.paragraphs[0].runs[0].bold = True
    for row in t.rows:
        cells = table.add_row().cells
        for i, v in enumerate(row):
            cells[i].text = cell(v)
            if i:
                cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for i, col in enumerate(table.columns):       # the grid, which LibreOffice reads
        col.width = first if i == 0 else rest
    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(OxmlElement("w:tblHeader"))      # repeated on every page it spans
    last = len(table.rows) - 1
    for n, r in enumerate(table.rows):
        for i, c in enumerate(r.cells):
            c.width = first if i == 0 else rest
            for p in c.paragraphs:
                p.paragraph_format.keep_with_next = n < last   # a small table stays whole
                p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                for run in p.runs:
                    run.font.size = Pt(10.5)


def write_docx(doc: Document, path: Path) -> None:
    d = new_document()
    _styles(d)
    _page(d)
    d.core_properties.title = f"{doc.title} {doc.issue}"
    d.core_properties.author = doc.publisher
    d.core_properties.language = "zh-CN"
    title = d.add_paragraph(doc.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    issue = d.add_paragraph(doc.issue, style="Subtitle")
    issue.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta = d.add_paragraph(f"{doc.publisher}\t{doc.date_words}")
    meta.paragraph_format.tab_stops.add_tab_stop(Cm(15.6), alignment=2)  # right tab
    _rule(meta)
    d.add_paragraph("目　录", style="Heading 2").alignment = WD_ALIGN_PARAGRAPH.CENTER
    for s in doc.sections:
        _para(d, [_plain(s.heading)], indent=False)
        for e in s.entries:
            p = _para(d, [_plain(e.title)], indent=False)
            p.paragraph_format.left_indent = Pt(28)
    for s in doc.sections:
        d.add_paragraph(s.heading, style="Heading 1")
        if s.data:
            for text in s.data.paragraphs:
                _para(d, [_plain(text)])
            for c in s.data.charts:
                d.add_picture(io.BytesIO(c.png), width=Cm(14.5))
                pic = d.paragraphs[-1]
                pic.alignment = WD_ALIGN_PARAGRAPH.CENTER
                # an inline picture in a paragraph of exact line spacing is cut to one line
                pic.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                pic.paragraph_format.space_before = pic.paragraph_format.space_after = Pt(6)
            for t in s.data.tables:
                _table(d, t)
            for i, n in enumerate(s.data.tables[0].notes, start=1):
                p = _para(d, [_plain(f"注{i}：{n}")], indent=False)
                for r in p.runs:
                    r.font.size = Pt(10.5)
        for e in s.entries:
            d.add_paragraph(e.title, style="Heading 2")
            for lbl in e.labels:
                _para(d, lbl.runs, indent=False)
            for b in e.blocks:
                if isinstance(b, Heading):
                    d.add_paragraph(b.text, style="Heading 3")
                elif isinstance(b, ListBlock):
                    for it in b.items:
                        _para(d, it, indent=False, style="List Number" if b.ordered else "List Bullet")
                elif isinstance(b, Paragraph):
                    _para(d, b.runs)
            if e.source:
                _para(d, [_plain(e.source)], indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    d.save(str(path))


def _plain(text: str) -> Run:
    return Run(text)


def _rule(paragraph) -> None:
    """The red rule under the masthead, as a paragraph border (no drawing objects)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "18"), ("w:space", "4"), ("w:color", "B00000")):
        bottom.set(qn(k), v)
    borders.append(bottom)
    ppr.append(borders)
