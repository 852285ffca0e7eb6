"""Chinese wording of figures (report.md: Arithmetic): 万美元 with two decimals, growth
rounded half-up from unrounded values, and the phrases for growth and for the top three —
and how the portal's pages show the same figures to staff: thousands separators
(``grouped``) and a growth of 100% or more in 倍, as official releases write it
(``growth_times``).  The report's own text keeps report.md's form (no separators, %)."""

from __future__ import annotations

from decimal import Decimal

from shumao.model.money import round_half_up, wan

NO_DATA = "上年同期无数据"


def pct(x: Decimal | None) -> str:
    return f"{round_half_up(x if x is not None else Decimal(0))}%"


def growth_phrase(g: Decimal | None) -> str:
    """同比增长g% / 同比下降|g|% / 与上年同期持平 / 上年同期无数据."""
    if g is None:
        return NO_DATA
    r = round_half_up(g)
    if r > 0:
        return f"同比增长{r}%"
    if r < 0:
        return f"同比下降{-r}%"
    return "与上年同期持平"


def _item(g: Decimal | None) -> str:
    if g is None:
        return NO_DATA
    r = round_half_up(g)
    return f"增长{r}%" if r > 0 else f"下降{-r}%" if r < 0 else "持平"


def growths_phrase(gs: list[Decimal | None]) -> str:
    """The growth of several items at once (the top partners)."""
    if len(gs) == 1:
        return growth_phrase(gs[0])
    rounded = [None if g is None else round_half_up(g) for g in gs]
    if all(r is None for r in rounded):
        return "上年同期均无数据"
    known = [r for r in rounded if r is not None]
    if len(known) == len(rounded) and all(r > 0 for r in known):
        return "同比分别增长" + "、".join(f"{r}%" for r in known)
    if len(known) == len(rounded) and all(r < 0 for r in known):
        return "同比分别下降" + "、".join(f"{-r}%" for r in known)
    return "同比分别" + "、".join(_item(g) for g in gs)


TIMES_FROM = Decimal(100)        # a growth from here on reads in 倍: +28861.82% → 增长288.6倍


def grouped(value: Decimal | str | int | None) -> str:
    """A figure as a page shows it: thousands separators, its decimals as given
    (200081.06 → 200,081.06); none is "—", a word in a figure's place (不予公布) itself."""
    if value is None or value == "":
        return "—"
    try:
        return f"{Decimal(str(value)):,}"
    except ArithmeticError:
        return str(value)


def growth_times(g: Decimal | str | None) -> str | None:
    """A growth (in %) of 100% or more in words, as official releases write it: the times
    of the previous value it grew by, one decimal, rounded half-up (28861.82 → 增长288.6倍);
    None below 100% (written in %)."""
    if g is None or g == "":
        return None
    x = Decimal(str(g))
    if x < TIMES_FROM:
        return None
    return f"增长{round_half_up(x / 100, Decimal('0.1'))}倍"


def money(cents: int) -> str:
    return f"{wan(cents)}万美元"
