"""The figures the staff pages open on, computed again in the background after each change
(issue 23): when a write that changed the store's generation commits — an import, an
approval, a filing, a conversion at a new rate — one thread computes ``work`` (the portal's:
``figures.warm``) into the shared cache under the new generation, so the first view after
the change is as fast as a warm one.

It never blocks the request that made the change (that request only sets a flag).  It
coalesces: a run starts once the store has been quiet for ``QUIET`` seconds (at most ``MOST``
after the first change waiting: a stream of filings does not put it off for ever), the
changes that arrive while it works make one more run, not one each, and the run in progress
stops at its next step to start over on the newest generation.  ``work`` computes what the
pages open on first and the rest only after ``LATER`` seconds without a change (in review
season the next approval comes before a year's report would be done).  It never serves anything
itself: a request reads the shared cache as always (web/cache.py), so a view that arrives
before the run reaches its period waits for the computation in flight (same key, same
generation) or computes itself — never an older generation's figures.  It holds the store
only while it works (a DuckDB file is let go when idle as before) and stops with the app.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from shumao.store import Store

log = logging.getLogger("shumao.web")
THREAD_NAME = "shumao-refresh"
QUIET = 0.2          # seconds without a change before a run starts (ten approvals in a row: one run)
MOST = 2.0           # ... but no longer than this after the first change waiting

LATER = 2.0          # what the pages open on first, the rest after this long without a change

# work(calm) → whether it went to the end; between its steps it asks calm(seconds): whether
# no change came (waiting up to ``seconds`` for one) — False, it stops: the next run starts over
Work = Callable[[Callable[[float], bool]], bool]


class Refresher:
    def __init__(self, store: Store, work: Work):
        self.store, self.work = store, work
        self._wake = threading.Condition()
        self._wanted = False              # a change since the current run began
        self._last = 0.0                  # when the latest change committed (time.monotonic)
        self._busy = False
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._unlisten: Callable[[], None] | None = None
        self.runs = 0                     # runs begun (a burst of changes: one or two, not one each)
        self.finished = 0                 # runs that went to the end

    def start(self) -> None:
        """Listen to the store and start the thread (again after ``stop``; once however
        often it is called)."""
        with self._wake:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)
            self._thread.start()
            if self._unlisten is None:
                self._unlisten = self.store.db.on_change(self.changed)

    def stop(self) -> None:
        """Stop listening, and the thread after the step it is in."""
        with self._wake:
            if self._unlisten is not None:
                self._unlisten()
                self._unlisten = None
            self._stopping = True
            self._wake.notify_all()
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()

    def changed(self) -> None:
        """A change committed (the store's listener, in the writer's thread): wake the worker."""
        with self._wake:
            self._wanted, self._last = True, time.monotonic()
            self._wake.notify_all()

    def settled(self, timeout: float | None = None) -> bool:
        """Wait until no change waits for a run and none is in progress (tests, the bench);
        False when ``timeout`` passed first."""
        with self._wake:
            return self._wake.wait_for(
                lambda: self._stopping or not (self._wanted or self._busy), timeout)

    @property
    def running(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def _calm(self, seconds: float = 0) -> bool:
        with self._wake:
            return not self._wake.wait_for(lambda: self._wanted or self._stopping, seconds)

    def _quiet(self) -> None:
        """Wait (holding ``_wake``) until no change came for ``QUIET`` seconds, at most ``MOST``."""
        deadline = time.monotonic() + MOST
        while not self._stopping:
            wait = min(self._last + QUIET, deadline) - time.monotonic()
            if wait <= 0:
                return
            self._wake.wait_for(lambda: self._stopping, wait)

    def _run(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._wanted or self._stopping)
                self._quiet()
                if self._stopping:
                    self._wake.notify_all()
                    return
                self._wanted, self._busy = False, True
                self.runs += 1
            done = False
            try:
                with self.store.db.held():
                    done = self.work(self._calm)
            except Exception:  # noqa: BLE001 — the next request computes what this did not
                log.exception("recomputing the pages' figures after a change failed")
            with self._wake:
                self._busy = False
                self.finished += bool(done)
                self._wake.notify_all()
