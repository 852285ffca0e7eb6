"""The Store interface on every backend, and what opening a store must say plainly
(issue 7: a store is never created by a command that only reads; another version's store,
a SQLite file or a folder gets a clear Chinese message; a full disk says so)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import duckdb
import pytest

from shumao.errors import ConflictError, InputError, StoreError, StoreNotFound, StoreVersionError
from shumao.ingest.importer import import_files
from shumao.ingest.staging import Staging
from shumao.store import User, connect
from shumao.store.schema import SCHEMA_VERSION
from tests.conftest import DATA, SAMPLE_FILES, run_cli, run_json, sql
from tests.support.records import set_status

HERE = Path(__file__).parent


def test_reading_a_missing_store_creates_nothing(tmp_path):
    target = tmp_path / "typo" / "统计.duckdb"
    with pytest.raises(StoreNotFound, match="数据库不存在"):
        connect(target, read_only=True)
    assert not target.parent.exists()


def test_reading_an_empty_postgres_database_is_not_found(pg_cluster):
    url = pg_cluster.create_database("empty_for_reading")
    with pytest.raises(StoreNotFound, match="空数据库"):
        connect(url, read_only=True)


def test_newer_schema_is_refused(store_url):
    with connect(store_url) as s:
        sql(s, "UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)])
    with pytest.raises(StoreVersionError, match="更新版本的 shumao"):
        connect(store_url)


def test_version_1_store_is_upgraded_in_place(tmp_path):
    """A store written by the first release (schema 1) opens, keeps its records and gains
    the new tables — also when first opened by a command that only reads."""
    path = tmp_path / "v1.duckdb"
    con = duckdb.connect(str(path))
    con.execute((HERE / "data" / "schema_v1.sql").read_text(encoding="utf-8"))
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute("INSERT INTO enterprises VALUES ('91990102B8QRD82822', '云桥', 'domestic', NULL, 1)")
    con.execute("INSERT INTO batches VALUES (1, now(), FALSE, '{}')")
    con.close()
    with connect(path, read_only=True) as s:
        assert s.records.counts()["enterprises"] == 1 and s.users.all() == [] and s.generation() == 0
        assert s.records.batches()[0]["files"] == []


def test_version_5_store_gains_the_nil_table_and_keeps_its_rates(store_url):
    """A store of schema 5 (before 零申报) opens, keeps its rates and gains filing_nil."""
    from decimal import Decimal
    with connect(store_url) as s:
        sql(s, "INSERT INTO rates VALUES ('CNY', DATE '2024-12-01', 0.1384, 1)")
        sql(s, "DROP TABLE filing_nil")
        sql(s, "UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    with connect(store_url) as s:
        assert sql(s, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
        assert s.rates.get("CNY", dt.date(2024, 12, 1)) == Decimal("0.1384")
        assert sql(s, "SELECT count(*) FROM filing_nil") == [(0,)]


def test_not_a_store_says_what_it_is(tmp_path):
    lite = tmp_path / "统计.db"
    sqlite3.connect(lite).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(StoreError, match="SQLite 数据库"):
        connect(lite)
    text = tmp_path / "notes.duckdb"
    text.write_text("这不是数据库，只是一段说明文字。" * 3, encoding="utf-8")
    with pytest.raises(StoreError, match="不是 DuckDB 文件"):
        connect(text, read_only=True)
    with pytest.raises(InputError, match="这是文件夹"):
        connect(tmp_path, read_only=True)


def test_provenance_keeps_each_files_path_and_hash(store, tmp_path):
    """import m1/contracts.csv m2/contracts.csv: each file keeps its own path and sha256,
    and issues name them apart."""
    import hashlib

    assert import_files(store, [SAMPLE_FILES[0]]).ok
    m1, m2 = tmp_path / "m1", tmp_path / "m2"
    m1.mkdir(), m2.mkdir()
    head = "contract_id,enterprise_id,signed_on,client_country,category,amount\n"
    (m1 / "contracts.csv").write_text(head + "P1,91990102B8QRD82822,2024-01-05,JP,ITO,100\n")
    (m2 / "contracts.csv").write_text(head + "P2,91990102B8QRD82822,2024-02-05,火星国,ITO,200\n")
    bad = import_files(store, [m1 / "contracts.csv", m2 / "contracts.csv"])
    assert [(i.file, i.code) for i in bad.errors] == [(str(m2 / "contracts.csv"), "unknown-country")]
    (m2 / "contracts.csv").write_text(head + "P2,91990102B8QRD82822,2024-02-05,JP,ITO,200\n")
    assert import_files(store, [m1 / "contracts.csv", m2 / "contracts.csv"]).ok
    files = store.records.batches()[0]["files"]
    assert [f["path"] for f in files] == [str((m / "contracts.csv").resolve()) for m in (m1, m2)]
    assert [f["sha256"] for f in files] == [
        hashlib.sha256((m / "contracts.csv").read_bytes()).hexdigest() for m in (m1, m2)]


def test_names_given_for_temporary_copies_are_what_issues_and_history_show(store, tmp_path):
    """A web upload reads temporary copies: issues and the batch name the files as uploaded."""
    copies = []
    for i, f in enumerate(SAMPLE_FILES):
        (tmp_path / str(i)).mkdir()
        copies.append(tmp_path / str(i) / f.name)
        copies[-1].write_bytes(f.read_bytes())
    names = ["企业.csv", "数据.zip/合同/contracts.csv", "executions.csv"]
    assert import_files(store, copies, names=names, actor="staff").ok
    files = store.records.batches()[0]["files"]
    assert [(f["path"], f["file"], f["kind"]) for f in files] == [
        (n, n, k) for n, k in zip(names, ("enterprises", "contracts", "executions"), strict=True)]
    bad = tmp_path / "3" / "contracts.csv"
    bad.parent.mkdir()
    bad.write_text("contract_id,enterprise_id,signed_on,client_country,category,amount\n"
                   "P9,91990102B8QRD82822,2024-01-05,火星国,ITO,100\n")
    result = import_files(store, [bad], names=["上传/合同.csv"])
    assert [(i.file, i.row, i.code) for i in result.errors] == [("上传/合同.csv", 2, "unknown-country")]


def test_an_enterprises_records_within_a_period(sample_store):
    """The records behind 会员企业 and GET /api/v1/enterprises/{code}/records."""
    import datetime as dt

    ent = sample_store.records.enterprises()[0]["enterprise_id"]
    every = sample_store.records.of_enterprise(ent)
    (n,), = sample_store.db.execute("SELECT count(*) FROM contracts WHERE enterprise_id = ?", [ent])
    assert len(every["contracts"]) == n > 0
    q2 = sample_store.records.of_enterprise(ent.lower(), (dt.date(2024, 4, 1), dt.date(2024, 6, 30)))
    assert q2["contracts"] == [c for c in every["contracts"]
                               if dt.date(2024, 4, 1) <= c["signed_on"] <= dt.date(2024, 6, 30)]
    assert q2["executions"] == [x for x in every["executions"]
                                if dt.date(2024, 4, 1) <= x["executed_on"] <= dt.date(2024, 6, 30)]
    assert {c["contract_id"] for c in every["contracts"]} >= {x["contract_id"] for x in every["executions"]}
    assert sample_store.records.of_enterprise("91990102XXXXXXXXXX") == {"contracts": [], "executions": []}


def test_a_batch_checked_against_an_older_store_is_refused(store, tmp_path):
    """Another import lands between the checks and the load: ConflictError, nothing of this
    batch loaded; checking the same staged files again sees the store as it now is."""
    assert import_files(store, [SAMPLE_FILES[0]]).ok
    first = DATA / "city" / "contracts.csv"
    with Staging() as staging:
        staging.read([first])
        checked = staging.check(store, replace=False)
        assert checked.batch is not None and checked.counts["contracts"]["new"] == 375
        assert import_files(store, [first]).ok            # the other import, first to land
        with pytest.raises(ConflictError):
            store.records.load(checked.batch)
        assert store.records.counts()["contracts"] == 375
        again = staging.check(store, replace=False)       # what was new is now stored
        assert again.batch is not None and again.counts["contracts"]["unchanged"] == 375
    assert store.records.counts()["contracts"] == 375


def test_status_changes_keep_who_when_and_why(sample_store):
    store = sample_store
    g = store.generation()
    set_status(store, "contracts", "HT000000001", "returned", "审核员甲", "金额单位有误", "127.0.0.1")
    set_status(store, "contracts", "HT000000001", "approved", "审核员甲")
    assert store.generation() == g + 2
    history = store.filings.history("contracts", "HT000000001")
    assert [(h["from"], h["to"], h["by"], h["comment"]) for h in history] == [
        ("approved", "returned", "审核员甲", "金额单位有误"), ("returned", "approved", "审核员甲", None)]
    with pytest.raises(InputError, match="没有编号"):
        set_status(store, "contracts", "没有这份合同", "approved", "审核员甲")
    log = store.audit.latest()
    assert [e["action"] for e in log[:3]] == ["status", "status", "import"]
    assert log[1]["address"] == "127.0.0.1" and log[1]["detail"]["to"] == "returned"


def test_users_tokens_and_the_audit_log(store):
    store.users.add(User("secretary", "staff", password_hash="$argon2id$…"), actor="admin")
    store.users.add(User("yunqiao", "enterprise", enterprise_id="91990102B8QRD82822"), actor="admin")
    with pytest.raises(InputError, match="已存在"):
        store.users.add(User("secretary", "staff"), actor="admin")
    with pytest.raises(InputError, match="角色只能是"):
        store.users.add(User("x", "superuser"), actor="admin")
    assert [u.name for u in store.users.all()] == ["secretary", "yunqiao"]
    now = dt.datetime.now(dt.UTC)
    store.users.add_token("hash-1", "secretary", now + dt.timedelta(days=1), actor="admin")
    store.users.add_token("hash-old", "secretary", now - dt.timedelta(days=1), actor="admin")
    assert store.users.token_user("hash-1").name == "secretary"
    assert store.users.token_user("hash-old") is None and store.users.token_user("nope") is None
    store.users.update("secretary", actor="admin", disabled=True)
    assert store.users.token_user("hash-1") is None                 # a disabled user's token is dead
    store.users.update("secretary", actor="admin", disabled=False)
    store.users.revoke_tokens("secretary", actor="admin")
    assert store.users.token_user("hash-1") is None
    store.users.update("secretary", actor="admin", password_hash="$argon2id$new-secret-hash")
    actions = [e["action"] for e in store.audit.latest()]
    assert actions == ["user-change", "token-revoke", "user-change", "user-change", "token-add",
                       "token-add", "user-add", "user-add"]
    # a password change is logged, its hash never
    assert store.audit.latest(1)[0]["detail"] == {"name": "secretary", "password_hash": "***"}
    assert "new-secret-hash" not in str(store.audit.latest(limit=100))
    assert not hasattr(store, "delete_audit")                 # append-only: no way to remove


@pytest.fixture
def tiny_disk(tmp_path):
    """A 3 MB filesystem (tmpfs) to fill up; skipped where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("mount is not permitted here: " + done.stderr.decode(errors="replace"))
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_status_reads_a_read_only_store(tiny_disk):
    """status opens for reading only: a store on a read-only medium still answers."""
    db = tiny_disk / "s.duckdb"
    assert run_cli("import", SAMPLE_FILES[0], "--db", db).returncode == 0
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    code, s = run_json("status", "--db", db)
    assert code == 0 and s["enterprises"] == 25
    code, report = run_json("import", SAMPLE_FILES[1], "--db", db)
    assert code == 3 and report["ok"] is False


def test_full_disk_says_so_and_changes_nothing(tiny_disk, tmp_path):
    from shumao.samples.synth import Plan, generate

    files = generate(tmp_path / "big", Plan(enterprises=25, executions=60_000, seed=5))
    db = tiny_disk / "s.duckdb"
    assert run_cli("import", files["enterprises"], "--db", db).returncode == 0
    before = run_json("status", "--db", db)[1]
    p = run_cli("import", files["contracts"], files["executions"], "--db", db)
    assert p.returncode == 3
    assert "磁盘空间不足" in p.stderr and "未做任何修改" in p.stderr, p.stderr
    assert run_json("status", "--db", db)[1] == before
