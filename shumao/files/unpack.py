"""The data files of one import, a zip's unpacked (web.md: only CSV/XLSX, and ZIPs of them):
the one way a zip given as data is opened, by the web import and upload (web/uploads.py)
and by ``shumao import``.

``unpack`` writes a zip's .csv and .xlsx entries into a folder, one folder per entry under
its base name: no entry reaching outside the archive (safezip), at most ``MAX_FILES`` data
files in the import, and at most ``ZIP_FACTOR`` × the upload limit unpacked in all — counted
while unpacking, so a zip bomb whose headers lie is stopped too.  ``Files`` holds the
paths and the names the clerk knows them by (``合同.csv``, ``2024年.zip/合同.csv``) for
``import_files(names=…)``.  ``unpacked`` is the command line's: the given files as they
are, each zip unpacked into a temporary folder that is removed afterwards, whatever
happened.  What is refused is an ArchiveError (``bad-zip``, ``zip-too-large``) or
TooManyFiles naming the zip, before anything is imported.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from shumao.errors import ArchiveError, ArchiveTooLarge, InputError, TooManyFiles
from shumao.files import scratch
from shumao.files.safezip import TooBig, copy_entry, entry_name

DATA_TYPES = (".csv", ".xlsx")
MAX_FILES = 50          # data files in one import, a zip's members included
ZIP_FACTOR = 4          # a zip may unpack to this many times the upload limit


@dataclass
class Files:
    paths: list[Path] = field(default_factory=list)
    names: list[str] = field(default_factory=list)     # as the clerk knows each file

    def add(self, path: Path, name: str) -> None:
        if len(self.paths) >= MAX_FILES:
            raise TooManyFiles(f"一次最多导入 {MAX_FILES} 个数据文件（压缩包中的文件也计算在内），请分批导入")
        self.paths.append(path)
        self.names.append(name)


def suffix(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def unpack(path: Path, name: str, into: Path, out: Files, budget: int, limit: int) -> int:
    """A zip's data files into ``into`` (one folder per entry, under its base name) and onto
    ``out``; the bytes unpacked, at most ``budget``."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ArchiveError(f"“{name}”不是有效的 zip 压缩包，无法解压") from None
    with archive:
        entries: list[tuple[zipfile.ZipInfo, str]] = []
        try:
            for info in archive.infolist():
                inner = entry_name(info)
                if info.is_dir() or _junk(inner):
                    continue
                if suffix(inner) not in DATA_TYPES:
                    raise InputError(f"压缩包中的“{inner}”不是 CSV 或 XLSX 文件；压缩包中只能有数据文件")
                if any(inner == seen for _, seen in entries):
                    raise InputError(f"压缩包中的“{inner}”出现了两次，无法确定使用哪一个")
                entries.append((info, inner))
        except InputError as e:
            raise ArchiveError(f"“{name}”：{e}") from None
        if not entries:
            raise ArchiveError(f"压缩包“{name}”中没有 CSV 或 XLSX 文件")
        if len(out.paths) + len(entries) > MAX_FILES:
            raise TooManyFiles(f"压缩包“{name}”中有 {len(entries)} 个数据文件，一次最多导入 {MAX_FILES} 个"
                               "（压缩包中的文件也计算在内），请分批导入")
        if sum(info.file_size for info, _ in entries) > budget:
            raise _bomb(name, limit)
        used = 0
        for j, (info, inner) in enumerate(entries):
            target = into / str(j) / PurePosixPath(inner).name
            target.parent.mkdir(parents=True)
            try:
                with target.open("wb") as f:
                    used += copy_entry(archive, info, inner, f, budget - used)
            except TooBig:
                raise _bomb(name, limit) from None
            except InputError as e:
                raise ArchiveError(f"“{name}”：{e}") from None
            out.add(target, f"{name}/{inner}")
        return used


@contextmanager
def unpacked(files: Sequence[Path], limit: int, tmpdir: str | None = None) -> Iterator[Files]:
    """The given files, each zip among them unpacked into a temporary folder (removed
    afterwards, whatever happened); a file is named by its base name, or by the path as
    given where two base names are the same."""
    base = [f.name for f in files]
    folder = None
    try:
        out, budget = Files(), ZIP_FACTOR * limit
        for i, f in enumerate(files):
            name = f.name if base.count(f.name) == 1 else str(f)
            if suffix(f.name) != ".zip" or f.is_dir():
                out.paths.append(f)
                out.names.append(name)
                continue
            folder = folder or scratch.make("unpack", tmpdir)
            budget -= unpack(f, name, folder / str(i), out, budget, limit)
        yield out
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _junk(inner: str) -> bool:
    """What archivers add beside the data: macOS resource forks, hidden files, Thumbs.db."""
    parts = inner.split("/")
    return any(p.startswith(".") or p == "__MACOSX" for p in parts) or parts[-1] == "Thumbs.db"


def _bomb(name: str, limit: int) -> ArchiveTooLarge:
    mb = ZIP_FACTOR * limit / 1024 / 1024
    return ArchiveTooLarge(f"压缩包“{name}”解压后超过 {round(mb, 1):g} MB（上传上限的 {ZIP_FACTOR} 倍），"
                           "可能已损坏或不是数据文件，未做任何处理。请直接上传 CSV 或 XLSX 文件，或分批上传。")
