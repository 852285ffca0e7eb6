"""Charts of the data report (bulletin.md): top partner markets, ITO / BPO / KPO, onshore
and offshore, and monthly executions this year against last, with Chinese labels and the
unit (万美元) on the value axis.

Each chart comes in two shapes from one drawing: a column (WIDTH_IN wide, for the web page,
e-mail and WeChat: legible 390 px wide) and a page-wide, low one (PAGE_IN × page height, for
the PDF and DOCX: a chart takes under a third of a page, so text, tables and charts share
pages and no page is left half empty). SVG (glyphs as paths: no font needed where it is
opened) and PNG at 300 dpi. Every value label of a chart has one format: the tables' two
decimals (37427.00, 8000.10), never a mix.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shumao.indicators import Indicators
from shumao.model.codes import country_name
from shumao.model.money import CENTS_PER_WAN, wan
from shumao.report.fonts import matplotlib_ready
from shumao.report.settings import ReportSettings
from shumao.report.tables import monthly_title, partners_title

BLUE, GREY, RED = "#1f4e79", "#a6a6a6", "#c00000"
UNIT = "万美元"
# Legible on a phone: an SVG shown 390 px wide scales a figure of WIDTH_IN inches (72 pt
# each, plus what bbox "tight" adds for labels) by 390 / width_pt, so the smallest text,
# FONT_PT, shows at about 11 px or more there (tests/report/test_charts.py measures it).
WIDTH_IN = 4.6
FONT_PT = 10.5
PHONE_PX, MIN_PX = 390, 11
PAGE_IN = 6.0            # the print shape: the 156 mm type area less what bbox "tight" adds
HALF_IN, HALF_HEIGHT_IN = 2.9, 1.45   # two charts side by side in print (``Chart.half``)
PAGE_HEIGHT_IN = 1.4     # with legend, caption and source under 30 % of the 225 mm type area
DPI = 300


@dataclass(frozen=True)
class Chart:
    """One chart; ``title`` is its caption without a number: a renderer writes
    "图{n}　{title}" and the source line under it (formats.figure_caption). ``svg``/``png``
    are the column shape (screens), ``page_svg``/``page_png`` the page-wide low one (print);
    ``labels`` the value labels drawn on it."""

    id: str
    title: str
    svg: str
    png: bytes
    page_svg: str = ""
    page_png: bytes = b""
    labels: tuple[str, ...] = ()
    half: bool = False        # in print, half the type area wide, beside the next half chart


def _wan(cents: int) -> float:  # for drawing only; every figure shown as text is exact
    return float(Decimal(cents) / CENTS_PER_WAN)


def label(cents: int) -> str:
    """A value label: the table's figure (万美元, half-up to 2 decimals), as the text and the
    tables print it — one format in every chart (37427.00, 8000.10)."""
    text = f"{wan(cents):.2f}"
    return text if text != "-0.00" else "0.00"


def _save(fig, svg: bool = True, png: bool = True) -> tuple[str, bytes]:
    """The figure as SVG and PNG (either left out: "", b"")."""
    import matplotlib.pyplot as plt

    svg_out, png_out = io.StringIO(), io.BytesIO()
    if svg:
        fig.savefig(svg_out, format="svg", bbox_inches="tight", metadata={"Date": None})
    if png:
        fig.savefig(png_out, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    text = re.sub(r"<metadata>.*?</metadata>", "", svg_out.getvalue(), flags=re.S)
    return text[text.index("<svg"):] if svg else "", png_out.getvalue()


_SVG_ID = re.compile(r'(\sid="|url\(#|href="#)([^"()]+)')


def _named(svg: str, scope: str, title: str) -> str:
    """The SVG as one image of a page among others: its ids (figure_1, axes_1, the glyphs'
    defs …) and their references prefixed with ``scope`` so no id repeats on the page, and
    an accessible name (role="img", aria-label and <title>) — its text is drawn as outlines."""
    svg = _SVG_ID.sub(lambda m: f"{m.group(1)}{scope}-{m.group(2)}", svg)
    name = html.escape(title, quote=True)
    head = svg.index(">", svg.index("<svg")) + 1
    return (svg[:head - 1] + f' role="img" aria-label="{name}">' + f"<title>{name}</title>"
            + svg[head:])


@dataclass(frozen=True)
class Drawing:
    """A chart before it is drawn: ``draw(shape)`` returns its figure, "column" for screens,
    "page" (page-wide, low) or "half" (half of it) for print."""

    id: str
    title: str
    draw: Callable[[str], Any]
    half: bool = False

    def screen(self) -> tuple[str, bytes, tuple[str, ...]]:
        """The column shape: SVG, PNG and the value labels drawn on it."""
        fig = self.draw("column")
        labels = tuple(t.get_text().strip() for t in fig.axes[0].texts if t.get_text().strip() != UNIT)
        svg, png = _save(fig)
        return _named(svg, f"{self.id}-c", self.title), png, labels

    def print(self) -> tuple[str, bytes]:
        """The print shape: SVG and PNG."""
        page_svg, page_png = _save(self.draw(self.shape))
        return _named(page_svg, f"{self.id}-p", self.title), page_png

    def print_svg(self) -> str:
        """The print shape's SVG alone (the PDF's), the same bytes as ``print``'s."""
        return _named(_save(self.draw(self.shape), png=False)[0], f"{self.id}-p", self.title)

    def print_png(self) -> bytes:
        """The print shape's PNG alone (the Word file's), the same bytes as ``print``'s."""
        return _save(self.draw(self.shape), svg=False)[1]

    @property
    def shape(self) -> str:
        return "half" if self.half else "page"

    def chart(self, screen: tuple[str, bytes, tuple[str, ...]], print_: tuple[str, bytes]) -> Chart:
        (svg, png, labels), (page_svg, page_png) = screen, print_
        return Chart(self.id, self.title, svg, png, page_svg, page_png, labels, self.half)


