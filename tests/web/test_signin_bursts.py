"""The sign-in throttle under bursts (security review §3.2, §3.4): attempts sent at once to a
live ``shumao serve``, as an attacker would, are counted before their passwords are checked.

Each client address is the one the portal reads: the live server trusts ``X-Forwarded-For``
from loopback (a local reverse proxy, README), so one test process can speak from many
addresses.  Assertions are on answers and counts, never on timings."""

from __future__ import annotations

import asyncio
import concurrent.futures
import re

import httpx
import pytest

from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.parametrize("live", ["duckdb"], indirect=True)
FORM = re.compile(r'name="csrf_token" value="([^"]*)"')


def _run(coroutine):
    """``asyncio.run`` on a thread of its own: a browser test earlier in this process leaves
    Playwright's event loop running on the main thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _form(c: httpx.AsyncClient) -> str:
    return FORM.search((await c.get("/login")).text)[1]


def _client(live, address: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=live.url, timeout=300, headers={"X-Forwarded-For": address})


async def _burst(live, attempts: list[tuple[str, str]], address: str,
                 late: tuple[str, str] | None = None, during=None) -> tuple[list[int], int | None, object]:
    """Every attempt's form first, then all the POSTs at once; ``late`` is posted as soon as
    the first of them is refused (or all have answered), while the others are still running;
    ``during`` a coroutine run beside the burst."""
    clients = [_client(live, address) for _ in attempts] + ([_client(live, address)] if late else [])
    try:
        tokens = await asyncio.gather(*[_form(c) for c in clients])
        refused = asyncio.Event()

        async def one(c, token, name, password):
            r = await c.post("/login", data={"username": name, "password": password, "csrf_token": token})
            if r.status_code == 429:
                refused.set()
            return r.status_code

        tasks = [asyncio.ensure_future(one(c, t, n, p)) for c, t, (n, p) in zip(clients, tokens, attempts)]
        side = asyncio.ensure_future(during()) if during else None
        late_code = None
        if late:
            waiter = asyncio.ensure_future(refused.wait())
            await asyncio.wait([waiter, asyncio.gather(*tasks)], return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            late_code = await one(clients[-1], tokens[-1], *late)
        codes = list(await asyncio.gather(*tasks))
        return codes, late_code, (await side if side else None)
    finally:
        await asyncio.gather(*[c.aclose() for c in clients])


def test_forty_guesses_at_once_check_at_most_nine_and_a_late_right_one_does_not_sign_in(live):
    """§3.2: 39 wrong passwords for one name sent at once, the right one among them: at most
    9 are checked (401), the rest refused (429) — the right one too."""
    wrong = [("reviewer2", f"guess-{i:04d}-wrong") for i in range(39)]
    codes, late, _ = _run(_burst(live, wrong, "198.51.100.7", late=("reviewer2", PASSWORD)))
    assert late == 429
    assert codes.count(401) <= 9 and codes.count(401) + codes.count(429) == 39, codes
    assert codes.count(429) >= 30


def test_a_hundred_and_twenty_failures_from_one_address_check_at_most_thirty(live):
    """§3.2: 120 names at once from one address: at most 30 checked (the per-address limit),
    the rest refused; another visitor is served meanwhile."""
    async def visitor():
        async with _client(live, "203.0.113.50") as c:
            return [(await c.get("/archive")).status_code for _ in range(3)]

    names = [(f"nobody{i:03d}", "wrong-password-x") for i in range(120)]
    codes, _, other = _run(_burst(live, names, "198.51.100.8", during=visitor))
    assert codes.count(401) <= 30 and codes.count(401) + codes.count(429) == 120, codes
    assert other == [200, 200, 200]


def test_guesses_from_one_address_do_not_lock_the_real_user_out_elsewhere(live):
    """§3.4: ten wrong passwords for a name from address A; the real user at address B still
    signs in (A itself is refused)."""
    async def run():
        async with _client(live, "198.51.100.9") as a, _client(live, "203.0.113.9") as b:
            codes = []
            for i in range(10):
                r = await a.post("/login", data={"username": "reviewer", "password": f"wrong-{i}-password",
                                                 "csrf_token": await _form(a)})
                codes.append(r.status_code)
            right_a = (await a.post("/login", data={"username": "reviewer", "password": PASSWORD,
                                                    "csrf_token": await _form(a)})).status_code
            right_b = (await b.post("/login", data={"username": "reviewer", "password": PASSWORD,
                                                    "csrf_token": await _form(b)})).status_code
            return codes, right_a, right_b

    codes, right_a, right_b = _run(run())
    assert codes == [401] * 9 + [429]
    assert right_a == 429
    assert right_b == 303


@pytest.fixture
def untrusting(monkeypatch):
    monkeypatch.setenv("SHUMAO_TRUSTED_PROXIES", "192.0.2.1")      # not the test's loopback


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(untrusting, live):
    """§3.18: with loopback not a trusted proxy, a forged X-Forwarded-For does not make a new
    address: the guesses and the 'other address' are the same client, refused alike."""
    async def run():
        async with _client(live, "198.51.100.10") as a, _client(live, "203.0.113.10") as b:
            codes = []
            for i in range(10):
                r = await a.post("/login", data={"username": "staff", "password": f"wrong-{i}-password",
                                                 "csrf_token": await _form(a)})
                codes.append(r.status_code)
            right = await b.post("/login", data={"username": "staff", "password": PASSWORD,
                                                 "csrf_token": await _form(b)})
            return codes, right.status_code

    codes, right = _run(run())
    assert codes == [401] * 9 + [429] and right == 429
