"""The association's settings (管理 › 机构设置, model.organisation): one row per field, set
by an admin, every change in the audit log."""

from __future__ import annotations

from shumao.model.organisation import FIELDS, Organisation
from shumao.store import cells
from shumao.store.audit import AuditLog
from shumao.store.backend import Backend


class OrganisationSettings:
    def __init__(self, db: Backend, audit: AuditLog):
        self.db = db
        self.audit = audit

    def get(self) -> Organisation:
        """The settings as set (empty fields where never set)."""
        kept = dict(self.db.execute("SELECT key, value FROM organisation"))
        return Organisation(**{k: str(kept.get(k) or "") for k in FIELDS})

    def set(self, org: Organisation, actor: str, address: str | None = None) -> None:
        with self.db.write():
            old = self.get()
            self.db.execute("DELETE FROM organisation")
            now = cells.now()
            for key, value in org.as_dict().items():
                self.db.execute("INSERT INTO organisation VALUES (?, ?, ?, ?)", [key, value, actor, now])
            self.audit.append(actor, "organisation-set", {"from": old.as_dict(), **org.as_dict()}, address)
