"""Sign-in and safety (web.md "Sign-in and safety"): server-side sessions with a CSRF token
each, and the sign-in throttle.  Passwords and API tokens are shumao/access/accounts.py's.

Sessions live in the server's memory: a random id in an ``HttpOnly``, ``SameSite=Lax``
cookie names a record holding the user's name and the session's CSRF token (the
synchroniser-token pattern).  A restart signs everyone out; a disabled user is refused at
their next request because every request reads the user from the store.  A visitor who has
only opened the sign-in form keeps nothing on the server: their cookie is a signed, dated
random id and the form's CSRF token is derived from it (a signed double-submit token), so
no number of visitors can push a signed-in session out.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


@dataclass
class Session:
    id: str
    user: str | None                 # None: a visitor who has only opened the sign-in form
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    seen: float = field(default_factory=time.monotonic)
    born: float = field(default_factory=time.monotonic)


class Sessions:
    """Signed-in sessions by id, ending after ``idle`` seconds without a request or
    ``lifetime`` seconds after sign-in, whichever comes first; at most ``cap`` kept (the
    least recently used are dropped).  Visitors' sessions are not kept (``new(None)``)."""

    def __init__(self, idle: float, cap: int = 20_000, lifetime: float = 12 * 3600):
        self.idle, self.cap, self.lifetime = idle, cap, lifetime
        self._items: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()
        self._key = secrets.token_bytes(32)          # signs visitors' ids for this process

    def _sign(self, what: str, value: str) -> str:
        return hmac.new(self._key, f"{what}:{value}".encode(), hashlib.sha256).hexdigest()[:43]

    def _visitor(self, sid: str) -> Session:
        return Session(sid, None, csrf=self._sign("csrf", sid))

    def new(self, user: str | None) -> Session:
        if user is None:             # "v<unix time>.<random>.<signature>", nothing stored
            body = f"v{int(time.time())}.{secrets.token_urlsafe(24)}"
            return self._visitor(f"{body}.{self._sign('visitor', body)}")
        s = Session(secrets.token_urlsafe(32), user)
        with self._lock:
            self._items[s.id] = s
            while len(self._items) > self.cap:
                self._items.popitem(last=False)
        return s

    def get(self, sid: str | None) -> Session | None:
        if not sid:
            return None
        if "." in sid:                # a visitor's (a signed-in id is base64url: no dot)
            body, _, signature = sid.rpartition(".")
            made = body[1:].partition(".")[0]
            if (made.isascii() and made.isdigit() and same(signature, self._sign("visitor", body))
                    and 0 <= time.time() - int(made) <= self.idle):
                return self._visitor(sid)
            return None
        now = time.monotonic()
        with self._lock:
            s = self._items.get(sid)
            if s is None:
                return None
            if now - s.seen > self.idle or now - s.born > self.lifetime:
                del self._items[sid]
                return None
            s.seen = now
            self._items.move_to_end(sid)
            return s

    def drop(self, sid: str | None) -> None:
        with self._lock:
            self._items.pop(sid or "", None)

    def drop_user(self, user: str, keep: str | None = None) -> None:
        """End every session of ``user`` (but ``keep``: the one that changed its password)."""
        with self._lock:
            for sid in [k for k, s in self._items.items() if s.user == user and k != keep]:
                del self._items[sid]


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt, counted before its password is checked; ``wait`` is the slowdown
    to sit out before the check."""

    name: str
    address: str
    at: float
    wait: float


class Throttle:
    """Sign-in attempts (web.md: slowed, then refused with 429).  Every attempt is counted
    under the lock BEFORE its password is checked, so attempts sent at once count each
    other; a success takes its name and address's attempts back.  In ``window`` seconds:

    - per name and address: the ``limit``+1-th attempt is refused (a stranger elsewhere
      cannot lock a real user out);
    - per address: the ``address_limit``+1-th attempt is refused, whatever the names;
    - per name, from every address: after ``slow_after`` attempts each one waits ``step``
      seconds more before its check, at most ``max_wait`` — slowed, never refused;
    - at most ``checks`` passwords are checked at once (each Argon2id check is 64 MiB and
      a core for up to a second); an attempt that cannot start within ``queue_wait``
      seconds is refused and not counted.
    """

    def __init__(self, limit: int = 9, address_limit: int = 30, window: float = 60.0,
                 slow_after: int = 3, step: float = 0.25, max_wait: float = 3.0,
                 checks: int = 4, queue_wait: float = 3.0):
        self.limit, self.address_limit = limit, address_limit
        self.window, self.slow_after, self.step, self.max_wait = window, slow_after, step, max_wait
        self.checks, self.queue_wait = checks, queue_wait
        self._tries: dict[str, deque[float]] = {}
        self._busy = 0
        self._lock = threading.Lock()

    @staticmethod
    def _keys(name: str, address: str) -> tuple[str, str, str]:
        return "p:" + name + "\0" + address, "a:" + address, "n:" + name

    def _count(self, key: str, now: float) -> int:
        q = self._tries.get(key)
        while q and now - q[0] > self.window:
            q.popleft()
        if not q:
            self._tries.pop(key, None)
            return 0
        return len(q)

    def begin(self, name: str, address: str) -> Attempt | None:
        """Count an attempt, or None when it is refused (and then not counted)."""
        now = time.monotonic()
        pair, where, named = self._keys(name, address)
        with self._lock:
            if len(self._tries) > 50_000:            # names nobody tries again: forget them
                for key in list(self._tries):
                    self._count(key, now)
            if (self._count(pair, now) >= self.limit
                    or self._count(where, now) >= self.address_limit):
                return None
            for key in (pair, where, named):
                self._tries.setdefault(key, deque()).append(now)
            n = self._count(named, now)
        return Attempt(name, address, now, min(self.max_wait, self.step * max(0, n - self.slow_after)))

    def _take_back(self, attempt: Attempt, *keys: str) -> None:
        for key in keys:
            q = self._tries.get(key)
            if q is not None and attempt.at in q:
                q.remove(attempt.at)

    def cancel(self, attempt: Attempt) -> None:
        """An attempt that was not checked (the checks were all busy) does not count."""
        with self._lock:
            self._take_back(attempt, *self._keys(attempt.name, attempt.address))

    def succeeded(self, attempt: Attempt) -> None:
        pair, where, named = self._keys(attempt.name, attempt.address)
        with self._lock:
            self._tries.pop(pair, None)
            self._tries.pop(named, None)
            self._take_back(attempt, where)

    async def start_check(self) -> bool:
        """Wait for one of the ``checks`` places (polling: no event loop is bound, so the
        tests' clients on other loops share it); False after ``queue_wait`` seconds."""
        deadline = time.monotonic() + self.queue_wait
        while True:
            with self._lock:
                if self._busy < self.checks:
                    self._busy += 1
                    return True
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.02)

    def end_check(self) -> None:
        with self._lock:
            self._busy -= 1
