"""The e-mail (.eml) and 公众号 outputs of ``shumao bulletin``: the message's MIME structure
as a mail client reads it, HTML that survives mail clients and the 公众号 editor (inline
styles only, no SVG, no script), and hostile Markdown that comes out inert in both."""

from __future__ import annotations

import email
import html as html_lib
import re
from email import policy
from pathlib import Path
from urllib.parse import quote, unquote

import docx
import pytest

from shumao.bulletin import publish as pub
from shumao.bulletin.email import text_table, width
from shumao.errors import InputError
from shumao.store import connect
from tests.bulletin.conftest import make_content
from tests.bulletin.test_browser import NOTE_LINES
from tests.bulletin.test_outputs import HEADINGS, NEWS, PARAGRAPHS
from tests.conftest import run_cli
from tests.html import Tags

TITLE, ISSUE = "示例市数字贸易协会简报", "2024年第10期（总第58期）"
HOSTILE = """---
title: 测试<script>alert(1)</script>标题
---
<script>alert(1)</script>

正文[点我](javascript:alert(1))与<img src=x onerror=alert(1)>，**粗体**和*斜体*。

![图](x" onerror="alert(1))[网站](https://example.org/a?b=1&c=2 "t")

> 引用一句话

1. 条目一
2. 条目二
"""
FORBIDDEN = re.compile(r"<svg|<style|<link|<script|<iframe|display\s*:\s*(flex|grid)|grid-template",
                       re.I)
EMAIL_TAGS = {"html", "head", "meta", "title", "body", "table", "thead", "tbody", "tr", "th", "td",
              "h1", "h2", "h3", "p", "div", "img", "strong", "em", "a", "br", "ul", "ol", "li",
              "span"}     # span: a note's key, the box its text hangs from
WECHAT_TAGS = {"html", "head", "meta", "title", "body", "section", "p", "table", "thead", "tbody",
               "tr", "th", "td", "img", "strong", "em", "span", "br", "ul", "ol", "li"}


@pytest.fixture(scope="module")
def out(tmp_path_factory, sample_db):
    root = tmp_path_factory.mktemp("mail")
    content = make_content(root / "2024-10")
    (content / "协会动态" / "09-恶意.md").write_text(HOSTILE, encoding="utf-8")
    p = run_cli("bulletin", content, "--db", sample_db, "--out", root / "out",
                "--formats", "email,wechat")
    assert p.returncode == 0, p.stderr
    assert "EMAIL" in p.stdout and "WECHAT" in p.stdout
    return root / "out"


@pytest.fixture(scope="module")
def eml(out):
    [path] = out.glob("*.eml")
    return path


@pytest.fixture(scope="module")
def msg(eml):
    return email.message_from_bytes(eml.read_bytes(), policy=policy.default)


@pytest.fixture(scope="module")
def mail_html(msg):
    return msg.get_body(("html",)).get_content()


@pytest.fixture(scope="module")
def wechat(out):
    [folder] = out.glob("*.wechat")
    return folder


@pytest.fixture(scope="module")
def wechat_html(wechat):
    return (wechat / "文章.html").read_text(encoding="utf-8")


# ---- e-mail --------------------------------------------------------------------------

def test_eml_mime_structure(eml, msg):
    assert eml.name == f"{TITLE}{ISSUE}.eml"
    assert msg.get_content_type() == "multipart/alternative"
    plain, related = msg.get_payload()
    assert plain.get_content_type() == "text/plain" and plain.get_content_charset() == "utf-8"
    assert related.get_content_type() == "multipart/related"
    html, *images = related.get_payload()
    assert html.get_content_type() == "text/html"
    assert [i.get_content_type() for i in images] == ["image/png"] * 4
    assert all(i.get_content().startswith(b"\x89PNG") for i in images)
    assert [i.get_filename() for i in images] == ["图1.png", "图2.png", "图3.png", "图4.png"]
    assert not msg.defects and not any(p.defects for p in msg.walk())


def test_eml_headers(eml, msg):
    raw = eml.read_bytes()
    assert raw.isascii()                                   # headers RFC 2047-encoded, bodies base64
    assert b"\r\n" in raw and max(len(ln) for ln in raw.split(b"\r\n")) <= 998
    assert msg["Subject"] == f"{TITLE} {ISSUE}"
    assert msg["Date"].datetime.date().isoformat() == "2024-10-25"
    assert msg["Organization"] == "示例市数字贸易协会秘书处"
    assert msg["X-Unsent"] == "1" and msg["From"] is None and msg["To"] is None


