"""简报 (staff, web.md): the editions, an editor for an edition's ``bulletin.toml`` fields and
each section's Markdown with a live preview, publishing, corrections; and the JSON API
(``GET``/``POST /api/v1/bulletins``, ``POST /api/v1/bulletins/{id}/publish``).

Every check and every change is shumao.bulletin.editions' — the store keeps drafts, publishes
all or nothing and refuses to change a published edition — this module parses the form,
calls the library and renders.  The editor works without JavaScript: one form whose
buttons save, preview, add or remove an item (nothing is saved but by 保存, and a refused
save shows the form as it was posted); with JavaScript each item previews as it is typed.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from importlib import resources
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from shumao.access.roles import STAFF
from shumao.bulletin import content, editions, editor
from shumao.bulletin.folder import MAX_BYTES, TOML
from shumao.errors import ConflictError, ContentError, FlaggedFigures, InputError, ShumaoError
from shumao.model.periods import day_words
from shumao.publication import vintages
from shumao.report.service import BRI_BASES
from shumao.store.bulletins import PUBLISHED
from shumao.store.rows import Bulletin, Enterprise
from shumao.web import bulletin_form, deps, figures
from shumao.web.access import Viewer, address, guard, not_found
from shumao.web.bulletin_form import ENTERPRISE
from shumao.web.jobs import DONE, FAILED
from shumao.web.pages import render
from shumao.web.routes.archive import FORMATS, download, links, period_words, refuse_unknown
from shumao.web.routes.vintages import revisions as vintage_revisions
from shumao.web.words import BODY, FIELD_ZH, field_said, said

router = APIRouter(dependencies=[Depends(guard)])

SAMPLE = resources.files("shumao") / "samples" / "bulletin"
BRI_ZH = {"": "按时期自动选择", "route65": "“一带一路”沿线国家（65 国）", "partners": "共建“一带一路”国家"}
assert set(BRI_ZH) == {"", *BRI_BASES}
NOTICES = {"created": "已新建简报草稿，可以在下面编辑。", "saved": "已保存。",
           "created-unlinked": "已从示例新建简报草稿。示例中的会员风采所关联的企业不在本数据库中，"
                               "已取消关联；如需显示企业的性质和区域，请在“关联企业”中选择。",
           "revised": "已建立更正版草稿：修改后发布，原已发布的一期保持不变。"}
# what each field of an item asks for, beside its label (bulletin.md's fields)
ITEM_HINTS = {"source": "如 示例省商务厅网站", "type": "如 协会会员单位",
              (content.EVENTS, "title"): "可不填：不填标题时，本条是一段以日期开头的文字"}
PERIOD_HELP = "数据时期不完整：请填写年份（4 位数字）并选择月份"
MAX_PREVIEW = 200_000        # characters: an item is a few thousand
MAX_ZIP = 5 * MAX_BYTES      # an upload's zip may hold pictures that are left out


async def _posted(request: Request) -> dict[str, str]:
    """The posted form's text fields (a repeated field: its last value)."""
    form = await request.form()
    return {k: v for k, v in form.multi_items() if isinstance(v, str)}


Posted = Annotated[dict[str, str], Depends(_posted)]


def _actor(request: Request) -> str:
    viewer: Viewer = request.state.viewer
    return viewer.name or ""


# -- the list ------------------------------------------------------------------------------------
@router.get("/bulletins", name="bulletin_list")
def bulletin_list(request: Request) -> Response:
    frozen = vintages.of_bulletins(deps.store(request))
    rows = [{**b, "period_words": period_words(b["period"]), "vintage": frozen.get(b["id"])}
            for b in deps.store(request).bulletins.all()]
    corrected = {b["revision_of"]: b["id"] for b in reversed(rows)
                 if b["revision_of"] and b["status"] == PUBLISHED}
    rows = [{**b, "corrected_by": corrected.get(b["id"])} for b in rows]
    return render(request, "bulletins.html", {"issues": rows, "formats": FORMATS})


