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


# -- the words the pages print are read back (portal-ux S-2) -------------------------------------
ALL = [Period(y, f, last) for y in (1900, 2023, 2024, 9999) for f in range(1, 13) for last in range(f, 13)]


@pytest.mark.parametrize("p", ALL, ids=str)
def test_every_periods_words_read_back_as_the_period(p):
    assert Period.parse(p.words()) == p
    assert Period.parse(p.short()) == p and Period.parse(str(p)) == p


@pytest.mark.parametrize("text, code", [
    ("2023年1-6月", "2023-01..2023-06"), ("2023年上半年", "2023-01..2023-06"),
    ("2023年下半年", "2023-07..2023-12"), ("2023年三季度", "2023-07..2023-09"),
    ("2023年第三季度", "2023-07..2023-09"), ("2023年3季度", "2023-07..2023-09"),
    ("2023年", "2023-01..2023-12"), ("2023年全年", "2023-01..2023-12"), ("2023年3月", "2023-03"),
    ("2024年1-9月", "2024-01..2024-09"), ("2024年前三季度", "2024-01..2024-09"),
    ("2024年2-4月", "2024-02..2024-04"), ("2024年1月至6月", "2024-01..2024-06"),
    ("2024年1—6月", "2024-01..2024-06"), ("2024年1～6月", "2024-01..2024-06"),
    (" 2024 年 3 月 ", "2024-03"), ("２０２４年３月", "2024-03"), ("２０２４Ｑ２", "2024-04..2024-06"),
])
def test_the_words_clerks_type_are_periods(text, code):
    assert str(Period.parse(text)) == code


@pytest.mark.parametrize("bad, says", [
    ("2023年13月", "月份“13”无效"), ("2023年6-1月", "起止月份颠倒"), ("2023年0月", "月份“0”无效"),
    ("2023年五季度", "无法识别"), ("2023年第0季度", "无法识别"), ("今年上半年", "无法识别"),
    ("2023年上半年年", "无法识别"), ("2023年1-6", "无法识别"), ("23年3月", "无法识别"),
    ("2023年3月<script>", "无法识别"), ("2023年" + "1" * 10_000 + "月", "无法识别"),
    ("0999年3月", "年份“999”无效"), ("2023年\x003月", "无法识别"),
])
def test_words_outside_the_grammar_say_what_is_wrong(bad, says):
    with pytest.raises(PeriodError, match=says):
        Period.parse(bad)
