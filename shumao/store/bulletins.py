"""Bulletin issues (web.md: 简报, 公开简报): drafts whose content files may change, then
published with their outputs and immutable; a correction is a new issue, a revision of the
published one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from shumao.errors import ConflictError, InputError
from shumao.store import cells
from shumao.store.audit import AuditLog
from shumao.store.backend import Backend
from shumao.store.rows import Bulletin, BulletinFile
from shumao.store.vintages import Vintages

DRAFT, PUBLISHED = "draft", "published"          # a bulletin issue's status
CONTENT, OUTPUT = "content", "output"            # the roles of its files
BULLETIN_COLUMNS = ("id", "revision_of", "title", "issue", "period", "status", "created_by",
                    "created_at", "updated_by", "updated_at", "published_by", "published_at")


class Bulletins:
    def __init__(self, db: Backend, audit: AuditLog, vintages: Vintages):
        self.db = db
        self.audit = audit
        self.vintages = vintages

    def create(self, title: str, issue: str, period: str, files: Mapping[str, bytes],
                        actor: str, address: str | None = None,
                        revision_of: int | None = None) -> int:
        """A new draft issue from its content files (name → bytes); its id.  With
        ``revision_of``, the correction of that published issue."""
        with self.db.write():
            if revision_of is not None and self._status(revision_of) != PUBLISHED:
                raise ConflictError(f"第 {revision_of} 号简报尚未发布，不能为它建立更正版")
            (new_id,), = self.db.execute("SELECT coalesce(max(id), 0) + 1 FROM bulletins")
            now = cells.now()
            self.db.execute("INSERT INTO bulletins VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                          [new_id, revision_of, title, issue, period, DRAFT, actor, now, actor, now])
            self._put_files(new_id, CONTENT, [BulletinFile(n, b) for n, b in files.items()])
            self.audit.append(actor, "bulletin-revise" if revision_of else "bulletin-create",
                        {"id": new_id, "revision_of": revision_of, "title": title,
                         "issue": issue, "files": sorted(files)}, address)
        return int(new_id)

    def replace(self, bulletin_id: int, title: str, issue: str, period: str,
                         files: Mapping[str, bytes], actor: str,
                         address: str | None = None) -> None:
        """Replace a draft's content files and masthead; a published issue is refused."""
        with self.db.write():
            if self._status(bulletin_id) == PUBLISHED:
                raise ConflictError(f"第 {bulletin_id} 号简报已发布，不能再修改"
                                    "（已发布的简报保持原样；如需更正，请建立更正版）")
            self.db.execute("DELETE FROM bulletin_files WHERE bulletin_id = ? AND role = ?",
                          [bulletin_id, CONTENT])
            self._put_files(bulletin_id, CONTENT, [BulletinFile(n, b) for n, b in files.items()])
            self.db.execute("UPDATE bulletins SET title = ?, issue = ?, period = ?, updated_by = ?, "
                          "updated_at = ? WHERE id = ?",
                          [title, issue, period, actor, cells.now(), bulletin_id])
            self.audit.append(actor, "bulletin-edit", {"id": bulletin_id, "title": title,
                                                 "issue": issue, "files": sorted(files)}, address)

    def publish(self, bulletin_id: int, outputs: Sequence[BulletinFile],
                         rendered_from: Mapping[str, bytes], actor: str,
                         address: str | None = None, overrides: Sequence[str] = (),
                         vintage: Mapping[str, Any] | None = None) -> int | None:
        """Keep a draft's outputs and mark it published, in one transaction.  Refused when
        the issue is published already or its content changed since ``rendered_from`` (the
        content the outputs were rendered from) was read.  With ``vintage`` (the arguments
        of ``vintages.add`` but actor and address), the figures it shows are frozen in the
        same transaction: both or neither; the vintage's id."""
        with self.db.write():
            if self._status(bulletin_id) == PUBLISHED:
                raise ConflictError(f"第 {bulletin_id} 号简报已发布，不能再次发布")
            if (same := self.same_issue(bulletin_id)) is not None:
                raise ConflictError(_same_words(bulletin_id, same))
            stored = dict(self.db.execute("SELECT name, sha256 FROM bulletin_files "
                                        "WHERE bulletin_id = ? AND role = ?",
                                        [bulletin_id, CONTENT]))
            if stored != {n: BulletinFile(n, b).sha256 for n, b in rendered_from.items()}:
                raise ConflictError(f"第 {bulletin_id} 号简报在生成期间被修改，未发布，请重新发布")
            self._put_files(bulletin_id, OUTPUT, outputs)
            now = cells.now()
            self.db.execute("UPDATE bulletins SET status = ?, published_by = ?, published_at = ?, "
                          "updated_by = ?, updated_at = ? WHERE id = ?",
                          [PUBLISHED, actor, now, actor, now, bulletin_id])
            self.audit.append(actor, "bulletin-publish",
                        {"id": bulletin_id, "overrides": list(overrides),
                         "outputs": {f.name: {"file_name": f.file_name, "sha256": f.sha256,
                                              "size": f.size} for f in outputs}}, address)
            if vintage is not None:
                return self.vintages.add(**vintage, actor=actor, address=address)
        return None

    def same_issue(self, bulletin_id: int) -> Bulletin | None:
        """A published issue with this draft's title and issue number that is not an
        earlier version of it (issue 20 S-9: a number is published once; a correction is a
        revision of that issue), or None."""
        rows = self.db.execute("SELECT id, revision_of, title, issue FROM bulletins")
        by_id = {r[0]: r for r in rows}
        me = by_id.get(bulletin_id)
        if me is None:
            return None

        def root(i: int) -> int:
            seen = set()
            while by_id[i][1] is not None and by_id[i][1] in by_id and i not in seen:
                seen.add(i)
                i = by_id[i][1]
            return i

        for other in self.db.execute("SELECT id FROM bulletins WHERE status = ? AND title = ? "
                                     "AND issue = ? AND id <> ? ORDER BY id",
                                     [PUBLISHED, me[2], me[3], bulletin_id]):
            if root(other[0]) != root(bulletin_id):
                return self.get(other[0])
        return None

    def all(self, published_only: bool = False) -> list[Bulletin]:
        """Every issue, newest first: its columns and ``outputs`` (format → download name)."""
        where, params = ("WHERE status = ? ", [PUBLISHED]) if published_only else ("", [])
        rows = self.db.execute(f"SELECT {', '.join(BULLETIN_COLUMNS)} FROM bulletins {where}"
                             "ORDER BY id DESC", params)
        outputs: dict[int, dict[str, str]] = {}
        for b, name, file_name in self.db.execute(
                "SELECT bulletin_id, name, file_name FROM bulletin_files WHERE role = ? "
                "ORDER BY bulletin_id, name", [OUTPUT]):
            outputs.setdefault(b, {})[name] = file_name
        return [_bulletin(row, outputs.get(row[0], {})) for row in rows]

    def get(self, bulletin_id: int) -> Bulletin | None:
        """One issue's columns and ``outputs``; None if there is no such issue."""
        rows = self.db.execute(f"SELECT {', '.join(BULLETIN_COLUMNS)} FROM bulletins WHERE id = ?",
                             [bulletin_id])
        if not rows:
            return None
        outputs = self.db.execute("SELECT name, file_name FROM bulletin_files WHERE bulletin_id = ? "
                                "AND role = ? ORDER BY name", [bulletin_id, OUTPUT])
        return _bulletin(rows[0], dict(outputs))

    def content(self, bulletin_id: int) -> dict[str, bytes]:
        """An issue's content folder: path → bytes (empty for an unknown issue)."""
        return {name: bytes(data) for name, data in self.db.execute(
            "SELECT name, content FROM bulletin_files WHERE bulletin_id = ? AND role = ? "
            "ORDER BY name", [bulletin_id, CONTENT])}

    def output(self, bulletin_id: int, fmt: str) -> BulletinFile | None:
        """A published issue's output in one format (pdf | docx | html), or None."""
        rows = self.db.execute("SELECT name, content, file_name FROM bulletin_files "
                             "WHERE bulletin_id = ? AND role = ? AND name = ?",
                             [bulletin_id, OUTPUT, fmt])
        return BulletinFile(rows[0][0], bytes(rows[0][1]), rows[0][2]) if rows else None

    def _status(self, bulletin_id: int) -> str:
        rows = self.db.execute("SELECT status FROM bulletins WHERE id = ?", [bulletin_id])
        if not rows:
            raise InputError(f"没有编号为 {bulletin_id} 的简报")
        return rows[0][0]

    def _put_files(self, bulletin_id: int, role: str, files: Sequence[BulletinFile]) -> None:
        for f in files:     # BLOB / BYTEA parameters: both drivers take bytes
            self.db.execute("INSERT INTO bulletin_files VALUES (?, ?, ?, ?, ?, ?, ?)",
                          [bulletin_id, role, f.name, f.file_name, bytes(f.content), f.sha256,
                           f.size])


def _same_words(bulletin_id: int, same: Bulletin) -> str:
    return (f"第 {bulletin_id} 号简报未发布：{same['title']}{same['issue']}已于第 {same['id']} 号发布，"
            f"同一期号不能发布两次。如需更正已发布的那一期，请打开第 {same['id']} 号简报，"
            "点“发布更正版”，在更正版中修改后发布；如果这是新的一期，请修改期号")


def _bulletin(row: Sequence[Any], outputs: dict[str, str]) -> Bulletin:
    out = dict(zip(BULLETIN_COLUMNS, row, strict=True))
    for k in ("created_at", "updated_at", "published_at"):
        out[k] = cells.iso(out[k])
    return cast(Bulletin, {**out, "outputs": outputs})     # Bulletin's keys, in its order
