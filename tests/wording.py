"""The wording scanner (shumao.catalogue.wording) for tests, with ``html_text``: the text a
reader sees on an HTML page."""

from __future__ import annotations

import html as html_lib
import re

from shumao.catalogue.wording import RULES, forbidden

__all__ = ["RULES", "forbidden", "html_text"]


def html_text(page: str) -> str:
    """The text a reader sees on an HTML page: no <style>, <svg> or tags, entities decoded."""
    page = re.sub(r"<(style|script|svg)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"</?(span|a|b|i|em|strong|small|sup|sub|abbr)\b[^>]*>", "", page, flags=re.I)   # inline: no break
    page = re.sub(r"<[^>]+>", "\n", page)
    return html_lib.unescape(page)
