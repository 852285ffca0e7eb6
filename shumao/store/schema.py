"""The store's tables — the records of model/records.py plus batches, review history,
users, tokens, the audit log and the bulletin issues of the web portal — declared once and rendered as DDL for each backend.
``SCHEMA_VERSION`` is checked every time a store is opened; ``MIGRATIONS`` bring an older
store forward, and ``ensure`` applies them when a store is opened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shumao.errors import StoreError, StoreNotFound, StoreVersionError
from shumao.model.records import KINDS, RECORDS, STATUS_KINDS, Table, table

if TYPE_CHECKING:
    from shumao.store.backend import Backend

SCHEMA_VERSION = 11

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
    # every transition of a record (web filing and review): who, when, why, and the record's
    # fields after it (content, JSON) — a record's full history
    table("status_history", ("seq",),
          ("seq", "bigint"), ("kind", "text"), ("record_id", "text"), ("old_status", "text", "null"),
          ("new_status", "text"), ("changed_by", "text"), ("changed_at", "time"),
          ("comment", "text", "null"), ("content", "text", "null")),
    table("users", ("name",),
          ("name", "text"), ("role", "text"), ("enterprise_id", "text", "null"),
          ("region", "text", "null"), ("password_hash", "text", "null"), ("disabled", "bool"),
          ("created_at", "time"), ("email", "text", "null"), ("must_change", "bool"),
          comment="must_change: a password an admin set, to be changed at the next sign-in"),
    # web.md filings-web: a record filed in the portal (the record itself is a row of
    # contracts/executions whose status is its state); explanations and the checks of its
    # last submission (JSON) are kept with it
    table("filings", ("id",),
          ("id", "int"), ("kind", "text"), ("record_id", "text"), ("enterprise_id", "text"),
          ("month", "date"), ("source", "text"), ("created_by", "text"), ("created_at", "time"),
          ("updated_at", "time"), ("submitted_at", "time", "null"), ("late", "bool"),
          ("explanations", "text"), ("checks", "text"),
          comment="kind: contracts | executions; source: form | upload | api"),
    # a month's filing window as the admin set it; a month without a row has the defaults
    # (filings.windows): opens on its first day, due on the 10th of the next month, locked
    # after 31 March of the next year; locked NULL = that default, FALSE = reopened
    table("filing_windows", ("month",),
          ("month", "date"), ("opens", "date", "null"), ("closes", "date", "null"),
          ("locked", "bool", "null"), ("updated_by", "text"), ("updated_at", "time")),
    # 零申报: an enterprise said it had no business in a month (filed as nothing); a record of
    # that month filed later deletes the row (the declaration and its undoing are audited)
    table("filing_nil", ("enterprise_id", "month"),
          ("enterprise_id", "text"), ("month", "date"), ("declared_by", "text"),
          ("declared_at", "time")),
    # reminder e-mails sent (or refused by the server) for a month
    table("reminders", ("seq",),
          ("seq", "bigint"), ("month", "date"), ("enterprise_id", "text"), ("recipient", "text"),
          ("sent_at", "time"), ("sent_by", "text"), ("error", "text", "null")),
    # a published report or bulletin: the figures it showed (figures: report --format json,
    # text: the 数据月报) and, in vintage_<kind>, copies of the records they were computed from
    table("vintages", ("id",),
          ("id", "int"), ("source", "text"), ("bulletin_id", "int", "null"),
          ("period", "text"), ("settings", "text"), ("figures", "text"), ("text", "text"),
          ("generation", "bigint"), ("created_by", "text"), ("created_at", "time"),
          ("digital", "text", "null"),
          comment="source: report | bulletin; digital: the 【数字贸易】 frozen with it (JSON: "
                  "settings, customs and platform batch ids, figures), NULL without"),
    # the association's settings (管理 › 机构设置, model.organisation): name, region, short
    table("organisation", ("key",),
          ("key", "text"), ("value", "text"), ("updated_by", "text"), ("updated_at", "time")),
    table("tokens", ("token_hash",),
          ("token_hash", "text"), ("user_name", "text"), ("created_at", "time"),
          ("expires_at", "time", "null"), ("revoked", "bool"), ("last_used_at", "time", "null")),
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


def _copy(kind: str, prefix: str, *extra) -> Table:
    """A table of versions of a record kind: its columns, after ``extra`` ones."""
    t = RECORDS[kind]
    return Table(f"{prefix}_{kind}", tuple(table("x", (), *extra).columns) + t.columns)


# records are never deleted, only superseded: a replaced or edited record's previous row
SUPERSEDED = [_copy(k, "superseded", ("superseded_at", "time"), ("superseded_by", "text"))
              for k in ("enterprises", "contracts", "executions")]
# the records a vintage was computed from (publication.vintages), digital trade's inputs too
VINTAGE = [_copy(k, "vintage", ("vintage_id", "int"))
           for k in ("enterprises", "contracts", "executions", "platforms", "ecommerce",
                     "services", "dt_survey", "totals")]
TABLES = {t.name: t for t in [*RECORDS.values(), *OTHER, *SUPERSEDED, *VINTAGE]}

# version → statements that bring a store of that version to the next (DuckDB and PostgreSQL)
MIGRATIONS: dict[int, list[str]] = {
    1: ["ALTER TABLE batches ADD COLUMN imported_by VARCHAR",
        "ALTER TABLE batch_files ADD COLUMN position INTEGER DEFAULT 0",
        "ALTER TABLE batch_files ADD COLUMN path VARCHAR DEFAULT ''"],
    # 2 → 3 only adds bulletins and bulletin_files: ddl() creates every missing table before
    # the migrations run (base.Store._ensure_schema), in each backend's own types
    2: [],
    # 3 → 4: web filing (filings, filing_windows, reminders), vintages and superseded records
    # are new tables; a transition keeps the record's content, a user an e-mail address
    3: ["ALTER TABLE status_history ADD COLUMN IF NOT EXISTS content TEXT",
        "ALTER TABLE users ADD COLUMN IF NOT EXISTS email TEXT"],
    # 4 → 5: when each API token was last used (shumao user tokens)
    4: ["ALTER TABLE tokens ADD COLUMN IF NOT EXISTS last_used_at TIMESTAMPTZ"],
    # 5 → 6: 零申报 (filing_nil) is a new table; rates entered in the portal use the rates table
    5: [],
    # 6 → 7: a password an admin reset is to be changed at the next sign-in (issue 20 AD-1)
    6: ["ALTER TABLE users ADD COLUMN IF NOT EXISTS must_change BOOLEAN DEFAULT FALSE",
        "UPDATE users SET must_change = FALSE WHERE must_change IS NULL"],
    # 7 → 8: the association's settings (管理 › 机构设置) are a new table
    7: [],
    # 8 → 9: digital trade (spec/digital-trade.md §6.1): platforms and ecommerce are new
    # tables; contracts (and their superseded and frozen copies) gain four optional columns
    8: [f"ALTER TABLE {t}contracts ADD COLUMN IF NOT EXISTS {c} {ty}"
        for t in ("", "superseded_", "vintage_")
        for c, ty in (("subcategory", "TEXT"), ("delivery_mode", "TEXT"),
                      ("remote_share", "INTEGER"), ("ordered_online", "TEXT"),
                      ("platform_id", "TEXT"))],
    # 9 → 10: a vintage freezes digital trade's inputs too (spec/digital-trade.md §8.4):
    # vintage_platforms and vintage_ecommerce are new tables, the vintage's section a column
    9: ["ALTER TABLE vintages ADD COLUMN IF NOT EXISTS digital TEXT"],
    # 10 → 11: digital trade's optional inputs (spec/digital-trade.md §6.1.4–§6.1.7): services,
    # dt_survey and totals (and the vintages' copies of them) are new tables; enterprises (and
    # their superseded and frozen copies) gain two optional columns
    10: [f"ALTER TABLE {t}enterprises ADD COLUMN IF NOT EXISTS {c} TEXT"
         for t in ("", "superseded_", "vintage_") for c in ("size_class", "industry")],
}


def ddl(backend: str) -> list[str]:
    return [render(t, backend) for t in TABLES.values()]


def damaged(url: str, what: str) -> StoreError:
    """A store whose internals are not what shumao wrote (edited or broken by hand)."""
    return StoreError(f"数据库 {url} 已损坏：{what}（请从备份恢复，或联系维护人员）")


def version_of(value: Any, url: str) -> int:
    """meta's schema_version as a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise damaged(url, f"版本信息“{value}”不是数字") from None


