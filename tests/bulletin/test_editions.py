"""Bulletin editions kept in the store (bulletin/editions.py), on every backend: an uploaded zip
read safely, drafts checked as ``shumao bulletin`` checks a folder (messages naming the file
as the clerk knows it), publication all or nothing, published editions immutable, corrections
as revisions, one audit entry per change, and hostile Markdown inert in the editor's
preview and in every published format.  Publishing renders a PDF: one publish per backend."""

from __future__ import annotations

import datetime as dt
import io
import re
import stat
import zipfile

import pytest

from shumao.bulletin import content, editions
from shumao.bulletin.folder import check_files
from shumao.errors import ConflictError, ContentError, InputError
from shumao.store import Store
from tests.bulletin.conftest import make_content
from tests.conftest import sql
from tests.html import Tags, shown

NEWS = "行业资讯/01-跨境数据流动便利化.md"
PROFILE = "会员风采/01-云桥信息技术.md"
HOSTILE = """---
title: 测试<script>alert(1)</script>标题
date: 2024-10-20
---
<script>alert(1)</script>

正文[点我](javascript:alert(1))与<img src=x onerror=alert(1)>，<a href="javascript:alert(2)">链接</a>。

[网站](https://example.org/a) [数据](data:text/html,x) [相对](/admin)
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, bytes]:
    """The packaged sample issue, its profiles pointed at the sample store's enterprises."""
    folder = make_content(tmp_path_factory.mktemp("issue") / "2024-10")
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def zipped(entries: dict[str, bytes], prefix: str = "") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(prefix + name, data)
    return buf.getvalue()


def edited(files: dict[str, bytes], name: str, old: str, new: str) -> dict[str, bytes]:
    text = files[name].decode()
    assert old in text
    return {**files, name: text.replace(old, new).encode()}


def assert_inert(html: str) -> None:
    tags = Tags(html).tags
    assert "<script" not in html.lower() and 'href="javascript:' not in html.lower()
    assert not re.search(r"<[^>]*\son\w+\s*=", html)                  # no event attribute
    assert not [k for _, a in tags for k in a if k.lower().startswith("on")]
    assert {a["href"] for t, a in tags if t == "a" and not a["href"].startswith("#")} <= {
        "https://example.org/a"}
    # what was typed shows, as text (read without the spans that keep a figure unbroken)
    html = shown(html)
    for typed in ["&lt;script&gt;alert(1)&lt;/scri", "&lt;img src=x onerror=alert(1)&gt;",
                  "&lt;a href=&#34;javascript:alert(2)&#34;&gt;链接&lt;/",
                  "[点我](javascript:alert(1))", "[数据](data:text/html,x)", "测试&lt;script&gt;"]:
        assert typed in html, typed


def audit(store: Store) -> list[str]:
    return [e["action"] for e in reversed(store.audit.latest())]


# ---- the life of an issue ---------------------------------------------------------------

