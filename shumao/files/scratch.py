"""Scratch folders in the temporary folder (SHUMAO_TMPDIR, else the system's): one per run —
an import's staging database, a web upload's files — named with the owning process's id
(``shumao-staging-<pid>-xxxxxxxx``), removed by the run when it ends.  A run killed without
clean-up (SIGKILL, a power cut) cannot remove its folder, so ``sweep`` — at the start of every
import and of the portal — removes each folder whose owner is no longer running.

Folders without an owner in their name (left by shumao before this rule) are never touched:
nothing says whether their run is still going.  The owner is a process id on this machine;
two machines (or containers) sharing one temporary folder should each set their own.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from shumao import settings

KINDS = ("staging", "upload")
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
