"""The audit log in words (issue 20 AD-3): every action the package writes has a Chinese
name, every entry's detail is a sentence without Python values, and the log filters by
person, action and day."""

from __future__ import annotations

import datetime as dt
import re

from shumao.filing import windows
from shumao.web import audit as audit_words
from tests.conftest import REPO
from tests.web.test_filings import MONTH, contract, submit
from tests.web.test_filings import store as store  # noqa: F401  (fixture)
from tests.web.test_filings import user as user  # noqa: F401  (fixture)


def _written() -> set[str]:
    """Every action as the package writes it: audit.append(actor, "x", …) (or through a
    thread pool), action="x", ("filing-x", {…}); "filing-" + a decision, a revision."""
    found = set()
    for path in (REPO / "shumao").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r'audit\.append[(,]\s*[^,]+,\s*"([a-z-]+)"', text):
            if not m.group(1).endswith("-"):           # "filing-" + decision: below
                found.add(m.group(1))
        for m in re.finditer(r'action="([a-z-]+)"', text):
            found.add(m.group(1))
        for m in re.finditer(r'\("(filing-[a-z]+)", \{', text):
            found.add(m.group(1))
    found |= {"filing-" + a for a in ("create", "edit", "submit", "approve", "return")}
    found.add("bulletin-revise")
    return found


def test_every_action_the_package_writes_has_chinese_words():
    written = _written()
    assert {"login", "window-set", "password-reset", "user-enable", "filing-create"} <= written
    assert written <= set(audit_words.ACTIONS), written - set(audit_words.ACTIONS)
    assert all(re.search(r"[\u4e00-\u9fff]", w) for w in audit_words.ACTIONS.values())


def _table(text: str) -> str:
    return text.split('<table class="data audit">')[1].split("</table>")[0]


def test_the_log_is_in_words_without_codes_or_python_values(store, user, client):
    windows.set_window(store, MONTH, locked=True, actor="admin")
    windows.set_window(store, MONTH, locked=False, actor="admin")
    ent, rev = user("enterprise"), user("reviewer")
    fid = contract(ent).json()["id"]
    assert submit(ent, fid).status_code == 200
    assert rev.post(f"/api/v1/review/{fid}", json={"decision": "return", "comment": "金额请核对"}).status_code == 200
    text = client("admin").get("/admin/audit").text
    table = _table(text)
    cells = re.sub(r"<[^>]+>", " ", table)
    for raw in ("None", "True", "False", "{", "}", "'", "filing-", "window-set", "：contracts", "kind",
                "submitted", "enterprise_id", "user-add"):
        assert raw not in cells, raw
    for words in ("2024年12月：锁定", "2024年12月：重新开放", "新建填报记录", "提交审核", "退回修改",
                  "意见：金额请核对", "新增账号", "导入数据", "合同（签约） W-C1", "原状态：待审核"):
        assert words in cells, words
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", cells)


def test_the_log_filters_by_person_action_and_day(store, client):
    windows.set_window(store, MONTH, locked=True, actor="admin")
    admin = client("admin")
    r = admin.get("/admin/audit", params={"action": "window-set"})
    rows = _table(r.text).count("<tr>") - 1
    assert r.status_code == 200 and rows >= 2 and "新增账号" not in _table(r.text)
    r = admin.get("/admin/audit", params={"actor": "测试", "action": "user-add"})
    assert _table(r.text).count("新增账号") == 7 and "锁定" not in _table(r.text)
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    r = admin.get("/admin/audit", params={"from": str(today), "to": str(today), "actor": "admin"})
    assert "锁定" in _table(r.text)
    r = admin.get("/admin/audit", params={"to": str(today - dt.timedelta(days=1))})
    assert "没有符合条件的记录" in r.text
    r = admin.get("/admin/audit", params={"from": "2026-13-01"})
    assert r.status_code == 400 and "开始日期“2026-13-01”不是日期" in r.text
    api = admin.get("/api/v1/audit", params={"action": "window-set", "actor": "admin"}).json()
    assert api and {e["action"] for e in api} == {"window-set"}
    r = admin.get("/api/v1/audit", params={"to": "tomorrow"})
    assert r.status_code == 400 and "结束日期" in r.json()["error"]["message"]


def test_an_unknown_or_odd_detail_is_still_words():
    assert audit_words.said("something-new", {"flag": True, "none": None, "list": [1, 2]}) == \
        "flag：是；none：无；list：1、2"
    assert audit_words.said("window-set", {"month": "2024-12", "from": None, "opens": None,
                                           "closes": "2025-01-10", "locked": None}) == \
        "2024年12月：截止日期由不限改为2025年1月10日"
