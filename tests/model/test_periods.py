import datetime as dt

import pytest

from shumao.errors import PeriodError
from shumao.model.periods import Period


@pytest.mark.parametrize("text, words, start, end", [
    ("2024-03", "2024年3月", "2024-03-01", "2024-03-31"),
    ("2024Q1", "2024年一季度", "2024-01-01", "2024-03-31"),
    ("2024Q2", "2024年二季度", "2024-04-01", "2024-06-30"),
    ("2024H1", "2024年上半年", "2024-01-01", "2024-06-30"),
    ("2024H2", "2024年下半年", "2024-07-01", "2024-12-31"),
    ("2024", "2024年全年", "2024-01-01", "2024-12-31"),
    ("2024-01..2024-09", "2024年前三季度", "2024-01-01", "2024-09-30"),
    ("2024-01..2024-08", "2024年1-8月", "2024-01-01", "2024-08-31"),
    ("2024-02..2024-02", "2024年2月", "2024-02-01", "2024-02-29"),
])
def test_grammar(text, words, start, end):
    p = Period.parse(text)
    assert (p.words(), p.start.isoformat(), p.end.isoformat()) == (words, start, end)
    assert p.previous_year().start == dt.date(p.year - 1, p.first, 1)
    assert p.words(relative=True) == words.replace("2024年", "今年")


@pytest.mark.parametrize("bad", ["2024Q5", "2024-13", "2023-11..2024-02", "2024-05..2024-03", "去年", ""])
def test_bad_periods(bad):
    with pytest.raises(PeriodError):
        Period.parse(bad)


@pytest.mark.parametrize("bad, says", [
    ("2024-03..2024-01", "起止月份颠倒"),          # not "months invalid": say what is wrong
    ("2024-13", "月份“13”无效"),
    ("2023-11..2024-02", "跨年"),
])
def test_period_messages_say_what_is_wrong(bad, says):
    with pytest.raises(PeriodError, match=says):
        Period.parse(bad)


@pytest.mark.parametrize("text, short", [
    ("2024-03", "2024-03"), ("2024-01..2024-03", "2024Q1"), ("2024-10..2024-12", "2024Q4"),
    ("2024-01..2024-06", "2024H1"), ("2024-07..2024-12", "2024H2"), ("2024-01..2024-12", "2024"),
    ("2024-01..2024-09", "2024-01..2024-09"), ("2024-02..2024-04", "2024-02..2024-04"),
])
def test_the_shortest_spelling_reads_back_as_the_same_period(text, short):
    p = Period.parse(text)
    assert p.short() == short and Period.parse(short) == p
