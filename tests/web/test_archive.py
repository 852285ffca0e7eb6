"""公开简报 (web.md: the archive, no sign-in): published issues only, newest first, each as
its stored page (with the archive's bar, nothing active from user text) and its files with
the right types and Chinese names; drafts, unknown ids and formats answer one 404 for
everyone.  One issue is published for real (a PDF: seconds); the correction beside it is
published with stand-in outputs through the store, which is all the archive reads."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from shumao.bulletin import editions, editor
from shumao.bulletin.folder import TOML
from shumao.store import BulletinFile, connect
from shumao.web.app import create_app
from shumao.web.routes.archive import with_bar
from shumao.web.routes.bulletins import sample_files
from tests.conftest import copy_of, load_portal
from tests.html import shown
from tests.web.conftest import sign_in
from tests.web.forms import assert_inert

HOSTILE = ("---\ntitle: 公告<script>alert(1)</script>\ndate: 2024-10-21\n---\n"
           "<img src=x onerror=alert(1)> [点我](javascript:alert(1)) <svg onload=alert(1)>\n")
MEDIA = {"pdf": "application/pdf",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "html": "text/html; charset=utf-8"}


@pytest.fixture(scope="module")
def site(request, tmp_path_factory, templates):
    """1: published (hostile item); 2: a draft; 3: the correction of 1, published."""
    url = copy_of(request, templates, "portal", "duckdb", load_portal, tmp_path_factory.mktemp("archive"))
    with connect(url) as store:
        store.facts = templates.facts("portal", "duckdb")
        files = sample_files()
        for name, eid in zip(sorted(n for n in files if n.startswith("会员风采/")),
                             (store.facts["first"], store.facts["second"])):
            files[name] = editor.with_enterprise(files[name].decode(), eid).encode()
        files["协会动态/09-公告.md"] = HOSTILE.encode()
        first = editions.create(store, files, "秘书处")
        editions.publish(store, first, "秘书处")
        draft_toml = files[TOML].replace("示例市数字贸易协会简报".encode(), "尚未发布的草稿简报".encode())
        draft = editions.create(store, {**files, TOML: draft_toml}, "秘书处")
        fix = editions.revise(store, first, "秘书处")
        later = files[TOML].replace(b"date = 2024-10-25", b"date = 2024-10-28")
        editions.save(store, fix, {**files, TOML: later}, "秘书处")
        stand_in = [BulletinFile(f, f"第三号 {f}".encode(), f"更正版.{f}") for f in ("pdf", "docx")]
        stand_in.append(BulletinFile("html", "<!DOCTYPE html><html><BODY class=x><p>更正版</p></body></html>"
                                     .encode(), "更正版.html"))
        store.bulletins.publish(fix, stand_in, store.bulletins.content(fix), "秘书处")
        assert (first, draft, fix) == (1, 2, 3)
        yield create_app(store), store


def _client(app, name: str | None = None) -> TestClient:
    c = TestClient(app, follow_redirects=False)
    if name:
        assert sign_in(c, name).status_code == 303
    return c


def test_the_archive_lists_published_issues_newest_first_for_anyone(site):
    app, _ = site
    page = _client(app).get("/archive")
    assert page.status_code == 200
    assert "尚未发布的草稿简报" not in page.text and "/archive/2" not in page.text
    assert re.findall(r'<a class="button primary" href="/archive/(\d+)">阅读</a>', page.text) == ["3", "1"]
    assert "更正版（更正第 1 号）" in page.text and '请以<a href="/archive/3">更正版</a>为准' in page.text
    assert "2024年10月28日" in page.text and "数据：2024年前三季度" in page.text
    assert_inert(page.text)


def test_an_issue_is_its_stored_page_with_the_archive_bar(site):
    app, store = site
    stored = store.bulletins.output(1, "html").content.decode()
    r = _client(app).get("/archive/1")
    assert r.status_code == 200 and r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.text == with_bar(stored, {"id": 1})
    bar = re.search(r"\n<nav aria-label=\"公开简报\".*?</nav>", r.text).group(0)
    assert r.text.replace(bar, "", 1) == stored                     # the stored page, untouched
    assert 'href="/archive"' in bar and 'href="/archive/1/pdf"' in bar and 'href="/archive/1/docx"' in bar
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self' 'unsafe-inline'" in csp
    assert_inert(r.text, own_scripts=False)                        # not even a script of ours
    typed = shown(r.text)                                          # as typed, figure spans aside
    assert "&lt;img src=x onerror=alert(1)&gt;" in typed and "&lt;svg onload=alert(" in typed
    assert "公告&lt;script&gt;alert(1)&lt;/script&gt;" in typed
    # the stand-in's upper-case <BODY …> still gets the bar, right inside it
    assert re.search(r"<BODY class=x>\n<nav ", _client(app).get("/archive/3").text)


def test_files_are_downloads_with_their_types_and_chinese_names(site):
    app, store = site
    for who in (None, "enterprise", "staff"):
        c = _client(app, who)
        for fmt, media in MEDIA.items():
            r = c.get(f"/archive/1/{fmt}")
            out = store.bulletins.output(1, fmt)
            assert r.status_code == 200 and r.headers["content-type"] == media
            assert r.content == out.content
            assert r.headers["content-disposition"] == (
                f"attachment; filename=\"{re.sub(r'[^A-Za-z0-9._-]', '', out.file_name)}\"; "
                f"filename*=UTF-8''{quote(out.file_name, safe='')}")
            assert out.file_name == f"示例市数字贸易协会简报2024年第10期（总第58期）.{fmt}"
    assert _client(app).get("/archive/3/pdf").content == "第三号 pdf".encode()


def test_drafts_unknown_ids_and_formats_are_one_404_for_everyone(site):
    app, _ = site
    missing = ["/archive/2", "/archive/2/pdf", "/archive/2/html", "/archive/999", "/archive/999/docx",
               "/archive/1/zip", "/archive/1/PDF", "/archive/abc", "/archive/-1",
               "/archive/99999999999999999999", "/archive/1/email"]
    for who in (None, "enterprise", "reviewer", "staff", "admin"):
        c = _client(app, who)
        answers = {(r.status_code, r.text) for r in (c.get(p) for p in missing)}
        assert len(answers) == 1, (who, answers)
        status, text = answers.pop()
        assert status == 404 and "找不到该简报" in text and "尚未发布的草稿简报" not in text
    for path in ("/archive/1/..%2F2", "/archive/2/pdf/x", "/archive/1/../2"):
        r = _client(app).get(path)
        assert r.status_code == 404 and "草稿" not in r.text, path


def test_the_api_lists_published_issues_for_anyone_and_drafts_for_staff(site):
    app, _ = site
    public = _client(app).get("/api/v1/bulletins").json()
    assert public == [
        # 3 was published by the store alone (stand-in outputs): no vintage was frozen
        {"id": 3, "title": "示例市数字贸易协会简报", "issue": "2024年第10期（总第58期）",
         "period": "2024-01..2024-09", "status": "published", "vintage": None, "revision_of": 1,
         "published_at": public[0]["published_at"],
         "links": {"html": "/archive/3", "pdf": "/archive/3/pdf", "docx": "/archive/3/docx"}},
        {"id": 1, "title": "示例市数字贸易协会简报", "issue": "2024年第10期（总第58期）",
         "period": "2024-01..2024-09", "status": "published", "vintage": 1, "revision_of": None,
         "published_at": public[1]["published_at"],
         "links": {"html": "/archive/1", "pdf": "/archive/1/pdf", "docx": "/archive/1/docx"}}]
    assert all(b["published_at"] for b in public)
    assert public == _client(app, "enterprise").get("/api/v1/bulletins").json()
    staff = _client(app, "staff").get("/api/v1/bulletins").json()
    assert [(b["id"], b["status"]) for b in staff] == [(3, "published"), (2, "draft"), (1, "published")]
    assert staff[1]["links"] == {"html": None, "pdf": None, "docx": None}
    # the links answer
    c = _client(app)
    for b in public:
        assert all(c.get(link).status_code == 200 for link in b["links"].values())
