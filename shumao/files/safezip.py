"""Reading a zip a user uploaded without trusting it: entry names decoded as the clerk
wrote them and refused when they reach outside the archive, and entries read with a byte
budget that a lying header cannot get round.  Used for a bulletin's content folder
(bulletin/folder.py) and for the data files of a web import (web/uploads.py).
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from typing import BinaryIO

from shumao.errors import InputError

_UTF8_FLAG, _ENCRYPTED = 0x800, 0x1
CHUNK = 1 << 20
# what reading a damaged or unsupported entry raises (zipfile, zlib, bz2, lzma)
UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
              ValueError, OSError)


class TooBig(Exception):
    """An entry unpacked to more than its budget (its header may have said less)."""


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as the clerk wrote it (``/``-separated; a folder ends in ``/``),
    or an InputError if it is unsafe: an absolute path, ``..``, a symbolic link, or
    encrypted."""
    name = info.filename
    if not info.flag_bits & _UTF8_FLAG:
        # without the UTF-8 flag zipfile read the name as CP437; Chinese Windows writes it in
        # its own code page (GBK), other tools in UTF-8 without saying so
        raw = name.encode("cp437")
        for encoding in ("utf-8", "gb18030"):
            try:
                name = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise InputError(f"压缩包中的条目名“{raw.decode('utf-8', 'replace')}”无法识别"
                             "（既不是 UTF-8 也不是 GBK 编码），请重新压缩后上传")
    name = name.replace("\\", "/")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if name.startswith("/") or re.match(r"[A-Za-z]:", name):
        raise InputError(f"压缩包中的“{name}”是绝对路径，为安全起见不予处理")
    if ".." in parts:
        raise InputError(f"压缩包中的“{name}”含有“..”，指向压缩包之外，为安全起见不予处理")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise InputError(f"压缩包中的“{name}”是符号链接，为安全起见不予处理")
    if info.flag_bits & _ENCRYPTED:
        raise InputError(f"压缩包中的“{name}”已加密，请压缩时不要设置密码")
    return "/".join(parts) + ("/" if info.is_dir() else "")


def copy_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, out: BinaryIO,
               budget: int) -> int:
    """Copy an entry into ``out`` in chunks; the bytes written.  Raises TooBig past
    ``budget`` bytes (whatever the header declared) and InputError when it cannot be
    unpacked."""
    written = 0
    try:
        f = archive.open(info)
    except UNREADABLE as e:
        raise _unreadable(name, e) from None
    with f:
        while True:
            try:
                chunk = f.read(min(CHUNK, budget - written + 1))
            except UNREADABLE as e:
                raise _unreadable(name, e) from None
            if not chunk:
                return written
            written += len(chunk)
            if written > budget:
                raise TooBig(name)
            out.write(chunk)


def _unreadable(name: str, e: Exception) -> InputError:
    return InputError(f"压缩包中的“{name}”无法解压（压缩包可能已损坏或使用了不支持的压缩方式：{e}）")
