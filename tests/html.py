"""Reading the HTML a test got: every start tag with its attributes, each script's text, and a
bulletin page's markup as typed (shown)."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class Tags(HTMLParser):
    """Every start tag with its attributes; the text of each <script>."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._in_script: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if tag == "script":
            self._in_script = a
            self.scripts.append((a, ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script is not None:
            a, text = self.scripts[-1]
            self.scripts[-1] = (a, text + data)


def shown(html: str) -> str:
    """A bulletin page's markup as typed: without the spans that keep a figure or a line's
    last characters unbroken (span.fig, span.tail; issue 21 B1)."""
    return re.sub(r'<span class="(?:fig|tail)">|</span>', "", html)
