"""Bulletin issues in the store, on every backend (web.md: 简报 and 公开简报): drafts whose
content files come back byte for byte, publication in one transaction, a published issue
that nothing changes, corrections as revisions, one audit entry per change, and a schema-2
store that gains the tables when opened."""

from __future__ import annotations

import pytest

from shumao.errors import ConflictError, InputError
from shumao.store import BulletinFile, connect
from shumao.store.schema import SCHEMA_VERSION
from tests.conftest import sql

FILES = {"bulletin.toml": 'title = "简报"\n'.encode(), "行业资讯/01-新闻.md": "---\n正文\n".encode(),
         "会员风采/二进制.md": b"\x00\xff\xfe raw"}
OUTPUTS = [BulletinFile("pdf", b"%PDF-1.7\x00\xff", "简报2024年第1期.pdf"),
           BulletinFile("html", "<p>简报</p>".encode(), "简报2024年第1期.html")]


def bulletin_actions(store) -> list[str]:
    return [e["action"] for e in reversed(store.audit.latest()) if e["action"].startswith("bulletin")]


def test_draft_edit_publish_round_trip(store):
    first = store.bulletins.create("简报", "2024年第1期", "2024-01", FILES, "秘书处", "10.0.0.1")
    assert first == 1
    meta = store.bulletins.get(first)
    assert {k: meta[k] for k in ("id", "revision_of", "title", "issue", "period", "status",
                                 "created_by", "updated_by", "published_by", "published_at",
                                 "outputs")} == {
        "id": 1, "revision_of": None, "title": "简报", "issue": "2024年第1期", "period": "2024-01",
        "status": "draft", "created_by": "秘书处", "updated_by": "秘书处", "published_by": None,
        "published_at": None, "outputs": {}}
    got = store.bulletins.content(first)
    assert got == FILES and all(type(v) is bytes for v in got.values())

    changed = {**FILES, "协会动态/01-培训.md": "---\ndate: 2024-01-02\n---\n培训".encode()}
    del changed["会员风采/二进制.md"]
    store.bulletins.replace(first, "简报（改）", "2024年第1期", "2024-01", changed, "编辑", "10.0.0.2")
    assert store.bulletins.content(first) == changed
    assert store.bulletins.get(first)["title"] == "简报（改）" and store.bulletins.get(first)["updated_by"] == "编辑"

    store.bulletins.publish(first, OUTPUTS, changed, "主编", "10.0.0.3", overrides=["某数字已核"])
    meta = store.bulletins.get(first)
    assert meta["status"] == "published" and meta["published_by"] == "主编" and meta["published_at"]
    assert meta["outputs"] == {"html": "简报2024年第1期.html", "pdf": "简报2024年第1期.pdf"}
    pdf = store.bulletins.output(first, "pdf")
    assert pdf == OUTPUTS[0] and type(pdf.content) is bytes
    assert store.bulletins.output(first, "docx") is None and store.bulletins.output(99, "pdf") is None

    second = store.bulletins.create("简报", "2024年第2期", "2024-02", FILES, "秘书处")
    assert [b["id"] for b in store.bulletins.all()] == [second, first]          # newest first
    assert [b["id"] for b in store.bulletins.all(published_only=True)] == [first]
    assert store.bulletins.get(99) is None and store.bulletins.content(99) == {}

    log = [e for e in store.audit.latest() if e["action"].startswith("bulletin")]
    assert [(e["action"], e["actor"], e["address"]) for e in reversed(log)] == [
        ("bulletin-create", "秘书处", "10.0.0.1"), ("bulletin-edit", "编辑", "10.0.0.2"),
        ("bulletin-publish", "主编", "10.0.0.3"), ("bulletin-create", "秘书处", None)]
    assert log[1]["detail"]["overrides"] == ["某数字已核"]
    assert log[1]["detail"]["outputs"]["pdf"] == {"file_name": "简报2024年第1期.pdf",
                                                  "sha256": OUTPUTS[0].sha256, "size": 10}


def test_a_published_issue_never_changes(store):
    b = store.bulletins.create("简报", "第1期", "2024-01", FILES, "秘书处")
    store.bulletins.publish(b, OUTPUTS, FILES, "主编")
    before = (store.bulletins.get(b), store.bulletins.content(b), store.bulletins.output(b, "pdf"))
    with pytest.raises(ConflictError, match="已发布，不能再修改"):
        store.bulletins.replace(b, "改", "第1期", "2024-01", {"bulletin.toml": b"x"}, "秘书处")
    with pytest.raises(ConflictError, match="已发布，不能再次发布"):
        store.bulletins.publish(b, OUTPUTS[:1], FILES, "主编")
    assert (store.bulletins.get(b), store.bulletins.content(b), store.bulletins.output(b, "pdf")) == before
    assert bulletin_actions(store) == ["bulletin-create", "bulletin-publish"]

    fix = store.bulletins.create("简报", "第1期（更正）", "2024-01", FILES, "秘书处", revision_of=b)
    assert store.bulletins.get(fix)["revision_of"] == b and store.bulletins.get(fix)["status"] == "draft"
    with pytest.raises(ConflictError, match="尚未发布"):
        store.bulletins.create("简报", "x", "2024-01", FILES, "秘书处", revision_of=fix)
    assert bulletin_actions(store) == ["bulletin-create", "bulletin-publish", "bulletin-revise"]


def test_unknown_issue_and_stale_content_are_refused(store):
    with pytest.raises(InputError, match="没有编号为 7 的简报"):
        store.bulletins.replace(7, "t", "i", "2024-01", FILES, "秘书处")
    with pytest.raises(InputError, match="没有编号为 7 的简报"):
        store.bulletins.publish(7, OUTPUTS, FILES, "主编")
    with pytest.raises(InputError, match="没有编号为 7 的简报"):
        store.bulletins.create("t", "i", "2024-01", FILES, "秘书处", revision_of=7)
    b = store.bulletins.create("简报", "第1期", "2024-01", FILES, "秘书处")
    stale = {**FILES, "bulletin.toml": b"older"}
    with pytest.raises(ConflictError, match="生成期间被修改"):
        store.bulletins.publish(b, OUTPUTS, stale, "主编")
    assert store.bulletins.get(b)["status"] == "draft" and store.bulletins.get(b)["outputs"] == {}
    assert sql(store, "SELECT count(*) FROM bulletin_files WHERE role = 'output'") == [(0,)]
    assert sql(store, "SELECT count(*) FROM bulletins") == [(1,)]
    assert bulletin_actions(store) == ["bulletin-create"]


def test_version_2_store_gains_the_bulletin_tables(store_url):
    """A store of schema 2 (before bulletin issues) opens, keeps what it had and gains the
    two tables; on DuckDB also when first opened by a command that only reads."""
    with connect(store_url) as s:
        s.audit.append("管理员", "note", {"x": 1})
        sql(s, "DROP TABLE bulletin_files")
        sql(s, "DROP TABLE bulletins")
        sql(s, "UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    read_only = not store_url.startswith("postgresql://")
    with connect(store_url, read_only=read_only) as s:
        assert s.bulletins.all() == [] and s.audit.latest()[0]["action"] == "note"
        assert sql(s, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    with connect(store_url) as s:
        b = s.bulletins.create("简报", "第1期", "2024-01", FILES, "秘书处")
        assert s.bulletins.content(b) == FILES
