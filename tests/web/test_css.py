"""portal.css stays well formed: a block left open swallows every later section into an
@media rule (it happened three times while the portal grew)."""

from pathlib import Path

CSS = Path(__file__).parents[2] / "shumao" / "web" / "static" / "portal.css"


def test_every_block_is_closed_and_every_section_starts_at_the_top_level():
    depth, open_at = 0, []
    for n, line in enumerate(CSS.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("/* --"):
            assert depth == 0, f"portal.css:{n} a section starts inside a block opened at line {open_at[-1]}"
        for ch in line:
            if ch == "{":
                depth += 1
                open_at.append(n)
            elif ch == "}":
                assert depth > 0, f"portal.css:{n} closes a block that is not open"
                depth -= 1
                open_at.pop()
    assert depth == 0, f"portal.css: the block opened at line {open_at[-1]} is never closed"