# -- a new edition -------------------------------------------------------------------------------
def sample_files() -> dict[str, bytes]:
    root = Path(str(SAMPLE))
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and (p.suffix == ".md" or p.name == TOML)}


def _new_defaults(request: Request) -> dict[str, str | bool]:
    """A new edition's masthead: the latest edition's (or the sample's), with the
    association's name, city and short name where set (管理 › 机构设置), dated today, its
    issue number and period left for the clerk."""
    latest = deps.store(request).bulletins.all()
    toml = (deps.store(request).bulletins.content(latest[0]["id"]) if latest else sample_files()).get(TOML)
    fields = editor.masthead(toml)
    org = deps.store(request).organisation.get()
    ours = {"publisher": org.name, "region": org.region, "short": org.short}
    return {**fields, **{k: v for k, v in ours.items() if v},
            "issue": "", "period": "", "date": dt.date.today().isoformat()}


def _new_page(request: Request, fields: dict | None = None, error: str | None = None,
              status: int = 200) -> Response:
    fields = fields or _new_defaults(request)
    year, span = bulletin_form.period_parts(str(fields.get("period") or ""))
    return render(request, "bulletin_new.html", {
        "fields": fields, "error": error, "bri": BRI_ZH, "period_year": year,
        "period_span": span, "spans": bulletin_form.spans(),
        "labels": {**editor.MASTHEAD, **editor.DATA}}, status=status)


@router.get("/bulletins/new", name="bulletin_new")
def bulletin_new(request: Request) -> Response:
    return _new_page(request)


@router.post("/bulletins", name="bulletin_create")
def bulletin_create(request: Request, data: Posted,
                    file: Annotated[UploadFile | None, File()] = None) -> Response:
    source = data.get("start", "fields")
    form = bulletin_form.from_post(data)
    unlinked: list[str] = []
    try:
        if source == "sample":
            files, unlinked = _unlinked(request, sample_files())
        elif source == "zip":
            files = editions.from_zip(_upload(file))
        else:
            files = {TOML: editor.masthead_toml(form.fields).encode()}
        new = editions.create(deps.store(request), files, _actor(request), address(request))
    except (ContentError, InputError) as e:
        status = 422 if isinstance(e, ContentError) else 400
        fields = form.fields if source == "fields" else None
        return _new_page(request, fields, said(e), status)
    done = "created-unlinked" if source == "sample" and unlinked else "created"
    return RedirectResponse(f"/bulletins/{new}?done={done}", status_code=303)


def _unlinked(request: Request, files: dict[str, bytes]) -> tuple[dict[str, bytes], list[str]]:
    """The sample's member profiles are fictional companies linked to the demo's
    enterprises: in a store without them the link is taken out (the profile then shows
    no facts from the store) rather than left to stop the publication."""
    known = {e["enterprise_id"] for e in _enterprises(request)}
    out, unlinked = dict(files), []
    for name, data in files.items():
        if name.startswith(f"{content.MEMBERS}/"):
            eid = editor.enterprise_of(data.decode("utf-8"))
            if eid and eid.upper() not in known:
                out[name] = editor.with_enterprise(data.decode("utf-8"), "").encode()
                unlinked.append(name)
    return out, unlinked


def _upload(file: UploadFile | None) -> bytes:
    if file is None or not file.filename:
        raise InputError("请选择要上传的 zip 压缩包（简报内容文件夹压缩后的文件）")
    data = file.file.read(MAX_ZIP + 1)
    if len(data) > MAX_ZIP:
        raise InputError(f"压缩包超过 {MAX_ZIP // 1024 // 1024} MB，请只压缩 bulletin.toml 和各栏目的 .md 文件")
    return data


# -- the editor ----------------------------------------------------------------------------------
def _preview(markdown: str, section: str) -> Markup:
    """One item drawn as the bulletin draws it.  The fragment comes from the bulletin's own
    renderer, which escapes every text and keeps only web and mail links (editor.py), so
    it is marked safe here, and only here."""
    try:
        return Markup(editions.preview_html(markdown, section))
    except ContentError as e:
        return Markup('<p class="error">{}</p>').format(said(e))