def test_eml_every_cid_has_its_image(msg, mail_html):
    cids = {p["Content-ID"].strip("<>") for p in msg.walk() if p["Content-ID"]}
    srcs = [a["src"] for t, a in Tags(mail_html).tags if t == "img"]
    assert all(s.startswith("cid:") for s in srcs)
    used = {unquote(s[4:]) for s in srcs}
    assert used == cids and len(cids) == 4
    assert "data:" not in mail_html


def test_eml_html_is_for_mail_clients(mail_html):
    assert not FORBIDDEN.search(mail_html)
    tags = Tags(mail_html).tags
    assert {t for t, _ in tags} <= EMAIL_TAGS
    assert 'width="640"' in mail_html and "max-width:640px" in mail_html
    assert "'Microsoft YaHei','PingFang SC','Noto Sans CJK SC',sans-serif" in mail_html
    assert not [a for t, a in tags if "class" in a or "id" in a]
    assert all("style" in a for t, a in tags if t in ("p", "td", "th", "img", "h1", "h2", "h3"))
    for words in [*HEADINGS, *NEWS, *PARAGRAPHS, "图1　", "数据来源：商务部服务外包统一平台",
                  "（来源：示例省商务厅网站）", "注：1. "]:
        assert words in mail_html, words
    assert "<strong>类\u3000\u3000型：</strong>" in mail_html


def test_eml_text_part_is_the_whole_bulletin(msg):
    text = msg.get_body(("plain",)).get_content()
    lines = text.splitlines()
    for para in PARAGRAPHS:                                # the 数据月报 paragraphs exactly
        assert para in lines
    for words in [TITLE, ISSUE, *HEADINGS, *(f"■ {n}" for n in NEWS), "（来源：示例省商务厅网站）",
                  "类\u3000\u3000型：协会副会长单位", "图1　", "主要指标", "注：1. "]:
        assert words in text, words
    typed = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")   # raw HTML is text
    assert all(t in text for t in typed)
    bare = text
    for t in typed:
        bare = bare.replace(t, "")
    assert "<" not in bare and "**" not in text                   # no markup of ours
    assert "网站（https://example.org/a?b=1&c=2）" in text


def test_text_table_aligns_cjk_columns():
    lines = text_table(["国家（地区）", "本期"], [["美国", 1], ["中国香港", None]])
    assert len({width(ln.rstrip()) for ln in lines if not ln.startswith("-")}) == 1
    assert lines[2].endswith(" 1") and lines[3].endswith("—")


# ---- 公众号 --------------------------------------------------------------------------

def test_wechat_folder_and_images(wechat, wechat_html):
    assert wechat.name == f"{TITLE}{ISSUE}.wechat"
    assert sorted(p.name for p in wechat.iterdir()) == ["图1.png", "图2.png", "图3.png", "图4.png", "文章.html"]
    srcs = [a["src"] for t, a in Tags(wechat_html).tags if t == "img"]
    assert len(srcs) == 4
    for src in srcs:
        f = wechat / unquote(src)
        assert f.parent == wechat and f.read_bytes().startswith(b"\x89PNG")


def test_wechat_html_survives_the_editor(wechat_html):
    assert not FORBIDDEN.search(wechat_html)
    tags = Tags(wechat_html).tags
    assert {t for t, _ in tags} <= WECHAT_TAGS
    assert not [a for t, a in tags if "class" in a or "id" in a or "href" in a]
    sizes = {int(s) for s in re.findall(r"font-size:(\d+)px", wechat_html)}
    assert sizes <= {15, 16, 17, 22}                      # 22: the masthead title only
    assert "line-height:1.75" in wechat_html
    for words in [TITLE, ISSUE, *HEADINGS, *NEWS, *PARAGRAPHS, "图3　", "数据来源：",
                  "（来源：示例省商务厅网站）"]:
        assert words in wechat_html, words
    assert "网站<span" in wechat_html and "（https://example.org/a?b=1&amp;c=2）" in wechat_html


@pytest.mark.parametrize("which", ["mail_html", "wechat_html"])
def test_hostile_markdown_is_inert(which, request):
    html = request.getfixturevalue(which)
    tags = Tags(html).tags
    assert "<script" not in html.lower() and not re.search(r"<[^>]*\son\w+\s*=", html)
    assert not [k for _, a in tags for k in a if k.startswith("on")]
    assert 'x&#34; onerror=&#34;alert(1)' in html              # left as text, quotes escaped
    assert "测试&lt;script&gt;alert(1)&lt;/script&gt;标题" in html
    hrefs = [a["href"] for _, a in tags if "href" in a]
    assert hrefs == ([] if which == "wechat_html" else ["https://example.org/a?b=1&c=2"])
    assert all(a["src"].startswith("cid:") or a["src"].endswith(".png")
               for t, a in tags if t == "img")
    assert "<strong>粗体</strong>" in html and "<em>斜体</em>" in html
    assert "引用一句话" in html and "条目二" in html