def _version(db: Backend) -> int | None:
    try:
        rows = db.execute("SELECT value FROM meta WHERE key = 'schema_version'")
    except StoreError:
        return None
    return version_of(rows[0][0], db.url) if rows else None


def _missing(db: Backend) -> list[str]:
    """The tables of this schema version the store does not have."""
    present = {r[0] for r in db.execute("SELECT table_name FROM information_schema.tables "
                                        "WHERE table_schema = current_schema()")}
    return [t for t in TABLES if t not in present]


def ensure(db: Backend, create: bool) -> None:
    """Create the tables of a new store, migrate an older one, refuse a newer one."""
    version = _version(db)
    if version is None and not db.has_tables():
        if not create:
            raise StoreNotFound(f"{db.url} 是一个空数据库，还没有 shumao 的数据"
                                "（请先用 shumao import 导入数据）")
        with db.write():
            for stmt in ddl(db.name):
                db.execute(stmt)
            db.execute("INSERT INTO meta VALUES ('schema_version', ?), ('generation', '0')",
                          [str(SCHEMA_VERSION)])
        return
    if version is None:
        raise StoreVersionError(f"{db.url} 不是 shumao 的数据库（缺少版本信息）")
    if version > SCHEMA_VERSION:
        raise StoreVersionError(
            f"数据库 {db.url} 由更新版本的 shumao 创建（结构版本 {version}），"
            f"本程序只支持结构版本 {SCHEMA_VERSION}，请升级 shumao 后再打开")
    if version == SCHEMA_VERSION:
        missing = _missing(db)
        if missing:
            raise damaged(db.url, f"缺少数据表 {'、'.join(missing)}")
        return
    if version < SCHEMA_VERSION:
        if db.read_only:
            raise StoreVersionError(
                f"数据库 {db.url} 由较早版本的 shumao 创建（结构版本 {version}），"
                "需要先以可写方式打开一次以升级（例如运行 shumao status 时不加只读限制）")
        with db.write():
            # the tables a version added first (each backend's own types), then the
            # columns later versions added to the tables it had
            for stmt in ddl(db.name):
                db.execute(stmt)
            for v in range(version, SCHEMA_VERSION):
                for stmt in MIGRATIONS[v]:
                    db.execute(stmt)
            db.execute("INSERT INTO meta SELECT 'generation', '0' WHERE NOT EXISTS "
                          "(SELECT 1 FROM meta WHERE key = 'generation')")
            db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                          [str(SCHEMA_VERSION)])



def generation(db: Backend) -> int:
    """A number that changes whenever records or their status change (meta's generation)."""
    return int(db.execute("SELECT value FROM meta WHERE key = 'generation'")[0][0])


BUMP = ("UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) "
        "WHERE key = 'generation'", ())        # bump's statement, for Backend.run_all


def bumped(db: Backend) -> tuple[str, tuple]:
    """``bump``'s statement for a caller that sends it with its other writes
    (``Backend.run_all``); the listeners are told when the transaction commits, as with bump."""
    db.changed()
    return BUMP


def bump(db: Backend) -> None:
    """The generation after a change of records or status (inside its write transaction;
    the backend's listeners are told when it commits)."""
    db.changed()
    db.execute(*BUMP)


__all__ = ["BUMP", "KINDS", "RECORDS", "STATUS_KINDS", "SCHEMA_VERSION", "TABLES", "bump", "bumped", "damaged", "ddl", "ensure", "generation",
           "version_of"]
