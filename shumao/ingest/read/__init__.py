"""Readers: turn a CSV, XLSX or Parquet export into staged tables of text cells, one per
sheet, with the row numbers the user sees.

    staged      Staged (a table in DuckDB), FileProblem, the steps every format shares
    encoding    UTF-8 or GBK/GB18030, found without being told; a mixed file refused
    csv         DuckDB's read_csv from disk, Python's csv module when DuckDB cannot
    xlsx        python-calamine; formulas without a value found in the sheet's XML
    extent      an XLSX measured before calamine sees it: inflated bytes, each sheet's rectangle
    workbook_child  calamine in a process of its own, with a memory limit: the sheets' text
    parquet     typed columns as the text a CSV would hold; a data set's partitions as one

``Reader`` is every format's reader in one, and picks the format by the file's suffix;
what cannot be read becomes an issue (``unreadable-file``, ``workbook-too-large``,
``empty-file``, ``mixed-encoding``), never a crash — not even of the process.
Each format is a class of its own module over the shared ``Tables`` (not a free
``stage(path) -> list[Staged]``): a format also reports issues as it reads (a missing
column, a formula without a value) and numbers its tables from the reader's one count, and
Parquet stages a data set's files together, not one by one.
"""

from __future__ import annotations

from pathlib import Path

from shumao.ingest import issues
from shumao.ingest.read.csv import CsvReader
from shumao.ingest.read.encoding import decode
from shumao.ingest.read.parquet import ParquetReader
from shumao.ingest.read.staged import FileProblem, ReadResult, Staged, _reason
from shumao.ingest.read.xlsx import WorkbookReader

__all__ = ["FileProblem", "ReadResult", "Reader", "Staged", "decode"]


class Reader(CsvReader, WorkbookReader, ParquetReader):
    """Stages every table of the given files into a DuckDB connection."""

    def read(self, path: Path, display: str) -> None:
        try:
            if path.is_dir():
                raise FileProblem("unreadable-file", value=(
                    f"“{display}”是文件夹，不是文件，其中也没有 Parquet 文件"
                    "（文件夹只作为 Parquet 数据集导入）"))
            if path.stat().st_size == 0:
                raise FileProblem("empty-file")
            if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
                self._read_workbook(path, display)
            elif path.suffix.lower() == ".parquet":
                self.read_parquet([(path, display)])
            else:
                self._read_csv(path, display)
        except FileProblem as p:
            self._problem(p, display)
        except (OSError, UnicodeDecodeError, ValueError) as e:
            self.result.issues.append(issues.make("unreadable-file", display, value=_reason(e)))
