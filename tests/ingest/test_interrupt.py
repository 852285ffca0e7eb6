"""Stopping an import (F17, F16): Ctrl-C or SIGTERM while an import reads and checks stops it
there — exit 130 / 143, the one Chinese line, the store exactly as it was, no staging folder
left — and a scratch folder a killed run left behind is swept by the next import."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shumao.samples.synth import Plan, generate
from shumao.store import connect
from tests.conftest import run_cli, snapshot, sql


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> dict[str, Path]:
    """200 enterprises, 200 000 executions: an import of a few seconds."""
    return generate(tmp_path_factory.mktemp("big"), Plan(enterprises=200, executions=200_000, seed=11))


def state(db: Path) -> tuple[dict, str]:
    """``status --json`` and a checksum of every record and batch in the store."""
    p = run_cli("status", "--db", db, "--json")
    assert p.returncode == 0, p.stderr
    with connect(db, read_only=True) as store:
        records = snapshot(store)
        batches = sql(store, "SELECT count(*) FROM batches")
    return json.loads(p.stdout), hashlib.sha256(repr((records, batches)).encode()).hexdigest()


def start(args, tmp: Path, env: dict | None = None, ignore_int: bool = False) -> subprocess.Popen:
    """``python -m shumao ARGS`` with its own temporary folder; ``ignore_int``: started as a
    shell script starts a job in the background (``shumao import … &``), SIGINT ignored."""
    return subprocess.Popen([sys.executable, "-m", "shumao", *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "SHUMAO_TMPDIR": str(tmp), **(env or {})},
                            preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
                            if ignore_int else None)


def wait_for(found, proc: subprocess.Popen, what: str, timeout: float = 120):
    """Poll for a marker the importer writes (not a timed guess); fail if the run ends first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        hit = found()
        if hit:
            return hit
        assert proc.poll() is None, f"the import ended before {what}: {proc.communicate()}"
        time.sleep(0.005)
    pytest.fail(f"no {what} after {timeout} s")


@pytest.mark.parametrize("sig, ignore_int", [(signal.SIGINT, False), (signal.SIGTERM, False),
                                             (signal.SIGINT, True)],
                         ids=["SIGINT", "SIGTERM", "SIGINT-background-job"])
def test_a_signal_stops_an_import_before_its_load(tmp_path, big, sig, ignore_int):
    db, tmp = tmp_path / "s.duckdb", tmp_path / "tmp"
    tmp.mkdir()
    assert run_cli("import", big["enterprises"], "--db", db).returncode == 0
    before = state(db)
    proc = start(["import", big["contracts"], big["executions"], "--db", db, "--json"], tmp,
                 ignore_int=ignore_int)
    # the staging database exists: the import is reading the files (its load comes seconds later)
    wait_for(lambda: list(tmp.glob("shumao-staging-*/staging.duckdb")), proc, "staging database")
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 128 + sig, (proc.returncode, stdout, stderr)
    assert json.loads(stdout) == {"ok": False, "error": {
        "code": "interrupted", "message": "已中断，数据库未做任何修改。"}}
    assert stderr.strip() == "已中断，数据库未做任何修改。"
    assert state(db) == before and before[0]["contracts"] == 0
    assert list(tmp.iterdir()) == [], "the staging folder was left behind"
    # the same import, not stopped, lands whole: the interruption left nothing in its way
    assert run_cli("import", big["contracts"], big["executions"], "--db", db).returncode == 0
    assert state(db)[0]["executions"] == 200_000


def dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_the_next_import_sweeps_what_killed_runs_left(tmp_path, big):
    """F16 / security 3.12: a staging folder of an import killed in its load (SIGKILL, the
    fault seam) and an upload folder of a dead server are removed when the next import starts;
    a live process's folders and folders without an owner (older versions) are kept."""
    db, tmp = tmp_path / "s.duckdb", tmp_path / "tmp"
    tmp.mkdir()
    proc = start(["import", big["enterprises"], "--db", db], tmp,
                 {"SHUMAO_FAULT_KILL_AFTER_BATCHES": "0"})
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    left = [p.name for p in tmp.iterdir()]
    assert len(left) == 1 and left[0].startswith(f"shumao-staging-{proc.pid}-")
    upload = tmp / f"shumao-upload-{dead_pid()}-x1y2z3"
    (upload / "0").mkdir(parents=True)
    (upload / "0" / "合同.csv").write_text("企业的数据")
    live = tmp / f"shumao-upload-{os.getpid()}-abcdef"
    legacy = tmp / "shumao-staging-k2j3h4g5"
    for d in (live, legacy):
        d.mkdir()
    assert run_cli("import", big["enterprises"], "--db", db,
                   env={"SHUMAO_TMPDIR": str(tmp)}).returncode == 0
    assert sorted(p.name for p in tmp.iterdir()) == sorted([live.name, legacy.name])


def test_the_portal_sweeps_at_start(tmp_path):
    from shumao.web.app import create_app

    dead = tmp_path / f"shumao-upload-{dead_pid()}-abcdef"
    live = tmp_path / f"shumao-staging-{os.getpid()}-abcdef"
    for d in (dead, live):
        d.mkdir()
    with connect(":memory:") as store:
        create_app(store, tmpdir=str(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == [live.name]


def test_a_signal_during_the_load_waits_for_it_and_says_so(tmp_path, monkeypatch):
    """The load is one transaction: a signal that comes while it runs lets it finish, and the
    import reports what it committed (exit 0), with a line that the signal came too late."""
    from shumao.store.records import Records
    from tests.conftest import SAMPLE

    load = Records.load

    def signalled_load(self, *args, **kw):
        os.kill(os.getpid(), signal.SIGINT)     # delivered at the next bytecode: inside the load
        return load(self, *args, **kw)

    monkeypatch.setattr(Records, "load", signalled_load)
    db = tmp_path / "s.duckdb"
    r = run_cli("import", SAMPLE / "enterprises.csv", "--db", db)
    assert r.returncode == 0, r.stderr
    assert "导入已完成（未中断）" in r.stderr and "已中断，数据库" not in r.stderr
    assert state(db)[0]["enterprises"] == 25


def test_a_signal_outside_the_load_stops_with_its_exit_code():
    from shumao.errors import Interrupted
    from shumao.ingest.cancel import Cancel

    with pytest.raises(Interrupted) as stopped, Cancel.on_signals() as cancel, cancel.stopping():
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(10**6):
            pass                                # Python code between the signal and the check
        cancel.check()
    assert stopped.value.exit_code == 143 and str(stopped.value) == "已中断，数据库未做任何修改。"
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL     # the handler put back