# ---- publishing ----------------------------------------------------------------------

def test_formats_registered_default_unchanged():
    assert pub.parse_formats("PDF, email,wechat") == ["pdf", "email", "wechat"]
    assert pub.DEFAULT == ("pdf", "docx", "html")
    with pytest.raises(InputError, match="email") as e:
        pub.parse_formats("pdf,eml")
    assert "wechat" in str(e.value) and "eml" in str(e.value)


def test_wechat_republished_and_all_or_nothing(tmp_path, sample_db):
    content = make_content(tmp_path / "2024-10")
    out = tmp_path / "out"
    with connect(sample_db, read_only=True) as store:
        first = pub.publish(content, store, out, ["wechat"])
        (first["wechat"] / "旧文件.txt").write_text("x", encoding="utf-8")
        again = pub.publish(content, store, out, ["wechat", "email"])
        assert again["wechat"] == first["wechat"]              # replaced, not nested inside
        assert sorted(p.name for p in again["wechat"].iterdir()) == [
            "图1.png", "图2.png", "图3.png", "图4.png", "文章.html"]
        empty = tmp_path / "empty"
        with pytest.raises(KeyError):                          # a failing second output …
            pub.publish(content, store, empty, ["wechat", "no-such-format"])
    assert list(empty.iterdir()) == []                         # … leaves no folder behind
    assert sorted(p.suffix for p in out.iterdir()) == [".eml", ".wechat"]


def test_member_labels_indented_alike_in_mail_and_wechat():
    """Issue 21 B3: 类　　型：and 简　　介：both indented two characters, as the PDF sets them."""
    from shumao.bulletin.inline import STYLES

    for layout in ("email", "wechat"):
        assert "text-indent:2em" in STYLES[layout]["label"]
        assert "text-indent:2em" in STYLES[layout]["para"]


def test_mail_table_headings_never_break_inside_a_unit(mail_html, wechat_html):
    """Review C16 / issue 21 B6: 本期（万美/元） no more — the unit is a line of its own that
    never breaks (nowrap heading in the e-mail, a nowrap span in the 公众号 article)."""
    heads = re.findall(r"<th style=\"([^\"]*)\">([^<]*(?:<br>[^<]*)*)</th>", mail_html)
    assert ("本期<br>（万美元）" in {h for _, h in heads}
            and all("white-space:nowrap" in s for s, h in heads if "<br>" in h))
    assert "占离岸执行额<br>比重<br>（%）" in {h for _, h in heads}
    assert '<span style="white-space:nowrap;">（万美元）</span>' in wechat_html


# ---- rendered: Chromium at 1280 and 390 px (issue 21) --------------------------------

def mail_page(eml, folder):
    """The e-mail's HTML part as a mail client shows it: its cid: images written beside it."""
    msg = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    html = msg.get_body(("html",)).get_content()
    for part in msg.walk():
        if part["Content-ID"]:
            (folder / part.get_filename()).write_bytes(part.get_content())
            html = html.replace(f"cid:{part['Content-ID'].strip('<>')}", quote(part.get_filename()))
    page = folder / "mail.html"
    page.write_text(html, encoding="utf-8")
    return page




