"""Computations shared between users (issue 9: the dashboard for any period in under
300 ms, warm): a result is computed once per key and store generation, however many
people ask at the same moment, and never served after the store changed.

The store's generation changes with every import and every status change
(``Store.generation``), and it is part of every key, so an entry of an older generation is
simply never asked for again; the least recently used entries are dropped beyond ``size``.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Any


class Shared:
    def __init__(self, size: int = 128):
        self.size = size
        self._items: OrderedDict[Hashable, Future] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, generation: int, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()``'s value for ``key`` at this generation: the first caller computes,
        the others wait for it; a failure is not kept (the next caller tries again)."""
        k = (generation, key)
        with self._lock:
            found = self._items.get(k)
            mine = found is None
            future: Future = Future() if found is None else found
            if mine:
                self._items[k] = future
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
            else:
                self._items.move_to_end(k)
        if not mine:
            return future.result()
        try:
            value = compute()
        except BaseException as e:
            with self._lock:
                self._items.pop(k, None)
            future.set_exception(e)
            raise
        future.set_result(value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class Kept:
    """Things kept for their owner for a while under a random key (导入: the issue list of
    a check, for the XLSX download): at most ``size`` entries, each for ``seconds``; asked
    for by another owner, unknown or expired, it is simply not there."""

    def __init__(self, size: int = 64, seconds: float = 30 * 60):
        self.size, self.seconds = size, seconds
        self._items: OrderedDict[str, tuple[str, float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, owner: str, value: Any) -> str:
        key = secrets.token_urlsafe(18)
        with self._lock:
            self._drop_expired()
            self._items[key] = (owner, time.monotonic() + self.seconds, value)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return key

    def get(self, owner: str, key: str) -> Any | None:
        with self._lock:
            self._drop_expired()
            found = self._items.get(key)
        if found is None or not secrets.compare_digest(found[0], owner):
            return None
        return found[2]

    def _drop_expired(self) -> None:
        now = time.monotonic()
        for k in [k for k, (_, until, _) in self._items.items() if until <= now]:
            del self._items[k]
