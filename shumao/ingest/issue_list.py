"""Writing the issues of an import for the clerk to fix: CSV (UTF-8 with BOM, so that
Excel opens it in Chinese) or XLSX.  The values are the user's own cells, so both go
through ``shumao.files.sheets``: never a live formula."""

from __future__ import annotations

from pathlib import Path

from shumao.files import sheets
from shumao.ingest import causes
from shumao.ingest.issues import Issue

COLUMNS = ("文件", "工作表", "行", "列", "值", "级别", "代码", "说明")
WIDTHS = (24, 12, 8, 20, 24, 8, 22, 80)       # characters: 说明 and the file's name readable


def _rows(items: list[Issue]):
    for i in items:
        yield (i.file, i.sheet or "", i.row if i.row is not None else "", i.column_words,
               i.value or "", "错误" if i.severity == "error" else "警告", i.code, i.message)


def write_issues(path: Path, items: list[Issue]) -> None:
    """Every issue, causes first with the rows they break under them (ingest.causes); the
    column as the user's file heads it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sheets.write_table(path, "问题清单", COLUMNS, _rows(causes.flat(items)), WIDTHS)
