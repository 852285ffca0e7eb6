"""A JSON request body as every API route reads it: an object, parsed once, its texts storable
(no lone surrogates), else a Chinese 400 ``bad-json``."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request

from shumao.model.text import unencodable
from shumao.web.access import Refused


async def json_body(request: Request, optional: bool = False) -> dict:
    """The request's JSON object; with ``optional``, {} when no JSON was sent."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        if optional:
            return {}
        raise Refused(400, "bad-json", "请求内容应为 JSON（Content-Type: application/json）")
    try:
        body = await request.json()
    except (ValueError, RecursionError):         # RecursionError: nested past Python's depth
        raise Refused(400, "bad-json", "请求内容不是有效的 JSON") from None
    if not isinstance(body, dict):
        raise Refused(400, "bad-json", "请求内容应为 JSON 对象")
    for text in _strings(body):
        if ch := unencodable(text):
            raise Refused(400, "bad-json", f"请求内容含有无法保存的字符（{ch}，不成对的代理码位），"
                          "请检查编码后重新发送")
    return body


def _strings(value) -> Iterator[str]:
    """Every key and text in a parsed JSON value, without recursion (its depth is the
    client's)."""
    todo = [value]
    while todo:
        v = todo.pop()
        if isinstance(v, str):
            yield v
        elif isinstance(v, dict):
            todo += [*v.keys(), *v.values()]
        elif isinstance(v, list):
            todo += v
