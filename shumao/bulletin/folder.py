"""A bulletin's content folder held in memory — ``{"bulletin.toml": b"…", "行业资讯/01-x.md":
b"…"}`` — as the store keeps it and the web portal uploads it (web.md: a zip of a content
folder), with the limits that make an upload safe to unpack.

Only what ``content.load`` reads is kept: ``bulletin.toml`` and the ``*.md`` files one
folder deep (bulletin.md's layout); anything else in a zip (images, ``__MACOSX/``, notes) is
left out.  A zip that reaches outside its folder (absolute paths, ``..``, symbolic links), is
encrypted, has more than ``MAX_ENTRIES`` entries or unpacks to more than ``MAX_BYTES`` is
refused whole, naming the entry, before anything is read or written.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from shumao.bulletin.content import KNOWN_ORDER
from shumao.errors import ContentError, InputError
from shumao.files.safezip import TooBig, copy_entry, entry_name

TOML = "bulletin.toml"
MAX_ENTRIES = 200
MAX_BYTES = 20 * 1024 * 1024
SHOWN_ROOT = "简报内容"      # what messages call the folder, instead of a temporary path


def is_content_name(name: str) -> bool:
    """``bulletin.toml`` or ``栏目/文件名.md``, with no hidden or ``_`` folder (content.load
    skips those) and no hidden file."""
    if name == TOML:
        return True
    parts = name.split("/")
    return (len(parts) == 2 and parts[0] not in ("", TOML) and parts[1].endswith(".md")
            and not parts[0].startswith((".", "_")) and not parts[1].startswith(".")
            and all(p.strip() == p and len(p.encode()) <= 255 for p in parts))


def check_files(files: Mapping[str, bytes]) -> None:
    """Refuse a content dict that is not a content folder: a name outside the layout, too
    many files, or too many bytes (the same limits as a zip)."""
    if len(files) > MAX_ENTRIES:
        raise InputError(f"简报内容有 {len(files)} 个文件，超过上限 {MAX_ENTRIES} 个")
    for name, data in files.items():
        if not isinstance(name, str) or not is_content_name(name):
            raise InputError(f"“{name}”不是简报内容文件：只能是 bulletin.toml，"
                             "或栏目文件夹中的 .md 文件（如 行业资讯/01-标题.md）")
        if not isinstance(data, bytes):
            raise TypeError(f"{name}: bytes expected, got {type(data).__name__}")
    total = sum(len(d) for d in files.values())
    if total > MAX_BYTES:
        raise InputError(f"简报内容共 {_mb(total)}，超过上限 {_mb(MAX_BYTES)}")


def from_folder(folder: str | Path) -> dict[str, bytes]:
    """A content folder on disk (``shumao bulletin``'s input, the sample issue) as a dict."""
    root = Path(str(folder))
    files = {p.relative_to(root).as_posix(): p.read_bytes()
             for p in sorted(root.rglob("*")) if p.is_file()}
    files = {n: d for n, d in files.items() if is_content_name(n)}
    check_files(files)
    return files


def from_zip(data: bytes) -> dict[str, bytes]:
    """The content files of an uploaded zip (module docstring); one folder wrapping the
    content (``2024-10/bulletin.toml``) is unwrapped."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InputError("上传的文件不是有效的 zip 压缩包（请把简报内容文件夹压缩为 .zip 文件后再上传）") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise InputError(f"压缩包内有 {len(infos)} 个条目，超过上限 {MAX_ENTRIES} 个"
                             "（请只压缩简报内容文件夹）")
        entries: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = entry_name(info)
            if name in entries:
                raise InputError(f"压缩包中的“{name}”重复出现，无法确定使用哪一个")
            entries[name] = info
        declared = sum(i.file_size for i in infos)
        if declared > MAX_BYTES:
            raise _too_big(declared)
        files = {n: i for n, i in entries.items() if not i.is_dir() and not _junk(n)}
        prefix = _wrapper(list(files))
        wanted = {n[len(prefix):]: i for n, i in files.items() if is_content_name(n[len(prefix):])}
        if TOML not in wanted:
            raise ContentError("压缩包中没有 bulletin.toml：请压缩整个简报内容文件夹"
                               "（其中有 bulletin.toml 和 行业资讯、会员风采、协会动态 等栏目文件夹）")
        out, budget = {}, MAX_BYTES
        for name, info in sorted(wanted.items()):
            out[name] = _read(archive, info, name, budget)
            budget -= len(out[name])
        return out


def _junk(name: str) -> bool:
    """What an archiver adds beside the content: macOS resource forks, hidden files."""
    return any(p.startswith(".") or p == "__MACOSX" for p in name.split("/"))


def _wrapper(names: list[str]) -> str:
    """``top/`` when every file sits in one folder and ``bulletin.toml`` is in it, else ""."""
    if TOML in names or not names:
        return ""
    tops = {n.split("/", 1)[0] for n in names}
    top = tops.pop() + "/"
    return top if not tops and f"{top}{TOML}" in names else ""


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, budget: int) -> bytes:
    """The entry's bytes, never more than ``budget``: a header may understate the size."""
    out = io.BytesIO()
    try:
        copy_entry(archive, info, name, out, budget)
    except TooBig:
        raise _too_big(MAX_BYTES + 1) from None
    return out.getvalue()


def _too_big(size: int) -> InputError:
    return InputError(f"压缩包解压后超过 {_mb(MAX_BYTES)}（{_mb(size)}），可能已损坏或不是简报内容，"
                      "不予处理（请只压缩 bulletin.toml 和各栏目的 .md 文件）")


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n} 字节"


def outline(files: Mapping[str, bytes]) -> dict[str, list[str]]:
    """Section → its items' names, in the bulletin's order (content.load): 行业资讯, 会员风采
    and 协会动态 always (perhaps empty, for an editor to add to), then any further folder
    by name; items by file name."""
    out: dict[str, list[str]] = {s: [] for s in KNOWN_ORDER}
    for name in sorted(n for n in files if n != TOML):
        out.setdefault(name.split("/", 1)[0], []).append(name)
    known = {s: out.pop(s) for s in KNOWN_ORDER}
    return {**known, **dict(sorted(out.items()))}


@contextmanager
def materialised(files: Mapping[str, bytes]) -> Iterator[Path]:
    """The files written to a temporary content folder, removed afterwards.  A ContentError
    raised inside names the files as the clerk knows them (行业资讯/01-x.md), never the
    temporary path."""
    check_files(files)
    with tempfile.TemporaryDirectory(prefix="shumao-bulletin-") as tmp:
        root = Path(tmp) / "content"
        for name, data in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        root.mkdir(exist_ok=True)
        try:
            yield root
        except ContentError as e:
            raise e.reworded(lambda message: shown(message, root)) from None


def shown(message: str, root: Path) -> str:
    """A message with the temporary folder's path taken out."""
    return message.replace(f"{root}/", "").replace(str(root), SHOWN_ROOT)
