"""Work that outlasts a request (issue 20 S-8: publishing an issue takes seconds to half a
minute): run on a thread of its own under a key, its progress and its end kept for the page
that polls it.  One job per key at a time — asking again while it runs joins it — and the
last ``size`` jobs are kept, so that a result page can still be read after the work ended.

    job = jobs.start(key, owner, work)     # work(step) → result; step("pdf") says where it is
    job = jobs.get(key)                    # None, or its state, step, seconds, result or error
    jobs.took("publish")                   # the seconds the latest finished one took
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

RUNNING, DONE, FAILED = "running", "done", "failed"


@dataclass
class Job:
    key: Hashable
    owner: str
    state: str = RUNNING
    step: str = ""
    steps: list[str] = field(default_factory=list)      # every step heard, in order
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None
    result: Any = None
    error: BaseException | None = None

    @property
    def seconds(self) -> int:
        return int((self.ended or time.monotonic()) - self.started)


class Jobs:
    def __init__(self, size: int = 32):
        self.size = size
        self._items: OrderedDict[Hashable, Job] = OrderedDict()
        self._lock = threading.Lock()

    def start(self, key: Hashable, owner: str, work: Callable[[Callable[[str], None]], Any]) -> Job:
        """The job under ``key``: the running one if there is one, else a new one running
        ``work`` on a thread of its own."""
        with self._lock:
            found = self._items.get(key)
            if found is not None and found.state == RUNNING:
                return found
            job = self._items[key] = Job(key, owner)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

        def step(name: str) -> None:
            job.step = name
            job.steps.append(name)

        def run() -> None:
            try:
                job.result = work(step)
                job.ended, job.state = time.monotonic(), DONE
            except Exception as e:           # kept for the page, which says it in words
                job.error = e
                job.ended, job.state = time.monotonic(), FAILED

        threading.Thread(target=run, name=f"job-{key}", daemon=True).start()
        return job

    def get(self, key: Hashable) -> Job | None:
        with self._lock:
            return self._items.get(key)

    def took(self, kind: str) -> int | None:
        """The seconds the latest finished job of ``kind`` (its key's first part) took: what
        a page can truthfully say the next one will take; None before the first."""
        with self._lock:
            done = [j for j in self._items.values()
                    if j.state == DONE and isinstance(j.key, tuple) and j.key[:1] == (kind,)]
        if not done:
            return None
        latest = max(done, key=lambda j: j.ended or 0)
        return max(1, round((latest.ended or latest.started) - latest.started))