def test_create_edit_publish_revise(sample_store, files):
    store = sample_store
    upload = zipped({**files, "__MACOSX/._x": b"\x00", "行业资讯/图片.png": b"\x89PNG"}, "2024-10/")
    assert editions.from_zip(upload) == files                   # unwrapped, only content kept
    first = editions.create(store, files, "秘书处", "10.0.0.1")
    meta = store.bulletins.get(first)
    assert (meta["title"], meta["issue"], meta["period"], meta["status"]) == (
        "示例市数字贸易协会简报", "2024年第10期（总第58期）", "2024-01..2024-09", "draft")

    changed = {**edited(files, NEWS, "白名单", "绿色通道"), "协会动态/09-恶意.md": HOSTILE.encode()}
    editions.save(store, first, changed, "秘书处", "10.0.0.1")
    assert store.bulletins.content(first) == changed

    meta = editions.publish(store, first, "主编", "10.0.0.2")
    assert meta["status"] == "published" and meta["published_by"] == "主编"
    stem = "示例市数字贸易协会简报2024年第10期（总第58期）"
    assert meta["outputs"] == {f: f"{stem}.{f}" for f in ("docx", "html", "pdf")}
    pdf, docx, html = (store.bulletins.output(first, f) for f in ("pdf", "docx", "html"))
    assert pdf.content.startswith(b"%PDF") and docx.content.startswith(b"PK")
    page = html.content.decode()
    assert "绿色通道" in page and "白名单" not in page             # what was saved is published
    assert_inert(page)
    with zipfile.ZipFile(io.BytesIO(docx.content)) as z:
        xml = z.read("word/document.xml").decode()
        rels = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".rels"))
    assert "&lt;img src=x onerror=alert(1)&gt;" in xml and "javascript" not in rels

    # published: immutable, and a correction is a new draft
    before = (store.bulletins.get(first), store.bulletins.content(first), pdf)
    with pytest.raises(ConflictError, match="已发布，不能再修改"):
        editions.save(store, first, files, "秘书处")
    with pytest.raises(ConflictError, match="已发布"):
        editions.publish(store, first, "主编")
    assert (store.bulletins.get(first), store.bulletins.content(first),
            store.bulletins.output(first, "pdf")) == before
    fix = editions.revise(store, first, "秘书处", "10.0.0.1")
    assert store.bulletins.get(fix)["revision_of"] == first and store.bulletins.get(fix)["status"] == "draft"
    assert store.bulletins.content(fix) == changed and store.bulletins.get(fix)["outputs"] == {}
    editions.save(store, fix, files, "秘书处")
    with pytest.raises(ConflictError, match="尚未发布"):
        editions.revise(store, fix, "秘书处")
    assert [b["id"] for b in store.bulletins.all()] == [fix, first]
    assert [b["id"] for b in store.bulletins.all(published_only=True)] == [first]
    assert [a for a in audit(store) if a.startswith("bulletin")] == [
        "bulletin-create", "bulletin-edit", "bulletin-publish", "bulletin-revise", "bulletin-edit"]


def test_a_failed_publish_leaves_the_draft_as_it_was(sample_store, files):
    store = sample_store
    unknown = edited(files, PROFILE, "91990102B8QRD82822", "91990102B8QRD8282X")
    draft = editions.create(store, unknown, "秘书处")         # the store is only asked on publishing
    before = (store.bulletins.get(draft), store.bulletins.content(draft))
    with pytest.raises(ContentError) as e:
        editions.publish(store, draft, "主编")
    assert str(e.value).startswith(f"{PROFILE}：01-云桥信息技术.md 的“enterprise_id”")
    assert "数据库中没有这家企业" in str(e.value) and "shumao-" not in str(e.value)
    no_data = edited(files, "bulletin.toml", 'period = "2024-01..2024-09"', 'period = "2019-01"')
    editions.save(store, draft, no_data, "秘书处")
    with pytest.raises(ContentError, match=r"^bulletin\.toml：bulletin\.toml 的“period”为 2019-01"):
        editions.publish(store, draft, "主编")
    assert store.bulletins.get(draft)["status"] == "draft" and store.bulletins.get(draft)["outputs"] == {}
    assert store.bulletins.content(draft) == no_data != before[1]
    assert sql(store, "SELECT count(*) FROM bulletin_files WHERE role = 'output'") == [(0,)]
    assert [a for a in audit(store) if a.startswith("bulletin")] == ["bulletin-create", "bulletin-edit"]


