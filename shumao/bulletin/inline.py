"""The bulletin as HTML with inline styles only, for the two places that strip a ``<style>``
element, scripts and SVG: mail clients (email.py) and the 公众号 editor (wechat.py).

One template (``inline.html.j2``) draws the same model as the web page — masthead, the
数据月报 paragraphs, charts as PNG with "图n　title" and the data source, the tables with
their notes, then each section's entries — in one of two layouts: ``email`` (nested
tables, 640 px at most, for Outlook's Word engine) or ``wechat`` (``section`` and ``p``
blocks, 15–17 px, line-height 1.75); in both a data table is set for a phone's column: each
label on a row of its own across the table, its figures under it.  A chart is never shown so wide that its text comes
out larger than the body text (``chart_px``); notes hang under their text as on the web page;
the 版记 (报送 line, publisher and date 印发, 印数) is the web page's and Word's.  Every user text goes through Jinja's autoescape.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

from jinja2 import Environment
from markupsafe import Markup, escape

from shumao.bulletin.html import NOTE_KEY, templates
from shumao.bulletin.markdown import safe_href
from shumao.bulletin.model import Document
from shumao.report.formats import heading_lines

SANS = "'Microsoft YaHei','PingFang SC','Noto Sans CJK SC',sans-serif"
RED, GREY, RULE = "#b00000", "#555555", "#999999"
BODY_PX = {"email": 15, "wechat": 16}        # the body text; a chart's text is never larger
COLUMN_PX = {"email": 612, "wechat": 677}    # the text column at its widest
# the 版记's first and last rules (GB/T 9704: black, heavier than the one between, 1 px)
RECORD_RULES = "border-top:2px solid #000000;border-bottom:2px solid #000000;"

# Data first: every style of both layouts, by role.  Only properties that Outlook (Word
# engine), Gmail and the 公众号 editor all keep: no flex, grid, position or shorthand fonts.
# Paragraphs are ragged-right: justified lines with long numbers spread the characters apart.
STYLES = {
    "email": {
        "body": f"margin:0;padding:0;background:#f2f2f2;font-family:{SANS};",
        "outer": "background:#f2f2f2;",
        "inner": "width:100%;max-width:640px;background:#ffffff;",
        "cell": f"padding:20px 14px;font-family:{SANS};font-size:{BODY_PX['email']}px;line-height:1.75;"
                "color:#1a1a1a;",
        "title": f"margin:0;font-size:26px;line-height:1.4;color:{RED};font-weight:bold;"
                 "text-align:center;letter-spacing:2px;",
        "issue": "margin:4px 0 0;font-size:15px;text-align:center;color:#1a1a1a;",
        "meta": f"font-size:14px;color:{GREY};padding-top:10px;",
        "rule": f"border-bottom:3px solid {RED};font-size:0;line-height:0;height:8px;",
        "section": f"margin:28px 0 12px;font-size:19px;line-height:1.5;color:{RED};font-weight:bold;",
        "para": "margin:0 0 10px;text-indent:2em;text-align:left;",
        "img": "display:block;width:100%;height:auto;border:0;margin:0 auto;",   # + max-width
        "figure": "margin:16px 0 4px;text-align:center;",
        "caption": "margin:6px 0 0;font-size:14px;font-weight:bold;text-align:center;",
        "figsource": f"margin:0 0 14px;font-size:13px;color:{GREY};text-align:center;",
        "ttitle": "margin:16px 0 6px;font-size:15px;font-weight:bold;text-align:center;",
        "table": f"border-collapse:collapse;width:100%;font-size:13px;line-height:1.5;"
                 f"border:1px solid {RULE};",
        "th": f"border:1px solid {RULE};padding:4px;background:#f3e6e6;font-weight:bold;"
              "text-align:center;",
        # a data table's heading, set in lines (heading_lines) that never break inside
        "thdata": f"border:1px solid {RULE};padding:4px 3px;background:#f3e6e6;font-weight:bold;"
                  "text-align:center;white-space:nowrap;",
        "td": f"border:1px solid {RULE};padding:4px;text-align:left;",
        # a data table as the 公众号's (a phone's column): its label on a row of its own
        # across the table, the figures under it
        "thlabel": f"border:1px solid {RULE};padding:4px 6px;background:#f3e6e6;font-weight:bold;"
                   "text-align:left;",
        "rowlabel": f"border:1px solid {RULE};border-bottom:0;padding:5px 6px 0;background:#fbf8f8;"
                    "text-align:left;",
        "numrow": f"border:1px solid {RULE};border-top:0;padding:0 4px 4px;background:#fbf8f8;"
                  "text-align:right;white-space:nowrap;",
        # 注：1. … hanging: the text's continuation lines under its first word (+ the hang)
        "note": f"margin-top:2px;margin-bottom:2px;margin-right:0;font-size:13px;color:{GREY};",
        "entry": "margin:22px 0 6px;font-size:17px;line-height:1.5;font-weight:bold;",
        "label": "margin:0 0 4px;white-space:pre-wrap;text-indent:2em;",
        "date": f"margin:0 0 6px;font-size:14px;color:{GREY};",
        "h4": "margin:14px 0 6px;font-size:15px;font-weight:bold;",
        "list": "margin:0 0 10px;padding-left:2em;",
        "li": "margin:0 0 4px;",
        "quote": f"margin:0 0 10px;padding:6px 12px;border-left:3px solid {RULE};"
                 f"background:#f7f7f7;color:#333333;",
        "source": f"margin:0 0 10px;text-align:right;font-size:14px;color:{GREY};",
        "link": "color:#1f4e79;text-decoration:underline;",
        # the 版记 as in the other channels (GB/T 9704 §7.4): the 报送 line, the publisher
        # left and "…印发" right, 印数; black rules, the first and the last heavier
        "record": f"margin:24px 0 0;border-collapse:collapse;{RECORD_RULES}font-size:14px;color:#1a1a1a;",
        "recordcell": f"padding:6px 14px;font-family:{SANS};font-size:14px;color:#1a1a1a;",
        "recorddist": f"padding:6px 14px 6px 42px;text-indent:-28px;border-bottom:1px solid #000000;"
                      f"font-family:{SANS};font-size:14px;color:#1a1a1a;",
    },
    "wechat": {
        "wrap": f"font-family:{SANS};font-size:{BODY_PX['wechat']}px;line-height:1.75;color:#1a1a1a;"
                "letter-spacing:0.5px;margin:0 auto;max-width:677px;padding:0 8px;",
        "masthead": f"padding:16px 0 10px;border-bottom:3px solid {RED};margin:0 0 20px;"
                    "text-align:center;",
        "title": f"margin:0;font-size:22px;line-height:1.4;color:{RED};font-weight:bold;"
                 "letter-spacing:2px;text-align:center;",
        "issue": "margin:6px 0 0;font-size:16px;text-align:center;",
        "meta": f"margin:4px 0 0;font-size:15px;color:{GREY};text-align:center;",
        "section": f"margin:28px 0 14px;padding:4px 0 4px 10px;border-left:4px solid {RED};"
                   f"font-size:17px;line-height:1.5;color:{RED};font-weight:bold;",
        "para": f"margin:0 0 14px;text-indent:2em;text-align:left;font-size:{BODY_PX['wechat']}px;"
                "line-height:1.75;",
        "img": "display:block;width:100%;height:auto;margin:0 auto;",
        "figure": "margin:18px 0 4px;text-align:center;",
        "caption": "margin:6px 0 0;font-size:15px;font-weight:bold;text-align:center;",
        "figsource": f"margin:0 0 16px;font-size:15px;color:{GREY};text-align:center;",
        "ttitle": "margin:18px 0 6px;font-size:15px;font-weight:bold;text-align:center;",
        "table": f"border-collapse:collapse;width:100%;font-size:15px;line-height:1.5;"
                 f"border:1px solid {RULE};",
        "th": f"border:1px solid {RULE};padding:4px 3px;letter-spacing:0;background:#f3e6e6;font-weight:bold;"
              "text-align:center;",
        # (the headings' lines are nowrap spans here: the editor keeps them)
        "thdata": f"border:1px solid {RULE};padding:4px 3px;letter-spacing:0;background:#f3e6e6;"
                  "font-weight:bold;text-align:center;",
        "td": f"border:1px solid {RULE};padding:4px;text-align:left;",
        # a data table on a phone: its label (指标, a country) on a row of its own across
        # the table, the figures under it; so no label wraps in a narrow column
        "thlabel": f"border:1px solid {RULE};padding:4px 6px;background:#f3e6e6;font-weight:bold;"
                   "text-align:left;",
        "rowlabel": f"border:1px solid {RULE};border-bottom:0;padding:6px 6px 0;background:#fbf8f8;"
                    "text-align:left;",
        "numrow": f"border:1px solid {RULE};border-top:0;padding:0 3px 4px;background:#fbf8f8;"
                  "text-align:right;white-space:nowrap;letter-spacing:0;",
        "note": f"margin-top:2px;margin-bottom:2px;margin-right:0;font-size:15px;color:{GREY};line-height:1.6;",
        "entry": "margin:26px 0 6px;font-size:17px;line-height:1.5;font-weight:bold;",
        "label": "margin:0 0 6px;font-size:16px;white-space:pre-wrap;text-indent:2em;",
        "date": f"margin:0 0 8px;font-size:15px;color:{GREY};",
        "h4": "margin:16px 0 8px;font-size:16px;font-weight:bold;",
        "list": "margin:0 0 14px;padding-left:2em;font-size:16px;",
        "li": "margin:0 0 6px;",
        "quote": f"margin:0 0 14px;padding:8px 12px;border-left:3px solid {RULE};"
                 f"background:#f7f7f7;color:#333333;font-size:15px;",
        "source": f"margin:0 0 14px;text-align:right;font-size:15px;color:{GREY};",
        "link": f"color:{GREY};",
        "record": f"width:100%;margin:30px 0 10px;border-collapse:collapse;{RECORD_RULES}",
        "recordcell": "padding:6px 8px;font-size:15px;color:#1a1a1a;",
        "recorddist": "padding:6px 8px 6px 38px;text-indent:-30px;border-bottom:1px solid #000000;"
                      "font-size:15px;color:#1a1a1a;",
    },
}

def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk (PNG spec 11.2.2)."""
    return struct.unpack(">II", png[16:24])