def _chart(id_: str, title: str, draw: Callable[[str], Any], half: bool = False) -> Drawing:
    return Drawing(id_, title, draw, half)


def _axes(height: float, shape: str = "column"):
    """A figure without a drawn title (the caption is the renderer's), light grid, no box;
    column-wide (``height`` inches high), or for print page-wide and low, or half of that."""
    matplotlib_ready()
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": FONT_PT, "axes.labelsize": FONT_PT, "xtick.labelsize": FONT_PT,
                         "ytick.labelsize": FONT_PT, "legend.fontsize": FONT_PT})
    size = {"page": (PAGE_IN, PAGE_HEIGHT_IN), "half": (HALF_IN, HALF_HEIGHT_IN)}.get(
        shape, (WIDTH_IN, height))
    fig, ax = plt.subplots(figsize=size)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_axisbelow(True)
    return fig, ax


def _unit_on_top(ax) -> None:
    """The value axis titled as Chinese statistical charts do: the unit written
    horizontally at the top of the vertical axis, readable without turning the head."""
    ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
    ax.text(0, 1.04, UNIT, transform=ax.transAxes, ha="center", va="bottom", fontsize=FONT_PT)


def _legend(ax) -> None:
    """Above the plot, right-aligned: never over a bar or a line; in every chart the same
    pair in the same order, 上年同期 then 本期 (as the bars stand, left to right or top down)."""
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles, labels, frameon=False, loc="lower right", bbox_to_anchor=(1, 1.0), ncol=2,
              handlelength=1.2, columnspacing=1.0, borderaxespad=0.2)


