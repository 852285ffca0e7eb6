"""Publishing a 简报 from the portal (issue 20 S-8, S-9, S-19, S-21): an issue number is
published once — two publishes of one number racing each other publish one, the other is
refused naming the published issue, and the check page offers the correction instead — a
correction of that issue publishes; script typed into every field of the masthead and of
the items reaches every page and output as text; the list speaks in words, and says when a
published figure was revised since, linking the revision.  Four publishes (seconds each)."""

from __future__ import annotations

import io
import re
import threading
import zipfile

import pytest

from shumao.bulletin import editions, editor
from shumao.bulletin.folder import TOML
from shumao.errors import ConflictError
from shumao.store import BulletinFile
from tests.conftest import BACKENDS
from tests.support.records import set_status
from tests.web.conftest import csrf_of
from tests.web.forms import assert_inert
from tests.web.test_bulletins import _sample, publish

SCRIPT = "<script>alert(1)</script>"
RETURNED = "ZX0000000337"          # an approved execution of 2024-04, returned after publication


def _hostile(store) -> dict[str, bytes]:
    """The sample, linked to this store, with script in every masthead field and in every
    field of a news item and a profile."""
    files = _sample(store)
    fields = editor.masthead(files[TOML])
    for key in ("title", "issue", "publisher", "report_to", "copy_to", "region", "short", "source"):
        fields[key] = f"{fields[key]}{SCRIPT}"
    files[TOML] = editor.masthead_toml(fields).encode()
    news = "行业资讯/01-跨境数据流动便利化.md"
    files[news] = ('---\ntitle: "标题<img src=x onerror=alert(2)>"\ndate: 2024-10-12\n'
                   f'source: "来源{SCRIPT}"\n---\n正文{SCRIPT}\n').encode()
    profile = "会员风采/02-海岸信息技术.md"
    text = files[profile].decode().replace("type: 协会会员单位", f'type: "类型{SCRIPT}"')
    files[profile] = text.encode()
    return files


