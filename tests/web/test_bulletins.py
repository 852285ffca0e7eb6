"""简报 on the web (web.md): an issue from the sample through the editor to the archive,
saves that are refused keeping what was typed, items added and removed without
JavaScript, the live preview, hostile Markdown inert everywhere, the masthead written as
safe TOML, corrections, who may do what, CSRF, and the JSON API with a bearer token.
Publishing renders a PDF (seconds): two publishes in this module."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import io
import re
import time
import tomllib
import zipfile
from pathlib import Path
from urllib.parse import quote

from shumao.access import accounts
from shumao.bulletin import content, editions, editor
from shumao.bulletin.folder import TOML
from shumao.web.routes.bulletins import sample_files
from tests.html import shown
from tests.web.conftest import csrf_of
from tests.web.forms import assert_inert, form_fields

HOSTILE_TITLE = '测试<script>alert(1)</script>标题"引号" #井号: 冒号'
HOSTILE_BODY = """<script>alert(1)</script>

正文[点我](javascript:alert(1))与<img src=x onerror=alert(1)>，<a href="javascript:alert(2)" onclick="x()">链接</a>。

[网站](https://example.org/a)
"""
HOSTILE = """---
title: 测试<script>alert(1)</script>标题
date: 2024-10-20
---
<script>alert(1)</script>

正文[点我](javascript:alert(1))与<img src=x onerror=alert(1)>，<a href="javascript:alert(2)" onclick="x()">链接</a>。

[网站](https://example.org/a)
"""
TYPED = ["&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;",
         "[点我](javascript:alert(1))"]


def _new_from_sample(c) -> tuple[int, str]:
    token = csrf_of(c.get("/bulletins/new").text)
    r = c.post("/bulletins", data={"csrf_token": token, "start": "sample"})
    assert r.status_code == 303, r.text
    m = re.fullmatch(r"/bulletins/(\d+)\?done=created-unlinked", r.headers["location"])
    assert m, r.headers["location"]
    return int(m.group(1)), token


def _item(fields: dict, title: str) -> int:
    """The form index of the item with that title."""
    found = [int(k.split("-")[1]) for k, v in fields.items() if k.endswith("-title") and v == title]
    assert len(found) == 1, (title, found)
    return found[0]


def _new_item(fields: dict) -> int:
    """The form index of the one item not saved yet (its file name empty)."""
    found = [int(k.split("-")[1]) for k, v in fields.items() if k.endswith("-name") and v == ""]
    assert len(found) == 1, found
    return found[0]


def publish(c, bid: int, token: str, allow_flagged: bool = False, seconds: float = 120) -> dict:
    """Publish through the check page's form, then poll the progress until it ends; its answer."""
    data = {"csrf_token": token, "confirm": "true", **({"allow_flagged": "true"} if allow_flagged else {})}
    r = c.post(f"/bulletins/{bid}/publish", data=data)
    assert r.status_code == 303 and r.headers["location"] == f"/bulletins/{bid}/publishing", r.text
    until = time.monotonic() + seconds
    while (p := c.get(f"/api/v1/bulletins/{bid}/publishing").json())["state"] == "running":
        assert time.monotonic() < until, p
        time.sleep(0.2)
    return p


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def _sample(store) -> dict[str, bytes]:
    """The sample's content, its profiles linked to this store's enterprises."""
    files = editions.from_zip(_zip(sample_files()))
    ents = [store.facts["first"], store.facts["second"]]
    for name in sorted(n for n in files if n.startswith("会员风采/")):
        files[name] = editor.with_enterprise(files[name].decode(), ents.pop(0)).encode()
    return files


# ---- the life of an issue -------------------------------------------------------------------

def test_an_issue_from_the_sample_through_the_editor_to_the_archive(client, portal_store):
    store, c = portal_store, client("staff")
    bid, token = _new_from_sample(c)
    page = c.get(f"/bulletins/{bid}?done=created-unlinked")
    assert page.status_code == 200 and "已从示例新建简报草稿" in page.text
    # the sample's profiles name the demo's enterprises, not this store's: unlinked, and said
    created = store.bulletins.content(bid)
    sample = sample_files()
    assert sorted(created) == sorted(sample) and "取消关联" in page.text
    assert {n for n in created if created[n] != sample[n]} == {
        "会员风采/01-云桥信息技术.md", "会员风采/02-海岸信息技术.md"}
    assert [editor.enterprise_of(created[n].decode()) for n in sorted(created) if n.startswith("会员风采")] == ["", ""]
    assert "数据库中没有这家企业" not in page.text

    fields = form_fields(page.text, "editor")
    assert fields["title"] == "示例市数字贸易协会简报"
    assert (fields["period_year"], fields["period_span"]) == ("2024", "01..09")
    assert fields["csrf_token"] == token
    # edit a field, a news item's body, the profiles' enterprises; add an item
    fields["period_span"] = "01..01"
    news = _item(fields, "示例省发布跨境数据流动便利化措施 服务外包企业可享“白名单”通道")
    assert fields[f"item-{news}-source"] == "示例省商务厅网站" and fields[f"item-{news}-date"] == "2024-10-12"
    fields[f"item-{news}-body"] = fields[f"item-{news}-body"].replace("十二条", "十三条")
    profiles = [_item(fields, "示例云桥信息技术有限公司"), _item(fields, "示例海岸信息技术有限公司")]
    for i, eid in zip(profiles, (store.facts["first"], store.facts["second"])):
        fields[f"item-{i}-enterprise_id"] = eid
    r = c.post(f"/bulletins/{bid}", data={**fields, "action": "add:协会动态"})
    assert r.status_code == 200 and "已在【协会动态】中添加一条" in r.text
    assert store.bulletins.content(bid) == created                       # nothing saved yet
    fields = form_fields(r.text, "editor")
    assert fields["period_span"] == "01..01"                          # what was typed is kept
    new = _new_item(fields)
    assert fields[f"item-{new}-date"] == dt.date.today().isoformat() and fields[f"item-{new}-title"] == ""
    fields.update({f"item-{new}-title": HOSTILE_TITLE, f"item-{new}-date": "2024-10-20",
                   f"item-{new}-body": HOSTILE_BODY})

    # preview without JavaScript: the page drawn again with every item's preview
    r = c.post(f"/bulletins/{bid}", data={**fields, "action": "preview"})
    assert r.status_code == 200 and "预览已按当前内容更新" in r.text
    assert_inert(r.text)
    assert all(t in shown(r.text) for t in TYPED)

    r = c.post(f"/bulletins/{bid}", data={**fields, "action": "save"})
    assert r.status_code == 303 and r.headers["location"] == f"/bulletins/{bid}?done=saved"
    saved = store.bulletins.content(bid)
    assert "十三条" in saved["行业资讯/01-跨境数据流动便利化.md"].decode()
    added = [n for n in saved if n.startswith("协会动态/03-")]
    assert len(added) == 1 and not set(added[0].split("/", 1)[1]) & set("<>:\"/\\\\ #")
    meta, body = content.front_matter(saved[added[0]].decode(), Path("x.md"))
    assert meta == {"title": HOSTILE_TITLE, "date": "2024-10-20"} and body == HOSTILE_BODY.strip()
    assert [editor.enterprise_of(saved[f"会员风采/{n}"].decode())
            for n in ("01-云桥信息技术.md", "02-海岸信息技术.md")] == [store.facts["first"], store.facts["second"]]
    toml = tomllib.loads(saved[TOML].decode())
    assert toml["data"]["period"] == "2024-01" and toml["title"] == "示例市数字贸易协会简报"
    assert str(toml["date"]) == "2024-10-25" and toml["data"]["relative_year"] is False
    page = c.get(f"/bulletins/{bid}?done=saved")
    assert "已保存" in page.text and "数据库中没有这家企业" not in page.text
    assert_inert(page.text)
    assert all(t in shown(page.text) for t in TYPED)

    # publishing: a check page first; 2024-01's flagged figures are listed there, to be let through
    r = c.post(f"/bulletins/{bid}/publish", data={"csrf_token": token})          # not confirmed
    assert r.status_code == 303 and r.headers["location"] == f"/bulletins/{bid}/check"
    check = c.get(f"/bulletins/{bid}/check")
    assert check.status_code == 200
    text = check.text
    assert "将发布的内容" in text and "发布给谁" in text and "任何人不用登录" in text
    assert "需要核实的数字" in text and 'name="allow_flagged"' in text and "required" in text
    assert "2024年1月" in text and "2024-01" not in text and "--allow-flagged" not in text
    assert store.bulletins.get(bid)["status"] == "draft"
    p = publish(c, bid, token)                              # the box left unticked: refused
    assert p["state"] == "failed" and p["flagged"] and "未通过发布前核对" in p["error"]
    assert store.bulletins.get(bid)["status"] == "draft"
    failed = c.get(f"/bulletins/{bid}/publishing").text
    assert "未发布" in failed and f'href="/bulletins/{bid}/check"' in failed
    p = publish(c, bid, token, allow_flagged=True)
    assert p["state"] == "done" and p["error"] is None, p
    assert p["steps_done"] == ["准备", "计算数据月报", "绘制图表", "同时生成 PDF、Word 和网页版", "保存并冻结本期数据"]
    meta = store.bulletins.get(bid)
    assert meta["status"] == "published" and meta["published_by"] == "staff"
    entry = next(e for e in store.audit.latest() if e["action"] == "bulletin-publish")
    assert entry["actor"] == "staff" and entry["detail"]["overrides"]
    result = c.get(f"/bulletins/{bid}/publishing")
    assert result.status_code == 200 and "已发布" in result.text
    for link in (f"/archive/{bid}", f"/archive/{bid}/pdf", f"/archive/{bid}/docx", f"/bulletins/{bid}/files/html",
                 f"/vintages/{p['vintage']}"):
        assert f'href="{link}"' in result.text, link
    assert_inert(result.text)

    # signed out: the archive lists it, and serves the page, the PDF and the Word file
    anon = client()
    archive = anon.get("/archive")
    assert archive.status_code == 200
    assert "示例市数字贸易协会简报" in archive.text and "2024年第10期（总第58期）" in archive.text
    assert "2024年1月" in archive.text and "2024年10月25日" in archive.text
    for link in (f'href="/archive/{bid}"', f'href="/archive/{bid}/pdf"', f'href="/archive/{bid}/docx"'):
        assert link in archive.text
    view = anon.get(f"/archive/{bid}")
    assert view.status_code == 200 and view.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in view.headers["content-security-policy"]
    assert "十三条" in view.text and 'href="/archive"' in view.text
    assert_inert(view.text, own_scripts=False)
    assert all(t in shown(view.text) for t in TYPED)
    stem = "示例市数字贸易协会简报2024年第10期（总第58期）"
    for fmt, media, magic in (("pdf", "application/pdf", b"%PDF"),
                              ("docx", "application/vnd.openxmlformats-officedocument"
                                       ".wordprocessingml.document", b"PK"),
                              ("html", "text/html", b"<!DOCTYPE html>")):
        r = anon.get(f"/archive/{bid}/{fmt}")
        assert r.status_code == 200 and r.headers["content-type"].startswith(media), fmt
        assert r.content.startswith(magic) and r.content == store.bulletins.output(bid, fmt).content
        disposition = r.headers["content-disposition"]
        assert disposition.startswith("attachment;")
        assert f"filename*=UTF-8''{quote(f'{stem}.{fmt}', safe='')}" in disposition
    # the Word file holds the typed script as text (escaped XML), never as markup
    with zipfile.ZipFile(io.BytesIO(store.bulletins.output(bid, "docx").content)) as z:
        xml = z.read("word/document.xml").decode()
    assert "&lt;script&gt;" in xml and "<script" not in xml

    # published: immutable, whatever is posted
    before = (store.bulletins.get(bid), store.bulletins.content(bid), store.bulletins.output(bid, "pdf"))
    readonly = c.get(f"/bulletins/{bid}")
    assert 'id="editor"' not in readonly.text and "发布更正版" in readonly.text
    assert_inert(readonly.text)
    r = c.post(f"/bulletins/{bid}", data={**fields, "title": "改过的刊名", "action": "save"})
    assert r.status_code == 409 and "已发布，不能再修改" in r.text
    r = c.post(f"/bulletins/{bid}/publish", data={"csrf_token": token, "confirm": "true"})
    assert r.status_code == 303 and r.headers["location"] == f"/bulletins/{bid}/publishing"
    assert (store.bulletins.get(bid), store.bulletins.content(bid), store.bulletins.output(bid, "pdf")) == before
    assert c.get(f"/bulletins/{bid}/check").headers["location"] == f"/bulletins/{bid}"

    # a correction is a new draft with the same content
    r = c.post(f"/bulletins/{bid}/revise", data={"csrf_token": token})
    assert r.status_code == 303
    fix = int(re.fullmatch(r"/bulletins/(\d+)\?done=revised", r.headers["location"]).group(1))
    assert store.bulletins.get(fix)["revision_of"] == bid and store.bulletins.get(fix)["status"] == "draft"
    assert store.bulletins.content(fix) == store.bulletins.content(bid)
    page = c.get(r.headers["location"])
    assert 'id="editor"' in page.text and f"第 {bid} 号" in page.text
    assert c.post(f"/bulletins/{fix}/revise", data={"csrf_token": token}).status_code == 409
    # the draft correction is not public
    assert anon.get(f"/archive/{fix}").status_code == 404


# ---- the editor without publishing ------------------------------------------------------------

def test_the_editor_shows_fields_not_the_file_format(client, portal_store):
    """S-7: 标题、日期、来源、关联企业、正文 as fields; no front matter, file names or keys."""
    c = client("staff")
    bid, _ = _new_from_sample(c)
    page = c.get(f"/bulletins/{bid}").text
    editor_html = html_lib.unescape(re.sub(r"<[^>]*>", " ", page[page.index('id="editor"'):]))  # what is read
    for hidden in ("bulletin.toml", ".md", "---", "title:", "（title）", "（period）", "relative_year",
                  "文件名", "front matter", "Markdown 原文", "2024-01..2024-09"):
        assert hidden not in editor_html, hidden
    for label in ("标题", "日期", "来源", "关联企业", "正文", "类型", "刊名", "期号", "数据时期"):
        assert label in editor_html, label
    fields = form_fields(page, "editor")
    news = _item(fields, "《服务外包业务分类与代码》国家标准正式实施")
    assert fields[f"item-{news}-body"].startswith("《服务外包业务分类与代码》国家标准已正式发布实施。")
    # saved unchanged, every file keeps its bytes (a folder from the CLI stays as written)
    stored = portal_store.bulletins.content(bid)
    assert c.post(f"/bulletins/{bid}", data={**fields, "action": "save"}).status_code == 303
    assert portal_store.bulletins.content(bid) == stored


def test_one_bad_item_blocks_only_itself_and_nothing_typed_is_lost(client, portal_store):
    """S-7: an empty title stops its own item; the other changes and a new complete item are
    saved; the page keeps everything typed, each error beside its field and in a summary
    that links to it."""
    c = client("staff")
    bid, _ = _new_from_sample(c)
    fields = form_fields(c.get(f"/bulletins/{bid}").text, "editor")
    r = c.post(f"/bulletins/{bid}", data={**fields, "action": "add:会员风采"})
    fields = form_fields(r.text, "editor")
    profile = _new_item(fields)
    fields[f"item-{profile}-body"] = "一家新会员，标题还没写。"          # title left empty, no enterprise
    r = c.post(f"/bulletins/{bid}", data={**fields, "action": "add:协会动态"})
    fields = form_fields(r.text, "editor")
    event = [i for i in (int(k.split("-")[1]) for k, v in fields.items() if k.endswith("-name") and v == "")
             if i != profile][0]
    fields.update({f"item-{event}-title": "协会召开理事会", f"item-{event}-body": "10月21日，协会召开理事会。"})
    bad = _item(fields, "《服务外包业务分类与代码》国家标准正式实施")
    fields[f"item-{bad}-date"] = "2024-13-45"
    good = _item(fields, "协会秘书处走访调研会员企业")
    fields[f"item-{good}-body"] = "9月下旬，协会秘书处走访了七家会员企业。"
    fields["issue"] = "2024年第11期"
    r = c.post(f"/bulletins/{bid}", data={**fields, "action": "save"})
    assert r.status_code == 422
    assert "有 2 处内容需要修改" in r.text and "其余内容已保存" in r.text
    assert 'id="error-summary"' in r.text and f'href="#item-{profile}-title"' in r.text
    assert f'href="#item-{bad}-date"' in r.text
    assert "标题缺失或为空" in r.text and "日期不是有效日期" in r.text
    assert ".md" not in r.text.split('id="editor"')[0].split("error-summary")[1]      # no file names
    assert 'data-unsaved="true"' in r.text                    # leaving the page warns
    again = form_fields(r.text, "editor")
    for k in (f"item-{profile}-body", f"item-{bad}-date", f"item-{event}-title", "issue"):
        assert again[k] == fields[k], k
    saved = portal_store.bulletins.content(bid)
    assert tomllib.loads(saved[TOML].decode())["issue"] == "2024年第11期"
    assert "七家" in saved["协会动态/02-走访会员企业.md"].decode()
    assert "协会动态/03-协会召开理事会.md" in saved                        # the new complete item
    assert "date: 2024-10-08" in saved["行业资讯/02-服务贸易统计新标准.md"].decode()   # kept as stored
    assert not [n for n in saved if n.startswith("会员风采/03")]
    # the page posted again (its names as now shown): the fixed item saves, nothing doubles
    again[f"item-{bad}-date"] = "2024-10-09"
    again[f"item-{profile}-title"] = "示例新会员有限公司"
    r = c.post(f"/bulletins/{bid}", data={**again, "action": "save"})
    assert r.status_code == 303, r.text
    saved = portal_store.bulletins.content(bid)
    assert "date: 2024-10-09" in saved["行业资讯/02-服务贸易统计新标准.md"].decode()
    assert [n for n in saved if n.startswith("协会动态/03")] == ["协会动态/03-协会召开理事会.md"]
    assert [n for n in saved if n.startswith("会员风采/03")] == ["会员风采/03-示例新会员有限公司.md"]

    # the masthead: an empty title is said beside it, the items still save
    fields = form_fields(c.get(f"/bulletins/{bid}").text, "editor")
    fields["title"] = "  "
    fields[f"item-{_item(fields, '协会召开理事会')}-body"] = "10月21日，协会召开第五届理事会。"
    r = c.post(f"/bulletins/{bid}", data={**fields, "action": "save"})
    assert r.status_code == 422 and "刊名缺失或为空" in r.text and 'href="#title"' in r.text
    saved = portal_store.bulletins.content(bid)
    assert "第五届" in saved["协会动态/03-协会召开理事会.md"].decode()
    assert tomllib.loads(saved[TOML].decode())["title"] == "示例市数字贸易协会简报"
    # a year without its months: asked for in words, not the loader's codes
    fields = form_fields(c.get(f"/bulletins/{bid}").text, "editor")
    r = c.post(f"/bulletins/{bid}", data={**fields, "period_span": "", "action": "save"})
    assert r.status_code == 422 and "请填写年份（4 位数字）并选择月份" in r.text and "2024Q2" not in r.text
    assert form_fields(r.text, "editor")["period_year"] == "2024"


def test_a_member_profile_takes_its_title_from_its_enterprise(client, portal_store):
    c = client("staff")
    bid, _ = _new_from_sample(c)
    names = {e["enterprise_id"]: e["name"] for e in portal_store.records.enterprises()}
    first, second = portal_store.facts["first"], portal_store.facts["second"]
    fields = form_fields(c.get(f"/bulletins/{bid}").text, "editor")
    page = c.get(f"/bulletins/{bid}").text
    assert f'data-name="{names[first]}"' in page and f">{first}<" not in page    # names, not codes
    r = c.post(f"/bulletins/{bid}", data={**fields, "action": "add:会员风采"})
    fields = form_fields(r.text, "editor")
    new = _new_item(fields)
    fields.update({f"item-{new}-enterprise_id": first, f"item-{new}-body": "简介。"})
    assert fields[f"item-{new}-type"] == "协会会员单位"
    r = c.post(f"/bulletins/{bid}", data={**fields, "action": "save"})
    assert r.status_code == 303, r.text
    saved = portal_store.bulletins.content(bid)
    name = next(n for n in saved if n.startswith("会员风采/03-"))
    meta, _ = content.front_matter(saved[name].decode(), Path(name))
    assert meta == {"title": names[first], "type": "协会会员单位", "enterprise_id": first}
    # another enterprise chosen: the title follows, unless the clerk wrote one of their own
    fields = form_fields(c.get(f"/bulletins/{bid}").text, "editor")
    i = _item(fields, names[first])
    r = c.post(f"/bulletins/{bid}", data={**fields, f"item-{i}-enterprise_id": second, "action": "save"})
    assert r.status_code == 303
    assert content.front_matter(portal_store.bulletins.content(bid)[name].decode(), Path(name))[0]["title"] == names[second]
    fields = form_fields(c.get(f"/bulletins/{bid}").text, "editor")
    i = _item(fields, names[second])
    r = c.post(f"/bulletins/{bid}", data={**fields, f"item-{i}-title": "自拟标题", f"item-{i}-enterprise_id": first,
                                          "action": "save"})
    meta, _ = content.front_matter(portal_store.bulletins.content(bid)[name].decode(), Path(name))
    assert (meta["title"], meta["enterprise_id"]) == ("自拟标题", first)


def test_a_folder_from_the_cli_keeps_what_the_editor_has_no_field_for(client, portal_store):
    """Front-matter lines without a field (a CLI author's own) and the file's bytes stay when
    the item is left alone, and stay as lines when another field of it changes."""
    c = client("staff")
    files = _sample(portal_store)
    name = "行业资讯/01-跨境数据流动便利化.md"
    files[name] = files[name].replace(b"source:", b"# a comment\nnote: keep me\nsource:")
    bid = editions.create(portal_store, files, "staff")
    fields = form_fields(c.get(f"/bulletins/{bid}").text, "editor")
    assert c.post(f"/bulletins/{bid}", data={**fields, "action": "save"}).status_code == 303
    assert portal_store.bulletins.content(bid)[name] == files[name]
    i = _item(fields, "示例省发布跨境数据流动便利化措施 服务外包企业可享“白名单”通道")
    assert fields[f"item-{i}-extra"] == "note: keep me"
    fields[f"item-{i}-source"] = "示例省人民政府网站"
    assert c.post(f"/bulletins/{bid}", data={**fields, "action": "save"}).status_code == 303
    meta, _ = content.front_matter(portal_store.bulletins.content(bid)[name].decode(), Path(name))
    assert meta["note"] == "keep me" and meta["source"] == "示例省人民政府网站"


def test_items_are_added_and_removed_without_javascript(client, portal_store):
    c = client("staff")
    bid, _ = _new_from_sample(c)
    fields = form_fields(c.get(f"/bulletins/{bid}").text, "editor")
    gone = _item(fields, "协会秘书处走访调研会员企业")
    r = c.post(f"/bulletins/{bid}", data={**fields, "action": f"remove:{gone}"})
    assert r.status_code == 200 and "已从【协会动态】移除“协会秘书处走访调研会员企业”" in r.text
    fields = form_fields(r.text, "editor")
    assert "协会秘书处走访调研会员企业" not in fields.values()
    r = c.post(f"/bulletins/{bid}", data={**fields, "action": "add-section", "new_section": "政策解读"})
    assert r.status_code == 200 and "【政策解读】" in r.text
    fields = form_fields(r.text, "editor")
    new = _new_item(fields)
    fields.update({f"item-{new}-title": "新政策", f"item-{new}-body": "正文。"})
    r = c.post(f"/bulletins/{bid}", data={**fields, "action": "save"})
    assert r.status_code == 303, r.text
    saved = portal_store.bulletins.content(bid)
    assert "协会动态/02-走访会员企业.md" not in saved
    assert saved["政策解读/01-新政策.md"] == '---\ntitle: "新政策"\n---\n\n正文。\n'.encode()
    # a section name that is not a folder name is refused
    r = c.post(f"/bulletins/{bid}", data={**fields, "action": "add-section", "new_section": "../x"})
    assert r.status_code == 400 and "栏目名" in r.text


def test_the_live_preview_draws_an_item_as_the_bulletin_does_and_inert(client):
    c = client("staff")
    token = csrf_of(c.get("/bulletins/new").text)
    r = c.post("/bulletins/preview", data={"markdown": HOSTILE, "section": "协会动态"},
               headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.text.lstrip().startswith('<div class="bulletin-preview">')
    assert_inert(r.text, own_scripts=False)
    assert all(t in shown(r.text) for t in TYPED) and "测试&lt;script&gt;alert(1)&lt;/script&gt;标题" in shown(r.text)
    assert 'href="https://example.org/a"' in r.text
    profile = "---\ntitle: 某公司\ntype: 协会会员单位\n---\n公司简介。"
    r = c.post("/bulletins/preview", data={"markdown": profile, "section": "会员风采",
                                           "csrf_token": token})
    assert "类　　型：" in r.text and "简　　介：" in r.text
    # the editor's fields (as an item's inputs are named without their prefix), hostile too
    r = c.post("/bulletins/preview", data={"section": "行业资讯", "title": HOSTILE_TITLE, "date": "2024-10-20",
                                           "source": "来源<script>alert(3)</script>", "body": HOSTILE_BODY,
                                           "csrf_token": token})
    assert r.status_code == 200 and "测试&lt;script&gt;alert(1)&lt;/script&gt;标题" in shown(r.text)
    assert "来源&lt;script&gt;alert(3)&lt;/script&gt;" in r.text and "2024年10月" in shown(r.text)
    assert_inert(r.text, own_scripts=False)
    half = c.post("/bulletins/preview", data={"markdown": "---\ntitle: [未写完", "csrf_token": token})
    assert half.status_code == 200                     # a half-typed item is shown, not refused
    assert c.post("/bulletins/preview", data={"markdown": "x"}).status_code == 403   # no CSRF


def test_the_masthead_is_written_as_toml_that_reads_back_as_typed(client, portal_store):
    c = client("staff")
    bid, _ = _new_from_sample(c)
    fields = form_fields(c.get(f"/bulletins/{bid}").text, "editor")
    # a line break or DEL in a one-line field is refused, naming the character, and the page
    # keeps what was typed (issue 19: no control character reaches bulletin.toml)
    typed = '简报\n第二行\x7f'
    r = c.post(f"/bulletins/{bid}", data={**fields, "title": typed, "action": "save"})
    assert r.status_code == 422 and "U+000A" in r.text, r.text[:300]
    assert form_fields(r.text, "editor")["title"] == typed
    title = '简报"引号"\\反斜杠\\n 第二行 = [x] # 非注释'
    fields.update({"title": title, "source": 'a"""b', "relative_year": "true", "bri": "route65"})
    r = c.post(f"/bulletins/{bid}", data={**fields, "action": "save"})
    assert r.status_code == 303, r.text
    toml = tomllib.loads(portal_store.bulletins.content(bid)[TOML].decode())
    assert toml["title"] == title.strip() and toml["data"]["source"] == 'a"""b'
    assert toml["data"]["relative_year"] is True and toml["data"]["bri"] == "route65"
    # the sample's 版记 fields kept (issue 21, C7)
    assert set(toml) == {"title", "issue", "date", "publisher", "report_to", "copy_to", "copies", "data"}
    assert portal_store.bulletins.get(bid)["title"] == title.strip()
    page = c.get(f"/bulletins/{bid}").text
    assert form_fields(page, "editor")["source"] == 'a"""b'
    # the 版记's fields (issue 21, C7): a 印数 that is no number refused beside its field,
    # what was typed kept; markup in 报 saved as typed and shown inert
    fields = form_fields(page, "editor")
    assert (fields["report_to"], fields["copy_to"], fields["copies"]) == ("市商务局", "各会员单位", "50")
    typed = {"report_to": '<script>alert(1)</script>市商务局', "distribute_to": "各区县商务部门", "copies": "五十"}
    r = c.post(f"/bulletins/{bid}", data={**fields, **typed, "action": "save"})
    assert r.status_code == 422
    errors = re.findall(r'<span class="field-error">([^<]*)</span>', r.text)
    assert len(errors) == 1 and "印数" in errors[0] and "整数" in errors[0], errors
    assert {k: form_fields(r.text, "editor")[k] for k in typed} == typed
    assert "<script>alert(1)" not in r.text
    r = c.post(f"/bulletins/{bid}", data={**fields, **typed, "copies": "80", "action": "save"})
    assert r.status_code == 303, r.text
    toml = tomllib.loads(portal_store.bulletins.content(bid)[TOML].decode())
    assert (toml["report_to"], toml["distribute_to"], toml["copies"]) == (typed["report_to"], "各区县商务部门", 80)
    # unchanged fields keep the file as it was (its comments)
    sample = sample_files()
    bid2, _ = _new_from_sample(c)
    fields = form_fields(c.get(f"/bulletins/{bid2}").text, "editor")
    assert c.post(f"/bulletins/{bid2}", data={**fields, "action": "save"}).status_code == 303
    assert portal_store.bulletins.content(bid2)[TOML] == sample[TOML]


def test_a_new_issue_from_fields_or_a_zip(client, portal_store):
    c = client("staff")
    page = c.get("/bulletins/new")
    defaults = form_fields(page.text)
    assert defaults["title"] == "示例市数字贸易协会简报" and defaults["issue"] == ""
    token = defaults["csrf_token"]
    fields = {k: defaults[k] for k in editor.MASTHEAD | editor.DATA if k in defaults}
    r = c.post("/bulletins", data={**fields, "csrf_token": token, "start": "fields", "period": "2024Q3"})
    assert r.status_code == 422 and "期号（issue）" in r.text                # kept, with the error
    assert (form_fields(r.text)["period_year"], form_fields(r.text)["period_span"]) == ("2024", "07..09")
    r = c.post("/bulletins", data={**fields, "csrf_token": token, "start": "fields",
                                   "issue": "2024年第12期", "period": "2024Q3"})
    assert r.status_code == 303
    bid = int(r.headers["location"].split("/")[2].split("?")[0])
    assert sorted(portal_store.bulletins.content(bid)) == [TOML]
    assert portal_store.bulletins.get(bid)["period"] == "2024-07..2024-09"        # as the store writes it

    files = _sample(portal_store)
    r = c.post("/bulletins", data={"csrf_token": token, "start": "zip"},
               files={"file": ("2024-10.zip", _zip({f"2024-10/{k}": v for k, v in files.items()}),
                               "application/zip")})
    assert r.status_code == 303
    assert portal_store.bulletins.content(int(r.headers["location"].split("/")[2].split("?")[0])) == files
    r = c.post("/bulletins", data={"csrf_token": token, "start": "zip"},
               files={"file": ("x.zip", b"not a zip", "application/zip")})
    assert r.status_code == 400 and "不是有效的 zip 压缩包" in r.text
    r = c.post("/bulletins", data={"csrf_token": token, "start": "zip"},
               files={"file": ("x.zip", _zip({"说明.txt": b"x"}), "application/zip")})
    assert r.status_code == 422 and "没有 bulletin.toml" in r.text
    r = c.post("/bulletins", data={"start": "sample"})
    assert r.status_code == 403                                             # no CSRF token


# ---- who may ----------------------------------------------------------------------------------

def test_drafts_are_staff_only_and_csrf_is_required(client, portal_store):
    staff = client("staff")
    bid, token = _new_from_sample(staff)
    stored = portal_store.bulletins.content(bid)
    anon, ent = client(), client("enterprise")
    for path in (f"/bulletins/{bid}", f"/bulletins/{bid}/files/zip", "/bulletins"):
        assert anon.get(path).status_code == 303                            # to 登录
    assert ent.get(f"/bulletins/{bid}").status_code == 404
    assert ent.get(f"/bulletins/{bid}/files/zip").status_code == 404
    for who in (anon, ent, staff):
        for path in (f"/archive/{bid}", f"/archive/{bid}/pdf", f"/archive/{bid}/html"):
            assert who.get(path).status_code == 404, (path, who)
    assert "示例市数字贸易协会简报" not in anon.get("/archive").text
    assert [b["id"] for b in anon.get("/api/v1/bulletins").json()] == []
    drafts = staff.get("/api/v1/bulletins").json()
    assert drafts == [{"id": bid, "title": "示例市数字贸易协会简报", "issue": "2024年第10期（总第58期）",
                       "period": "2024-01..2024-09", "status": "draft", "vintage": None,
                       "revision_of": None, "published_at": None,
                       "links": {"html": None, "pdf": None, "docx": None}}]
    # a cookie POST without the CSRF token changes nothing
    fields = form_fields(staff.get(f"/bulletins/{bid}").text, "editor")
    del fields["csrf_token"]
    assert staff.post(f"/bulletins/{bid}", data={**fields, "title": "x"}).status_code == 403
    assert staff.post(f"/bulletins/{bid}/publish", data={}).status_code == 403
    assert staff.post(f"/bulletins/{bid}/revise", data={"csrf_token": "forged"}).status_code == 403
    assert portal_store.bulletins.content(bid) == stored and portal_store.bulletins.get(bid)["status"] == "draft"
    # the draft's content folder, for staff
    r = staff.get(f"/bulletins/{bid}/files/zip")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert r.headers["cache-control"] == "no-store"
    assert editions.from_zip(r.content) == stored
    assert staff.get(f"/bulletins/{bid}/files/pdf").status_code == 404      # not published yet
    assert staff.get(f"/bulletins/{bid + 100}").status_code == 404


def test_the_api_creates_replaces_and_publishes_with_a_bearer_token(client, portal_store):
    store = portal_store
    token = accounts.issue_token(store, "staff", 1, actor="测试")
    auth = {"Authorization": f"Bearer {token}"}
    c = client()
    files = _sample(store)
    upload = {"file": ("2024-10.zip", _zip(files), "application/zip")}
    r = c.post("/api/v1/bulletins", headers=auth, files=upload)
    assert r.status_code == 200 and r.json() == {"id": 1}
    changed = {**files, "协会动态/09-新.md": "---\ndate: 2024-10-21\n---\n10月21日，协会召开理事会。\n".encode()}
    r = c.post("/api/v1/bulletins?id=1", headers=auth,
               files={"file": ("x.zip", _zip(changed), "application/zip")})
    assert r.status_code == 200 and r.json() == {"id": 1} and store.bulletins.content(1) == changed
    # bad input: the API's error shape, nothing kept
    r = c.post("/api/v1/bulletins", headers=auth, files={"file": ("x.zip", b"PK no", "application/zip")})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad-input"
    bad = {**files, "行业资讯/01-跨境数据流动便利化.md": b"---\ntitle: x\n---\n"}
    r = c.post("/api/v1/bulletins", headers=auth, files={"file": ("x.zip", _zip(bad), "application/zip")})
    assert r.status_code == 422 and set(r.json()) == {"error"}
    assert "行业资讯/01-跨境数据流动便利化.md" in r.json()["error"]["message"]
    assert r.json()["error"]["code"] == "content"
    assert c.post("/api/v1/bulletins?id=99", headers=auth, files=upload).status_code == 404
    assert [b["id"] for b in store.bulletins.all()] == [1]
    # without a token: refused; an enterprise's token: the issue does not exist for it
    assert c.post("/api/v1/bulletins", files=upload).status_code == 401
    ent = {"Authorization": f"Bearer {accounts.issue_token(store, 'enterprise', 1, actor='测试')}"}
    assert c.post("/api/v1/bulletins/1/publish", headers=ent).status_code == 404
    assert c.post("/api/v1/bulletins", headers=ent, files=upload).status_code == 403

    r = c.post("/api/v1/bulletins/1/publish", headers=auth)
    assert r.status_code == 200, r.text
    meta = r.json()
    assert meta["id"] == 1 and meta["status"] == "published" and meta["published_by"] == "staff"
    assert meta["links"] == {"html": "/archive/1", "pdf": "/archive/1/pdf", "docx": "/archive/1/docx"}
    assert set(meta["outputs"]) == {"pdf", "docx", "html"}
    r = c.post("/api/v1/bulletins/1/publish", headers=auth)
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
    r = c.post("/api/v1/bulletins?id=1", headers=auth, files=upload)
    assert r.status_code == 409 and store.bulletins.content(1) == changed
    assert c.post("/api/v1/bulletins/99/publish", headers=auth).status_code == 404
    listed = c.get("/api/v1/bulletins").json()
    assert [(b["id"], b["status"], b["links"]["pdf"]) for b in listed] == [(1, "published", "/archive/1/pdf")]
    # a flagged period, through the API: 422 naming the parameter
    flagged = {**files, TOML: files[TOML].replace(b'period = "2024-01..2024-09"', b'period = "2024-01"')}
    r = c.post("/api/v1/bulletins", headers=auth, files={"file": ("x.zip", _zip(flagged), "application/zip")})
    new = r.json()["id"]
    r = c.post(f"/api/v1/bulletins/{new}/publish", headers=auth)
    assert r.status_code == 422 and "allow_flagged=true" in r.json()["error"]["message"]
    assert r.json()["error"]["code"] == "flagged"                 # its own code (was content)
    assert "--allow-flagged" not in r.json()["error"]["message"]
    assert [a["actor"] for a in store.audit.latest() if a["action"].startswith("bulletin")] == ["staff"] * 4
