"""Wording that must never reach a reader, as rules with codes and one reusable scanner:
``forbidden(text)`` returns what is wrong (empty when the text may go out).  report.vetting
runs it on the report's text before publication; the report's and the bulletin's tests run
it on every format.

What it catches, and why:

* Hong Kong, Macao or Taiwan placed outside China (listed under 中国境外 / 国外, or Taiwan
  named as a country): official usage is "境外（含港澳台地区）", and 中国香港、中国澳门、
  中国台湾 as regions of China;
* notes numbered "注1：" (a statistics office writes "注：1. …" under one 注：);
* developer notation: ISO dates and period codes (2024-01-01, 2024-01..2024-09, 2024Q2),
  the program's name, Python's None / nan;
* translation-flavoured phrasing met before ("同比为与…可比口径相比").
"""

from __future__ import annotations

import re

from shumao.catalogue.base import Rule


def _rule(code: str, reason: str, gloss: str, rule: str) -> Rule:
    return Rule(code, "publication", "error", reason + "：「{context}」", gloss, rule)


_HMT = r"(?:中国)?(?:香港|澳门|台湾)"
_NEAR = r"[^。；\n]{0,30}?"
RULES: list[tuple[Rule, re.Pattern]] = [
    (_rule("hmt-abroad", "港澳台被列在中国境外或国外（应写“境外（含港澳台地区）”）",
           "Hong Kong, Macao or Taiwan listed as abroad",
           "港澳台不列在“中国境外”“国外”“外国”之下，应写“境外（含港澳台地区）”"),
     re.compile(rf"(?:中国境外|国外|外国){_NEAR}{_HMT}|{_HMT}{_NEAR}(?:中国境外|国外|外国)")),
    (_rule("china-abroad", "“中国境外”：统计用语为“境外”", "'outside China' instead of 'abroad'",
           "统计用语写“境外”，不写“中国境外”"),
     re.compile(r"中国境外")),
    (_rule("taiwan-as-country", "台湾被当作国家（应为“中国台湾”，列于“国家（地区）”下）",
           "Taiwan named as a country", "台湾写作“中国台湾”，列于“国家（地区）”之下"),
     re.compile(r"台湾国|中华民国|Republic of China|Taiwan(?!, Province of China)|"
                r"国家(?!（地区）|\(地区\)|和地区|或地区|组|名单)[：:、][^。\n]{0,40}台湾")),
    (_rule("hmt-without-china", "港澳台名称缺少“中国”", "Hong Kong, Macao or Taiwan without 'China'",
           "写“中国香港”“中国澳门”“中国台湾”（“港澳台地区”“台湾省”等除外）"),
     re.compile(r"(?<!中国)(?:香港|澳门|台湾)(?!地区|省|特别行政区)")),
    (_rule("numbered-note", "注释编号写成“注1：”（应为“注：1. …”）", "notes numbered 'note 1:' instead of under one 'note:'",
           "注释写在一个“注：”之下，编号为“1. …”"),
     re.compile(r"注\s*\d+\s*[：:]")),
    (_rule("iso-date", "ISO 日期或时期代码（应写中文日期，如2023年6月30日）",
           "an ISO date or period code", "日期和时期写中文，如2023年6月30日、2024年前三季度"),
     re.compile(r"(?<!\d)\d{4}-\d{1,2}(?:-\d{1,2})?(?:\.\.\d{4}-\d{1,2})?(?!\d)|(?<!\d)\d{4}[QH]\d(?!\d)")),
    (_rule("program-name", "程序名 shumao 出现在读者可见的文字中", "the program's name",
           "读者可见的文字中不出现程序名"),
     re.compile(r"shumao", re.I)),
    (_rule("null-value", "程序的空值（None / nan）", "a program's empty value (None, nan)",
           "读者可见的文字中不出现 None、nan、null"),
     re.compile(r"\b(?:None|nan|NaN|null)\b")),
    (_rule("translationese", "翻译腔：“同比为与…相比”（应为“同比按可比口径计算”）",
           "translation-flavoured phrasing of the year-on-year basis", "写“同比按可比口径计算”"),
     re.compile(r"同比为与|可比口径相比")),
]
WORDING: tuple[Rule, ...] = tuple(r for r, _ in RULES)


def findings(text: str) -> list[tuple[Rule, str]]:
    """Every forbidden pattern in ``text``: its rule and the message naming the context."""
    out = []
    for rule, pattern in RULES:
        for m in pattern.finditer(text):
            a, b = max(0, m.start() - 12), min(len(text), m.end() + 12)
            out.append((rule, rule.text(context=text[a:b])))
    return out


def forbidden(text: str) -> list[str]:
    """Every forbidden pattern in ``text``, as "reason：「context」" (empty: clean)."""
    return [message for _, message in findings(text)]
