"""The portal's FastAPI app (web.md): ``create_app(db)`` opens the store once and serves
every audience from it.  On a DuckDB file it lets go of the file when no request has used it
for ``SHUMAO_IDLE_RELEASE`` seconds, so that the command line works beside the portal.  After
each change it recomputes, in the background, what the pages open on (web/refresh.py).

Around the routes: a size limit on request bodies (413 before anything is parsed or
written; small for JSON and for an enterprise's upload), security headers (a strict Content-Security-Policy: scripts only from the app
itself), one handler that turns refusals and library errors into the API's
``{"error": {"code", "message"}}`` or a Chinese page, and the check that every route has
a rule in permissions.py.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shumao import settings
from shumao.access.rules import RULES
from shumao.errors import ShumaoError, StoreError
from shumao.files import scratch
from shumao.filing.reminders import MailSettings
from shumao.store import Store, connect
from shumao.web import auth, deps
from shumao.web.access import COOKIE, Refused, is_api
from shumao.web.cache import Kept, Shared
from shumao.web.jobs import Jobs
from shumao.web.pages import render
from shumao.web.refresh import Refresher
from shumao.web.words import said

log = logging.getLogger("shumao.web")
STATIC = Path(__file__).parent / "static"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")
# a JSON body (a filing is under 2 KB) is parsed whole, at ~25 bytes of memory a byte: its
# own small limit, far below the upload limit of files streamed to disk
JSON_LIMIT = 1024 * 1024
HEADERS = {"content-security-policy": CSP, "x-content-type-options": "nosniff",
           "referrer-policy": "same-origin", "x-frame-options": "DENY"}
STORE_DOWN = "数据库暂时不可用，未做任何修改。请稍后再试；如果一直出现，请联系系统管理员"


@dataclass
class Portal:
    """What every request shares: the open store, sessions, the sign-in throttle, the
    shared computations, where uploads go and the issue lists of recent import checks."""

    store: Store
    upload_limit: int
    sessions: auth.Sessions
    throttle: auth.Throttle = field(default_factory=auth.Throttle)
    shared: Shared = field(default_factory=Shared)
    tmpdir: str | None = None          # uploads' temporary folders (SHUMAO_TMPDIR)
    checks: Kept = field(default_factory=lambda: Kept(size=16))
    jobs: Jobs = field(default_factory=Jobs)      # publishing in the background (简报)
    # reminder e-mails (issue 10): the SMTP settings; None reads SHUMAO_SMTP_* when sending
    mail: MailSettings | None = None
    # the figures the pages open on, recomputed in the background after each change (issue 23)
    refresher: Refresher | None = None


def create_app(db: str | Store | None = None, upload_limit: int | None = None,
               session_minutes: int | None = None, tmpdir: str | None = None,
               mail: MailSettings | None = None) -> FastAPI:
    from shumao.web.routes import ROUTERS

    tmpdir = tmpdir or settings.get("SHUMAO_TMPDIR") or None
    scratch.sweep(tmpdir)           # what killed servers and imports left behind
    store = db if isinstance(db, Store) else connect(db)
    limit = upload_limit or settings.get("SHUMAO_UPLOAD_MB") * 1024 * 1024
    idle = 60 * (session_minutes or settings.get("SHUMAO_SESSION_MINUTES"))
    lifetime = 3600 * settings.get("SHUMAO_SESSION_HOURS")
    app = FastAPI(title="shumao 数贸", docs_url=None, redoc_url=None, openapi_url=None)
    portal = app.state.portal = Portal(store, limit, auth.Sessions(idle, lifetime=lifetime),
                                       tmpdir=tmpdir, mail=mail)
    portal.refresher = _refresher(portal)
    app.router.add_event_handler("startup", portal.refresher.start)
    app.router.add_event_handler("shutdown", portal.refresher.stop)     # before the store closes
    for router in ROUTERS:
        app.include_router(router)
    undeclared = [r.name for r in routes() if r.name not in RULES]
    if undeclared:
        raise RuntimeError(f"routes without a rule in permissions.py: {undeclared}")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(ShumaoError, _library_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(ClientDisconnect, _gone)
    app.add_exception_handler(Exception, _crash)
    idle = settings.get("SHUMAO_IDLE_RELEASE")
    if idle and not isinstance(db, Store) and store.backend == "duckdb":
        # the terminal beside the portal: the file let go when idle (a store handed in is the caller's)
        app.add_middleware(_Holding, store=store)
        releaser = _IdleRelease(store, idle)
        app.router.add_event_handler("startup", releaser.start)
        app.router.add_event_handler("shutdown", releaser.stop)
    app.add_middleware(_Headers)
    app.add_middleware(_BodyLimit, limit=limit)
    app.router.add_event_handler("shutdown", store.close)
    return app


def _refresher(portal: Portal) -> Refresher:
    from shumao.web import figures
    from shumao.web.refresh import LATER

    return Refresher(portal.store, lambda calm: figures.warm(portal, calm, LATER))


def routes() -> list[APIRoute]:
    """Every route of the portal (the permission test walks them all)."""
    from shumao.web.routes import ROUTERS

    return [r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)]


# -- errors ------------------------------------------------------------------------------------
def _answer(request: Request, status: int, code: str, message: str) -> Response:
    if is_api(request):
        return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)
    if status == 401:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    if status == 303:                   # a refusal that sends the visitor to a page
        return RedirectResponse(message, status_code=303)
    return render(request, "error.html", {"status": status, "message": message}, status=status)


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    return _answer(request, exc.status, exc.code, exc.message)


async def _gone(request: Request, exc: Exception) -> Response:
    """The client left before its request body arrived: nothing was read, nothing done, and
    no one to answer (not a server error with a traceback in the log)."""
    return Response(status_code=400)


async def _library_error(request: Request, exc: Exception) -> Response:
    """Each exception's status and code are its own (errors.py), as the CLI's exit code."""
    assert isinstance(exc, ShumaoError)
    if isinstance(exc, StoreError) and exc.http_status >= 500:
        # the store's file, host, port, user and its own error text are the log's, not the
        # visitor's: a web answer says only that the store is not available
        log.error("store error on %s %s: %s", request.method, request.url.path, exc)
        return _answer(request, exc.http_status, exc.code, STORE_DOWN)
    return _answer(request, exc.http_status, exc.code, said(exc, api=is_api(request)))


async def _crash(request: Request, exc: Exception) -> Response:
    """Anything unforeseen: a Chinese 500 that says nothing of the error (the traceback is
    the log's), with the security headers — Starlette answers it outside every middleware,
    so ``_Headers`` cannot add them."""
    log.error("unhandled error on %s %s: %r", request.method, request.url.path, exc)  # traceback: the server's
    message = "服务器内部错误，请求未完成。请稍后再试；如果一直出现，请联系系统管理员"
    if is_api(request):
        out: Response = JSONResponse({"error": {"code": "error", "message": message}}, status_code=500)
    else:
        try:
            out = render(request, "error.html", {"status": 500, "message": message}, status=500)
        except Exception:                # the page itself cannot be drawn: plain words
            out = Response(message, status_code=500, media_type="text/plain; charset=utf-8")
    out.headers.update(HEADERS)
    return out


HTTP_ZH = {400: ("bad-request", "请求的格式不对，无法处理"), 404: ("not-found", "找不到该页面"),
           405: ("method-not-allowed", "不支持这种请求方式"),
           413: ("too-large", "上传的内容超过了 {mb} MB 的上限，未做任何处理。请拆分文件后分批上传。"),
           422: ("bad-request", "请求的参数不完整或格式不对")}


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code, message = HTTP_ZH.get(exc.status_code, ("error", str(exc.detail)))
    mb = deps.portal(request).upload_limit // (1024 * 1024)
    return _answer(request, exc.status_code, code, message.format(mb=mb))


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    fields = "、".join(dict.fromkeys(str(e["loc"][-1]) for e in exc.errors() if e.get("loc")))
    return _answer(request, 422, "bad-request",
                   "请求的参数不完整或格式不对" + (f"：{fields}" if fields else ""))


# -- middleware ----------------------------------------------------------------------------------
class _Holding:
    """Each request but the app's own static files holds the store (DuckDB: its file is not
    let go in the middle of a request), opened again first — in a worker thread, since that
    may wait ``SHUMAO_LOCK_WAIT`` for a command that has the file — if it was let go."""

    def __init__(self, app: ASGIApp, store: Store):
        self.app, self.store = app, store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        try:
            if not self.store.db.held_if_open():    # let go: opened again off the event loop
                await run_in_threadpool(self.store.db.hold)
        except StoreError as e:           # a command kept the file all that time
            answer = await _library_error(Request(scope), e)
            await answer(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.store.db.let_go()


class _IdleRelease:
    """A thread that lets go of the store's file once no request has used it for ``seconds``
    (SHUMAO_IDLE_RELEASE), so that the command line can open it while the portal runs."""

    def __init__(self, store: Store, seconds: float):
        self.store, self.seconds = store, seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="shumao-idle-release", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(min(0.5, self.seconds / 4)):
            try:
                self.store.db.release_idle(self.seconds)
            except Exception:  # noqa: BLE001 — a failed close is the next use's to report
                log.exception("letting go of the store failed")


class _BodyLimit:
    """A request body over its limit is refused with 413 as soon as a route reads it — at
    once when its Content-Length says so, else when the streamed bytes pass the limit —
    before anything is parsed further or written (the multipart parser's spooled files are
    anonymous and closed).  The limit is the upload limit, ``JSON_LIMIT`` for a JSON body
    and the smaller one of an enterprise's upload (uploads.FILING_MB).  It is raised inside
    the route, so the app's handler (or the route itself) answers in Chinese; Starlette's
    own ``max_body_size`` would replace any answer with a plain English "Content Too
    Large"."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app, self.limit = app, limit

    def _limit(self, scope: Scope, headers: Headers) -> tuple[int, Callable[[], Exception]]:
        from shumao.web import uploads

        if headers.get("content-type", "").split(";")[0].strip().lower() == "application/json":
            return JSON_LIMIT, lambda: Refused(
                413, "too-large", f"JSON 请求内容超过 {JSON_LIMIT // (1024 * 1024)} MB 的上限，"
                "未做任何处理（一条填报通常不到 2 KB）")
        if scope["path"] == uploads.FILING_UPLOAD:
            return uploads.filing_limit(self.limit), lambda: uploads.filing_too_large(self.limit)
        return self.limit, lambda: HTTPException(413)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit, refusal = self._limit(scope, headers)
        length = headers.get("content-length", "")
        declared_over = length.isascii() and length.isdigit() and int(length) > limit
        total = 0

        async def limited() -> Message:
            nonlocal total
            if declared_over:
                raise refusal()
            message = await receive()
            if message["type"] == "http.request":
                total += len(message.get("body", b""))
                if total > limit:
                    raise refusal()
            return message

        await self.app(scope, limited, send)


class _Headers:
    """The security headers on every answer; and ``Cache-Control: no-store`` on every answer
    to a request that carries a session cookie or an ``Authorization`` header (pages, the
    API, downloads; not the app's own static files), so no shared or browser cache keeps a
    private answer."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        asked = Headers(scope=scope)
        private = not scope["path"].startswith("/static/") and (
            "authorization" in asked or f"{COOKIE}=" in asked.get("cookie", ""))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                for k, v in HEADERS.items():
                    if k.encode() not in names:
                        headers.append((k.encode(), v.encode()))
                if private:
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
