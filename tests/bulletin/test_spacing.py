"""Spaces a clerk typed between Chinese and numbers are removed, as official documents write
them; nothing else changes (markdown.py: tidy_spacing)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from shumao.bulletin.markdown import blocks, tidy_spacing

CJK_AND_DIGITS = st.text(alphabet=st.sampled_from(list("年月日共家协会，。：（）%0123456789 \tabcW/.:")))


@given(st.text())
def test_twice_is_once(text):
    assert tidy_spacing(tidy_spacing(text)) == tidy_spacing(text)


@given(CJK_AND_DIGITS)
def test_twice_is_once_where_it_matters(text):
    once = tidy_spacing(text)
    assert tidy_spacing(once) == once
    assert once.replace(" ", "").replace("\t", "") == text.replace(" ", "").replace("\t", "")  # only spaces go


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_is_unchanged(text):
    assert tidy_spacing(text) == text


@given(CJK_AND_DIGITS)
def test_no_space_left_between_chinese_and_digits(text):
    if "://" not in text and "www." not in text:
        assert not re.search(r"[年月日共家协会，。：（）][ \t]+[0-9]|[0-9%][ \t]+[年月日共家协会，。：（）]",
                             tidy_spacing(text))


def test_examples():
    assert tidy_spacing("8 月 10 日") == "8月10日"
    assert tidy_spacing("共 30 家企业") == "共30家企业"
    assert tidy_spacing("2024 年") == "2024年"
    assert tidy_spacing("增长 12.5% 。") == "增长12.5%。"
    assert tidy_spacing("Windows 10 系统") == "Windows 10系统"     # between Latin words: kept
    assert tidy_spacing("措施 服务外包企业") == "措施 服务外包企业"   # a headline's gap: kept
    assert tidy_spacing("见 http://x.cn/2024 年报") == "见 http://x.cn/2024 年报"   # URLs as typed
    assert tidy_spacing("www.x.cn/a1 年") == "www.x.cn/a1 年"


def test_in_markdown_across_runs_not_in_code():
    p = blocks("共 **30** 家，`id 2024 年` 与 [第 3 期](http://x.cn/3 ) 。")[0]
    assert p.text == "共30家，id 2024 年 与 第3期 。"
    assert [r.href for r in p.runs if r.href] == ["http://x.cn/3"]