def _enterprises(request: Request) -> list[Enterprise]:
    portal = deps.portal(request)
    return portal.shared.get(portal.store.generation(), "enterprises", portal.store.records.enterprises)


def _names(request: Request) -> dict[str, str]:
    """Enterprise id → name: a member profile's title when it is chosen."""
    return {e["enterprise_id"]: e["name"] for e in _enterprises(request)}


def _errors(form: bulletin_form.Form, refused: dict[str, ContentError]) -> tuple[
        dict[str, str], dict[int, dict[str, str]]]:
    """The refused parts' errors by field: the masthead's, and each item's by its index."""
    masthead: dict[str, str] = {}
    items: dict[int, dict[str, str]] = {}
    for path, e in refused.items():
        key, words = field_said(e)
        if path == TOML:
            masthead[key if key in bulletin_form.FIELDS else "title"] = (
                PERIOD_HELP if key == "period" else words)
            continue
        for i, it in enumerate(form.items):
            if it.name and it.path == path:
                items.setdefault(i, {})[key if key in bulletin_form.item_fields(it.section) else BODY] = words
    return masthead, items


def _editor(request: Request, meta: Bulletin, form: bulletin_form.Form, *, error: str | None = None,
            notice: str | None = None, status: int = 200, focus: int | None = None,
            refused: dict[str, ContentError] | None = None) -> Response:
    known = {e["enterprise_id"] for e in _enterprises(request)}
    masthead_errors, item_errors = _errors(form, refused or {})
    labels = FIELD_ZH["item"]
    summary = [(f"#{k}" if k != "period" else "#period_year", f"刊头与数据设置：{w}")
               for k, w in masthead_errors.items()]
    groups: list[tuple[str, list[dict]]] = []
    for section, items in form.groups():
        rows = []
        for n, (i, it) in enumerate(items, start=1):
            errors = item_errors.get(i, {})
            summary += [(f"#item-{i}-{k}", f"【{section}】第 {n} 条（{it.fields.get('title') or '未填标题'}）：{w}")
                        for k, w in errors.items()]
            rows.append({"i": i, "item": it, "n": n, "preview": _preview(it.text, section),
                         "unknown": bool(it.enterprise) and it.enterprise.upper() not in known,
                         "errors": errors,
                         "fields": [(k, labels[k], ITEM_HINTS.get((section, k), ITEM_HINTS.get(k, "")))
                                    for k in bulletin_form.item_fields(section) if k != ENTERPRISE]})
        groups.append((section, rows))
    revision = deps.store(request).bulletins.get(meta["revision_of"]) if meta["revision_of"] else None
    year, span = bulletin_form.period_parts(str(form.fields.get("period") or ""))
    return render(request, "bulletin_edit.html", {
        "meta": meta, "form": form, "groups": groups, "error": error, "notice": notice,
        "readonly": meta["status"] == PUBLISHED, "focus": focus, "summary": summary,
        "masthead_errors": masthead_errors, "unsaved": bool(refused), "revision": revision,
        "enterprises": _enterprises(request), "members": content.MEMBERS, "bri": BRI_ZH,
        "labels": {**editor.MASTHEAD, **editor.DATA}, "formats": FORMATS,
        "period_year": year, "period_span": span, "spans": bulletin_form.spans(),
        "links": links(meta), "period_words": period_words(meta["period"])}, status=status)


@router.get("/bulletins/{id:int}", name="bulletin_edit")
def bulletin_edit(request: Request, id: int, done: str = "") -> Response:
    meta = refuse_unknown(request, id)
    form = bulletin_form.from_files(deps.store(request).bulletins.content(id))
    return _editor(request, meta, form, notice=NOTICES.get(done))