def test_bad_content_is_refused_and_nothing_is_kept(store, files):
    bad_date = edited(files, NEWS, "date: 2024-10-12", "date: 2024-13-45")
    with pytest.raises(ContentError) as e:
        editions.create(store, bad_date, "秘书处")
    assert str(e.value) == (f"{NEWS}：01-跨境数据流动便利化.md 的“date”"
                            "不是有效日期（应为 2024-10-20），现为“2024-13-45”")
    no_toml = {k: v for k, v in files.items() if k != "bulletin.toml"}
    with pytest.raises(ContentError, match=r"^简报内容：缺少 bulletin\.toml"):
        editions.create(store, no_toml, "秘书处")
    with pytest.raises(InputError, match="不是简报内容文件"):
        editions.create(store, {**files, "../x.md": b"---\ntitle: x\n---\nx"}, "秘书处")
    assert store.bulletins.all() == [] and audit(store) == []

    draft = editions.create(store, files, "秘书处")
    with pytest.raises(ContentError, match="正文为空"):
        editions.save(store, draft, {**files, NEWS: b"---\ntitle: t\ndate: 2024-10-01\nsource: s\n---\n"},
                    "秘书处")
    with pytest.raises(InputError, match="没有编号为 9 的简报"):
        editions.save(store, 9, files, "秘书处")
    assert store.bulletins.content(draft) == files and audit(store) == ["bulletin-create"]


# ---- uploads ----------------------------------------------------------------------------

def _symlink() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("bulletin.toml", b"x")
        info = zipfile.ZipInfo("行业资讯/01.md")
        info.create_system, info.external_attr = 3, (stat.S_IFLNK | 0o777) << 16
        z.writestr(info, "/etc/passwd")
    return buf.getvalue()


def _raw_name(name: bytes) -> bytes:
    """A zip whose entry name is these bytes, without the UTF-8 flag (as Chinese Windows
    writes GBK names)."""
    placeholder = b"N" * len(name)
    data = zipped({"bulletin.toml": b"x", placeholder.decode() + ".md": b"y"})
    return data.replace(placeholder + b".md", name + b".md")


BAD_ZIPS = {
    "garbage": (b"PK\x03\x04 this is not really a zip", InputError, "不是有效的 zip 压缩包"),
    "empty": (b"", InputError, "不是有效的 zip 压缩包"),
    "traversal": (zipped({"bulletin.toml": b"x", "../x.md": b"y"}), InputError,
                  "“../x.md”含有“..”"),
    "deep traversal": (zipped({"a/../../etc/x.md": b"y"}), InputError, "含有“..”"),
    "absolute": (zipped({"/etc/cron.d/x.md": b"y"}), InputError, "“/etc/cron.d/x.md”是绝对路径"),
    "drive": (zipped({"C:\\x\\bulletin.toml": b"y"}), InputError, "是绝对路径"),
    "symlink": (_symlink(), InputError, "“行业资讯/01.md”是符号链接"),
    "bomb": (zipped({"bulletin.toml": b"x", "行业资讯/01.md": bytes(21 * 1024 * 1024)}),
             InputError, "解压后超过 20 MB"),
    "too many": (zipped({f"行业资讯/{i:03}.md": b"x" for i in range(201)}), InputError,
                 "201 个条目，超过上限 200 个"),
    "bad name": (_raw_name(b"\xff\xfe"), InputError, "无法识别"),
    "no toml": (zipped({"行业资讯/01.md": b"x"}, "2024-10/"), ContentError, "没有 bulletin.toml"),
    "duplicate": (zipped({"bulletin.toml": b"x", "./bulletin.toml": b"y"}), InputError, "重复出现"),
}


@pytest.mark.parametrize("case", BAD_ZIPS)
def test_a_bad_zip_is_refused_naming_the_entry(case):
    data, error, message = BAD_ZIPS[case]
    with pytest.raises(error, match=re.escape(message)):
        editions.from_zip(data)


def test_a_bad_upload_keeps_nothing(store):
    with pytest.raises(InputError):
        editions.create(store, editions.from_zip(BAD_ZIPS["traversal"][0]), "秘书处")
    assert store.bulletins.all() == [] and audit(store) == []


