"""The 版记 (GB/T 9704 §7.4; issue 21, review C7): bulletin.toml's optional 报送 line
(report_to / copy_to / distribute_to: 报：…。　送：…。　发：…。) and 印数 (copies), refused
by name when malformed, shown as typed — markup as text — in the 版记 of every channel, and
an absent one leaving no empty label.  (The sample's full 版记 in each channel:
test_pagination, test_docx_grade, test_docx_pages, test_email_wechat.)"""

from __future__ import annotations

import email
import html as html_lib
import re
import subprocess
from email import policy

import docx
import pytest

from shumao.bulletin import content
from shumao.bulletin.folder import materialised
from shumao.errors import ContentError
from tests.bulletin.conftest import SAMPLE_CONTENT, make_content
from tests.conftest import run_cli

SEND = '<b onmouseover="alert(1)">各会员单位</b>&amp;市统计局'
HAND = "<script>alert(2)</script>各区县商务部门；"
# the line every channel prints: 报 and 印数 absent, the clerk's final ； replaced by 。
LINE = '送：<b onmouseover="alert(1)">各会员单位</b>&amp;市统计局。\u3000发：<script>alert(2)</script>各区县商务部门。'


@pytest.fixture(scope="module")
def bare(tmp_path_factory, sample_db):
    """The sample issue with no 报 and no 印数, and markup typed into 送 and 发, in every
    channel: {format: path}."""
    root = tmp_path_factory.mktemp("record")
    folder = make_content(root / "2024-10")
    toml = folder / "bulletin.toml"
    text = toml.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^(report_to|copies) = .*\n', "", text)
    text = text.replace('copy_to = "各会员单位"\n', f"copy_to = '{SEND}'\ndistribute_to = '{HAND}'\n")
    toml.write_text(text, encoding="utf-8")
    p = run_cli("bulletin", folder, "--db", sample_db, "--out", root / "out",
                "--formats", "pdf,docx,html,email,wechat")
    assert p.returncode == 0, p.stderr
    return {f.suffix.lstrip("."): f for f in (root / "out").iterdir()}


def _texts(bare) -> dict[str, str]:
    """Each channel's 版记 as a reader sees it (markup taken out, entities read)."""
    page = bare["html"].read_text(encoding="utf-8")
    footer = page[page.index('<footer class="banji">'):page.index("</footer>")]
    msg = email.message_from_bytes(bare["eml"].read_bytes(), policy=policy.default)
    mail = msg.get_body(("html",)).get_content()
    article = (bare["wechat"] / "文章.html").read_text(encoding="utf-8")
    d = docx.Document(str(bare["docx"]))
    word = "\n".join(p.text for p in d.paragraphs if p.style.name == "版记")
    pages = subprocess.run(["pdftotext", str(bare["pdf"]), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    pdf = [pg for pg in pages if pg.strip()][-1]             # the last page

    def shown(fragment: str) -> str:
        return html_lib.unescape(re.sub(r"<[^>]+>", "\n", fragment))
    return {"html": shown(footer), "mail": shown(mail[mail.rindex("<table"):]),
            "wechat": shown(article[article.rindex("<table"):]), "word": word,
            "text": msg.get_body(("plain",)).get_content(), "pdf": pdf}


def test_typed_markup_shown_as_text_and_absent_fields_leave_no_label(bare):
    texts = _texts(bare)
    for kind, text in texts.items():
        # (the PDF's line wraps: its text without spaces and line ends)
        flat = text if kind != "pdf" else re.sub(r"\s+", "", text)
        want = LINE if kind != "pdf" else re.sub(r"\s+", "", LINE)
        assert want in flat, (kind, text[-400:])
        assert "报：" not in flat and "共印" not in flat, kind           # absent: no empty label
        assert "示例市数字贸易协会秘书处" in flat and "2024年10月25日印发" in flat, kind
    # the markup is text in the pages' source: escaped, never an element or an attribute
    page = bare["html"].read_text(encoding="utf-8")
    msg = email.message_from_bytes(bare["eml"].read_bytes(), policy=policy.default)
    for source in (page, msg.get_body(("html",)).get_content(), (bare["wechat"] / "文章.html").read_text(encoding="utf-8")):
        assert "<script>alert(2)" not in source and "<b onmouseover" not in source
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in source
        assert "&amp;amp;" in source                      # the clerk's &amp; as typed


@pytest.mark.parametrize(("typed", "words"), [
    ('copies = "五十"', ["“copies”", "印刷份数", "整数", "现为“五十”"]),
    ("copies = 0", ["“copies”", "1 至 99999"]),
    ("copies = 100000", ["“copies”", "现为“100000”"]),
    ("copies = 50.5", ["“copies”", "整数"]),
    ("copies = true", ["“copies”", "整数"]),
    ("copies = [50]", ["“copies”", "现为一个表或列表"]),
    (f'report_to = "{"市商务局、" * 21}"', ["“report_to”", "过长", "最多 100 个字", "现为 105 个字"]),
    ('copy_to = "各会员单位\\u0007"', ["“copy_to”", "控制字符", "U+0007"]),
    ('distribute_to = "。"', ["“distribute_to”", "只有标点，没有单位名称"]),
    ("report_to = [\"市商务局\"]", ["“report_to”", "应为文字"]),
])
def test_malformed_record_fields_are_refused_by_name(typed, words):
    toml = (SAMPLE_CONTENT / "bulletin.toml").read_text(encoding="utf-8")
    toml = re.sub(r"(?m)^(report_to|copy_to|copies) = .*\n", "", toml)
    with materialised({"bulletin.toml": f"{typed}\n{toml}".encode()}) as folder, \
            pytest.raises(ContentError) as e:
        content.load_settings(folder)
    said = e.value.say()
    assert said.startswith(f"{folder / 'bulletin.toml'}：bulletin.toml 的"), said
    assert e.value.file == "bulletin.toml"
    for w in words:
        assert w in said, (w, said)


def test_record_fields_read_as_given():
    toml = (SAMPLE_CONTENT / "bulletin.toml").read_text(encoding="utf-8")
    with materialised({"bulletin.toml": toml.encode()}) as folder:
        got = content.load_settings(folder)
    assert (got.recipients, got.copies) == ([("报", "市商务局"), ("送", "各会员单位")], 50)
    toml = re.sub(r"(?m)^(report_to|copy_to|copies) = .*\n", "", toml)
    extra = 'distribute_to = "各区县商务部门、各会员单位。 "\ncopies = "0050"\ncopy_to = ""\n'
    with materialised({"bulletin.toml": (extra + toml).encode()}) as folder:
        got = content.load_settings(folder)
    assert (got.recipients, got.copies) == ([("发", "各区县商务部门、各会员单位")], 50)
