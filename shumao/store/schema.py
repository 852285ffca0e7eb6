"""The store's tables — the records of model/records.py plus batches, review history,
users, tokens, the audit log and the bulletin issues of the web portal — declared once and rendered as DDL for each backend.
``SCHEMA_VERSION`` is checked every time a store is opened; ``MIGRATIONS`` bring an older
store forward.
"""

from __future__ import annotations

from shumao.model.records import KINDS, RECORDS, STATUS_KINDS, Table, table

SCHEMA_VERSION = 3

# logical type → (DuckDB, PostgreSQL)
SQL_TYPES = {
    "text": ("VARCHAR", "TEXT"),
    "int": ("INTEGER", "INTEGER"),
    "bigint": ("BIGINT", "BIGINT"),
    "date": ("DATE", "DATE"),
    "time": ("TIMESTAMPTZ", "TIMESTAMPTZ"),
    "bool": ("BOOLEAN", "BOOLEAN"),
    "amount": ("DECIMAL(18, 6)", "NUMERIC(18, 6)"),
    "rate": ("DECIMAL(20, 10)", "NUMERIC(20, 10)"),
    "bytes": ("BLOB", "BYTEA"),
}


def render(t: Table, backend: str) -> str:
    i = 0 if backend == "duckdb" else 1
    cols = [f"    {c} {SQL_TYPES[ty][i]}{'' if n else ' NOT NULL'}" for c, ty, n in t.columns]
    # keys are enforced on PostgreSQL; on DuckDB an index over 10⁸ rows costs more memory
    # than it saves, and loads are serialised by the store instead (see duckdb.py)
    if t.key and backend == "postgres":
        cols.append(f"    PRIMARY KEY ({', '.join(t.key)})")
    return f"CREATE TABLE IF NOT EXISTS {t.name} (\n" + ",\n".join(cols) + "\n)"


OTHER = [
    table("meta", ("key",), ("key", "text"), ("value", "text")),
    table("batches", ("batch_id",),
          ("batch_id", "int"), ("imported_at", "time"), ("imported_by", "text", "null"),
          ("replace_mode", "bool"), ("counts", "text")),
    table("batch_files", ("batch_id", "position"),
          ("batch_id", "int"), ("position", "int"), ("path", "text"), ("file", "text"),
          ("sheet", "text", "null"), ("kind", "text"), ("sha256", "text"), ("size", "bigint"),
          ("rows", "bigint")),
    # who changed a record's review status, when and why (web filing and review)
    table("status_history", ("seq",),
          ("seq", "bigint"), ("kind", "text"), ("record_id", "text"), ("old_status", "text", "null"),
          ("new_status", "text"), ("changed_by", "text"), ("changed_at", "time"),
          ("comment", "text", "null")),
    table("users", ("name",),
          ("name", "text"), ("role", "text"), ("enterprise_id", "text", "null"),
          ("region", "text", "null"), ("password_hash", "text", "null"), ("disabled", "bool"),
          ("created_at", "time")),
    table("tokens", ("token_hash",),
          ("token_hash", "text"), ("user_name", "text"), ("created_at", "time"),
          ("expires_at", "time", "null"), ("revoked", "bool")),
    # append-only: the store has no method that updates or deletes a row of it
    table("audit_log", ("seq",),
          ("seq", "bigint"), ("logged_at", "time"), ("actor", "text"), ("action", "text"),
          ("detail", "text"), ("address", "text", "null")),
    # web.md 简报 / 公开简报: an issue is a draft until published, then immutable; a correction
    # is a new issue whose revision_of names the published one
    table("bulletins", ("id",),
          ("id", "int"), ("revision_of", "int", "null"), ("title", "text"), ("issue", "text"),
          ("period", "text"), ("status", "text"), ("created_by", "text"), ("created_at", "time"),
          ("updated_by", "text"), ("updated_at", "time"), ("published_by", "text", "null"),
          ("published_at", "time", "null"), comment="status: draft | published"),
    # an issue's content folder (role content, name: bulletin.toml, 行业资讯/01-x.md) and, once
    # published, its outputs (role output, name: pdf | docx | html, file_name: the download name)
    table("bulletin_files", ("bulletin_id", "role", "name"),
          ("bulletin_id", "int"), ("role", "text"), ("name", "text"),
          ("file_name", "text", "null"), ("content", "bytes"), ("sha256", "text"),
          ("size", "bigint")),
]
TABLES = {t.name: t for t in [*RECORDS.values(), *OTHER]}

# version → statements that bring a store of that version to the next (DuckDB and PostgreSQL)
MIGRATIONS: dict[int, list[str]] = {
    1: ["ALTER TABLE batches ADD COLUMN imported_by VARCHAR",
        "ALTER TABLE batch_files ADD COLUMN position INTEGER DEFAULT 0",
        "ALTER TABLE batch_files ADD COLUMN path VARCHAR DEFAULT ''"],
    # 2 → 3 only adds bulletins and bulletin_files: ddl() creates every missing table after
    # the migrations have run (base.Store._ensure_schema), in each backend's own types
    2: [],
}


def ddl(backend: str) -> list[str]:
    return [render(t, backend) for t in TABLES.values()]

__all__ = ["KINDS", "RECORDS", "STATUS_KINDS", "SCHEMA_VERSION", "TABLES", "ddl"]