def partners(ind: Indicators, when: str, top: int) -> Drawing:
    """The first ``top`` partner markets (ReportSettings.top_table, as the partner table)."""
    rows = ind.partners[:top][::-1]
    title = f"{when}{partners_title(len(rows))}"

    def draw(shape: str):
        fig, ax = _axes(0.5 * max(len(rows), 3) + 1.0, shape)
        names = [country_name(p.country) for p in rows]
        y = range(len(rows))
        ax.barh([i + 0.2 for i in y], [_wan(p.previous or 0) for p in rows], 0.4, color=GREY,
                label="上年同期")       # above 本期: the legend's order, top down
        ax.barh([i - 0.2 for i in y], [_wan(p.current) for p in rows], 0.4, color=BLUE, label="本期")
        ax.set_yticks(list(y), names)
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
        ax.set_xlabel(UNIT, loc="right")
        for i, p in zip(y, rows):
            ax.text(_wan(p.current), i - 0.2, f" {label(p.current)}", va="center", fontsize=FONT_PT)
        ax.margins(x=0.22)
        _legend(ax)
        return fig
    return _chart("partners", title, draw)


def _paired_bars(ax, names: list[str], figs) -> None:
    x = range(len(names))
    ax.bar([i - 0.2 for i in x], [_wan(v.previous or 0) for v in figs], 0.4, color=GREY, label="上年同期")
    ax.bar([i + 0.2 for i in x], [_wan(v.current) for v in figs], 0.4, color=BLUE, label="本期")
    ax.set_xticks(list(x), names)
    ax.tick_params(axis="x", length=0)
    for i, v in zip(x, figs):
        ax.text(i + 0.2, _wan(v.current), label(v.current), ha="center", va="bottom", fontsize=FONT_PT)
    ax.margins(y=0.15)
    _unit_on_top(ax)
    _legend(ax)


def categories(ind: Indicators, when: str) -> Drawing:
    title = f"{when}离岸执行额业务结构"

    def draw(shape: str):
        fig, ax = _axes(3.2, shape)
        sep = "\n" if shape == "half" else ""       # a third of a half chart is 4 characters wide
        _paired_bars(ax, [f"信息技术{sep}外包\n（ITO）", f"业务流程{sep}外包\n（BPO）", f"知识流程{sep}外包\n（KPO）"],
                     [ind.figures[f"exec_offshore_{c}"] for c in ("ITO", "BPO", "KPO")])
        return fig
    return _chart("categories", title, draw, half=True)


def shore(ind: Indicators, when: str) -> Drawing:
    """Onshore and offshore executions, this period against last year (bulletin.md)."""
    title = f"{when}在岸和离岸服务外包执行额"

    def draw(shape: str):
        fig, ax = _axes(3.0, shape)
        _paired_bars(ax, ["在岸执行额", "离岸执行额"],
                     [ind.figures["exec_onshore"], ind.figures["exec_offshore"]])
        ax.set_xlim(-0.7, 1.7)
        return fig
    return _chart("shore", title, draw, half=True)


def monthly(ind: Indicators, series: list[tuple[int, int, int]], relative: bool = False) -> Drawing:
    title = monthly_title(ind, relative)

    def draw(shape: str):
        fig, ax = _axes(3.2, shape)
        months = [m for m, _, _ in series]
        ax.plot(months, [_wan(p) for _, _, p in series], marker="o", color=GREY, linestyle="--",
                label="上年同期")
        ax.plot(months, [_wan(c) for _, c, _ in series], marker="o", color=BLUE, label="本期")
        ax.set_xticks(months, [f"{m}月" for m in months])
        ax.set_ylim(bottom=0)
        _unit_on_top(ax)
        _legend(ax)
        return fig
    return _chart("monthly", title, draw)


def drawings(ind: Indicators, series: list[tuple[int, int, int]],
             settings: ReportSettings) -> list[Drawing]:
    """The report's charts, not yet drawn.  Captions name the period as the text does:
    今年上半年 with ``relative``, else 2023年上半年."""
    when = ind.period.words(settings.relative)
    return [partners(ind, when, settings.top_table), categories(ind, when), shore(ind, when),
            monthly(ind, series, settings.relative)]


def all_charts(ind: Indicators, series: list[tuple[int, int, int]],
               settings: ReportSettings) -> list[Chart]:
    """Both shapes of every chart, each drawn once."""
    return [d.chart(d.screen(), d.print()) for d in drawings(ind, series, settings)]