def test_one_number_is_published_once_and_script_stays_text_everywhere(client, portal_store):
    store, c = portal_store, client("staff")
    files = _hostile(store)
    a = editions.create(store, files, "staff")
    b = editions.create(store, files, "staff")

    # the two drafts of one number published at the same moment: one is, the other refused
    outcome: dict[int, object] = {}

    def run(bid: int) -> None:
        try:
            outcome[bid] = editions.publish(store, bid, "staff", allow_flagged=True)["id"]
        except ConflictError as e:
            outcome[bid] = e

    threads = [threading.Thread(target=run, args=(bid,)) for bid in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    won = [bid for bid, o in outcome.items() if o == bid]
    lost = [bid for bid, o in outcome.items() if isinstance(o, ConflictError)]
    assert len(won) == 1 and len(lost) == 1, outcome
    (w,), (loser,) = won, lost
    assert f"已于第 {w} 号发布" in str(outcome[loser]) and "发布更正版" in str(outcome[loser])
    assert [m["status"] for m in (store.bulletins.get(w), store.bulletins.get(loser))] == ["published", "draft"]
    assert store.bulletins.output(loser, "pdf") is None

    # the check page: refused before anything is drawn, the correction of the published one offered
    token = csrf_of(c.get("/bulletins").text)
    check = c.get(f"/bulletins/{loser}/check")
    assert check.status_code == 200 and "不能发布：期号重复" in check.text
    assert f'action="/bulletins/{w}/revise"' in check.text and "确认发布" not in check.text
    assert_inert(check.text)
    assert SCRIPT.replace("<", "&lt;").replace(">", "&gt;") in check.text
    p = publish(c, loser, token, allow_flagged=True)            # posted anyway: refused in words
    assert p["state"] == "failed" and "同一期号不能发布两次" in p["error"]
    r = c.post(f"/api/v1/bulletins/{loser}/publish?allow_flagged=true",
               headers={"X-CSRF-Token": token})
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
    assert store.bulletins.get(loser)["status"] == "draft"

    # every page and output of the published one: the typed script is text
    for path in ("/bulletins", f"/bulletins/{w}", f"/bulletins/{w}/publishing", "/vintages"):
        page = c.get(path)
        assert page.status_code == 200, path
        assert_inert(page.text)
    anon = client()
    for path in ("/archive", f"/archive/{w}"):
        page = anon.get(path)
        assert_inert(page.text, own_scripts=path == "/archive")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text, path
    html = store.bulletins.output(w, "html").content.decode()
    assert_inert(html, own_scripts=False)
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 7          # masthead, items, 版记
    with zipfile.ZipFile(io.BytesIO(store.bulletins.output(w, "docx").content)) as z:
        xml = z.read("word/document.xml").decode()
    assert "<script" not in xml and xml.count("&lt;script&gt;") >= 5
    assert b"<script" not in store.bulletins.output(w, "pdf").content

    # S-19: the list in words; S-21: a figure revised after publication is said, linked
    listing = c.get("/bulletins").text
    assert "2024年前三季度" in listing and "2024-01..2024-09" not in listing and "内容 zip" not in listing
    assert f'href="/bulletins/{loser}/check"' in listing
    # the list and the edition's page load whether figures moved after they are drawn
    assert f'hx-get="/bulletins/{w}/revised"' in listing and f'hx-get="/bulletins/{loser}/revised"' not in listing
    assert f'hx-get="/bulletins/{w}/revised?say=none"' in c.get(f"/bulletins/{w}").text
    assert c.get(f"/bulletins/{w}/revised").text == "" and c.get(f"/bulletins/{loser}/revised").text == ""
    assert c.get(f"/bulletins/{w}/revised?say=none").text == "发布以来没有变动"
    set_status(store, "executions", RETURNED, "returned", "审核员", "合同已终止")
    vid = next(v["id"] for v in store.vintages.all() if v["bulletin_id"] == w)
    said = c.get(f"/bulletins/{w}/revised").text
    m = re.fullmatch(rf'<a class="tag bad revised" href="/vintages/{vid}"[^>]*>发布后有 (\d+) 个数字修订</a>', said)
    assert m and int(m.group(1)) == c.get(f"/api/v1/vintages/{vid}/revisions").json()["changed"] >= 1
    assert client("enterprise").get(f"/bulletins/{w}/revised").status_code == 404

    # a correction of the published issue keeps its number and publishes
    r = c.post(f"/bulletins/{w}/revise", data={"csrf_token": token})
    fix = int(re.fullmatch(r"/bulletins/(\d+)\?done=revised", r.headers["location"]).group(1))
    assert "期号重复" not in c.get(f"/bulletins/{fix}/check").text
    p = publish(c, fix, token, allow_flagged=True)
    assert p["state"] == "done", p
    assert store.bulletins.get(fix)["issue"] == store.bulletins.get(w)["issue"]
    listing = c.get("/bulletins").text
    assert f'已更正，见<a href="/bulletins/{fix}">第 {fix} 号</a>' in listing
    assert f'href="/archive/{fix}"' in anon.get("/archive").text


def test_publishing_answers_in_words_while_nothing_runs(client, portal_store):
    """The progress of an issue nobody is publishing, and a draft that cannot be published."""
    c = client("staff")
    bid = editions.create(portal_store, _sample(portal_store), "staff")
    assert c.get(f"/api/v1/bulletins/{bid}/publishing").json()["state"] == "none"
    page = c.get(f"/bulletins/{bid}/publishing").text
    assert "本期尚未发布" in page and f'href="/bulletins/{bid}/check"' in page
    # a period without approved data: the check page says so, and offers no publishing
    files = _sample(portal_store)
    files[TOML] = files[TOML].replace(b'period = "2024-01..2024-09"', b'period = "2031-01"')
    empty = editions.create(portal_store, files, "staff")
    check = c.get(f"/bulletins/{empty}/check").text
    assert "2031年1月没有已审核通过的数据" in check and "确认发布" not in check
    assert c.get("/api/v1/bulletins/999/publishing").status_code == 404
    assert client("enterprise").get(f"/bulletins/{bid}/check").status_code == 404


@pytest.mark.parametrize("portal_url", BACKENDS, indirect=True)
def test_the_store_publishes_one_number_once_under_a_race(portal_store):
    """S-9 in the store's one write transaction, on each backend: twelve drafts of one number
    published by twelve threads at once — one is published, eleven are refused naming it;
    a correction of the published one (its revision) is published under the same number."""
    store = portal_store
    files = {TOML: editor.masthead_toml({"title": "刊", "issue": "第1期", "date": "2024-10-25",
                                         "publisher": "秘书处", "period": "2024-01", "region": "示例市",
                                         "short": "我市"}).encode()}
    ids = [store.bulletins.create("刊", "第1期", "2024-01", files, "staff") for _ in range(12)]
    out = [BulletinFile("pdf", b"%PDF", "x.pdf")]
    start = threading.Barrier(len(ids))
    outcome: dict[int, str] = {}

    def run(bid: int) -> None:
        start.wait()
        try:
            store.bulletins.publish(bid, out, files, "staff")
            outcome[bid] = "published"
        except ConflictError as e:
            outcome[bid] = str(e)

    threads = [threading.Thread(target=run, args=(bid,)) for bid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    won = [b for b, o in outcome.items() if o == "published"]
    assert len(outcome) == 12 and len(won) == 1, outcome
    assert all(f"已于第 {won[0]} 号发布" in o for b, o in outcome.items() if b != won[0])
    assert [b["id"] for b in store.bulletins.all(published_only=True)] == won
    fix = store.bulletins.create("刊", "第1期", "2024-01", files, "staff", revision_of=won[0])
    store.bulletins.publish(fix, out, files, "staff")
    again = store.bulletins.create("刊", "第1期", "2024-01", files, "staff", revision_of=fix)
    assert store.bulletins.same_issue(again) is None            # a correction of the correction
    other = next(b for b in ids if b != won[0])
    assert store.bulletins.same_issue(other)["id"] in (won[0], fix)


# -- issue 23: the check page's estimate is the portal's own last publication ----------------------
def test_jobs_took_is_the_latest_finished_publication():
    import time

    from shumao.web.jobs import Jobs

    jobs = Jobs()
    assert jobs.took("publish") is None
    jobs.start(("publish", 1), "staff", lambda step: time.sleep(1.2))
    jobs.start(("publish", 2), "staff", lambda step: 1 / 0)             # failed: not an estimate
    jobs.start(("other", 3), "staff", lambda step: time.sleep(2.5))     # another kind: not counted
    deadline = time.monotonic() + 30
    while any(jobs.get(k).state == "running" for k in (("publish", 1), ("publish", 2), ("other", 3))):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert jobs.took("publish") == 1 and jobs.took("other") in (2, 3)


def test_the_check_page_says_what_the_last_publication_took(client, portal_store, app):
    import time

    c = client("staff")
    bid = editions.create(portal_store, _sample(portal_store), "staff")
    page = c.get(f"/bulletins/{bid}/check").text
    assert "第一次发布还要载入字体和排版程序" in page and "通常半分钟以内" not in page
    jobs = app.state.portal.jobs
    jobs.start(("publish", 9999), "staff", lambda step: time.sleep(2.2))
    while jobs.get(("publish", 9999)).state == "running":
        time.sleep(0.05)
    page = c.get(f"/bulletins/{bid}/check").text
    assert "本站上一次发布用了 2 秒" in page and "第一次发布" not in page
