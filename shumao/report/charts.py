"""Charts of the data report (bulletin.md): top partner markets, ITO / BPO / KPO, and
monthly executions this year against last, with Chinese labels and 万美元 on the axes.

SVG for HTML and PDF (glyphs as paths: no font needed where it is opened), PNG for DOCX.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from shumao.indicators import Indicators
from shumao.model.codes import country_name
from shumao.model.money import CENTS_PER_WAN
from shumao.report.fonts import matplotlib_ready

if TYPE_CHECKING:
    from shumao.report.service import ReportSettings

BLUE, GREY, RED = "#1f4e79", "#a6a6a6", "#c00000"


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    svg: str
    png: bytes


def _wan(cents: int) -> float:  # for drawing only; every figure shown as text is exact
    return float(Decimal(cents) / CENTS_PER_WAN)


def _render(fig, id_: str, title: str) -> Chart:
    import matplotlib.pyplot as plt

    svg, png = io.StringIO(), io.BytesIO()
    fig.savefig(svg, format="svg", bbox_inches="tight", metadata={"Date": None})
    fig.savefig(png, format="png", dpi=200, bbox_inches="tight")
    plt.close(fig)
    text = re.sub(r"<metadata>.*?</metadata>", "", svg.getvalue(), flags=re.S)
    return Chart(id_, title, text[text.index("<svg"):], png.getvalue())


def _axes(title: str, size=(6.4, 3.4)):
    matplotlib_ready()
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=size)
    ax.set_title(title, fontsize=11, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x" if size[0] < size[1] else "y", color="#e0e0e0", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig, ax


def partners(ind: Indicators, when: str, top: int) -> Chart:
    rows = ind.partners[:top][::-1]
    title = f"{when}离岸执行额前{len(rows)}位国家（地区）"
    fig, ax = _axes(title, (6.4, 0.45 * max(len(rows), 3) + 1.2))
    names = [country_name(p.country) for p in rows]
    y = range(len(rows))
    ax.barh([i + 0.2 for i in y], [_wan(p.previous) for p in rows], 0.4, color=GREY, label="上年同期")
    ax.barh([i - 0.2 for i in y], [_wan(p.current) for p in rows], 0.4, color=BLUE, label="本期")
    ax.set_yticks(list(y), names)
    ax.set_xlabel("执行额（万美元）")
    for i, p in zip(y, rows):
        ax.text(_wan(p.current), i - 0.2, f" {_wan(p.current):.2f}", va="center", fontsize=8)
    ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    return _render(fig, "partners", title)


def categories(ind: Indicators, when: str) -> Chart:
    title = f"{when}离岸执行额业务结构"
    fig, ax = _axes(title)
    cats = ["ITO", "BPO", "KPO"]
    f = [ind.figures[f"exec_offshore_{c}"] for c in cats]
    x = range(3)
    ax.bar([i - 0.2 for i in x], [_wan(v.previous or 0) for v in f], 0.4, color=GREY, label="上年同期")
    ax.bar([i + 0.2 for i in x], [_wan(v.current) for v in f], 0.4, color=BLUE, label="本期")
    ax.set_xticks(list(x), ["信息技术外包\n（ITO）", "业务流程外包\n（BPO）", "知识流程外包\n（KPO）"])
    ax.set_ylabel("执行额（万美元）")
    for i, v in zip(x, f):
        ax.text(i + 0.2, _wan(v.current), f"{_wan(v.current):.2f}", ha="center", va="bottom", fontsize=8)
    ax.legend(frameon=False, fontsize=8)
    return _render(fig, "categories", title)


def monthly(ind: Indicators, series: list[tuple[int, int, int]]) -> Chart:
    year = ind.period.year
    title = f"{year}年1-{ind.period.last}月各月接包合同执行额"
    fig, ax = _axes(title)
    months = [m for m, _, _ in series]
    ax.plot(months, [_wan(c) for _, c, _ in series], marker="o", color=BLUE, label=f"{year}年")
    ax.plot(months, [_wan(p) for _, _, p in series], marker="o", color=GREY, linestyle="--",
            label=f"{year - 1}年")
    ax.set_xticks(months, [f"{m}月" for m in months])
    ax.set_ylabel("执行额（万美元）")
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, fontsize=8)
    return _render(fig, "monthly", title)


def all_charts(ind: Indicators, series: list[tuple[int, int, int]],
               settings: ReportSettings) -> list[Chart]:
    when = ind.period.words(settings.relative)
    return [partners(ind, when, settings.top_table), categories(ind, when), monthly(ind, series)]
