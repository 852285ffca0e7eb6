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
    assert "33.70%" in figures and "123731.63万" in figures and "2023年" in figures
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


def test_figure_spans_in_markup():
    html = str(keep_tail("执行额123731.63万美元，同比增长33.70%"))
    assert '<span class="fig">123731.63万</span><span class="fig">美元</span>' in html
    # the tail (no one-character last line) never cuts a figure: it takes it whole
    assert html.endswith('<span class="tail"><span class="fig">33.70%</span></span>')
    hostile = str(keep_tail("<b>12</b>abc"))
    assert "<b>" not in hostile and "&lt;" in hostile          # still escaped
