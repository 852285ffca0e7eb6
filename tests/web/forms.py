"""What a browser reads from a page, for the in-process tests: a form's fields as it would
submit them, and the check that a page carries nothing active from user text."""

from __future__ import annotations

from html.parser import HTMLParser

from tests.html import Tags


class _Form(HTMLParser):
    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.depth = form_id, form_id is None, 0
        self.fields: dict[str, str] = {}
        self._area: str | None = None
        self._select: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and self.form_id is not None and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[name] = a.get("value", "on")
            else:
                self.fields[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._area, self.fields[name] = name, ""
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
                self.fields.setdefault(self._select, self._first_option)
            if "selected" in a:
                self.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea" and self._area:
            text = self.fields[self._area]
            self.fields[self._area] = text[1:] if text.startswith("\n") else text  # HTML drops it
            self._area = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self.form_id is not None and self.inside:
            self.inside = False

    def handle_data(self, data):
        if self._area:
            self.fields[self._area] += data


def form_fields(html: str, form_id: str | None = None) -> dict[str, str]:
    """The fields of the form with that id (every field on the page if None), as a browser
    submits them without pressing a button."""
    parser = _Form(form_id)
    parser.feed(html)
    return parser.fields


def assert_inert(html: str, own_scripts: bool = True) -> None:
    """No script from user text (a page's own: /static/ files and JSON data only, or none at
    all), no event-handler attribute, no javascript: address."""
    page = Tags(html)
    for attrs, text in page.scripts:
        assert own_scripts, f"a script in the page: {attrs} {text[:80]}"
        own = attrs.get("src", "").startswith("/static/") and not text.strip()
        data = attrs.get("type") == "application/json"
        assert own or data, f"a script that is not the page's own: {attrs} {text[:80]}"
    for tag, attrs in page.tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        for key in ("href", "src", "action", "formaction", "xlink:href"):
            assert not attrs.get(key, "").strip().lower().startswith(("javascript:", "data:text")), (tag, attrs)
