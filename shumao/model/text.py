"""Text a person types or sends, as every field may keep it: no lone surrogate (half of a
UTF-16 pair, not a character: it cannot be written as UTF-8, so a store or an answer fails
on it), no NUL (PostgreSQL refuses it in text) and no other control or invisible format
character — one rule, checked at each edge (a filing's fields, its explanations, a
reviewer's comment, a bulletin's settings) before anything is stored or echoed."""

from __future__ import annotations

import unicodedata

REFUSED = ("Cc", "Cf", "Cs")     # control, format (zero-width …), surrogate
LINES = "\r\n\t"                # what a comment or an explanation may hold of them


def stray(text: str, keep: str = "") -> str | None:
    """The first character of ``text`` no field keeps, written ``U+XXXX`` (it cannot be
    shown as itself); None when there is none.  ``keep``: what the field allows although
    it is a control character (a comment's line breaks and tabs)."""
    for ch in text:
        if ch not in keep and unicodedata.category(ch) in REFUSED:
            return f"U+{ord(ch):04X}"
    return None


def unencodable(text: str) -> str | None:
    """The first lone surrogate in ``text`` (``U+D800``), which nothing can write or show;
    None when there is none.  For text a parser made from escapes (JSON's ``\\ud800``),
    checked whole before any field is read."""
    for ch in text:
        if "\ud800" <= ch <= "\udfff":
            return f"U+{ord(ch):04X}"
    return None
