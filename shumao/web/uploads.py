"""The data files of a web import, on disk for as long as the import runs (web.md: only
CSV/XLSX/ZIP, streamed to disk, limited in size).

``saved(parts, limit)`` writes each uploaded file, in chunks, into a private temporary
folder under its own base name (whatever path the browser sent is dropped) and unpacks a
ZIP beside them as ``shumao import`` does (shumao.files.unpack: only its .csv/.xlsx files,
no entry reaching outside the archive, at most ``MAX_FILES`` data files, and at most
``ZIP_FACTOR`` × the upload limit unpacked in all).  It yields the files' paths and the
names the clerk knows them by (``合同.csv``, ``2024年.zip/合同.csv``) for
``import_files(names=…)``; the folder is removed afterwards, whatever happened.  Anything
refused is refused before the import starts, with a Chinese message naming the file.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from shumao.errors import ArchiveError, TooManyFiles
from shumao.files.safezip import CHUNK
from shumao.files.unpack import DATA_TYPES, ZIP_FACTOR, Files, suffix, unpack
from shumao.web.access import Refused

ACCEPTED = (*DATA_TYPES, ".zip")
MAX_NAME_BYTES = 255    # what a file system holds in one name


def base_name(sent: str | None) -> str:
    """The file's own name without any folder the browser sent (``C:\\x\\合同.csv`` →
    ``合同.csv``); refused when nothing usable is left."""
    name = (sent or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if (name in ("", ".", "..") or any(ord(c) < 32 or c == "\x7f" for c in name)
            or len(name.encode("utf-8", "replace")) > MAX_NAME_BYTES):
        shown = (sent or "").encode("unicode_escape").decode("ascii") if sent else "（空）"
        raise Refused(400, "bad-file-name", f"文件名“{shown}”无效（为空、含有控制字符或过长），请改名后再上传")
    return name


def _is_blank(part: tuple[str | None, BinaryIO]) -> bool:
    """The part a browser sends for a file input left empty: no name and no bytes."""
    sent, data = part
    if sent:
        return False
    empty = not data.read(1)
    data.seek(0)
    return empty


def check_names(parts: Sequence[tuple[str | None, BinaryIO]]) -> list[str]:
    """Every part's base name, or a refusal naming the first problem: no file at all, a
    name that is not a file name, a type other than CSV/XLSX/ZIP, the same name twice."""
    names = [base_name(sent) for sent, _ in parts]
    if not names:
        raise Refused(400, "no-files", "请选择要导入的文件（CSV、XLSX 或 ZIP）")
    wrong = [n for n in names if suffix(n) not in ACCEPTED]
    if wrong:
        raise Refused(400, "bad-file-type", f"只能导入 CSV、XLSX 或 ZIP 文件，以下文件不能导入：{'、'.join(wrong)}")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise Refused(400, "duplicate-file",
                      f"上传了同名的文件“{'、'.join(twice)}”，无法区分，请改名后再上传")
    return names


@contextmanager
def saved(parts: Sequence[tuple[str | None, BinaryIO]], limit: int,
          tmpdir: str | None = None) -> Iterator[Files]:
    """The uploaded (file name, stream) parts on disk, ZIPs unpacked (module docstring)."""
    parts = [p for p in parts if not _is_blank(p)]
    names = check_names(parts)
    folder = Path(tempfile.mkdtemp(prefix="shumao-upload-", dir=tmpdir or None))
    try:
        out, budget = Files(), ZIP_FACTOR * limit
        for i, (name, (_, data)) in enumerate(zip(names, parts, strict=True)):
            path = folder / str(i) / name
            path.parent.mkdir()
            with path.open("wb") as f:
                shutil.copyfileobj(data, f, CHUNK)
            try:
                if suffix(name) == ".zip":
                    budget -= unpack(path, name, folder / f"{i}z", out, budget, limit)
                    path.unlink()
                else:
                    out.add(path, name)
            except (ArchiveError, TooManyFiles) as e:
                raise Refused(e.http_status, e.code, str(e)) from None
        yield out
    finally:
        shutil.rmtree(folder, ignore_errors=True)
