"""机构设置 (portal-ux S-6, AN-1): the association's name, city and short self-reference,
kept in the store, set by an admin on a page or through ``PUT /api/v1/organisation``, and
used by the header every visitor sees, the dashboard's and 数据月报's wording, downloads, a
new bulletin's masthead and ``shumao report`` (where --region / --short still win)."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from shumao.access import accounts
from shumao.model.organisation import Organisation
from shumao.store import connect
from tests.conftest import BACKENDS, run_cli, sql
from tests.web.conftest import PASSWORD, csrf_of

ORG = {"name": "大连市服务外包协会", "region": "大连市", "short": "本市"}


def put(c, body=None, **kw):
    """PUT /api/v1/organisation as a signed-in browser sends it (its CSRF token: web.md)."""
    token = csrf_of(c.get("/archive").text)
    if body is not None:
        kw["json"] = body
    return c.put("/api/v1/organisation", headers={"X-CSRF-Token": token, **kw.pop("headers", {})}, **kw)


def test_the_admin_sets_it_on_a_page_and_it_is_audited(client, portal_store):
    c = client("admin")
    page = c.get("/admin/organisation")
    assert page.status_code == 200 and "<h2>机构设置</h2>" in page.text
    assert '<a href="/admin/organisation" aria-current="page">机构设置</a>' in page.text
    r = c.post("/admin/organisation", data={**ORG, "csrf_token": csrf_of(page.text)})
    assert r.status_code == 303 and r.headers["location"] == "/admin/organisation?saved=1"
    again = c.get("/admin/organisation?saved=1").text
    assert "已保存机构设置" in again and 'value="大连市服务外包协会"' in again and 'value="本市"' in again
    assert portal_store.organisation.get() == Organisation(**ORG)
    entry = portal_store.audit.latest(1)[0]
    assert entry["action"] == "organisation-set" and entry["detail"]["region"] == "大连市"
    assert entry["detail"]["from"] == {"name": "", "region": "", "short": ""}
    assert "修改机构设置" in c.get("/admin/audit").text
    for tab in ("/admin/users", "/admin/windows", "/admin/audit"):     # reachable from every tab
        assert '<a href="/admin/organisation">机构设置</a>' in c.get(tab).text


@pytest.mark.parametrize(("field", "value", "says"), [
    ("name", "协" * 61, "协会名称不能超过 60 个字"),
    ("region", "市" * 31, "城市名称不能超过 30 个字"),
    ("short", "我\x00市", "文中简称含有控制字符"),
    ("region", "大连\u200b市", "U+200B"),
])
def test_a_bad_value_is_refused_with_what_was_typed_kept(client, portal_store, field, value, says):
    c = client("admin")
    token = csrf_of(c.get("/admin/organisation").text)
    r = c.post("/admin/organisation", data={**ORG, field: value, "csrf_token": token})
    assert r.status_code == 400 and says in r.text and 'role="alert"' in r.text
    assert 'value="大连市服务外包协会"' in r.text or field == "name"
    assert portal_store.organisation.get() == Organisation()              # nothing saved
    api = put(client("admin"), {field: value})
    assert api.status_code == 400 and says in api.json()["error"]["message"]


def test_only_the_admin_sets_it_and_staff_may_read_it(client):
    assert client("admin").get("/api/v1/organisation").json() == {"name": "", "region": "", "short": ""}
    assert client("staff").get("/api/v1/organisation").status_code == 200
    for who in ("staff", "enterprise", "reviewer"):
        c = client(who)
        assert put(c, ORG).status_code in (403, 404)
        assert c.get("/admin/organisation").status_code in (403, 404)
    for who in ("enterprise", "reviewer"):
        assert client(who).get("/api/v1/organisation").status_code in (403, 404)
    assert client().get("/api/v1/organisation").status_code == 401
    assert client().put("/api/v1/organisation", json=ORG).status_code == 401
    assert client().get("/admin/organisation").status_code == 303                # to 登录
    assert client("admin").get("/api/v1/organisation").json()["name"] == ""       # none got through


def test_the_api_changes_what_is_given_and_answers_the_settings(client, portal_store):
    c = client("admin")
    assert put(c, ORG).json() == ORG
    assert put(c, {"short": "我市"}).json() == {**ORG, "short": "我市"}            # the rest kept
    assert put(c, {"name": "  "}).json() == {**ORG, "short": "我市", "name": ""}    # cleared
    assert c.get("/api/v1/organisation").json() == portal_store.organisation.get().as_dict()


@pytest.mark.parametrize(("body", "code", "says"), [
    ({"city": "大连市"}, "bad-input", "没有“city”这一项"),
    ({"region": 42}, "bad-input", "城市名称应为文字"),
    ({"region": ["大连市"]}, "bad-input", "城市名称应为文字"),
    (["大连市"], "bad-json", "JSON 对象"),
    ("大连市", "bad-json", "JSON 对象"),
])
def test_the_api_refuses_what_is_not_the_settings(client, portal_store, body, code, says):
    r = put(client("admin"), body)
    assert r.status_code == 400 and r.json()["error"]["code"] == code and says in r.json()["error"]["message"]
    assert portal_store.organisation.get() == Organisation()


def test_the_api_refuses_a_body_that_is_not_json(client):
    r = put(client("admin"), content=b"region=x", headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad-json"


def test_the_report_and_its_downloads_use_the_city(client, portal_store):
    portal_store.organisation.set(Organisation(**ORG), "测试")
    c = client("staff")
    page = c.get("/report?period=2024-03").text
    assert "<title>大连市2024年3月服务外包数据月报 · 大连市服务外包协会</title>" in page
    text = re.search(r'<pre class="report-text" id="report-text">(.*?)</pre>', page, re.S).group(1)
    assert "2024年3月大连市服务外包" in text and "本市" in text and "示例市" not in text
    assert 'placeholder="大连市"' in page and 'placeholder="本市"' in page
    r = c.get("/report/download?period=2024-03&format=text")
    assert "大连市2024年3月服务外包数据月报.txt" in unquote(r.headers["content-disposition"])
    assert r.text == c.get("/api/v1/report?period=2024-03&format=text").text
    # a name typed in the query still wins, as --region on the CLI
    other = c.get("/api/v1/report?period=2024-03&format=text&region=旅顺口区&short=我区").text
    assert "2024年3月旅顺口区服务外包" in other and "我区" in other and "大连市" not in other


def test_everyone_sees_the_associations_name_not_the_softwares(client, portal_store):
    assert "数贸<span>数字贸易统计</span>" in client().get("/archive").text       # until it is set
    portal_store.organisation.set(Organisation(name='大连市服务外包协会<script>x</script>'), "测试")
    for who, path in ((None, "/archive"), (None, "/login"), ("staff", "/dashboard"), ("admin", "/admin/users")):
        page = client(who).get(path).text
        header = re.search(r'<a class="brand" href="/">(.*?)</a>', page).group(1)
        assert header.startswith("大连市服务外包协会&lt;script&gt;") and "数贸" not in header
        foot = re.search(r'<footer class="foot">(.*?)</footer>', page).group(1)
        assert foot.startswith("大连市服务外包协会&lt;script&gt;") and "shumao" not in foot
        assert "<script>x" not in page


def test_a_new_bulletin_takes_the_associations_masthead(client, portal_store):
    portal_store.organisation.set(Organisation(**ORG), "测试")
    page = client("staff").get("/bulletins/new").text
    for key in ("publisher", "region", "short"):
        value = ORG["name" if key == "publisher" else key]
        assert re.search(rf'name="{key}"[^>]*value="{value}"|value="{value}"[^>]*name="{key}"', page), key


@pytest.mark.parametrize("portal_url", BACKENDS, indirect=True)
def test_shumao_report_uses_the_city_and_its_options_still_win(portal_url):
    with connect(portal_url) as s:
        s.organisation.set(Organisation(**ORG), "测试")
    mine = run_cli("report", "--period", "2024-03", "--db", portal_url)
    assert mine.returncode == 0, mine.stderr
    assert "2024年3月大连市服务外包" in mine.stdout
    given = run_cli("report", "--period", "2024-03", "--db", portal_url, "--region", "示例市", "--short", "我市")
    assert "2024年3月示例市服务外包" in given.stdout and "大连市" not in given.stdout
    with connect(portal_url) as s:
        s.organisation.set(Organisation(), "测试")
    plain = run_cli("report", "--period", "2024-03", "--db", portal_url)
    assert "2024年3月本市服务外包" in plain.stdout                         # the defaults, unset


def test_a_schema_5_store_gains_the_settings(tmp_path):
    from shumao.store.schema import SCHEMA_VERSION

    db = tmp_path / "old.duckdb"
    with connect(db) as s:
        accounts.add(s, "ops", "admin", PASSWORD, actor="测试")
        sql(s, "DROP TABLE organisation")
        sql(s, "UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    with connect(db) as s:
        assert sql(s, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
        assert s.organisation.get() == Organisation()
        s.organisation.set(Organisation(**ORG), "ops")
        assert s.users.get("ops") is not None
    with connect(db) as s:
        assert s.organisation.get() == Organisation(**ORG)


@pytest.mark.parametrize(("path", "who", "heading"), [("/nowhere", "staff", "找不到"), ("/admin/users", "staff", "没有权限")])
def test_error_pages_say_what_happened_without_http_codes(client, path, who, heading):
    """portal-ux AN-4."""
    r = client(who).get(path)
    assert r.status_code in (403, 404)
    assert f"<title>{heading} · 数贸</title>" in r.text and f"<h1>{heading}</h1>" in r.text
    assert "（404）" not in r.text and "（403）" not in r.text
