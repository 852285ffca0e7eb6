"""The unusual-amount rule (model.rules, issue 21): an amount ordinary within an enterprise's
own spread is not unusual, on thin histories (three to nine records) and rich ones, while a
×100 typo of any amount above the median is, and a ×10 typo of a narrow rich history's usual
amount — also when the typo is itself among the records compared with; SQL's multiple is
Python's."""

from __future__ import annotations

import math
import statistics
from statistics import NormalDist

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shumao.model import rules


def spread_out(median: int, sigma: float, n: int) -> list[int]:
    """``n`` amounts around ``median`` as a lognormal history of spread ``sigma`` lays them out
    (the normal quantiles of (i + ½)/n): symmetric in log terms, as contract sizes are."""
    z = [NormalDist().inv_cdf((i + 0.5) / n) for i in range(n)]
    return [max(1, round(median * math.exp(sigma * x))) for x in z]


def usual_of(amounts: list[int]) -> rules.Usual:
    u = rules.usual(("recent", statistics.median(amounts), rules.low(amounts), len(amounts)))
    assert u is not None
    return u


histories = st.tuples(st.integers(100_000, 10**10),                 # the median, cents
                      st.floats(0.0, 1.5),                          # the spread in log terms
                      st.sampled_from([3, 4, 5, 8, 12, 40, 200]))    # thin … rich


@settings(max_examples=300, deadline=None)
@given(histories)
def test_an_amount_as_large_as_the_largest_the_enterprise_had_is_not_unusual(h):
    amounts = spread_out(*h)
    u = usual_of(amounts)
    assert not u.above(max(amounts))
    assert not u.above(round(u.median_cents * 2))      # twice the usual: never a warning


@settings(max_examples=300, deadline=None)
@given(histories, st.floats(1.01, 20.0))
def test_a_hundredfold_typo_of_an_amount_above_the_median_is_unusual(h, above):
    u = usual_of(spread_out(*h))
    assert u.above(round(u.median_cents * above) * 100)


@settings(max_examples=300, deadline=None)
@given(st.integers(100_000, 10**10), st.floats(0.0, 0.4), st.sampled_from([10, 12, 19, 40, 200]))
def test_a_tenfold_typo_of_a_narrow_historys_usual_amount_is_unusual(median, sigma, n):
    u = usual_of(spread_out(median, sigma, n))
    assert u.multiple < 10
    assert u.above(round(u.median_cents) * 10)


@settings(max_examples=200, deadline=None)
@given(st.integers(100_000, 10**10), st.sampled_from([(10, 0.3, 9), (100, 0.5, 2)]),
       st.floats(0.0, 1.0), st.sampled_from([2, 3, 4, 8, 9, 12, 40]))
def test_the_typo_among_the_records_compared_with_cannot_hide_itself(median, typo_of, share, n):
    """An import's own records are the basis of an enterprise the store does not know: the
    mistyped row is among them, and the spread taken from the lower side ignores it (a ×10
    typo in a narrow history of ten records or more, a ×100 one in a wider or thin one)."""
    factor, widest, fewest = typo_of
    n = max(n, fewest)
    amounts = spread_out(median, widest * share, n)
    typo = statistics.median(amounts) * factor
    assert usual_of([*amounts, round(typo)]).above(round(typo))


def test_the_bounds_and_a_thin_history():
    assert rules.multiple(100_000, 100_000, 10) == rules.MIN_MULTIPLE == 5
    assert rules.multiple(100_000, 1, 10) == rules.MAX_MULTIPLE == 100
    assert rules.multiple(100_000, 0, 10) == 100
    assert rules.multiple(300_000, 100_000, 10) == 27                   # 3³
    assert rules.multiple(300_000, 100_000, 9) == rules.THIN_MULTIPLE == 20
    three = usual_of([9_000_000, 10_000_000, 11_000_000])               # 90,000–110,000 USD
    assert three.multiple == 20
    assert three.above(1_000_000_000) and not three.above(150_000_000)
    ten = usual_of([9_000_000, 10_000_000, 11_000_000] * 3 + [10_000_000])
    assert ten.multiple == 5 and ten.above(100_000_000) and not ten.above(40_000_000)


@pytest.fixture(scope="module")
def con():
    """One connection for every example (a new one costs more than the expression)."""
    with duckdb.connect() as c:
        yield c


@settings(max_examples=300, deadline=None)
@given(st.floats(1.0, 1e14), st.one_of(st.just(0.0), st.floats(1.0, 1e14), st.integers(1, 10**6).map(float)),
       st.integers(3, 30))
def test_sql_computes_the_multiple_python_does(con, median, low, n):
    (got,), = con.execute(f"SELECT {rules.multiple_sql('m', 'l', 'n')} FROM (SELECT ?::DOUBLE AS m, "
                          "?::DOUBLE AS l, ?::BIGINT AS n)", [median, low, n]).fetchall()
    assert got == rules.multiple(median, low, n)


def test_the_tenth_percentile_is_the_nearest_rank_in_duckdb():
    con = duckdb.connect()
    for n in [*range(1, 120), 1000, 1001, 99_999]:
        (got,), = con.execute(f"SELECT quantile_disc(i, {rules.LOW_FRACTION!r}) FROM range(1, ?) t(i)",
                              [n + 1]).fetchall()
        assert got == rules.low(list(range(1, n + 1))) == rules.low_rank(n)
