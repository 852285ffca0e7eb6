"""A library message as the portal says it: the CLI's option becomes the page's checkbox
(or the API's parameter), a field name gets the form's Chinese label.

A library error names the argument it is about as a field (errors.py), never as a
command-line flag: a page says the form's label, the API the parameter's name.
"""

from __future__ import annotations

from shumao.bulletin import editor
from shumao.bulletin.folder import TOML
from shumao.errors import ContentError, ShumaoError

# the arguments the library's errors name, as the portal's forms label them
FORM_ZH = {"enterprise": "所属企业"}           # 管理 → 账号: the new account's enterprise

# the library's field names in its messages, with what the form calls them
FIELD_ZH = {"bulletin.toml": {**editor.MASTHEAD, **editor.DATA},
            "item": {"title": "标题", "date": "日期", "source": "来源", "type": "类型",
                     "enterprise_id": "关联企业"}}


def web_message(message: str, api: bool = False) -> str:
    """A library message as the portal says it: the CLI's option becomes the page's
    checkbox (or the API's parameter)."""
    return message.replace(
        "请加 --allow-flagged",
        "请在调用时加参数 allow_flagged=true" if api else "请勾选“仍然发布（记录在文件中）”后再点“发布”")


def _flagged(message: str) -> bool:
    return "--allow-flagged" in message


def said(e: ShumaoError, api: bool = False) -> str:
    """A library error in the portal's words: a page names a field by its form's label
    (“所属企业”), the API by its parameter, which is the library's own name; a content
    file's field, on both, by the editor's label and the file's own name (“数据时期（period）”)."""
    if isinstance(e, ContentError):
        table = FIELD_ZH[TOML if e.file == TOML else "item"]
        return e.say({f: f"“{label}（{f}）”" for f, label in table.items()})
    return e.say() if api else e.say({f: f"“{label}”" for f, label in FORM_ZH.items()})
