"""The store's rows as typed values: what a repository returns and takes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass
class User:
    name: str
    role: str
    enterprise_id: str | None = None
    region: str | None = None
    disabled: bool = False
    password_hash: str | None = field(default=None, repr=False)
    email: str | None = None


@dataclass(frozen=True)
class BulletinFile:
    """One stored file of a bulletin issue: a content file (``name`` its path in the content
    folder) or an output (``name`` pdf | docx | html, ``file_name`` the name to download as)."""

    name: str
    content: bytes
    file_name: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def size(self) -> int:
        return len(self.content)
