"""The data files of a web import, on disk for as long as the import runs (web.md: only
CSV/XLSX/ZIP, streamed to disk, limited in size).

An enterprise's upload of its month's records has its own, far smaller limit
(``FILING_MB``, ``filing_limit``).

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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import BinaryIO

from shumao.errors import ArchiveError, TooManyFiles
from shumao.files import scratch
from shumao.files.safezip import CHUNK
from shumao.files.unpack import DATA_TYPES, ZIP_FACTOR, Files, suffix, unpack
from shumao.web.access import Refused

ACCEPTED = (*DATA_TYPES, ".zip")
MAX_NAME_BYTES = 255    # what a file system holds in one name
# an enterprise's upload (企业填报, filing.service.upload): a month's records, at most
# MAX_UPLOAD_ROWS of them — a few hundred KB even as XLSX; its limit (and so its zip's
# unpacked budget, ZIP_FACTOR × this) is far below the staff's imports'
FILING_MB = 5
FILING_UPLOAD = "/filings/upload"


def filing_limit(limit: int) -> int:
    """The bytes an enterprise's upload may have: FILING_MB, or the upload limit if lower."""
    return min(limit, FILING_MB * 1024 * 1024)


def filing_too_large(limit: int) -> Refused:
    from shumao.filing.service import MAX_UPLOAD_ROWS

    mb = round(filing_limit(limit) / 1024 / 1024, 1)
    return Refused(413, "too-large",
                   f"企业填报一次上传的文件不能超过 {mb:g} MB（一次最多 {MAX_UPLOAD_ROWS} 条记录，"
                   "远小于此），未做任何处理。请检查是否选错了文件，或分批上传。")


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
    folder = scratch.make("upload", tmpdir)
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
