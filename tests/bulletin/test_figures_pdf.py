"""Issue 21, the nine: figures are never letter-spaced in the PDF (a number with its unit or
% is one unbreakable run; justification stretches only between CJK characters)."""

from __future__ import annotations

import re

from shumao.bulletin.html import FIGURE, cjk_justification, keep_tail
from tests.bulletin.test_typography import MM, lines, words

TEXT = ("今年上半年，我市服务外包合同签约额193185.39万美元，同比下降33.70%；执行额123731.63万美元，"
        "同比增长12.72%。其中，离岸服务外包合同额37427.00万美元、29876.00万美元、19486.00万美元，"
        "同比分别增长12.72%、23.49%、8.05%；承接“一带一路”沿线国家服务外包执行额19486.00万美元，"
        "占比15.53%；外商投资企业执行额2023年1-8月为87907.10万美元。")


def _pdf(tmp_path, width_mm: float):
    import weasyprint

    cjk_justification()
    html = f"""<html lang="zh-CN"><style>@page {{ size: 200mm 200mm; margin: 10mm }}
      body {{ margin: 0; font: 16pt "Noto Serif CJK SC"; letter-spacing: -.22pt }}
      p {{ text-align: justify; width: {width_mm}mm; text-indent: 2em }}
      .tail, .fig {{ white-space: nowrap }}</style><p>{keep_tail(TEXT)}</p>"""
    pdf = tmp_path / f"f{width_mm}.pdf"
    weasyprint.HTML(string=html).write_pdf(pdf)
    return pdf


def test_figures_are_one_run_in_pdftotext(tmp_path):
    figures = [m.group() for m in FIGURE.finditer(TEXT) if re.match(r"\d", m.group())]
    assert "33.70%" in figures and "123731.63万美元" in figures and "2023年" in figures
    # widths at which the old hook spread digits ("3 3 . 7 0 %"), and the type area (156 mm)
    for width in (98, 116, 134, 156):
        pdf = _pdf(tmp_path, width)
        ws = words(pdf)[0]
        text = " ".join(w["text"] for w in ws)
        numbers = re.findall(r"\d[\d.]*%?", TEXT)
        for n in numbers:                   # every number whole inside one pdftotext word
            assert any(n in w["text"] for w in ws), (width, n, text)
        assert not re.search(r"\d \d|\d \.|\. \d|\d %", text), text
        ls = lines(ws)
        right = 10 * MM + width * MM
        full = [ln for ln in ls[:-1] if abs(ln[2] - right) < 1]
        assert len(full) >= len(ls) // 2, ls              # still justified where it can be


UNIT_SPLIT = re.compile(r"\d[万亿]?\n(?:[万亿]?美元|[万亿]?元|%)")


def test_a_number_keeps_its_unit_at_a_line_end(tmp_path):
    """Issue 21: "1405.31万" at a line's (or a page's) end and "美元" on the next, never."""
    for width in range(96, 157, 4):
        pdf = _pdf(tmp_path, width)
        text = "\n".join(ln[4] for ln in lines(words(pdf)[0]))
        assert not UNIT_SPLIT.search(text), (width, UNIT_SPLIT.search(text))
        assert not re.search(r"\d\n\d", text), width


def body_text(pdf) -> str:
    """The PDF's 16 pt lines (body and headings), page after page, one a line."""
    from tests.bulletin.test_typography import body_lines

    return "\n".join(ln[4] for page in body_lines(pdf) for ln in page)


def test_no_number_parted_from_its_unit_in_the_issues(issue, long_issue):
    for files in (issue, long_issue):
        text = body_text(files["pdf"])
        assert not UNIT_SPLIT.search(text), UNIT_SPLIT.search(text)


HAN = re.compile("[\u3400-\u9fff]")


def letter_gaps(pdf, start: str, end: str) -> list[tuple[float, str]]:
    """The gaps (in em of the 16 pt body) between two Chinese characters on the body lines
    from the heading ``start`` to the heading ``end`` — not where a figure meets the text
    (a quarter em there is the usual gap), largest first.  pdftotext splits a line into words
    where letters stand apart, so each gap between words is one the justification opened."""

    gaps, inside = [], False
    for page in words(pdf):
        rows: dict[float, list] = {}
        for w in page:
            if 21 < w["yMax"] - w["yMin"] < 25:
                rows.setdefault(round(w["yMin"], 1), []).append(w)
        for _, ws in sorted(rows.items()):
            text = "".join(w["text"] for w in ws)
            if text.startswith("【"):
                inside = text.startswith(start) or (inside and not text.startswith(end))
                continue
            if not inside:
                continue
            ws.sort(key=lambda w: w["xMin"])
            for a, b in zip(ws, ws[1:]):
                if (HAN.match(a["text"][-1]) and HAN.match(b["text"][0])
                        and not re.search(r"\d\D{0,3}$", a["text"])):
                    gaps.append((round((b["xMin"] - a["xMax"]) / 16, 3), a["text"][-2:] + "|" + b["text"][:2]))
    return sorted(gaps, reverse=True)


def test_justification_never_gaps_between_letters(issue, long_issue):
    """Issue 21: justified lines of the data paragraphs spread 0.2–0.3 em between characters
    (前 三 季 度); now at most MAX_SPREAD (0.12 em; a line that would need more stays a little
    short), the rest taken where figures meet the text."""
    for files in (issue, long_issue):
        gaps = letter_gaps(files["pdf"], "【数据月报】", "【行业资讯】")
        assert len(gaps) > 10 and gaps[0][0] <= .15, gaps[:5]


def test_figure_spans_in_markup():
    html = str(keep_tail("执行额123731.63万美元，同比增长33.70%"))
    assert '<span class="fig">123731.63万美元</span>' in html
    # the tail (no one-character last line) never cuts a figure: it takes it whole
    assert html.endswith('<span class="tail"><span class="fig">33.70%</span></span>')
    hostile = str(keep_tail("<b>12</b>abc"))
    assert "<b>" not in hostile and "&lt;" in hostile          # still escaped
