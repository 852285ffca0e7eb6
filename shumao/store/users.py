"""Users and their API tokens (web.md accounts): who may sign in, with which role, and for
which enterprise or region.  A token is kept only as its hash, with when it was made, when
it expires, whether it was revoked and when it was last used (to within ``USED_EVERY``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shumao.access.roles import ROLES  # pure data: no cycle back into the store
from shumao.errors import InputError
from shumao.store import cells
from shumao.store.audit import AuditLog
from shumao.store.backend import Backend
from shumao.store.rows import User

USED_EVERY = dt.timedelta(minutes=10)     # a token's last use is written at most this often
_COLUMNS = "name, role, enterprise_id, region, disabled, password_hash, email, must_change"


class Users:
    def __init__(self, db: Backend, audit: AuditLog):
        self.db = db
        self.audit = audit

    def add(self, user: User, actor: str, address: str | None = None) -> None:

        if user.role not in ROLES:
            raise InputError(f"角色只能是 {'、'.join(ROLES)}（收到“{user.role}”）")
        with self.db.write():
            if self.db.execute("SELECT 1 FROM users WHERE name = ?", [user.name]):
                raise InputError(f"用户“{user.name}”已存在")
            self.db.execute("INSERT INTO users (name, role, enterprise_id, region, password_hash, "
                            "disabled, created_at, email, must_change) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          [user.name, user.role, user.enterprise_id, user.region,
                           user.password_hash, user.disabled, cells.now(), user.email,
                           user.must_change])
            self.audit.append(actor, "user-add", {"name": user.name, "role": user.role,
                                            "enterprise_id": user.enterprise_id,
                                            "region": user.region, "email": user.email}, address)

    def get(self, name: str) -> User | None:
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM users WHERE name = ?", [name])
        return User(*rows[0]) if rows else None

    def all(self) -> list[User]:
        return [User(*r) for r in self.db.execute(f"SELECT {_COLUMNS} FROM users ORDER BY name")]

    def update(self, name: str, actor: str, address: str | None = None,
               action: str = "user-change", **changes: Any) -> None:
        """Change an account's columns, logged as ``action`` (a password's hash never is)."""
        allowed = {"role", "enterprise_id", "region", "password_hash", "disabled", "email",
                   "must_change"}
        if not changes or set(changes) - allowed:
            raise ValueError(changes)
        with self.db.write():
            if not self.db.execute("SELECT 1 FROM users WHERE name = ?", [name]):
                raise InputError(f"没有用户“{name}”")
            sets = ", ".join(f"{k} = ?" for k in changes)
            self.db.execute(f"UPDATE users SET {sets} WHERE name = ?", [*changes.values(), name])
            shown = {k: ("***" if k == "password_hash" else v) for k, v in changes.items()}
            self.audit.append(actor, action, {"name": name, **shown}, address)

    def add_token(self, token_hash: str, user_name: str, expires_at: dt.datetime | None,
                  actor: str) -> None:
        with self.db.write():
            self.db.execute("INSERT INTO tokens (token_hash, user_name, created_at, expires_at, revoked) "
                            "VALUES (?, ?, ?, ?, FALSE)",
                          [token_hash, user_name, cells.now(), expires_at])
            self.audit.append(actor, "token-add", {"user": user_name,
                                             "expires_at": cells.iso(expires_at)}, None)

    def token_user(self, token_hash: str, now: dt.datetime | None = None) -> User | None:
        """The user of a live token: not revoked, not expired, the user not disabled; its
        last use noted (at most every ``USED_EVERY``, so a busy script does not write on
        every request)."""
        now = now or cells.now()
        rows = self.db.execute(       # the token and its user: one statement on every request
            "SELECT t.last_used_at, " + ", ".join(f"u.{c}" for c in _COLUMNS.split(", ")) +
            " FROM tokens t JOIN users u ON u.name = t.user_name WHERE t.token_hash = ? "
            "AND NOT t.revoked AND (t.expires_at IS NULL OR t.expires_at > ?)", [token_hash, now])
        user = User(*rows[0][1:]) if rows else None
        if not user or user.disabled:
            return None
        if rows[0][0] is None or now - rows[0][0] > USED_EVERY:
            with self.db.write():
                self.db.execute("UPDATE tokens SET last_used_at = ? WHERE token_hash = ?", [now, token_hash])
        return user

    def tokens(self, user_name: str) -> list[tuple]:
        """A user's tokens, oldest first: (hash, created, expires, last used, revoked)."""
        return self.db.execute(
            "SELECT token_hash, created_at, expires_at, last_used_at, revoked FROM tokens "
            "WHERE user_name = ? ORDER BY created_at, token_hash", [user_name])

    def revoke_token(self, user_name: str, token_hash: str, shown: str, actor: str,
                     address: str | None = None) -> None:
        """Revoke one token of the user (``shown``: its short id, for the audit log)."""
        with self.db.write():
            self.db.execute("UPDATE tokens SET revoked = TRUE WHERE user_name = ? AND token_hash = ?",
                            [user_name, token_hash])
            self.audit.append(actor, "token-revoke", {"user": user_name, "token": shown}, address)

    def revoke_tokens(self, user_name: str, actor: str, address: str | None = None) -> None:
        with self.db.write():
            self.db.execute("UPDATE tokens SET revoked = TRUE WHERE user_name = ? AND NOT revoked",
                            [user_name])
            self.audit.append(actor, "token-revoke", {"user": user_name}, address)

    def enterprise_emails(self) -> dict[str, list[str]]:
        """Enterprise → the e-mail addresses of its live accounts; an enterprise whose live
        accounts have none maps to [] (one with no live account is not a key)."""
        out: dict[str, list[str]] = {}
        for eid, email in self.db.execute(
                "SELECT enterprise_id, email FROM users WHERE role = 'enterprise' AND NOT disabled "
                "ORDER BY enterprise_id, name"):
            out.setdefault(eid, [])
            if email:
                out[eid].append(email)
        return out
