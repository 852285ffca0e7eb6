"""Completeness before publication (issue 21): a month of the period with far fewer records
than the same enterprises' usual month stops ``shumao bulletin`` (naming the month and how far
below) unless ``--allow-incomplete``; then the issue's notes say that the latest month is
preliminary in every channel.  The rule itself (model.rules.short_months) on its edges: a
store's first months, an enterprise that stopped reporting, months without any record."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest

from shumao.errors import IncompleteMonths
from shumao.indicators.completeness import short
from shumao.model.periods import Period
from shumao.model.rules import COMPARE_MONTHS, MIN_COMPARE_MONTHS, ShortMonth, short_months
from tests.bulletin.conftest import make_content
from tests.conftest import run_cli, sql

KEEP = 8          # of the sample city's September 2024 records (usual: 37 a month)
NOTE = "注：2024年9月数据为初步数据，可能随补报修订。"


def hold_back(store, month: int, keep: int = KEEP) -> None:
    """Most of ``month`` 2024's approved records back to submitted, as if most enterprises
    had not yet reported (only approved records count): its contracts (with their executions,
    which are never earlier), and its executions but the first ``keep``."""
    first = dt.date(2024, month, 1)
    last = dt.date(2024, month + 1, 1) - dt.timedelta(days=1)
    sql(store, "UPDATE contracts SET status = 'submitted' WHERE signed_on BETWEEN ? AND ?", [first, last])
    sql(store, "UPDATE executions SET status = 'submitted' WHERE contract_id IN "
               "(SELECT contract_id FROM contracts WHERE signed_on BETWEEN ? AND ?)", [first, last])
    sql(store, "UPDATE executions SET status = 'submitted' WHERE executed_on BETWEEN ? AND ? AND "
               "execution_id NOT IN (SELECT execution_id FROM executions WHERE executed_on BETWEEN ? AND ? "
               f"AND status = 'approved' ORDER BY execution_id LIMIT {keep})", [first, last, first, last])


def september(store) -> list[ShortMonth]:
    with store.reading() as con:
        return short(con, Period.parse("2024-01..2024-09"))


# -- the store's query, on both backends -----------------------------------------------------

def test_a_complete_period_has_no_short_month(sample_store):
    assert september(sample_store) == []


def test_the_month_held_back_is_short_with_its_ratio_and_basis(sample_store):
    hold_back(sample_store, 9)
    found = september(sample_store)
    assert [(s.year, s.month, s.records) for s in found] == [(2024, 9, KEEP)]
    s = found[0]
    assert s.months == COMPARE_MONTHS and s.usual == 37 and s.enterprises > 10
    assert s.words().startswith(f"2024年9月：{KEEP} 条记录，仅为这些企业通常月份（中位数 37 条）的 22%")
    assert "此前12个月内有记录的" in s.words()


def test_an_empty_store_and_a_stores_first_months_say_nothing(store, sample_store):
    """No record at all, and the sample city's first months (no history before them)."""
    with store.reading() as con:
        assert short(con, Period.parse("2024")) == []
    first = sql(sample_store, "SELECT MIN(signed_on) FROM contracts")[0][0]
    with sample_store.reading() as con:
        assert short(con, Period(first.year, first.month, min(12, first.month + 2))) == []
        assert short(con, Period(first.year - 1, 1, 12)) == []       # before any record: all zero


# -- shumao bulletin -------------------------------------------------------------------------

@pytest.fixture
def short_store(tmp_path, sample_url):
    from shumao.store import connect

    with connect(sample_url) as s:
        hold_back(s, 9)
    return sample_url


def bulletin(tmp_path, db, *flags: str, formats: str = "pdf,docx,html,email,wechat") -> subprocess.CompletedProcess:
    content = tmp_path / "content"
    if not content.exists():
        make_content(content)
    return run_cli("bulletin", content, "--db", db, "--out", tmp_path / "out", "--formats", formats, *flags)


def test_the_cli_refuses_naming_the_month_and_writes_nothing(tmp_path, short_store):
    p = bulletin(tmp_path, short_store, formats="pdf")
    assert p.returncode == IncompleteMonths.exit_code == 1
    assert "2024年9月：8 条记录，仅为这些企业通常月份（中位数 37 条）的 22%" in p.stderr
    assert "记录远少于往常" in p.stderr and "请加 --allow-incomplete" in p.stderr
    out = tmp_path / "out"
    assert not out.exists() or list(out.iterdir()) == []        # nothing written, not even a part


def test_allow_incomplete_publishes_and_every_channel_says_preliminary(tmp_path, short_store):
    p = bulletin(tmp_path, short_store, "--allow-incomplete", "--allow-flagged")
    assert p.returncode == 0, p.stderr
    assert "已按 --allow-incomplete 发布" in p.stderr and "2024年9月" in p.stderr
    out = {f.suffix: f for f in (tmp_path / "out").iterdir()}
    pdf = subprocess.run(["pdftotext", out[".pdf"], "-"], capture_output=True, text=True).stdout
    assert "初步数据，可能随补报修订" in "".join(pdf.split())
    html = out[".html"].read_text(encoding="utf-8")
    assert NOTE in html and "shumao:incomplete-months" in html
    assert NOTE in _docx_text(out[".docx"])
    eml = out[".eml"].read_bytes()
    import email
    from email import policy

    msg = email.message_from_bytes(eml, policy=policy.default)
    bodies = [part.get_content() for part in msg.walk() if part.get_content_type() in ("text/plain", "text/html")]
    def text(html: str) -> str:          # the note's key is a box of its own (inline.py)
        return re.sub(r"<[^>]+>", "", html)

    assert len(bodies) == 2 and all(NOTE in text(b) for b in bodies)
    article = next(out[".wechat"].glob("*.html")).read_text(encoding="utf-8")
    assert NOTE in text(article)


