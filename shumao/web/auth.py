"""Sign-in and safety (web.md "Sign-in and safety"): server-side sessions with a CSRF token
each, and the sign-in throttle.  Passwords and API tokens are shumao/access/accounts.py's.

Sessions live in the server's memory: a random id in an ``HttpOnly``, ``SameSite=Lax``
cookie names a record holding the user's name and the session's CSRF token (the
synchroniser-token pattern).  A restart signs everyone out; a disabled user is refused at
their next request because every request reads the user from the store.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import OrderedDict, defaultdict, deque
from dataclasses import dataclass, field


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


@dataclass
class Session:
    id: str
    user: str | None                 # None: a visitor who has only opened the sign-in form
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    seen: float = field(default_factory=time.monotonic)


class Sessions:
    """Sessions by id, expiring after ``idle`` seconds without a request; at most ``cap``
    kept (the least recently used are dropped), so visitors cannot fill the memory."""

    def __init__(self, idle: float, cap: int = 20_000):
        self.idle, self.cap = idle, cap
        self._items: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def new(self, user: str | None) -> Session:
        s = Session(secrets.token_urlsafe(32), user)
        with self._lock:
            self._items[s.id] = s
            while len(self._items) > self.cap:
                self._items.popitem(last=False)
        return s

    def get(self, sid: str | None) -> Session | None:
        if not sid:
            return None
        now = time.monotonic()
        with self._lock:
            s = self._items.get(sid)
            if s is None:
                return None
            if now - s.seen > self.idle:
                del self._items[sid]
                return None
            s.seen = now
            self._items.move_to_end(sid)
            return s

    def drop(self, sid: str | None) -> None:
        with self._lock:
            self._items.pop(sid or "", None)

    def drop_user(self, user: str) -> None:
        with self._lock:
            for sid in [k for k, s in self._items.items() if s.user == user]:
                del self._items[sid]


class Throttle:
    """Failed sign-ins per name and per address in the last ``window`` seconds (web.md:
    slowed, then refused with 429).  After ``slow_after`` failures each answer waits a
    little longer; at ``limit`` failures the next attempt is refused without checking."""

    def __init__(self, limit: int = 9, address_limit: int = 30, window: float = 60.0,
                 slow_after: int = 3):
        self.limit, self.address_limit = limit, address_limit
        self.window, self.slow_after = window, slow_after
        self._fails: defaultdict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _count(self, key: str, now: float) -> int:
        q = self._fails.get(key)
        if not q:
            return 0
        while q and now - q[0] > self.window:
            q.popleft()
        if not q:
            del self._fails[key]
            return 0
        return len(q)

    def refused(self, name: str, address: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return (self._count("n:" + name, now) >= self.limit
                    or self._count("a:" + address, now) >= self.address_limit)

    def failed(self, name: str, address: str) -> float:
        """Note a failure; the seconds to wait before answering."""
        now = time.monotonic()
        with self._lock:
            for key in ("n:" + name, "a:" + address):
                self._fails[key].append(now)
            n = self._count("n:" + name, now)
        return min(1.0, 0.2 * max(0, n - self.slow_after))

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._fails.pop("n:" + name, None)
