"""How full each page of a PDF is, measured on the rendered page: pdftoppm draws it, and
the lowest inked row inside the type area (GB/T 9704: 37 mm from the top, 35 mm from the
bottom; the running head and the page number sit in the margins) over the type area's
height is the page's fill."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

DPI = 36
TOP_MM, BOTTOM_MM, PAGE_MM = 37, 35, 297


def page_fill(pdf: Path) -> list[float]:
    """Each page's fill, 0–1."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", str(pdf), f"{d}/p"],
                       check=True, capture_output=True)
        fills = []
        for f in sorted(Path(d).glob("p*.png"), key=lambda f: int(f.stem.split("-")[-1])):
            im = Image.open(f).convert("L")
            w, h = im.size
            px = h / PAGE_MM
            top, bottom = round(TOP_MM * px), round(h - BOTTOM_MM * px)
            data = im.load()
            lowest = top
            for y in range(top, bottom):
                if any(data[x, y] < 200 for x in range(w)):
                    lowest = y
            fills.append((lowest - top) / (bottom - top))
        return fills
