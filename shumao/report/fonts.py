"""The CJK fonts charts and documents are set in.  Without one, PDFs and charts silently
show empty boxes (stack.md §4), so a missing font is an error, not a fallback."""

from __future__ import annotations

import glob
from functools import cache

from shumao.errors import ShumaoError

SANS = "Noto Sans CJK SC"
SEARCH = ["/usr/share/fonts/**/NotoSansCJK*.tt[cf]", "/usr/share/fonts/**/NotoSerifCJK*.tt[cf]",
          "/usr/local/share/fonts/**/Noto*CJK*.tt[cf]"]


@cache
def cjk_files() -> tuple[str, ...]:
    files = sorted({f for pattern in SEARCH for f in glob.glob(pattern, recursive=True)})
    if not any("Sans" in f for f in files):
        raise ShumaoError("缺少中文字体（Noto Sans CJK）：请运行 make setup，或安装 Debian 软件包 fonts-noto-cjk")
    return tuple(files)


@cache
def matplotlib_ready() -> None:
    """Register the font files with matplotlib explicitly: its cache may predate them."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    for f in cjk_files():
        font_manager.fontManager.addfont(f)
    plt.rcParams.update({"font.family": [SANS], "axes.unicode_minus": False,
                         "svg.fonttype": "path", "svg.hashsalt": "shumao"})
