"""The bulletin in every format reads as a government reader expects (issue 8): the same
scanner as the report's outputs (tests/wording.py) over the PDF's text, the DOCX, the HTML,
the e-mail's two parts and the WeChat article — the sample issue and the edge-case one."""

from __future__ import annotations

import email
import subprocess
from email import policy
from pathlib import Path

import docx
import pytest

from shumao.bulletin.publish import publish
from shumao.store import connect
from tests.bulletin.conftest import make_content
from tests.wording import forbidden, html_text

EDGE = Path(__file__).parents[1] / "data" / "bulletin-edge"


def texts(files: dict[str, Path]) -> dict[str, str]:
    out = {"pdf": subprocess.run(["pdftotext", str(files["pdf"]), "-"], capture_output=True,
                                 text=True, check=True).stdout,
           "docx": "\n".join(p.text for p in docx.Document(str(files["docx"])).paragraphs),
           "html": html_text(files["html"].read_text(encoding="utf-8"))}
    msg = email.message_from_bytes(files["email"].read_bytes(), policy=policy.default)
    out["email-text"] = msg.get_body(("plain",)).get_content()
    out["email-html"] = html_text(msg.get_body(("html",)).get_content())
    article = next(files["wechat"].glob("*.html"))
    out["wechat"] = html_text(article.read_text(encoding="utf-8"))
    return out


@pytest.mark.parametrize("folder", ["sample", "edge"])
def test_no_forbidden_wording_in_any_format(tmp_path, sample_db, folder):
    content = make_content(tmp_path / "c") if folder == "sample" else EDGE
    with connect(sample_db, read_only=True) as store:
        files = publish(content, store, tmp_path / "out", ("pdf", "docx", "html", "email", "wechat"))
    found = {fmt: forbidden(text) for fmt, text in texts(dict(files)).items()}
    assert found == {fmt: [] for fmt in found}


def test_one_top_n_and_notes_under_every_table(tmp_path, sample_db):
    """The partner table and chart name the same number of markets in every format, and every
    data table is followed by its notes."""
    import re

    content = make_content(tmp_path / "c")
    with connect(sample_db, read_only=True) as store:
        files = dict(publish(content, store, tmp_path / "out", ("pdf", "docx", "html", "email", "wechat")))
    for fmt, text in texts(files).items():
        assert set(re.findall(r"前(\d+)位", text)) == {"5"}, fmt
    html = files["html"].read_text(encoding="utf-8")
    tables = re.findall(r"<table id=\"table-.*?</table>\s*</div>\s*(<div class=\"notes[^\"]*\">.*?</div>)", html, re.S)
    assert len(tables) == 3 and all("注：" in notes for notes in tables)
    d = docx.Document(str(files["docx"]))
    body = [el for el in d.element.body.iterchildren()]
    following = [body[i + 1] for i, el in enumerate(body)      # not the pair of half charts
                 if el.tag.endswith("}tbl") and not el.xpath(".//pic:pic")]
    assert len(following) == 3 and all("注：" in "".join(el.itertext()) for el in following)
