"""Wording that must never reach a reader, as one reusable scanner: ``forbidden(text)``
returns what is wrong (empty when the text may go out).  The report's tests use it on
every format; the bulletin's renderers can call it on theirs.

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

_HMT = r"(?:中国)?(?:香港|澳门|台湾)"
_NEAR = r"[^。；\n]{0,30}?"
RULES: list[tuple[str, re.Pattern]] = [
    ("港澳台被列在中国境外或国外（应写“境外（含港澳台地区）”）",
     re.compile(rf"(?:中国境外|国外|外国){_NEAR}{_HMT}|{_HMT}{_NEAR}(?:中国境外|国外|外国)")),
    ("“中国境外”：统计用语为“境外”", re.compile(r"中国境外")),
    ("台湾被当作国家（应为“中国台湾”，列于“国家（地区）”下）",
     re.compile(r"台湾国|中华民国|Republic of China|Taiwan(?!, Province of China)|"
                r"国家(?!（地区）|\(地区\)|和地区|或地区|组|名单)[：:、][^。\n]{0,40}台湾")),
    ("港澳台名称缺少“中国”", re.compile(r"(?<!中国)(?:香港|澳门|台湾)(?!地区|省|特别行政区)")),
    ("注释编号写成“注1：”（应为“注：1. …”）", re.compile(r"注\s*\d+\s*[：:]")),
    ("ISO 日期或时期代码（应写中文日期，如2023年6月30日）",
     re.compile(r"(?<!\d)\d{4}-\d{1,2}(?:-\d{1,2})?(?:\.\.\d{4}-\d{1,2})?(?!\d)|(?<!\d)\d{4}[QH]\d(?!\d)")),
    ("程序名 shumao 出现在读者可见的文字中", re.compile(r"shumao", re.I)),
    ("程序的空值（None / nan）", re.compile(r"\b(?:None|nan|NaN|null)\b")),
    ("翻译腔：“同比为与…相比”（应为“同比按可比口径计算”）", re.compile(r"同比为与|可比口径相比")),
]


def forbidden(text: str) -> list[str]:
    """Every forbidden pattern in ``text``, as "reason：「context」" (empty: clean)."""
    out = []
    for reason, pattern in RULES:
        for m in pattern.finditer(text):
            a, b = max(0, m.start() - 12), min(len(text), m.end() + 12)
            out.append(f"{reason}：「{text[a:b]}」")
    return out
