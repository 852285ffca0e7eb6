"""Markdown images in a bulletin's items (reliability review F6): no channel draws them, so
each one is a Chinese warning naming the item and the image — a local file, a file not in
the content, a remote address (never fetched) — printed by ``shumao bulletin`` and shown by
the portal's publish; the issue is still written, the images' alt text is not lost silently."""

from __future__ import annotations

from tests.bulletin.conftest import make_content
from tests.conftest import run_cli
from tests.web.conftest import app, client  # noqa: F401

ITEM = "行业资讯/03-数字贸易报告.md"
IMAGES = ("\n\n![本地图片](pic.png)\n\n文中![远程图片](https://example.org/x.png)一张"
          "\n\n![](images/nope.png)\n")


def _with_images(folder):
    content = make_content(folder)
    md = content / ITEM
    md.write_text(md.read_text(encoding="utf-8") + IMAGES, encoding="utf-8")
    (content / "行业资讯" / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return content


def test_each_image_is_a_warning_naming_item_and_image(tmp_path, sample_db):
    content = _with_images(tmp_path / "issue")
    out = tmp_path / "out"
    p = run_cli("bulletin", content, "--db", sample_db, "--out", out, "--formats", "html,docx")
    assert p.returncode == 0, p.stderr
    assert sorted(f.suffix for f in out.iterdir()) == [".docx", ".html"]
    lines = [" ".join(ln.split()) for ln in p.stderr.splitlines() if "图片" in ln]
    assert len(lines) == 3, p.stderr
    local, remote, missing = lines
    for line in lines:
        assert ITEM in line and "研究机构发布年度数字贸易发展报告" in line and "未放入简报" in line
    assert "“本地图片”（pic.png）" in local and "暂不支持插入图片" in local
    assert "https://example.org/x.png" in remote and "不会下载" in remote
    assert "images/nope.png" in missing and "文件不存在" in missing
    assert "Traceback" not in p.stderr


def test_without_images_there_is_no_warning(tmp_path, sample_db):
    content = make_content(tmp_path / "issue")
    p = run_cli("bulletin", content, "--db", sample_db, "--out", tmp_path / "out",
                "--formats", "html")
    assert p.returncode == 0 and "图片" not in p.stderr


def test_the_portals_publish_shows_the_warnings(portal_store, client, tmp_path):  # noqa: F811
    from shumao.bulletin import editions

    content = _with_images(tmp_path / "issue")
    files = {p.relative_to(content).as_posix(): p.read_bytes()
             for p in content.rglob("*") if p.is_file() and p.suffix in (".md", ".toml")}
    bid = editions.create(portal_store, files, "秘书处")
    staff = client("staff")
    check = staff.get(f"/bulletins/{bid}/check").text          # before publishing: the check page
    assert "图片提醒" in check and check.count("未放入简报") == 3
    meta = editions.publish(portal_store, bid, "主编")
    # the portal keeps no image files: each is named as not in the content
    assert len(meta["warnings"]) == 3 and all(ITEM in w for w in meta["warnings"])
    assert "不会下载" in meta["warnings"][1]
    page = staff.get(f"/bulletins/{bid}/publishing").text        # the result page
    assert "未放入简报" in page and "https://example.org/x.png" in page
    assert page.count("未放入简报") == 3
