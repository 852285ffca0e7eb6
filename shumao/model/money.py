"""Exact money: integer US cents in the store, Decimal in arithmetic, half-up rounding
only when a figure is shown (report.md: 四舍五入 to 2 decimals)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import overload

CENTS_PER_WAN = 1_000_000  # 1 万美元 = 10,000 USD = 1,000,000 cents
TWO_PLACES = Decimal("0.01")


def round_half_up(x: Decimal, places: Decimal = TWO_PLACES) -> Decimal:
    return x.quantize(places, rounding=ROUND_HALF_UP)


@overload
def wan(cents: int) -> Decimal: ...
@overload
def wan(cents: None) -> None: ...
def wan(cents: int | None) -> Decimal | None:
    """Cents as 万美元, rounded half-up to exactly two decimals (report.md: ``193185.39``
    as ``str(wan(c))``); None stays None."""
    return None if cents is None else round_half_up(Decimal(cents) / CENTS_PER_WAN)


def usd_cents(amount: Decimal, usd_per_unit: Decimal | None) -> int:
    """An amount in its own currency → US cents, as the import converts it (× 100, × the
    month's rate, rounded half-up to the cent once, at the end): the web filing's
    conversion and the one a rate entered later applies (store.rates), one copy."""
    cents = amount * 100
    if usd_per_unit is not None:
        cents = cents * Decimal(usd_per_unit)
    return int(cents.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator × 100, unrounded; None when the denominator is zero."""
    if not denominator:
        return None
    return Decimal(numerator) * 100 / Decimal(denominator)


def growth(current: int, previous: int | None) -> Decimal | None:
    """Year-on-year growth in %, unrounded (report.md: g = (current / previous − 1) × 100);
    None when the previous value is zero or absent."""
    if not previous:
        return None
    return (Decimal(current) / Decimal(previous) - 1) * 100


def dollars(cents: int | float | Decimal, unit: str = "美元") -> str:
    """An amount as a clerk reads it, with thousands separators and its unit: 8,500,000.00美元
    (cents rounded half-up)."""
    return f"{round_half_up(Decimal(cents) / 100):,.2f}{unit}"


def sized(cents: int | float | Decimal, unit: str = "美元") -> str:
    """An amount of one 万 or more in 万 (12,866,305.24 US dollars: 1,286.63万美元, as report.md
    writes figures), a smaller one as ``dollars`` (9,800.00美元)."""
    if abs(Decimal(cents)) < 1_000_000:
        return dollars(cents, unit)
    return f"{round_half_up(Decimal(cents) / CENTS_PER_WAN):,.2f}万{unit}"
