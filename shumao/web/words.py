"""A library error in the portal's words (errors.py: a library message names a field,
never a command-line flag): a page says the form's label, the API the parameter's name, a
content file's field the editor's label with the file's own name, and flagged figures are let
through with the publish page's checkbox or the API's ``allow_flagged=true`` (months with
far fewer records than usual: ``allow_incomplete``)."""

from __future__ import annotations

from shumao.bulletin import editor
from shumao.bulletin.folder import TOML
from shumao.errors import ContentError, FlaggedFigures, IncompleteMonths, ShumaoError

# the arguments the library's errors name, as the portal's forms label them
FORM_ZH = {"enterprise": "所属企业", "region": "区县"}   # 管理 → 账号: a new account's

# the library's field names in its messages, with what the form calls them
FIELD_ZH = {"bulletin.toml": {**editor.MASTHEAD, **editor.DATA},
            "item": {"title": "标题", "date": "日期", "source": "来源", "type": "类型",
                     "enterprise_id": "关联企业"}}

# how flagged figures are let through: the publish page's checkbox, the API's parameter
ALLOW_FLAGGED = {False: "请在发布前检查页中勾选“已核实，仍然发布”后再点“确认发布”",
                 True: "请在调用时加参数 allow_flagged=true"}
# how months with far fewer records than usual are let through (the same two ways)
ALLOW_INCOMPLETE = {False: "请在发布前检查页中勾选“已知悉，仍然发布”后再点“确认发布”",
                    True: "请在调用时加参数 allow_incomplete=true"}


BODY = "body"          # the editor's field for an item's text (正文), and for what has no field


def field_said(e: ContentError) -> tuple[str, str]:
    """A content part's error as the editor's field and the words beside it (issue 20 S-7:
    errors by field, no file names): ("date", "日期不是有效日期（应为 2024-10-20），现为…"),
    ("body", "正文为空").  A field the editor has no input for is said on the body."""
    table = FIELD_ZH[TOML if e.file == TOML else "item"]
    mark = "\x00"
    text = e.say({f: mark + label for f, label in table.items()})
    if e.field in table and mark in text:
        return e.field, text.split(mark, 1)[1]
    if e.file and e.file in text:
        text = text.rsplit(e.file, 1)[1].lstrip(" ：:的")
    return BODY, text.replace(mark, "")


def said(e: ShumaoError, api: bool = False) -> str:
    """A library error in the portal's words: a page names a field by its form's label
    (“所属企业”), the API by its parameter, which is the library's own name; a content
    file's field, on both, by the editor's label and the file's own name (“数据时期（period）”)."""
    if isinstance(e, FlaggedFigures | IncompleteMonths):
        return e.say({"allow_flagged": ALLOW_FLAGGED[api], "allow_incomplete": ALLOW_INCOMPLETE[api]})
    if isinstance(e, ContentError):
        table = FIELD_ZH[TOML if e.file == TOML else "item"]
        return e.say({f: f"“{label}（{f}）”" for f, label in table.items()})
    return e.say() if api else e.say({f: f"“{label}”" for f, label in FORM_ZH.items()})