def test_zip_names_as_archivers_write_them(files):
    gbk = _raw_name("行业资讯/01-新闻".encode("gbk"))        # Chinese Windows: GBK, no UTF-8 flag
    assert sorted(editions.from_zip(gbk)) == ["bulletin.toml", "行业资讯/01-新闻.md"]
    utf8 = _raw_name("会员风采/02".encode())                 # UTF-8 without the flag
    assert sorted(editions.from_zip(utf8)) == ["bulletin.toml", "会员风采/02.md"]
    kept = editions.from_zip(zipped({**files, ".DS_Store": b"", "说明.txt": b"", "_草稿/x.md": b"",
                                   "行业资讯/更深/x.md": b"", "README.md": b""}))
    assert kept == files
    with pytest.raises(ContentError, match="没有 bulletin.toml"):    # two folders: not unwrapped
        editions.from_zip(zipped({"2024-10/bulletin.toml": b"x", "2024-11/bulletin.toml": b"y"}))


def test_content_names_are_checked_for_a_dict_too(files):
    check_files(files)
    for name in ["../x.md", "/x.md", "a/b/c.md", "行业资讯/x.txt", "_草稿/x.md", ".git/x.md",
                 "行业资讯/.md", "行业资讯\\x.md", "x.md"]:
        with pytest.raises(InputError, match="不是简报内容文件"):
            check_files({name: b""})
    with pytest.raises(InputError, match="超过上限 200 个"):
        check_files({f"行业资讯/{i}.md": b"" for i in range(201)})


# ---- the editor ---------------------------------------------------------------------------

def test_preview_is_the_bulletins_own_drawing_and_inert():
    html = editions.preview_html(HOSTILE, "协会动态")
    assert_inert(html)
    assert '<a href="https://example.org/a">网站</a>' in html
    assert "<h3>测试&lt;script&gt;alert(1)&lt;/script&gt;标题</h3>" in shown(html)
    # a year, a month, a day each one unbroken run (span.fig), the last characters kept together
    assert ('<p class="date"><span class="fig">2024年</span><span class="tail"><span class="fig">10月</span>'
            '<span class="fig">20日</span></span></p>') in html
    body = editions.preview_html("共 **30** 家企业参加。")                  # no front matter
    assert ('<p class="para">共<strong><span class="fig">30</span></strong>家企业<span class="tail">参加。</span></p>'
            in body)
    half = editions.preview_html("---\ntitle: 还没写完")                    # shown, not refused
    assert "title: 还" in shown(half)


@pytest.mark.parametrize("section", [content.NEWS, content.MEMBERS, content.EVENTS, "专题"])
def test_item_template_holds_the_sections_fields(section, tmp_path):
    text = editions.item_template(section, today=dt.date(2024, 10, 20))
    meta, body = content.front_matter(text, tmp_path / "x.md")
    expected = {content.NEWS: ["title", "date", "source"],
                content.MEMBERS: ["title", "type", "enterprise_id"],
                content.EVENTS: ["title", "date"]}.get(section, ["title"])
    assert list(meta) == expected and body == ""
    assert meta.get("date") in (None, "2024-10-20")             # dates stay text until checked
    filled = text.replace("title:", "title: 标题", 1).replace("source:", "source: 某网站") \
        .replace("type:", "type: 协会会员单位") + "正文。\n"
    path = tmp_path / section / "01.md"
    path.parent.mkdir()
    path.write_text(filled, encoding="utf-8")
    assert content.read_item(path, section).title == "标题"


def test_outline_is_the_bulletins_order(files):
    got = editions.outline({**files, "专题/02.md": b"", "附录/01.md": b"", "专题/01.md": b""})
    assert list(got) == ["行业资讯", "会员风采", "协会动态", "专题", "附录"]
    assert got["专题"] == ["专题/01.md", "专题/02.md"] and got["行业资讯"][0] == NEWS
    assert editions.outline({"bulletin.toml": b""}) == {"行业资讯": [], "会员风采": [], "协会动态": []}