@router.post("/bulletins/{id:int}", name="bulletin_save")
def bulletin_save(request: Request, id: int, data: Posted) -> Response:
    """Save what passes its checks; a refused part is shown as typed, its error beside its
    field, and the rest is saved (issue 20 S-7)."""
    store = deps.store(request)
    meta = refuse_unknown(request, id)
    stored = store.bulletins.content(id)
    if meta["status"] == PUBLISHED:
        message = (f"第 {id} 号简报已发布，不能再修改：已发布的简报保持原样，刚才提交的修改没有保存。"
                   "如需更正，请点“发布更正版”，在更正版中修改后发布。")
        return _editor(request, meta, bulletin_form.from_files(stored), error=message, status=409)
    action = data.get("action", "save")
    try:
        form = bulletin_form.from_post(data, _names(request))
    except InputError as e:             # a section name that cannot be a folder
        return _editor(request, meta, bulletin_form.from_files(stored), error=said(e), status=400)
    try:
        if action.startswith("add:") or action == "add-section":
            section = action[4:] if action.startswith("add:") else data.get("new_section", "")
            i = form.add(section)
            return _editor(request, meta, form, focus=i,
                           notice=f"已在【{form.items[i].section}】中添加一条，填写后请点“保存”。")
        if action.startswith("remove:") and action[7:].isascii() and action[7:].isdigit():
            index = int(action[7:])
            gone = form.items[index] if index < len(form.items) else None
            form.remove(index)
            title = gone.fields.get("title") or "未填标题的一条" if gone else ""
            return _editor(request, meta, form,
                           notice=f"已从【{gone.section}】移除“{title}”，点“保存”后生效。" if gone else None)
        if action == "preview":
            return _editor(request, meta, form, notice="预览已按当前内容更新（尚未保存）。")
        refused = editions.save_valid(store, id, form.files(stored), _actor(request), address(request))
    except ContentError as e:
        return _editor(request, meta, form, error=said(e), status=422)
    except InputError as e:
        return _editor(request, meta, form, error=said(e), status=400)
    except ConflictError as e:
        return _editor(request, refuse_unknown(request, id), bulletin_form.from_files(stored),
                       error=str(e), status=409)
    if refused:
        return _editor(request, refuse_unknown(request, id), form, status=422, refused=refused,
                       error=f"有 {len(refused)} 处内容需要修改，这些内容尚未保存（页面上保留着您填写的内容）；"
                             "其余内容已保存。请按下面标出的位置修改后再点“保存”。")
    return RedirectResponse(f"/bulletins/{id}?done=saved", status_code=303)


@router.post("/bulletins/preview", name="bulletin_preview")
def bulletin_preview(request: Request, data: Posted) -> Response:
    """One item's preview: its Markdown file (``markdown``), or the editor's fields for it
    (``section``, ``title`` … ``body``, as the item's inputs are named without their
    ``item-N-`` prefix)."""
    section = data.get("section", "")
    if "markdown" in data:
        markdown = data["markdown"]
    else:
        keys = bulletin_form.item_fields(section)
        item = bulletin_form.Item(section, "", {k: data.get(k, "") for k in keys},
                                  data.get("body", ""), data.get("extra", ""))
        markdown = item.text
    if len(markdown) > MAX_PREVIEW:
        raise InputError(f"一条内容超过 {MAX_PREVIEW} 个字符，无法预览")
    return HTMLResponse(_preview(markdown, section))


@router.get("/bulletins/{id:int}/revised", name="bulletin_revised")
def bulletin_revised(request: Request, id: int, say: str = "") -> Response:
    """Whether a published edition's figures were revised since (issue 20 S-21): a fragment
    linking the revisions (数据版本), empty when nothing moved.  The list and the edition's
    page load it after they are drawn: the revisions are shared per store generation with
    the 数据版本 page, but cold they take seconds at 10⁶ executions.  ``say=none``: say so
    when nothing moved, too."""
    meta = refuse_unknown(request, id)
    vid = vintages.of_bulletins(deps.store(request)).get(id) if meta["status"] == PUBLISHED else None
    changed = 0 if vid is None else sum(
        r.changed for r in vintage_revisions(request, figures.known(request, str(vid))).figures)
    if not changed:
        return HTMLResponse("发布以来没有变动" if say == "none" else "")
    return HTMLResponse(Markup(
        '<a class="tag bad revised" href="/vintages/{}" title="发布后因审核或更正而变化的数字">'
        "发布后有 {} 个数字修订</a>").format(vid, changed))


