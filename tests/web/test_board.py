"""填报进度 (the status board) and its reminder e-mails in the portal: staff and admin see
every enterprise, a reviewer its region's, an enterprise nothing; filters, sorting and the
export work without JavaScript; 发送催报邮件 confirms who will get one, then sends through
the configured SMTP server (a local one here) and shows who did."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest

from shumao.filing import board, reminders, service, windows
from shumao.web.app import create_app
from tests.html import Tags
from tests.smtp import smtp_server  # noqa: F401
from tests.web.conftest import csrf_of

JUNE = dt.date(2024, 6, 1)
PAGE = "/board?period=2024-06"


@pytest.fixture
def app(portal_store, smtp_server):  # noqa: F811 — the portal with the local SMTP server
    windows.set_window(portal_store, JUNE, locked=False, actor="测试")
    return create_app(portal_store, mail=smtp_server[1])


def _rows(html: str) -> list[str]:
    """The state of each enterprise row, in page order."""
    return [a["data-state"] for t, a in Tags(html).tags if t == "tr" and "data-state" in a]


def test_staff_see_every_enterprise_with_counts(client, portal_store):
    first = portal_store.facts["first"]
    service.create(portal_store, "contracts", {
        "contract_id": "B-1", "signed_on": "2024-06-03", "client_country": "日本", "category": "ITO",
        "amount": "500"}, first, "enterprise")
    r = client("staff").get(PAGE)
    assert r.status_code == 200
    states = _rows(r.text)
    assert len(states) == len(portal_store.records.enterprises())
    counts = board.build(portal_store, JUNE).counts
    assert states == sorted(states, key=list(board.STATE_ZH).index)   # by state by default
    for code, zh in board.STATE_ZH.items():
        assert re.search(rf"{zh}<small>{counts[code]}</small>", r.text)
    assert "草稿1条，未提交" in r.text and "逾期" in r.text
    assert "截止日期：2024年7月10日" in r.text and 'href="/board' in r.text
    assert '<a href="/board" aria-current="page">填报进度</a>' in r.text


def test_filters_sort_and_bad_values(client, portal_store):
    c = client("staff")
    r = c.get(PAGE + "&state=unfiled&sort=name")
    assert set(_rows(r.text)) == {"unfiled"}
    names = re.findall(r'<td class="name">([^<]+)</td>', r.text)
    assert names == sorted(names)
    region = portal_store.facts["region"]
    r = c.get(PAGE, params={"region": region})
    assert len(_rows(r.text)) == sum(e["region"] == region for e in portal_store.records.enterprises())
    r = c.get("/board?period=2024-13")
    assert r.status_code == 400 and "月份“2024-13”无效" in r.text
    r = c.get(PAGE + "&sort=size")
    assert r.status_code == 400 and "排序只能按" in r.text


def test_a_reviewer_sees_its_region_only_and_an_enterprise_nothing(client, portal_store):
    region = portal_store.facts["region"]
    r = client("reviewer").get(PAGE)
    assert r.status_code == 200 and f"仅{region}的企业" in r.text
    mine = [e for e in portal_store.records.enterprises() if e["region"] == region]
    assert len(_rows(r.text)) == len(mine)
    other = portal_store.records.enterprise(portal_store.facts["second"])
    assert other["name"] not in r.text and "发送催报邮件" not in r.text
    csv_text = client("reviewer").get("/board/export?period=2024-06&format=csv").content.decode("utf-8-sig")
    assert {row["区县"] for row in csv.DictReader(io.StringIO(csv_text))} == {region}
    assert client("reviewer").get("/board/remind?period=2024-06").status_code == 403
    assert client("enterprise").get(PAGE).status_code == 403
    assert 'href="/board"' not in client("enterprise").get("/").text


def test_export(client, portal_store):
    r = client("staff").get("/board/export?period=2024-06&state=approved&format=xlsx")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxml")
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(
        client("staff").get("/board/export?period=2024-06&state=approved&format=csv").content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == board.COLUMNS and {r[3] for r in rows[1:]} == {"已通过"}


def test_reminders_confirm_then_send(client, portal_store, smtp_server):  # noqa: F811
    inbox, _ = smtp_server
    facts = portal_store.facts
    portal_store.users.update("enterprise", "测试", email="first@example.com")
    portal_store.users.update("other", "测试", email="other@example.com")
    # 'other' files: it gets none
    fid = service.create(portal_store, "contracts", {
        "contract_id": "B-2", "signed_on": "2024-06-03", "client_country": "日本", "category": "ITO",
        "amount": "500"}, facts["second"], "other")
    service.submit(portal_store, fid, {}, "other")
    c = client("staff")
    page = c.get(PAGE).text
    assert 'action="/board/remind"' in page
    r = c.get("/board/remind?period=2024-06")
    assert r.status_code == 200
    assert "first@example.com" in r.text and "other@example.com" not in r.text
    # AD-7: the enterprises with no account at all are apart from those not filed
    assert "确认发送 1 封催报邮件" in r.text and "还没有企业填报员账号（无法在门户填报，也无法催报）" in r.text
    assert reminders.NO_ADDRESS not in r.text          # both accounts have an address
    assert inbox.received == []                                   # the confirmation sends nothing
    assert c.post("/board/remind", data={"period": "2024-06"}).status_code == 403   # no CSRF token
    r = c.post("/board/remind", data={"period": "2024-06", "csrf_token": csrf_of(r.text)})
    assert r.status_code == 200 and "已发送 1 封" in r.text and "first@example.com" in r.text
    assert inbox.recipients == ["first@example.com"]
    assert inbox.received[0].message["Subject"].startswith("【催报】2024年6月")
    [logged] = portal_store.windows.reminders(JUNE)
    assert logged["sent_by"] == "staff" and logged["error"] is None
    name = re.escape(portal_store.records.enterprise(facts["first"])["name"])
    row = re.search(rf'<tr data-state="unfiled">\s*<td class="name">{name}</td>.*?</tr>',
                    c.get(PAGE).text, re.S)
    assert row and "1 次" in row.group(0)


def test_no_smtp_server_is_refused_and_nothing_logged(portal_store, client):
    from fastapi.testclient import TestClient

    from tests.web.conftest import sign_in

    portal_store.users.update("enterprise", "测试", email="first@example.com")
    bare = create_app(portal_store, mail=reminders.MailSettings())
    c = TestClient(bare, follow_redirects=False)      # not entered: its shutdown closes the store
    sign_in(c, "admin")
    r = c.get("/board/remind?period=2024-06")
    assert "SHUMAO_SMTP_HOST" in r.text and "确认发送" not in r.text
    r = c.post("/board/remind", data={"period": "2024-06", "csrf_token": csrf_of(r.text)})
    assert r.status_code == 503 and "尚未配置发送邮件所需的设置" in r.text
    assert portal_store.windows.reminders(JUNE) == []


def test_a_locked_month_sends_no_reminders(client, portal_store):
    windows.set_window(portal_store, JUNE, locked=True, actor="测试")
    c = client("admin")
    r = c.get("/board/remind?period=2024-06")
    assert "已被管理员锁定" in r.text and "确认发送" not in r.text
    r = c.post("/board/remind", data={"period": "2024-06", "csrf_token": csrf_of(r.text)})
    assert r.status_code == 409 and "不发送催报邮件" in r.text