@pytest.fixture(scope="module", params=["sample", "long"])
def rendered(request, tmp_path_factory, chromium):
    """The e-mail and the 公众号 article of the sample issue and of the long one, measured in
    Chromium at 1280 and 390 px: {(kind, px): measures}; screenshots in build/screenshots/."""
    which = request.param
    folder = request.getfixturevalue("out") if which == "sample" else request.getfixturevalue("long_issue")["eml"].parent
    pages = {"mail": mail_page(next(folder.glob("*.eml")), tmp_path_factory.mktemp("mail")),
             "wechat": next(folder.glob("*.wechat")) / "文章.html"}
    shots = Path("build/screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    out = {}
    for kind, page_file in pages.items():
        for px in (1280, 390):
            with chromium.new_context(viewport={"width": px, "height": 900}) as context:
                page = context.new_page()
                page.goto(page_file.as_uri())
                page.screenshot(path=str(shots / f"{kind}-{which}-{px}.png"), full_page=True)
                notes = [p.evaluate(NOTE_LINES) for p in page.locator("p:has(> span)").all()]
                out[kind, px] = {
                    "scroll": page.evaluate("document.documentElement.scrollWidth"),
                    # a body paragraph's text, in px; each chart: shown width, natural width
                    "body": float(page.eval_on_selector_all(
                        "p", "ps => getComputedStyle(ps.find(p => p.style.textIndent === '2em')).fontSize")[:-2]),
                    "charts": page.eval_on_selector_all(
                        "img", "els => els.map(e => [e.getBoundingClientRect().width, e.naturalWidth])"),
                    "notes": [n for n in notes if n["key"] and n["key"].strip()[:1] in "注23456789"],
                    "record": page.eval_on_selector_all(
                        "table", "ts => [...ts.at(-1).querySelectorAll('td')].map(td => td.innerText.trim())"),
                    # the 版记's rules: above it, between the 报送 line and 印发, under it
                    "rules": page.eval_on_selector_all("table", """ts => {
                        const t = ts.at(-1), s = getComputedStyle(t), d = getComputedStyle(t.querySelector('td'));
                        const rule = (w, c) => ({width: parseFloat(w), color: c});
                        return [rule(s.borderTopWidth, s.borderTopColor), rule(d.borderBottomWidth, d.borderBottomColor),
                                rule(s.borderBottomWidth, s.borderBottomColor)]; }"""),
                    "labels": page.eval_on_selector_all(
                        "p:has(> strong)", "ps => ps.filter(p => /^(类|简|企业性质|所在区域)/.test(p.innerText))"
                                           ".map(p => [p.innerText.slice(0, 2), p.getBoundingClientRect().left,"
                                           " p.firstChild.nodeType === 1 ? p.firstElementChild.getBoundingClientRect().left : null])"),
                }
    return out


def test_no_sideways_scroll_at_390(rendered):
    """Issue 21: the e-mail was 11 px wider than a 390 px phone."""
    assert {k: m["scroll"] for k, m in rendered.items() if m["scroll"] > k[1]} == {}


def test_chart_text_never_larger_than_the_body(rendered):
    """Issue 21: at 1280 px a chart scaled up to the column set its text larger than the body
    text; its text is FONT_PT at DPI in the PNG, shown at (shown / natural width) of that."""
    from shumao.report.charts import DPI, FONT_PT

    for key, m in rendered.items():
        assert len(m["charts"]) == 4 and all(n for _, n in m["charts"])
        text = [FONT_PT / 72 * DPI * shown / natural for shown, natural in m["charts"]]
        assert max(text) <= m["body"] + .01, (key, m["body"], text)


def test_notes_hang_under_their_text(rendered):
    """Issue 21 (review C5): 注：1. … with its continuation lines under its text, as the web
    page and Word set them, not back under 注：."""
    for key, m in rendered.items():
        notes = m["notes"]
        assert notes and notes[0]["key"].startswith("注：1."), key
        wrapped = [n for n in notes if len(n["lines"]) > 1]
        assert wrapped, key
        for n in wrapped:
            assert all(abs(x - n["lines"][0]) < 1.5 for x in n["lines"][1:]), (key, n)
            assert n["start"] - n["box"] > 1.8 * 13, (key, n)


def test_record_as_the_other_channels_set_it(rendered, issue):
    """Issue 21 (review C7): the 版记 is the 报送 line, the publisher, the date 印发 and 印数,
    between black rules, the first and the last heavier, as the web page (footer.banji) and
    Word set it, in the same order."""
    page = issue["html"].read_text(encoding="utf-8")
    footer = page[page.index('<footer class="banji">'):page.index("</footer>")]
    web = [html_lib.unescape(t) for t in re.findall(r"<(?:p|span)[^>]*>([^<]+)</", footer)]
    start = next(i for i, p in enumerate(docx.Document(str(issue["docx"])).paragraphs) if p.style.name == "版记")
    word = [t.strip("\u3000") for p in docx.Document(str(issue["docx"])).paragraphs[start:]
            for t in re.split(r"[\t\n]+", p.text.strip("\u200b")) if t.strip("\u3000")]
    assert web == word == ["报：市商务局。\u3000送：各会员单位。", "示例市数字贸易协会秘书处",
                           "2024年10月25日印发", "（共印50份）"], (web, word)
    for key, m in rendered.items():
        assert m["record"] == web, (key, m["record"])
        top, between, bottom = m["rules"]
        assert top["color"] == bottom["color"] == between["color"] == "rgb(0, 0, 0)", (key, m["rules"])
        assert top["width"] == bottom["width"] > between["width"] > 0, (key, m["rules"])


def test_member_labels_aligned_alike(rendered):
    """Issue 21 B3, still: every label line of a member profile starts at the same indent."""
    for key, m in rendered.items():
        starts = {round(lbl[2] - lbl[1]) for lbl in m["labels"]}
        assert len(m["labels"]) >= 6 and len(starts) == 1, (key, m["labels"])
