"""A workbook's sheets read by python-calamine in a process of their own, so that a file
calamine cannot cope with takes only this process with it: a failed allocation in Rust
aborts the process, which no ``try`` can catch (security review 3.1).

``python workbook_child.py BOOK OUT LIMIT`` (run as a file, not as ``-m``, so that it
imports no more than the standard library, python-calamine and pyarrow) limits its own
address space to LIMIT bytes, then writes every non-empty row of every sheet as the text
its cells show (``cell_text``) to the Arrow IPC file OUT: columns ``sheet`` (its index in
the ``sheets`` list of the schema's metadata, JSON), ``row`` (the spreadsheet's row number)
and ``cells`` (the row's texts from column A on, None for an empty cell).  It exits
``PASSWORD`` or ``DAMAGED`` for what calamine says of the file; anything else (a signal,
MemoryError) is the caller's to word.  The parent is ``xlsx.read_in_child``.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import sys

PASSWORD, DAMAGED = 3, 4
BATCH = 10_000          # rows written at a time


def cell_text(v) -> str | None:
    """A spreadsheet cell as the text it shows: whole numbers without '.0', other numbers
    as their shortest decimal, dates as ISO dates."""
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


# seconds of CPU a workbook may cost: the largest sheet within the bounds (10⁶ rows) read in
# 19–36 s on a loaded 2-core machine; past this the system stops the child (SIGXCPU) and the
# workbook is "too large or damaged" like any other death of the child
CPU_SECONDS = 300


def main(book: str, out: str, limit: int) -> int:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    sys.meta_path.insert(0, _NoPandas())
    import pyarrow as pa
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    try:
        wb = CalamineWorkbook.from_path(book)
        names = wb.sheet_names
        schema = pa.schema([("sheet", pa.int32()), ("row", pa.int64()),
                            ("cells", pa.list_(pa.string()))],
                           metadata={"sheets": json.dumps(names)})
        with pa.OSFile(out, "wb") as sink, pa.ipc.new_file(sink, schema) as writer:
            for i, name in enumerate(names):
                sheet = wb.get_sheet_by_name(name)   # sheets are parsed when asked for
                # iter_rows starts at row 1 but at the sheet's first column (python-calamine
                # 0.9, pinned; tests/ingest/test_workbooks.py holds it to that)
                left = (sheet.start or (0, 0))[1]
                batch: tuple[list, list] = ([], [])
                for n, values in enumerate(sheet.iter_rows()):
                    if values.count("") == len(values):     # an empty row, at C speed
                        continue
                    texts = [cell_text(v) for v in values]
                    if any(t is not None for t in texts):
                        batch[0].append(n + 1)
                        batch[1].append([None] * left + texts)
                    if len(batch[0]) >= BATCH:
                        writer.write_batch(_batch(schema, i, *batch))
                        batch = ([], [])
                if batch[0]:
                    writer.write_batch(_batch(schema, i, *batch))
    except PasswordError:
        return PASSWORD
    except CalamineError:   # ZipError, XmlError, an OLE file that is no workbook …
        return DAMAGED
    return 0


class _NoPandas:
    """pyarrow imports pandas (about 1 s) to ask whether a list is a data frame; here it
    is told there is none."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "pandas":
            raise ImportError("pandas is not used here")


def _batch(schema, sheet: int, rows: list[int], cells: list[list]):
    import pyarrow as pa

    return pa.record_batch([pa.array([sheet] * len(rows), pa.int32()), pa.array(rows, pa.int64()),
                            pa.array(cells, pa.list_(pa.string()))], schema=schema)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
