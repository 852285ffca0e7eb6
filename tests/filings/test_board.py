"""The status board (issue 10): each enterprise's one state for a month from its records —
filed in the portal (create / submit / review through filings.service) or imported — the
drafts beside it, the late flag before and after a deadline the admin moves into the past."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from shumao.access import accounts
from shumao.filing import board, service, windows
from shumao.store import connect
from tests.conftest import BACKENDS, copy_of, load_portal
from tests.web.conftest import CHEAP, PASSWORD

JUNE = dt.date(2024, 6, 1)
# sample-city enterprises by what the import gave them in June 2024
NOTHING = ["9199010207BTNKEK53", "9199010207W1J0199U", "9199010242QEY8BUXP",
           "919901025KRQA3U652", "91990102C8B614TH2K", "91990102FF80LWJ79G"]
APPROVED = "91990102205MGAMA0Q"          # one approved record
PENDING = "919901025C1TE00N3E"           # approved and pending (imported, awaiting review)
RETURNED = "91990102K56WRHWB1G"          # approved and returned
_ids = itertools.count(1)


@pytest.fixture(params=BACKENDS)
def city(request, tmp_path, templates):
    """The sample city with the portal's accounts, on each backend; June 2024 reopened."""
    with connect(copy_of(request, templates, "portal", request.param, load_portal, tmp_path)) as store:
        store.facts = templates.facts("portal", request.param)
        windows.set_window(store, JUNE, locked=False, actor="测试")
        yield store


def contract(store, enterprise: str, day: dt.date | str = "2024-06-05") -> int:
    """A draft contract of ``enterprise`` (a small amount: no check needs an explanation)."""
    values = {"contract_id": f"W-{next(_ids):04d}", "signed_on": str(day), "client_country": "美国",
              "category": "ITO", "amount": "1000", "currency": "USD"}
    return service.create(store, "contracts", values, enterprise, "测试")


def account(store, name: str, enterprise: str, email: str | None) -> None:
    accounts.add(store, name, "enterprise", PASSWORD, enterprise=enterprise, email=email, actor="测试", hasher=CHEAP)


def rows_by_id(store, month=JUNE, **kw) -> dict[str, board.Row]:
    return {r.enterprise_id: r for r in board.build(store, month, **kw).rows}


@pytest.mark.parametrize("counts, expected", [
    ({}, "unfiled"), ({"draft": 0}, "unfiled"),
    ({"draft": 2}, "drafted"),
    ({"draft": 1, "submitted": 1}, "waiting"), ({"pending": 1, "approved": 3}, "waiting"),
    ({"returned": 1, "submitted": 2, "approved": 1}, "returned"), ({"returned": 1, "draft": 1}, "returned"),
    ({"approved": 4}, "approved"), ({"approved": 1, "draft": 1}, "approved"),
])
def test_state_rule(counts, expected):
    assert board.state(counts) == expected
    assert board.STATE_ZH[expected] in ("未填报", "已填报", "待审核", "已退回", "已通过")


def test_every_state_from_filings_and_imports(city):
    nothing, drafted, waiting, returned, approved, _ = NOTHING
    contract(city, drafted)
    service.submit(city, contract(city, waiting), {}, "测试")
    fid = contract(city, returned)
    service.submit(city, fid, {}, "测试")
    service.review(city, fid, "return", "金额请核对", "审核员")
    fid = contract(city, approved)
    service.submit(city, fid, {}, "测试")
    service.review(city, fid, "approve", None, "审核员")
    contract(city, APPROVED)                      # a draft beside an imported approved record

    rows = rows_by_id(city)
    assert len(rows) == len(city.records.enterprises())
    state = {k: r.state for k, r in rows.items()}
    assert state[nothing] == "unfiled" and rows[nothing].counts == {}
    assert state[drafted] == "drafted" and rows[drafted].drafts == 1
    assert state[waiting] == "waiting" and rows[waiting].counts == {"submitted": 1}
    assert state[returned] == "returned" and state[approved] == "approved"
    assert state[APPROVED] == "approved" and rows[APPROVED].drafts == 1
    assert state[PENDING] == "waiting" and state[RETURNED] == "returned"
    # the portal's submissions carry their time; imported records none
    assert rows[waiting].first_submitted_at is not None and rows[PENDING].first_submitted_at is None
    b = board.build(city, JUNE)
    assert sum(b.counts.values()) == len(rows) and b.counts["drafted"] == 1


def test_late_flag_and_a_deadline_moved_into_the_past(city):
    today = dt.date.today()
    month = today.replace(day=1)
    ontime, silent = NOTHING[0], NOTHING[1]
    service.submit(city, contract(city, ontime, today), {}, "测试")
    rows = rows_by_id(city, month)
    assert not rows[ontime].late and not rows[silent].late    # the 10th of next month is ahead
    # the admin moves the deadline to yesterday: the submission made today is now late, and
    # so is everyone who has submitted nothing; imported-only enterprises are not
    closes = today - dt.timedelta(days=1)
    windows.set_window(city, month, opens=closes - dt.timedelta(days=5), closes=closes, actor="管理员")
    rows = rows_by_id(city, month)
    assert rows[ontime].late and rows[silent].late
    assert rows[silent].state == "unfiled"
    # June 2024: its deadline passed long ago, so the unfiled are late and the approved not
    june = rows_by_id(city)
    assert june[silent].late and not june[APPROVED].late


def test_a_reviewer_sees_its_region_and_filters_sort(city):
    region = city.facts["region"]
    rows = board.build(city, JUNE, region=region).rows
    assert rows and {r.region for r in rows} == {region}
    b = board.build(city, JUNE)
    picked = board.select(b.rows, "unfiled", region, "name")
    assert picked and all(r.state == "unfiled" and r.region == region for r in picked)
    assert [r.name for r in picked] == sorted(r.name for r in picked)
    with pytest.raises(ValueError, match="状态只能是"):
        board.select(b.rows, "done")
    with pytest.raises(ValueError, match="排序只能按"):
        board.select(b.rows, sort="size")


def test_default_month_follows_the_deadline(city):
    assert board.default_month(city, dt.date(2026, 7, 10)) == dt.date(2026, 6, 1)
    assert board.default_month(city, dt.date(2026, 7, 11)) == dt.date(2026, 7, 1)
    assert board.default_month(city, dt.date(2026, 1, 3)) == dt.date(2025, 12, 1)
    windows.set_window(city, dt.date(2026, 6, 1), closes=dt.date(2026, 7, 20), actor="管理员")
    assert board.default_month(city, dt.date(2026, 7, 15)) == dt.date(2026, 6, 1)


def test_export_is_the_shown_rows(city, tmp_path):
    from python_calamine import CalamineWorkbook

    rows = board.select(board.build(city, JUNE).rows, "approved")
    board.write(tmp_path / "b.xlsx", rows)
    sheet = CalamineWorkbook.from_path(str(tmp_path / "b.xlsx")).get_sheet_by_index(0).to_python()
    assert tuple(sheet[0]) == board.COLUMNS and len(sheet) == len(rows) + 1
    assert {r[3] for r in sheet[1:]} == {"已通过"}
    board.write(tmp_path / "b.csv", rows)
    text = (tmp_path / "b.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].split(",")[:4] == ["统一社会信用代码", "企业名称", "区县", "状态"]