def test_a_complete_period_publishes_without_warning_or_note(tmp_path, sample_db):
    p = bulletin(tmp_path, sample_db, formats="html,docx")
    assert p.returncode == 0, p.stderr
    assert "allow-incomplete" not in p.stderr and "记录远少于" not in p.stderr
    out = {f.suffix: f for f in (tmp_path / "out").iterdir()}
    html = out[".html"].read_text(encoding="utf-8")
    assert "初步数据" not in html and "incomplete-months" not in html
    assert "初步数据" not in _docx_text(out[".docx"])


def test_an_earlier_short_month_warns_but_is_not_called_preliminary(tmp_path, sample_url):
    """Only the latest month is preliminary: a short month in the middle is confirmed but
    the notes say nothing of it."""
    from shumao.store import connect

    with connect(sample_url) as s:
        hold_back(s, 5, keep=0)
        found = september(s)
    assert [(f.month, f.records < f.usual / 3) for f in found] == [(5, True)]
    p = bulletin(tmp_path, sample_url, "--allow-incomplete", "--allow-flagged", formats="html")
    assert p.returncode == 0, p.stderr
    assert "初步数据" not in next((tmp_path / "out").glob("*.html")).read_text(encoding="utf-8")


def _docx_text(path) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


# -- the rule on its edges (pure) ------------------------------------------------------------

def counts(*rows: tuple[str, int, int, int]) -> dict[tuple[str, int, int], int]:
    return {(e, y, m): n for e, y, m, n in rows}


def steady(enterprises: dict[str, int], year: int, months: range) -> list[tuple[str, int, int, int]]:
    return [(e, year, m, n) for e, n in enterprises.items() for m in months]


def test_a_stores_first_months_say_nothing():
    """No history at all, or fewer than MIN_COMPARE_MONTHS months of it: no warning, no crash,
    even for a month without records."""
    assert short_months({}, [(2024, 1)], None) == []
    rows = counts(*steady({"A": 30, "B": 20}, 2024, range(1, MIN_COMPARE_MONTHS)))
    assert short_months(rows, [(2024, m) for m in range(1, MIN_COMPARE_MONTHS + 1)], (2024, 1)) == []
    rows = counts(*steady({"A": 30, "B": 20}, 2024, range(1, MIN_COMPARE_MONTHS + 1)))
    assert short_months(rows, [(2024, MIN_COMPARE_MONTHS + 1)], (2024, 1))[0].records == 0


def test_months_before_the_first_record_are_no_history():
    """A store that begins in March: January and February before it are not months of 0."""
    rows = counts(*steady({"A": 30}, 2024, range(3, 7)), ("A", 2024, 7, 25))
    assert short_months(rows, [(2024, 7)], (2024, 3)) == []


def test_a_month_without_any_record_is_short_at_zero_percent():
    rows = counts(*steady({"A": 30, "B": 20}, 2023, range(1, 13)))
    found = short_months(rows, [(2024, 1), (2024, 2)], (2023, 1))
    assert [(s.month, s.records, s.usual, s.percent) for s in found] == [(1, 0, 50, 0), (2, 0, 50, 0)]
    assert found[0].words().startswith("2024年1月：0 条记录，仅为这些企业通常月份（中位数 50 条）的 0%")


def test_an_enterprise_that_stopped_reporting():
    """A small member that stopped is no warning; one that stopped long ago has left the
    usual month; the largest one stopping this month is (its records are missing)."""
    history = steady({"big": 90, "small": 10}, 2023, range(1, 13))
    rows = counts(*history, ("big", 2024, 1, 90))
    assert short_months(rows, [(2024, 1)], (2023, 1)) == []
    long_ago = counts(*steady({"big": 90}, 2023, range(1, 4)), *steady({"small": 10}, 2023, range(1, 13)),
                      ("small", 2024, 1, 10))
    assert short_months(long_ago, [(2024, 1)], (2023, 1)) == []
    rows = counts(*history, ("small", 2024, 1, 10))
    [s] = short_months(rows, [(2024, 1)], (2023, 1))
    assert (s.records, s.usual, s.percent, s.enterprises) == (10, 100, 10, 2)


def test_the_boundary_is_below_one_third_and_new_members_do_not_count():
    rows = counts(*steady({"A": 30}, 2023, range(1, 13)), ("A", 2024, 1, 10), ("new", 2024, 1, 500))
    assert short_months(rows, [(2024, 1)], (2023, 1)) == []          # exactly a third: not below
    rows = counts(*steady({"A": 30}, 2023, range(1, 13)), ("A", 2024, 1, 9), ("new", 2024, 1, 500))
    [s] = short_months(rows, [(2024, 1)], (2023, 1))
    assert (s.records, s.percent) == (9, 30)


def test_the_words_round_and_separate_thousands():
    s = ShortMonth(2024, 6, 312, 1050, 40, 12)
    assert s.words().startswith("2024年6月：312 条记录，仅为这些企业通常月份（中位数 1,050 条）的 30%")
    assert ShortMonth(2024, 6, 1, 2.5, 2, 4).words().startswith("2024年6月：1 条记录，仅为这些企业通常月份（中位数 2.5 条）的 40%")
