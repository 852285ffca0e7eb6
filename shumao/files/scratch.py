"""Scratch folders in the temporary folder (SHUMAO_TMPDIR, else the system's): one per run —
an import's staging database, a web upload's files, the zips a command unpacks, the sheets a
workbook's reader hands over — named with the owning process's id
(``shumao-staging-<pid>-xxxxxxxx``), removed by the run when it ends.  A run killed without
clean-up (SIGKILL, a power cut) cannot remove its folder, so ``sweep`` — at the start of every
import and of the portal — removes each folder whose owner is no longer running.

Folders without an owner in their name (left by shumao before this rule) are never touched:
nothing says whether their run is still going.  The owner is a process id on this machine;
two machines (or containers) sharing one temporary folder should each set their own.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from pathlib import Path

from shumao import settings

KINDS = ("staging", "upload", "unpack", "sheets")
OWNED = re.compile(r"shumao-(?:" + "|".join(KINDS) + r")-(\d+)-")


def base() -> Path:
    """The temporary folder: SHUMAO_TMPDIR, else the system's."""
    return Path(settings.get("SHUMAO_TMPDIR") or tempfile.gettempdir())


def make(kind: str, where: str | os.PathLike | None = None) -> Path:
    """A new private folder of this process for ``kind`` (one of KINDS)."""
    assert kind in KINDS
    return Path(tempfile.mkdtemp(prefix=f"shumao-{kind}-{os.getpid()}-", dir=where or base()))


def sweep(where: str | os.PathLike | None = None) -> list[Path]:
    """Remove every scratch folder in ``where`` (the temporary folder) whose owner has ended;
    the folders removed."""
    removed = []
    for p in Path(where or base()).glob("shumao-*-*-*"):
        m = OWNED.match(p.name)
        if m and p.is_dir() and not p.is_symlink() and not running(int(m.group(1))):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


def probe(folder: str | os.PathLike) -> None:
    """Create and remove a file in ``folder``: whether this process may write there (a
    permission check alone misses read-only disks, and root passes it everywhere).  Raises
    the system's OSError (``why`` says it in Chinese)."""
    fd, name = tempfile.mkstemp(prefix=".shumao-probe-", dir=folder)
    os.close(fd)
    os.unlink(name)


def why(e: OSError) -> str:
    """An operating system's refusal to write, in Chinese."""
    return {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限",
            errno.EROFS: "这是只读的磁盘或文件系统", errno.ENOSPC: "磁盘空间不足",
            errno.EDQUOT: "超出磁盘配额", errno.ENOENT: "文件夹不存在",
            errno.ENOTDIR: "不是文件夹"}.get(e.errno or 0, f"系统错误 {e.errno}")


def running(pid: int) -> bool:
    """Whether process ``pid`` exists (one of another user counts: it may still be working)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True
