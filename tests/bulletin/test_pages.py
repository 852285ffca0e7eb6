"""The page-fill pass (shumao/bulletin/pages.py) on small pages of its own: a chart that does
not fit waits while a long table runs on under the text; a chart that nearly fits is drawn
smaller; the charts keep their order; an item opens with one line rather than leave a page
mostly empty; the 版记 is never alone on the last page."""

from __future__ import annotations

import pytest

from shumao.bulletin import pages
from shumao.bulletin.pdf import cjk_justification

PAGE = """<html lang="zh-CN"><style>@page {{ size: 120mm 200mm; margin: 10mm }}
  body {{ margin: 0; font: 12px/20px "Noto Serif CJK SC" }} p {{ margin: 0 }}
  figure {{ margin: 0; break-inside: avoid }} svg {{ width: 100%; height: auto; display: block }}
  tr {{ break-inside: avoid }} table {{ border-collapse: collapse }}
  .loose p {{ orphans: 1 }} .entry-head {{ break-after: avoid; break-inside: avoid }}
  </style><body>{body}</body></html>"""
TEXT = "<p>" + "服务外包合同执行额同比增长。" * 53 + "</p>"        # 24 of the page's 34 lines


def chart(n: int, tall: int) -> str:
    return (f'<!--blk:f{n} float chart--><figure data-blk="f{n}"><svg viewBox="0 0 100 {tall}" '
            f'width="100" height="{tall}"><rect width="100" height="{tall}" fill="#888"/></svg>'
            f"<figcaption>图{n}　示例</figcaption></figure>")


def table(n: int, rows: int) -> str:
    body = "".join(f"<tr><td>第{i}行</td><td>{i}.00</td></tr>" for i in range(rows))
    return f'<!--blk:t{n}--><div data-blk="t{n}"><table><caption>表{n}</caption>{body}</table></div>'


def laid(body: str):
    cjk_justification()
    return pages.laid_out(PAGE.format(body=body))


def text_of(document) -> list[str]:
    return ["".join(b.text for b in pages._boxes(p._page_box) if hasattr(b, "text") and b.text)
            for p in document.pages]


def test_a_long_table_runs_on_under_the_text_before_a_chart_that_does_not_fit():
    body = TEXT + '<div data-blk="start"></div>' + chart(1, 80) + table(1, 12) + "<!--blk:end-->"
    before = __import__("weasyprint").HTML(string=PAGE.format(body=body)).render()
    assert pages.fills(before)[0] < .75                    # the chart went on: a quarter empty
    after = laid(body)
    assert pages.fills(after)[0] > .9, pages.fills(after)
    flat = "".join(text_of(after))
    assert flat.index("表1") < flat.index("图1")


def test_a_chart_that_nearly_fits_is_drawn_smaller():
    body = TEXT + '<div data-blk="start"></div>' + chart(1, 55) + "<!--blk:end-->" + TEXT
    after = laid(body)
    assert "图1" in text_of(after)[0]                       # on the first page, with the text
    assert pages.fills(after)[0] > .9


def test_simulated_order_keeps_numbers_and_prefers_the_given_order():
    blocks = [["f1 float chart", ""], ["f2 float chart", ""], ["t1", ""], ["t2 float", ""]]
    size = {"f1": pages.Block("f1", 300, 240), "f2": pages.Block("f2", 300, 240),
            "t1": pages.Block("t1", 600, 0), "t2": pages.Block("t2", 250, 0)}
    # from the foot of the text at 700 of 850 px: the chart would leave 150 px; the table fills them
    assert pages._simulate(blocks, size, 700, 850)[0] == 1
    assert pages._simulate([blocks[2], *blocks[:2], blocks[3]], size, 700, 850)[0] == 0
    # the whole page free: nothing to gain, nothing moves
    assert pages._simulate(blocks, size, 0, 850)[:2] == (0, 0)


def test_remedies_in_the_markup():
    html = '<h2 class="section" id="sec-3">【协会动态】</h2>\n<article class="entry" data-blk="esec-3-1">…</article>'
    gap = pages.Gap(0, 300, pages.Block("esec-3-1", 200, 0), [], 850)
    assert 'class="entry loose" data-blk="esec-3-1"' in pages.remedy(html, gap)
    small = pages.Gap(0, 100, pages.Block("esec-3-1", 200, 0), [], 850)   # page 88 % full
    assert pages.remedy(html, small) == html
    # the last item is its section's first: the section begins the last page, once
    end = pages._last_whole(html)
    assert '<h2 class="section end"' in end and pages._last_whole(end) == end
    two = html + '\n<article class="entry" data-blk="esec-3-2">…</article>'
    assert pages._last_whole(two).endswith('<article class="entry end" data-blk="esec-3-2">…</article>')
    assert pages._last_whole("<p>没有条目</p>") == "<p>没有条目</p>"


@pytest.mark.parametrize("hostile", ["<!--blk:-->", "<!--blk:f1 float chart-->", "<!--blk:x--><!--blk:end-->"])
def test_markers_that_do_not_match_leave_the_page_alone(hostile):
    html = "<p>正文</p>" + hostile
    gap = pages.Gap(0, 300, pages.Block("f1", 400, 300), [], 850)
    assert pages.remedy(html, gap) in (html, pages._join(*pages._segments(html)))
