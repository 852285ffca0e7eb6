"""Stopping an import on request — Ctrl-C (SIGINT) or SIGTERM — before its load, never during.

``Cancel.on_signals()`` (the CLI, on the main thread) catches both signals while the import
runs.  A signal during reading and checking interrupts the staging database's running query
(DuckDB ``interrupt()``: a query does not wait for the next Python bytecode) and stops the
import there: the store was only read, the staging folder goes with the staging database,
and the import ends as ``Interrupted`` (exit 130 / 143).  While the store loads the batch
(``holding``) a signal only waits: the load is one transaction, all or nothing, and what
it committed is reported as done (``late``), never as a failure.

A signal is caught also where it was ignored (``shumao import … &`` in a script): asked to
stop, an import stops.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from shumao.errors import ConflictError, Interrupted

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Cancel:
    def __init__(self) -> None:
        self.signum: int | None = None      # the signal received, if any
        self.holding = False
        self.late = False                   # received while loading: the load went on
        self._watched: list[duckdb.DuckDBPyConnection] = []
        self._own: BaseException | None = None     # the load's own failure

    @classmethod
    @contextmanager
    def on_signals(cls) -> Iterator[Cancel]:
        """A Cancel told by SIGINT and SIGTERM (on the main thread; elsewhere by nobody)."""
        cancel = cls()
        if threading.current_thread() is not threading.main_thread():
            yield cancel
            return
        before = {s: signal.signal(s, cancel._on_signal) for s in SIGNALS}
        try:
            yield cancel
        finally:
            for s, handler in before.items():
                signal.signal(s, handler)

    def watch(self, con: duckdb.DuckDBPyConnection) -> None:
        """Interrupt ``con``'s running query when a signal comes (outside the load)."""
        self._watched.append(con)

    def check(self) -> None:
        """Raise ``Interrupted`` if a signal came: at each step of the import."""
        if self.signum is not None:
            raise Interrupted.by(self.signum)

    @contextmanager
    def stopping(self) -> Iterator[None]:
        """Around the whole import: whatever a signal broke off (a query interrupted, a read
        cut short) ends as ``Interrupted``; a failure of the load itself stays what it is."""
        try:
            yield
        except BaseException as e:
            if self.signum is None or isinstance(e, Interrupted) or e is self._own:
                raise
            raise Interrupted.by(self.signum) from e

    @contextmanager
    def hold(self) -> Iterator[None]:
        """The load: a signal that comes now waits for it to end."""
        self.check()
        self.holding = True
        try:
            yield
        except ConflictError:
            raise                           # rolled back: checked again, or stopped
        except BaseException as e:
            self._own = e
            raise
        finally:
            self.holding = False
        self.late = self.signum is not None

    def _on_signal(self, signum: int, frame) -> None:
        if self.signum is not None:         # stopping already: let the clean-up finish
            return
        self.signum = signum
        if self.holding:
            return
        for con in self._watched:
            con.interrupt()
        raise KeyboardInterrupt             # out of Python code now; ``stopping`` names it