# -- publishing: a check page, then in the background, then its result (issue 20 S-8, S-9) -----
STEPS = {"start": "准备", "data": "计算数据月报", "charts": "绘制图表",
         "files": "同时生成 PDF、Word 和网页版", "save": "保存并冻结本期数据"}


@router.get("/bulletins/{id:int}/check", name="bulletin_check")
def bulletin_check(request: Request, id: int) -> Response:
    """发布前检查: what will be published, to whom, what is flagged; and what stops it."""
    store = deps.store(request)
    meta = refuse_unknown(request, id)
    if meta["status"] == PUBLISHED:
        return RedirectResponse(f"/bulletins/{id}", status_code=303)
    try:
        facts = editions.check(store, id)
    except ContentError as e:
        return _editor(request, meta, bulletin_form.from_files(store.bulletins.content(id)),
                       error="本期内容还不能发布：" + said(e), status=422)
    revision = store.bulletins.get(meta["revision_of"]) if meta["revision_of"] else None
    c = facts.content
    return render(request, "bulletin_check.html", {
        "meta": meta, "facts": facts, "c": c, "revision": revision, "steps": STEPS,
        "took": deps.portal(request).jobs.took("publish"),
        "date_words": day_words(c.date), "period_words": c.data.period.words(),
        "sections": [(s.name, [it.title or day_words(it.get("date")) if not it.title and it.get("date")
                               else (it.title or "（无标题）") for it in s.items]) for s in c.sections]})


def _publish_work(store, id: int, actor: str, where: str | None, allow_flagged: bool,
                  allow_incomplete: bool):
    def work(step):
        step("start")
        return editions.publish(store, id, actor, where, allow_flagged=allow_flagged, progress=step,
                                allow_incomplete=allow_incomplete)
    return work


@router.post("/bulletins/{id:int}/publish", name="bulletin_publish")
def bulletin_publish(request: Request, id: int, data: Posted) -> Response:
    """Publishing, confirmed on the check page, started in the background: the answer is the
    page that follows it.  Without the check page's confirmation, the check page."""
    store = deps.store(request)
    meta = refuse_unknown(request, id)
    if meta["status"] == PUBLISHED:
        return RedirectResponse(f"/bulletins/{id}/publishing", status_code=303)
    if data.get("confirm") != "true":
        return RedirectResponse(f"/bulletins/{id}/check", status_code=303)
    deps.portal(request).jobs.start(("publish", id), _actor(request), _publish_work(
        store, id, _actor(request), address(request), data.get("allow_flagged") == "true",
        data.get("allow_incomplete") == "true"))
    return RedirectResponse(f"/bulletins/{id}/publishing", status_code=303)


def _progress(request: Request, meta: Bulletin) -> dict:
    """Where a publication is: ``state`` running | done | failed | none, its step in words,
    the steps done, the seconds so far, the error in words, the outputs' links."""
    job = deps.portal(request).jobs.get(("publish", meta["id"]))
    state = job.state if job else ("done" if meta["status"] == PUBLISHED else "none")
    if meta["status"] == PUBLISHED:
        state = "done"
    error = None
    if job is not None and job.state == FAILED:
        e = job.error
        error = "未发布：" + said(e) if isinstance(e, ShumaoError) else "未发布：发布时出错，请稍后再试或联系管理员"
    result = job.result if job is not None and job.state == DONE else {}
    vintage = (result or {}).get("vintage") or vintages.of_bulletins(deps.store(request)).get(meta["id"])
    return {"id": meta["id"], "state": state, "step": job.step if job else None,
            "step_zh": STEPS.get(job.step, "") if job else "",
            "steps_done": [STEPS[s] for s in (job.steps[:-1] if job and state == "running" else
                                              job.steps if job else []) if s in STEPS],
            "seconds": job.seconds if job else None, "error": error,
            "flagged": bool(job and isinstance(job.error, FlaggedFigures)),
            "warnings": (result or {}).get("warnings") or (
                editions.warnings(deps.store(request), meta["id"]) if state == "done" and not job else []),
            "vintage": vintage if state == "done" else None,
            "links": links(meta) if state == "done" else links({**meta, "status": "draft"})}


