"""导入 (staff): several files at once, checked all together and loaded all or nothing —
the page (a plain multipart form; with JavaScript, imports.js shows the upload's progress)
and ``POST /api/v1/imports`` (``shumao import --json``: 200 when loaded, 422 with every
issue when not).  The uploads are on disk only while checked (web/uploads.py); the issues of
a check are kept a while for their XLSX download, for the user who ran it only.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from shumao.ingest import causes
from shumao.ingest.headers import FILING_KINDS, KIND_ZH
from shumao.ingest.importer import ImportResult, import_files
from shumao.ingest.issue_list import write_issues
from shumao.web import deps, uploads
from shumao.web.access import Refused, Viewer, address, guard
from shumao.web.app import HTTP_ZH
from shumao.web.pages import render

router = APIRouter(dependencies=[Depends(guard)])
HISTORY = 50            # the latest batches shown under the form
SHOWN = 2000            # problems drawn on the page; the download has every issue
COUNT_ZH = {"new": "新增", "unchanged": "未变", "replaced": "替换", "duplicates": "重复（已合并）"}
TRUE = ("true", "1", "on", "yes")


def _run(request: Request, parts: list, replace: bool) -> tuple[ImportResult, list[str]]:
    """In a worker thread: the uploads on disk, checked and (if clean) loaded."""
    portal = deps.portal(request)
    viewer: Viewer = request.state.viewer
    with uploads.saved(parts, portal.upload_limit, portal.tmpdir) as saved:
        result = import_files(portal.store, saved.paths, replace=replace, actor=viewer.name,
                              address=address(request), names=saved.names)
        return result, saved.names


async def _import(request: Request, replace: bool | None) -> tuple[ImportResult, list[str]]:
    """The multipart field ``files`` (repeated) imported; ``replace`` from the form's
    checkbox when the caller does not say (the API's ``?replace=true``)."""
    form = await request.form()
    try:
        if replace is None:
            replace = str(form.get("replace", "")).lower() in TRUE
        parts = [(f.filename, f.file) for f in form.getlist("files") if isinstance(f, UploadFile)]
        return await run_in_threadpool(_run, request, parts, replace)
    finally:
        await form.close()


def _failed(result: ImportResult) -> str:
    return (f"导入未执行：数据有 {len(result.errors)} 处错误，数据库未做任何修改"
            "（请按问题清单改正后重新上传全部文件）")


# -- the API ---------------------------------------------------------------------------------
@router.post("/api/v1/imports", name="api_imports")
async def api_imports(request: Request, replace: bool = False) -> Response:
    result, _ = await _import(request, replace)
    body = result.as_dict()
    if not result.ok:
        body["error"] = {"code": "import-has-errors", "message": _failed(result)}
        return JSONResponse(body, status_code=422)
    return JSONResponse(body)


# -- the page --------------------------------------------------------------------------------
def _page(request: Request, status: int = 200, **context) -> Response:
    portal = deps.portal(request)
    batches = portal.store.records.batches()[:HISTORY]
    return render(request, "import.html", {
        "limit": portal.upload_limit, "limit_mb": portal.upload_limit // (1024 * 1024),
        "batches": batches,
        "history": HISTORY, "kinds": KIND_ZH, "filing_kinds": FILING_KINDS, "count_zh": COUNT_ZH,
        "shown": SHOWN, **context},
        status=status)


@router.get("/import", name="import_page")
def import_page(request: Request) -> Response:
    return _page(request)


@router.post("/import", name="import_upload")
async def import_upload(request: Request) -> Response:
    try:
        result, names = await _import(request, None)
    except Refused as e:
        return await run_in_threadpool(_page, request, e.status, error=e.message)
    except HTTPException as e:      # the body over the limit (413), a malformed form (400)
        if e.status_code not in (400, 413):
            raise
        mb = deps.portal(request).upload_limit // (1024 * 1024)
        message = HTTP_ZH[e.status_code][1].format(mb=mb)
        return await run_in_threadpool(_page, request, e.status_code, error=message)
    viewer: Viewer = request.state.viewer
    issues = result.errors + result.warnings
    check_id = deps.portal(request).checks.put(viewer.name or "", issues) if issues else None
    problems = causes.group(issues)          # by cause, causes first
    last = result.span[1] if result.ok and result.span else None
    return await run_in_threadpool(
        _page, request, 200 if result.ok else 422, result=result, files=names,
        check_id=check_id, problems=problems[:SHOWN], more=len(problems) > SHOWN,
        covers=result.covers(), last_month=last and f"{last.year}-{last.month:02d}",
        last_words=last and f"{last.year}年{last.month}月")


@router.get("/import/{check_id}/issues.xlsx", name="import_issues")
def import_issues(request: Request, check_id: str, format: str = "xlsx") -> Response:
    viewer: Viewer = request.state.viewer
    issues = deps.portal(request).checks.get(viewer.name or "", check_id)
    if issues is None:
        raise Refused(404, "not-found", "找不到该问题清单：问题清单只保留 30 分钟，且只有上传文件的人"
                      "可以下载。请重新上传文件检查。")
    fmt = "csv" if format.lower() == "csv" else "xlsx"
    with tempfile.TemporaryDirectory(prefix="shumao-issues-",
                                     dir=deps.portal(request).tmpdir) as tmp:
        path = Path(tmp) / f"issues.{fmt}"
        write_issues(path, issues)
        data = path.read_bytes()
    media = ("text/csv; charset=utf-8" if fmt == "csv" else
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return Response(data, media_type=media, headers={
        "Content-Disposition": f"attachment; filename=\"import-issues.{fmt}\"; "
                               f"filename*=UTF-8''{quote(f'导入问题清单.{fmt}')}"})
