"""数据版本 in the portal (web/routes/vintages.py, ``GET /api/v1/report?vintage=``), on each
backend: staff freeze the 数据月报 a page shows (a CSRF-protected form), a later return
changes today's figures, and the API answers the report as published — text and JSON byte
for byte — while the revisions (page and API) name the record that moved each figure, each
linking to its enterprise.  Wrong ids and periods are refused in Chinese; other roles get
404 where an id would leak.  A bulletin's publication freezes one too (its list links it);
on a 390 px phone the pages fit, with no inline script."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from shumao.report.data import as_json
from shumao.report.service import ReportSettings, build_report
from shumao.store import connect
from tests.conftest import BACKENDS, copy_of, load_portal
from tests.html import Tags
from tests.support.records import set_status
from tests.web.conftest import ON_DUCKDB, csrf_of, sign_in

RETURNED = "ZX0000000337"          # an approved execution of 2024-04, returned after publication
QUERY = "period=2024Q2&region=示例市"


@pytest.fixture
def site(request, tmp_path, templates):
    """The portal over the sample city on each backend; ``make(name)`` a signed-in client."""
    from shumao.web.app import create_app

    backend = request.param
    with connect(copy_of(request, templates, "portal", backend, load_portal, tmp_path)) as store:
        facts = templates.facts("portal", backend)
        app = create_app(store)
        made: list[TestClient] = []

        def make(name: str | None = None) -> TestClient:
            c = TestClient(app, follow_redirects=False)
            made.append(c)
            if name:
                assert sign_in(c, name).status_code == 303
            return c

        yield store, make, facts
        for c in made:
            c.close()


def _no_inline_script(html: str) -> None:
    for attrs, text in Tags(html).scripts:
        assert attrs.get("src") or attrs.get("type") == "application/json" or not text.strip(), attrs


@pytest.mark.parametrize("site", BACKENDS, indirect=True)
def test_freeze_then_the_published_report_and_its_revisions(site):
    store, make, _ = site
    staff = make("staff")
    published = build_report(store, "2024Q2", ReportSettings(region="示例市", short="我市"))
    page = staff.get(f"/report?{QUERY}")
    assert page.status_code == 200 and re.search(r'href="/report/freeze\?[^"]*period=2024Q2', page.text)
    assert "看到的全市数字就是这一版" in page.text
    _no_inline_script(page.text)
    # S-10: a confirmation first, saying that members will see the frozen figures
    confirm = staff.get("/report/freeze?period=2024Q2&region=示例市")
    assert confirm.status_code == 200 and "发布并冻结示例市2024年二季度数据？" in confirm.text
    assert "各会员企业会看到这一版" in confirm.text and 'name="confirm" value="true"' in confirm.text
    _no_inline_script(confirm.text)
    form = {"period": "2024Q2", "region": "示例市"}
    assert staff.post("/report/freeze", data=form).status_code == 403          # no CSRF token
    r = staff.post("/report/freeze", data={**form, "csrf_token": csrf_of(page.text)})   # not confirmed
    assert r.status_code == 303 and r.headers["location"].startswith("/report/freeze?period=2024Q2")
    assert store.vintages.all() == []
    r = staff.post("/report/freeze", data={**form, "confirm": "true", "csrf_token": csrf_of(page.text)})
    assert r.status_code == 303 and r.headers["location"] == "/vintages/1?done=frozen"
    frozen = staff.get(r.headers["location"])
    assert frozen.status_code == 200 and "已发布并冻结本期数据" in frozen.text
    assert "看到的全市数字为这一版" in frozen.text
    assert "发布以来没有变动" in frozen.text and "2024年二季度示例市服务外包合同签约额" in frozen.text
    assert store.audit.latest(1)[0]["action"] == "vintage"

    set_status(store, "executions", RETURNED, "returned", "审核员", "合同已终止")   # after publication
    today = staff.get(f"/api/v1/report?{QUERY}&format=text").text
    assert today != published.text
    for query in ("vintage=1&format=text", "vintage=1&period=2024Q2&format=text",
                  "vintage=1&period=2024-04..2024-06&format=text"):
        r = staff.get(f"/api/v1/report?{query}")
        assert r.status_code == 200 and r.content == published.text.encode(), query
    r = staff.get("/api/v1/report?vintage=1")
    assert r.status_code == 200 and r.content == as_json(published).encode()
    assert r.headers["content-type"].startswith("application/json")

    revs = staff.get("/api/v1/vintages/1/revisions").json()
    figures = {f["id"]: f for f in revs["figures"]}
    assert [m["id"] for m in figures["exec_total"]["records"]] == [RETURNED]
    assert figures["signed_total"]["records"] == [] and figures["exec_onshore"]["records"] == []
    moved = figures["exec_total"]["records"][0]
    assert (moved["kind"], moved["change"], moved["new_cents"], moved["now"]) == (
        "execution", "removed", None, "现为“退回”")
    assert figures["exec_total"]["difference_cents"] == -moved["old_cents"]
    assert figures["exec_total"]["published_cents"] == published.ind["exec_total"].current
    listed = staff.get("/api/v1/vintages").json()
    assert [(v["id"], v["source"], v["period"], v["created_by"]) for v in listed] == [
        (1, "report", "2024-04..2024-06", "staff")]
    assert listed[0]["links"]["revisions"] == "/api/v1/vintages/1/revisions"

    page = staff.get("/vintages/1")
    assert page.status_code == 200 and RETURNED in page.text
    assert f'href="/members/{moved["enterprise_id"]}?period=2024-04..2024-06"' in page.text
    assert "不再计入" in page.text and "个指标有变动" in page.text
    _no_inline_script(page.text)
    listing = staff.get("/vintages")
    assert listing.status_code == 200 and 'href="/vintages/1"' in listing.text
    assert 'href="/vintages/1"' in staff.get(f"/report?{QUERY}").text       # 本期已冻结的版本


@pytest.mark.parametrize(("query", "status", "code", "words"), [
    ("?vintage=1&period=2024-06", 400, "vintage-period", "第 1 号数据版本是2024年二季度（2024Q2）"),
    ("?vintage=1&region=大连市", 400, "vintage-settings", "不能再指定 region 或 short"),
    ("?vintage=2", 404, "unknown-vintage", "没有编号为“2”的数据版本"),
    ("?vintage=1&format=pdf", 400, "bad-format", "格式只能是 json、text"),
])
@pytest.mark.parametrize("site", BACKENDS, indirect=True)
def test_the_vintage_api_refuses_in_chinese(site, query, status, code, words):
    store, make, _ = site
    from shumao.publication import vintages

    vintages.freeze(store, "2024Q2", ReportSettings(region="示例市"), actor="秘书处")
    r = make("staff").get("/api/v1/report" + query)
    assert r.status_code == status
    assert r.json()["error"]["code"] == code and words in r.json()["error"]["message"]


@pytest.mark.parametrize("site", BACKENDS, indirect=True)
def test_other_roles_do_not_see_vintages(site):
    store, make, _ = site
    from shumao.publication import vintages

    vintages.freeze(store, "2024Q2", ReportSettings(), actor="秘书处")
    for name in ("enterprise", "reviewer"):
        c = make(name)
        assert c.get("/vintages/1").status_code == 404
        assert c.get("/api/v1/vintages/1/revisions").status_code == 404
        assert c.get("/vintages").status_code == 403
        assert c.get("/api/v1/report?vintage=1").status_code == 403
    assert make().get("/api/v1/vintages").status_code == 401
    staff = make("staff")
    assert staff.get("/vintages/abc").status_code == 404 and staff.get("/vintages/9").status_code == 404
    assert staff.get("/api/v1/vintages/9/revisions").json()["error"]["code"] == "unknown-vintage"


@pytest.mark.duckdb
def test_a_published_bulletin_links_its_vintage(portal_store, client, tmp_path):
    from shumao.bulletin import editions
    from tests.bulletin.conftest import make_content

    folder = make_content(tmp_path / "issue")
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    bid = editions.create(portal_store, files, "秘书处")
    assert editions.publish(portal_store, bid, "秘书处")["vintage"] == 1
    staff = client("staff")
    assert [(b["id"], b["vintage"]) for b in client().get("/api/v1/bulletins").json()] == [(bid, 1)]
    assert 'href="/vintages/1"' in staff.get("/bulletins").text
    listing = staff.get("/vintages").text
    assert f'href="/bulletins/{bid}"' in listing and "简报（第 1 号）" in listing
    page = staff.get("/vintages/1").text
    assert "示例市数字贸易协会简报" in page and "发布以来没有变动" in page


@pytest.mark.browser
@ON_DUCKDB
def test_the_pages_fit_a_phone(live, chromium):
    from tests.web.browser import PHONE, new_page, shot
    from tests.web.browser import sign_in as browser_sign_in

    page = new_page(chromium, PHONE)
    browser_sign_in(page, live.url, "staff")
    page.goto(f"{live.url}/report?{QUERY}")
    page.click("a:has-text('发布并冻结本期数据')")
    page.wait_for_url("**/report/freeze?*")
    assert "各会员企业会看到这一版" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    shot(page, "freeze-confirm-phone")
    page.click("button:has-text('确认发布并冻结')")        # a plain form: no script needed
    page.wait_for_url("**/vintages/1?done=frozen")
    assert "发布以来没有变动" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    shot(page, "vintage-phone")
    page.goto(f"{live.url}/vintages")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    shot(page, "vintages-phone")
    page.context.close()


@pytest.mark.parametrize("site", ["duckdb"], indirect=True)
def test_the_vintage_page_is_shared_and_lists_the_first_records(site, monkeypatch):
    """S-11: the page's view of the revisions is computed once per store generation, however
    often it is visited (it was converted and every moved record drawn on each visit: seconds
    at 10⁶ executions); a figure moved by many records lists the first 20 and counts the rest,
    all of them on asking."""
    from shumao.publication import vintages
    from shumao.store import schema
    from tests.conftest import sql

    store, make, _ = site
    staff = make("staff")
    token = csrf_of(staff.get(f"/report?{QUERY}").text)
    r = staff.post("/report/freeze", data={"period": "2024Q2", "region": "示例市", "confirm": "true",
                                           "csrf_token": token})
    vid = int(r.headers["location"].split("/")[2].split("?")[0])
    with store.db.write():          # 30 approved executions of the quarter returned at once
        sql(store, "UPDATE executions SET status = 'returned' WHERE execution_id IN (SELECT execution_id "
                   "FROM executions WHERE status = 'approved' AND executed_on BETWEEN '2024-04-01' AND "
                   "'2024-06-30' ORDER BY execution_id LIMIT 30)")
        schema.bump(store.db)
    calls = []
    real = vintages.Revisions.as_dict
    monkeypatch.setattr(vintages.Revisions, "as_dict", lambda self: calls.append(1) or real(self))
    pages = [staff.get(f"/vintages/{vid}") for _ in range(3)]
    assert [p.status_code for p in pages] == [200, 200, 200] and len(calls) == 1
    page = pages[0].text
    assert "另有 10 条记录未列出" in page and f'href="/vintages/{vid}?all=1"' in page
    listed = [block.split("</ul>")[0].count("<li>") for block in page.split('<ul class="moved">')[1:]]
    assert max(listed) == 20 and len(listed) == page.count('<ul class="moved">')
    everything = staff.get(f"/vintages/{vid}?all=1").text
    assert "未列出" not in everything and everything.count("不再计入</span>") > page.count("不再计入</span>")
    assert len(staff.get(f"/api/v1/vintages/{vid}/revisions").json()["figures"][0]["records"]) in (0, 30)
