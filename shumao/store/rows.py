"""The store's rows as typed values: what a repository returns and takes."""

from __future__ import annotations

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