def block_kind(b) -> str:
    """heading | list | quote | para: the block types of markdown.py, by duck type so a
    block kind added there degrades to a paragraph rather than failing."""
    name = type(b).__name__.lower()
    if name == "heading":
        return "heading"
    if name == "table" and hasattr(b, "header"):
        return "table"
    if hasattr(b, "items"):
        return "list"
    if "quote" in name:
        return "quote"
    return "para"


def _env(layout: str) -> Environment:
    env = templates()
    st = {k: Markup(v) for k, v in STYLES[layout].items()}

    def runs(rs) -> Markup:
        out = []
        for r in rs:
            t = escape(r.text).replace("\n", Markup("<br>"))
            if r.bold:
                t = Markup("<strong>%s</strong>") % t
            if r.italic:
                t = Markup("<em>%s</em>") % t
            href = safe_href(r.href)
            if href and layout == "email":
                t = Markup('<a href="%s" style="%s">%s</a>') % (href, st["link"], t)
            elif href:      # the 公众号 editor drops outside links: show the address instead
                t = t + Markup('<span style="%s">（%s）</span>') % (st["link"], href)
            out.append(t)
        return Markup("").join(out)

    def head(col: str) -> Markup:
        """A column heading in lines that never break inside a word (名称 / （万美元）)."""
        if layout == "email":        # no span for Outlook: the e-mail's thdata is nowrap
            return Markup("<br>").join(heading_lines(col))
        return Markup("<br>").join(Markup('<span style="white-space:nowrap;">%s</span>') % line
                                   for line in heading_lines(col))

    def note(line: str) -> Markup:
        """A note whose continuation lines hang under its text, as the web page's (html.NOTE_KEY):
        the paragraph's margin is the key's width, its first line pulled back by as much."""
        m = NOTE_KEY.fullmatch(line)
        if not m:
            return Markup('<p style="%s">%s</p>') % (st["note"], line)
        hang = "2em" if m.group(1).strip() == "注：" else "3.3em"
        return Markup('<p style="%smargin-left:%s;text-indent:-%s;"><span style="display:inline-block;'
                      'min-width:%s;text-indent:0;white-space:pre;">%s</span>%s</p>') % (
            st["note"], hang, hang, hang, m.group(1), m.group(2))

    env.filters["runs"] = runs
    env.filters["note"] = note
    env.filters["head"] = head
    env.filters["kind"] = block_kind
    env.globals["st"] = st
    return env


def chart_px(png: bytes, layout: str) -> int:
    """The widest a chart is shown: the column, or less where its text (FONT_PT at DPI in the
    PNG) would come out larger than the body text — a chart scaled up to a wide column."""
    from shumao.report.charts import DPI, FONT_PT

    text_px = FONT_PT / 72 * DPI                     # the chart's text in the PNG's own pixels
    return min(COLUMN_PX[layout], int(png_size(png)[0] * BODY_PX[layout] / text_px))


def render(doc: Document, layout: str, images: Sequence[str]) -> str:
    """The page; ``images[i]`` is the ``src`` of chart i+1 (a ``cid:`` or a file name)."""
    charts = doc.data.data.charts if doc.data.data else []
    sizes = [(chart_px(c.png, layout), *png_size(c.png)) for c in charts]
    return _env(layout).get_template("inline.html.j2").render(
        doc=doc, layout=layout, images=list(images), sizes=sizes)