@router.get("/bulletins/{id:int}/publishing", name="bulletin_publishing")
def bulletin_publishing(request: Request, id: int) -> Response:
    """A publication's progress (the page polls the API while it runs) and then its result."""
    meta = refuse_unknown(request, id)
    return render(request, "bulletin_publishing.html", {
        "meta": meta, "p": _progress(request, meta), "steps": STEPS, "formats": FORMATS})


@router.get("/api/v1/bulletins/{id:int}/publishing", name="api_bulletin_publishing")
def api_bulletin_publishing(request: Request, id: int) -> dict:
    return _progress(request, refuse_unknown(request, id))


@router.post("/bulletins/{id:int}/revise", name="bulletin_revise")
def bulletin_revise(request: Request, id: int) -> Response:
    refuse_unknown(request, id)
    new = editions.revise(deps.store(request), id, _actor(request), address(request))
    return RedirectResponse(f"/bulletins/{new}?done=revised", status_code=303)


@router.get("/bulletins/{id:int}/files/{fmt}", name="bulletin_file")
def bulletin_file(request: Request, id: int, fmt: str) -> Response:
    """A published edition's PDF, DOCX or HTML; ``zip``: any edition's content folder."""
    store = deps.store(request)
    meta = refuse_unknown(request, id)
    if fmt == "zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in store.bulletins.content(id).items():
                z.writestr(name, data)
        stem = re.sub(r'[\\/:*?"<>|\s]+', "", f"{meta['title']}{meta['issue']}") or "简报"
        response = download(buf.getvalue(), f"{stem}（第{id}号内容）.zip", "application/zip")
    else:
        out = store.bulletins.output(id, fmt) if fmt in FORMATS else None
        if out is None:
            raise not_found("文件（草稿发布后才有 PDF、Word 和网页版）")
        response = download(out.content, out.file_name or f"简报{id}.{fmt}", FORMATS[fmt][0])
    response.headers["Cache-Control"] = "no-store"      # a draft's content stays off shared caches
    return response


# -- the JSON API --------------------------------------------------------------------------------
def _api_item(meta: Bulletin, vintage: int | None) -> dict:
    return {"id": meta["id"], "title": meta["title"], "issue": meta["issue"],
            "period": meta["period"], "status": meta["status"], "vintage": vintage,
            "revision_of": meta["revision_of"], "published_at": meta["published_at"],
            "links": links(meta)}


@router.get("/api/v1/bulletins", name="api_bulletins")
def api_bulletins(request: Request) -> list[dict]:
    """Published editions for everyone; staff see drafts too."""
    staff = request.state.viewer.role in STAFF
    frozen = vintages.of_bulletins(deps.store(request))
    return [_api_item(b, frozen.get(b["id"])) for b in deps.store(request).bulletins.all(published_only=not staff)]


@router.post("/api/v1/bulletins", name="api_bulletin_create")
def api_bulletin_create(request: Request, file: Annotated[UploadFile, File()],
                        id: int | None = None) -> dict:
    """A new draft from a zip of a content folder; with ``?id=N``, draft N's content replaced."""
    files = editions.from_zip(_upload(file))
    store = deps.store(request)
    if id is not None:
        refuse_unknown(request, id)
    if id is None:
        return {"id": editions.create(store, files, _actor(request), address(request))}
    editions.save(store, id, files, _actor(request), address(request))
    return {"id": id}


@router.post("/api/v1/bulletins/{id:int}/publish", name="api_bulletin_publish")
def api_bulletin_publish(request: Request, id: int, allow_flagged: bool = False,
                         allow_incomplete: bool = False) -> dict:
    refuse_unknown(request, id)
    meta = editions.publish(deps.store(request), id, _actor(request), address(request),
                            allow_flagged=allow_flagged, allow_incomplete=allow_incomplete)
    return {**meta, "links": links(meta)}
