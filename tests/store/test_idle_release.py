"""The DuckDB backend lets go of its file when idle (for the command line beside the portal):
``release_idle`` closes the connection only when no one holds or has used it for that long,
and the next use opens the file again with fresh cursors and Ibis backends on every thread."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

from shumao.store import connect


def other_program_opens(path) -> bool:
    """Whether another process can open the file now (without waiting)."""
    p = subprocess.run([sys.executable, "-m", "shumao", "status", "--db", str(path), "--json"],
                       capture_output=True, text=True, timeout=120,
                       env={**os.environ, "SHUMAO_LOCK_WAIT": "0"})
    return p.returncode == 0


def test_an_idle_store_lets_go_of_its_file_and_opens_it_again(tmp_path):
    path = tmp_path / "s.duckdb"
    with connect(path) as store:
        before = store.generation()
        assert not other_program_opens(path)               # held: the other program is refused
        assert store.db.release_idle(0)
        assert not store.db.release_idle(0)                # already let go
        assert other_program_opens(path)
        assert store.generation() == before                # used again: opened again
        ibis_t = store.ibis().table("contracts")            # a fresh Ibis backend on the new connection
        assert ibis_t.count().execute() == 0
        with store.db.write():
            store.db.execute("UPDATE meta SET value = '41' WHERE key = 'generation'")
        assert store.generation() == 41


def test_not_while_held_nor_used_lately_nor_in_memory(tmp_path):
    with connect(tmp_path / "s.duckdb") as store:
        with store.db.held():
            assert not store.db.release_idle(0)
        assert store.db.held_if_open()
        assert not store.db.release_idle(0)
        store.db.let_go()
        store.generation()
        assert not store.db.release_idle(60)               # used a moment ago
        assert store.db.release_idle(0)
        assert not store.db.held_if_open()                 # let go: holds nothing, opens nothing
        assert store.db.release_idle(0) is False and store.db._con is None
    with connect(":memory:") as memory:
        assert not memory.db.release_idle(0)               # its data would be lost


def test_never_in_the_middle_of_a_write_or_a_snapshot_on_another_thread(tmp_path):
    with connect(tmp_path / "s.duckdb") as store:
        inside, leave = threading.Event(), threading.Event()
        released: list[bool] = []

        def writer():
            with store.db.write():
                store.db.execute("UPDATE meta SET value = '7' WHERE key = 'generation'")
                inside.set()
                leave.wait(10)

        t = threading.Thread(target=writer)
        t.start()
        assert inside.wait(10)
        released.append(store.db.release_idle(0))
        leave.set()
        t.join()
        assert released == [False] and store.generation() == 7
        with store.db.snapshot():
            assert not store.db.release_idle(0)
            assert store.generation() == 7
        assert store.db.release_idle(0)
        # each thread's cursor is renewed after the file was opened again
        seen: list[int] = []
        t = threading.Thread(target=lambda: seen.append(store.generation()))
        t.start()
        t.join()
        assert seen == [7]
