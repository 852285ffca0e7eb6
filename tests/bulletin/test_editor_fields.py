"""The editor's masthead fields and member-profile enterprise (bulletin/editor.py): whatever
a clerk types comes back from the TOML file as typed, and setting an enterprise changes
only its line of the front matter."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shumao.bulletin import content, editor
from shumao.bulletin.folder import materialised
from shumao.errors import ContentError
from tests.bulletin.conftest import SAMPLE_CONTENT

FIELDS = {"title": "示例市数字贸易协会简报", "issue": "2024年第10期", "date": "2024-10-25",
          "publisher": "秘书处", "period": "2024-01..2024-09", "region": "示例市", "short": "我市",
          "source": "", "bri": "", "relative_year": False,
          "report_to": "", "copy_to": "", "distribute_to": "", "copies": ""}


@given(st.text())
def test_any_text_is_a_toml_string_that_reads_back_as_itself(text):
    expected = text.encode("utf-8", "replace").decode("utf-8")     # unpaired surrogates: U+FFFD
    assert tomllib.loads(f"x = {editor.toml_string(text)}")["x"] == expected


def test_the_masthead_round_trips_hostile_text_through_the_file_and_the_loader():
    hostile = {**FIELDS, "title": '刊名"引号"\\n\\\n"""\n[data]\nperiod = "1999"', "issue": "第1期 # 不是注释",
               "publisher": "'单引号' \x00\x1b\x7f\t", "source": "来源\r\n", "relative_year": True,
               "bri": "route65"}
    toml = editor.masthead_toml(hostile)
    raw = tomllib.loads(toml)
    assert raw["title"] == hostile["title"] and raw["issue"] == hostile["issue"]
    assert raw["publisher"] == hostile["publisher"].strip() and raw["data"]["source"] == "来源"
    assert raw["data"]["period"] == "2024-01..2024-09" and raw["data"]["relative_year"] is True
    assert editor.masthead(toml.encode()) == {**hostile, "publisher": hostile["publisher"].strip(),
                                              "source": "来源"}
    # the loader refuses what no one-line field may hold (issue 19: control characters), by name
    with materialised({"bulletin.toml": toml.encode()}) as folder, pytest.raises(ContentError) as e:
        content.load(folder)
    assert "U+000A" in str(e.value)
    printable = {**hostile, "title": '刊名"引号"\\n\\ """ [data] period = "1999"', "publisher": "'单引号'"}
    with materialised({"bulletin.toml": editor.masthead_toml(printable).encode()}) as folder:
        loaded = content.load(folder)
    assert loaded.title == printable["title"] and loaded.data.report.relative
    assert str(loaded.data.period) == "2024-01..2024-09" and loaded.date.isoformat() == "2024-10-25"


def test_the_masthead_reads_the_sample_and_leaves_empty_options_out():
    sample = (SAMPLE_CONTENT / "bulletin.toml").read_bytes()
    fields = editor.masthead(sample)
    assert fields == {**FIELDS, "issue": "2024年第10期（总第58期）", "publisher": "示例市数字贸易协会秘书处",
                      "source": "商务部服务外包统一平台", "report_to": "市商务局", "copy_to": "各会员单位",
                      "copies": "50"}
    written = tomllib.loads(editor.masthead_toml({**fields, "source": ""}))
    assert "source" not in written["data"] and "bri" not in written["data"]
    assert (written["report_to"], written["copy_to"], written["copies"]) == ("市商务局", "各会员单位", 50)
    assert "distribute_to" not in written                     # an empty 版记 field: left out
    assert written["date"].isoformat() == "2024-10-25"                       # a TOML date
    assert tomllib.loads(editor.masthead_toml({**fields, "date": "10/25"}))["date"] == "10/25"
    assert editor.masthead(b"not = [toml") == {**dict.fromkeys(FIELDS, ""), "relative_year": False}
    flat = b'title = "t"\nperiod = "2024"\nrelative_year = true\n'        # [data] keys at the top
    assert editor.masthead(flat)["period"] == "2024" and editor.masthead(flat)["relative_year"] is True


def test_an_enterprise_is_set_in_the_front_matter_and_nothing_else_changes():
    text = "---\ntitle: 某公司  # 注释\ntype: 会员\nenterprise_id: OLD\n---\n正文 enterprise_id: X\n"
    assert editor.enterprise_of(text) == "OLD"
    new = editor.with_enterprise(text, "91990102B8QRD82822")
    assert new == text.replace("enterprise_id: OLD", "enterprise_id: 91990102B8QRD82822")
    assert editor.enterprise_of(editor.with_enterprise(text, "")) == ""
    added = editor.with_enterprise("---\ntitle: x\n---\n正文\n", "ABC")
    assert added == "---\ntitle: x\nenterprise_id: ABC\n---\n正文\n"
    assert editor.with_enterprise("正文\n", "ABC") == "---\nenterprise_id: ABC\n---\n正文\n"
    odd = editor.with_enterprise(text, 'a: "b"\n- c')                      # quoted, one line
    assert editor.enterprise_of(odd) == 'a: "b"\n- c' and odd.count("\n") == text.count("\n")
    assert editor.enterprise_of("---\ntitle: [\n---\n") == ""


def test_the_record_fields_round_trip_and_bad_ones_are_refused_by_the_loader():
    """Issue 21 (C7): the 版记's 报/送/发 and 印数 as form fields: typed text comes back as
    typed (and reaches the bulletin: content.load); a 印数 that is not a number stays text
    in the file, for the loader to refuse by name."""
    typed = {**FIELDS, "report_to": '市商务局"<script>"\\', "copy_to": "各会员单位 # 非注释",
             "distribute_to": "", "copies": "0050"}
    toml = editor.masthead_toml(typed)
    assert editor.masthead(toml.encode()) == {**typed, "copies": "50"}
    with materialised({"bulletin.toml": toml.encode()}) as folder:
        loaded = content.load(folder)
    assert loaded.recipients == [("报", '市商务局"<script>"\\'), ("送", "各会员单位 # 非注释")]
    assert loaded.copies == 50
    toml = editor.masthead_toml({**typed, "copies": "五十"})
    assert tomllib.loads(toml)["copies"] == "五十"
    with materialised({"bulletin.toml": toml.encode()}) as folder, pytest.raises(ContentError) as e:
        content.load(folder)
    assert e.value.field == "copies" and "印刷份数" in str(e.value)
