"""A finished folder put in the place of a target folder all or nothing, and what killed runs
left beside it cleared — ``shumao export``'s promise that DIR is as it was or whole.

- ``working(parent, name)``: a new hidden folder ``.NAME.shumao-XXXXXXXX`` beside the target
  (the same file system, so renaming is atomic), locked (``flock`` on the folder) for as long
  as this process works in it, removed on leaving.
- ``replace(new, target)``: ``target`` becomes ``new``.  Where the system can (Linux 3.15+,
  ``renameat2(RENAME_EXCHANGE)``) the two folders are swapped in one step, so DIR is never
  absent, and the old content is then deleted from the working folder.  Elsewhere the old
  folder is moved into a holder ``.NAME.shumao-old-XXXXXXXX/old`` and the new one renamed to
  DIR: a process killed between the two leaves DIR absent — ``clear`` puts the old one back.
- ``clear(parent)``: every ``.NAME.shumao-…`` folder in ``parent`` that no living process
  holds (its lock is free: the process that made it was killed) is removed — after its old
  data set, if a holder has one and NAME is absent, is renamed back to NAME.  Without
  ``fcntl`` (Windows) nothing is cleared, as nothing can tell a live run from a dead one.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import secrets
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:         # Windows
    fcntl = None  # type: ignore[assignment]

WORKING = re.compile(r"\.(?P<name>.+)\.shumao-(?P<old>old-)?[0-9a-f]{8}")
RENAME_EXCHANGE = 2
AT_FDCWD = -100


@contextmanager
def working(parent: Path, name: str, old: bool = False) -> Iterator[Path]:
    """A new locked hidden folder beside ``parent / name``, removed on leaving (whatever was
    renamed away from it is not)."""
    folder, fd = _new(parent, f".{name}.shumao-{'old-' if old else ''}")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(fd)


def replace(new: Path, target: Path) -> None:
    """``target`` (a folder) replaced by ``new``: in one step where the system can — the old
    content is then at ``new``'s path, which its ``working`` deletes —, else by two renames
    through a holder of this module's, deleted here."""
    if _exchange(new, target):
        return
    with working(target.parent, target.name, old=True) as holder:
        target.rename(holder / "old")
        try:
            new.rename(target)
        except OSError:
            (holder / "old").rename(target)
            raise


def clear(parent: Path) -> None:
    """Remove what killed runs left in ``parent`` (module docstring); never a live run's."""
    if fcntl is None:
        return
    try:
        entries = list(parent.iterdir())
    except OSError:
        return
    for folder in entries:
        m = WORKING.fullmatch(folder.name)
        if not m or folder.is_symlink() or not folder.is_dir():
            continue
        with contextlib.suppress(OSError):
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)     # held: a live run's
            except OSError:
                os.close(fd)
                continue
            try:
                target, old = parent / m["name"], folder / "old"
                if m["old"] and old.is_dir() and not target.exists() and not target.is_symlink():
                    old.rename(target)               # killed between the two renames
                shutil.rmtree(folder, ignore_errors=True)
            finally:
                os.close(fd)


def _new(parent: Path, prefix: str) -> tuple[Path, int]:
    """A new folder ``prefix`` + 8 hex digits in ``parent``, made with the user's umask (not
    tempfile's 0700, as the data set will be) and locked; the open descriptor holds the lock."""
    while True:
        folder = parent / (prefix + secrets.token_hex(4))
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        if fcntl is None:
            return folder, fd
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            with contextlib.suppress(FileNotFoundError):
                if os.stat(folder).st_ino == os.fstat(fd).st_ino:
                    return folder, fd
        except OSError:
            pass
        os.close(fd)         # a concurrent clear() took it for a dead run's: another name


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2`` with ``RENAME_EXCHANGE``); False where
    the system or the file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        call = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):         # a C library before glibc 2.28
        return False
    call.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if call(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))
