"""The audit log in words (issue 20 AD-3): each action's Chinese name (``ACTIONS``) and one
sentence for what it did (``said``), with dates, months, kinds, statuses and roles in words and
never a Python value (no ``None``, ``True``, ``{…}``).  Every action the package writes has
its words here (tests/web/test_audit.py reads the package's sources to make sure).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from shumao.access.roles import ROLE_ZH
from shumao.filing.fields import KIND_ZH as FILING_KIND_ZH
from shumao.filing.rates import currency_zh
from shumao.ingest.headers import KIND_ZH
from shumao.model.periods import Period, day_words, moment_words
from shumao.model.status import FILING_ZH

ACTIONS = {
    "login": "登录", "login-failed": "登录失败",
    "user-add": "新增账号", "user-change": "修改账号", "user-disable": "停用账号",
    "user-enable": "启用账号", "password-reset": "重设密码", "password-change": "修改密码",
    "token-add": "签发 API 令牌", "token-revoke": "撤销 API 令牌",
    "import": "导入数据", "status": "更改记录状态",
    "filing-create": "新建填报记录", "filing-edit": "修改填报记录", "filing-submit": "提交审核",
    "filing-approve": "审核通过", "filing-return": "退回修改",
    "window-set": "设置填报时间", "reminder": "发送催报邮件",
    "bulletin-create": "新建简报", "bulletin-edit": "编辑简报", "bulletin-publish": "发布简报",
    "bulletin-revise": "建立简报更正版", "vintage": "保存数据版本",
    "rate-set": "录入汇率", "rate-convert": "折算待折算记录",
    "filing-nil": "申报本月无业务", "filing-nil-undo": "撤销本月无业务",
    "organisation-set": "修改机构设置",
}

# a detail's keys, where no sentence of its own says them (``_plain``)
KEYS = {"name": "账号", "user": "账号", "role": "角色", "enterprise_id": "所属企业", "region": "区县",
        "email": "电子邮箱", "disabled": "停用", "must_change": "须改密码", "password_hash": "密码",
        "id": "编号", "kind": "类别", "record": "记录", "title": "标题", "issue": "期号",
        "period": "时期", "month": "月份", "comment": "意见", "files": "文件", "late": "逾期"}
COUNTS = {"new": "新增", "unchanged": "未变", "replaced": "替换", "duplicates": "重复"}
SOURCES = {"report": "数据月报", "bulletin": "简报", "form": "网页表单", "upload": "上传文件",
           "api": "接口"}


def _value(v: Any) -> str:
    """A detail's value in words: 是/否, 无, lists joined with 、, nested objects as 键：值."""
    if v is None or v == "" or v == [] or v == {}:
        return "无"
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, (list, tuple)):
        return "、".join(_value(x) for x in v)
    if isinstance(v, dict):
        return "，".join(f"{KEYS.get(k, k)}{_value(x)}" for k, x in v.items())
    return str(v)


def _month(text: str | None) -> str:
    try:
        return Period.parse(str(text)).words()
    except ValueError:
        return str(text or "—")


def _day(text: str | None) -> str:
    if not text:
        return "不限"
    try:
        return day_words(dt.date.fromisoformat(str(text)[:10]))
    except ValueError:
        return str(text)


def _plain(d: Mapping[str, Any], names: Mapping[str, str]) -> str:
    return "；".join(f"{KEYS.get(k, k)}：{_value(v)}" for k, v in d.items())


def _account(d: Mapping[str, Any], names: Mapping[str, str]) -> str:
    return f"账号“{d.get('name') or d.get('user')}”"


def _user_add(d: Mapping[str, Any], names: Mapping[str, str]) -> str:
    parts = [f"账号“{d.get('name')}”，角色：{ROLE_ZH.get(d.get('role') or '', d.get('role'))}"]
    if d.get("enterprise_id"):
        parts.append(f"所属企业：{names.get(d['enterprise_id'], d['enterprise_id'])}")
    if d.get("region"):
        parts.append(f"区县：{d['region']}")
    if d.get("email"):
        parts.append(f"电子邮箱：{d['email']}")
    return "，".join(parts)


def _user_change(d: Mapping[str, Any], names: Mapping[str, str]) -> str:
    said = []
    for k, v in d.items():
        if k == "name":
            continue
        if k == "email":
            said.append(f"电子邮箱改为 {v}" if v else "清除电子邮箱")
        elif k == "password_hash":
            said.append("更改密码")
        elif k == "disabled":
            said.append("停用" if v else "启用")
        elif k == "must_change":
            said.append("下次登录须改密码" if v else "")
        elif k == "role":
            said.append(f"角色改为{ROLE_ZH.get(v, v)}")
        else:
            said.append(f"{KEYS.get(k, k)}改为{_value(v)}")
    return f"账号“{d.get('name')}”：" + "，".join(s for s in said if s)


def _token(d: Mapping[str, Any], names: Mapping[str, str]) -> str:
    if "expires_at" in d:
        return f"账号“{d.get('user')}”，有效至{_day(d.get('expires_at'))}"
    return f"账号“{d.get('user')}”的" + (f"令牌 {d['token']}" if d.get("token") else "全部令牌")


def _import(d: Mapping[str, Any], names: Mapping[str, str]) -> str:
    counts = d.get("counts") or {}
    rows = "，".join(f"{KIND_ZH.get(k, k)}" + "、".join(
        f"{COUNTS.get(w, w)} {m:,} 行" for w, m in (n if isinstance(n, dict) else {"new": n}).items() if m)
        for k, n in counts.items() if any((n if isinstance(n, dict) else {"": n}).values()))
    files = "、".join(str(f).replace("\\", "/").rsplit("/", 1)[-1] for f in d.get("files") or [])
    return (f"第 {d.get('batch_id')} 批：{rows or '没有记录'}" + (f"；文件：{files}" if files else "")
            + ("；替换已有记录" if d.get("replace") else ""))


def _filing(d: Mapping[str, Any], names: Mapping[str, str]) -> str:
    kind = FILING_KIND_ZH.get(d.get("kind") or "", "记录")
    out = f"{kind} {d.get('record')}"
    if d.get("enterprise_id"):
        out += f"（{names.get(d['enterprise_id'], d['enterprise_id'])}）"
    if d.get("source"):
        out += f"，来自{SOURCES.get(d['source'], d['source'])}"
    if d.get("from"):
        out += f"，原状态：{FILING_ZH.get(d['from'], d['from'])}"
    if d.get("late"):
        out += "，逾期提交"
    if d.get("comment"):
        out += f"，意见：{d['comment']}"
    return out


def _window(d: Mapping[str, Any], names: Mapping[str, str]) -> str:
    old = d.get("from") or {}
    said = []
    if d.get("locked") is not None and bool(d["locked"]) != bool(old.get("locked")):
        said.append("锁定" if d["locked"] else "重新开放")
    for key, label in (("opens", "开始日期"), ("closes", "截止日期")):
        if d.get(key) != old.get(key):
            said.append(f"{label}由{_day(old.get(key))}改为{_day(d.get(key))}")
    return f"{_month(d.get('month'))}：" + ("，".join(said) or "未改动")


def _reminder(d: Mapping[str, Any], names: Mapping[str, str]) -> str:
    who = names.get(d.get("enterprise_id") or "", d.get("enterprise_id"))
    out = f"{_month(d.get('month'))}，{who}，发往 {d.get('recipient')}"
    return out + (f"，被拒收：{d['error']}" if d.get("error") else "")


def _bulletin(d: Mapping[str, Any], names: Mapping[str, str]) -> str:
    out = f"“{d.get('title')}”" + (f"（{d['issue']}）" if d.get("issue") else "")
    if d.get("revision_of"):
        out += f"，更正第 {d['revision_of']} 号简报"
    if "outputs" in d:
        out += "，生成 " + "、".join(str(k).upper() for k in d["outputs"])
    return out


def _vintage(d: Mapping[str, Any], names: Mapping[str, str]) -> str:
    return (f"第 {d.get('id')} 号数据版本：{_month(d.get('period'))}，"
            f"来自{SOURCES.get(d.get('source') or '', d.get('source'))}")


def _rate(d: Mapping[str, Any], names: Mapping[str, str]) -> str:
    return f"{_month(d.get('month'))} 1 {currency_zh(str(d.get('currency')))} = {d.get('usd_per_unit')} 美元"


def _converted(d: Mapping[str, Any], names: Mapping[str, str]) -> str:
    records = list(d.get("records") or [])
    shown = "、".join(f"{FILING_KIND_ZH.get(r.get('kind') or '', '记录')} {r.get('record')}" for r in records[:5])
    more = f"等 {len(records)} 条" if len(records) > 5 else f"共 {len(records)} 条"
    return f"{shown}（{more}）已按新录入的汇率折算为美元"


def _nil(d: Mapping[str, Any], names: Mapping[str, str]) -> str:
    months = d.get("months") or [d.get("month")]
    who = names.get(d.get("enterprise_id") or "", d.get("enterprise_id") or "")
    return f"{who}：" + "、".join(_month(m) for m in months)


SENTENCES: dict[str, Callable[[Mapping[str, Any], Mapping[str, str]], str]] = {
    "login": lambda d, n: "", "login-failed": lambda d, n: "用户名或密码不正确，或账号已停用",
    "user-add": _user_add, "user-change": _user_change, "user-disable": _account,
    "user-enable": _account, "password-reset": lambda d, n: _account(d, n) + "，下次登录须改密码",
    "password-change": _account, "token-add": _token, "token-revoke": _token, "import": _import,
    "filing-create": _filing, "filing-edit": _filing, "filing-submit": _filing,
    "filing-approve": _filing, "filing-return": _filing, "window-set": _window,
    "reminder": _reminder, "bulletin-create": _bulletin, "bulletin-edit": _bulletin,
    "bulletin-publish": _bulletin, "bulletin-revise": _bulletin, "vintage": _vintage,
    "rate-set": _rate, "rate-convert": _converted, "filing-nil": _nil, "filing-nil-undo": _nil,
}


def action_words(action: str) -> str:
    return ACTIONS.get(action, action)


def said(action: str, detail: Mapping[str, Any], names: Mapping[str, str] | None = None) -> str:
    """One entry's detail as a sentence; an action without a sentence of its own (or a
    detail of an older shape) as 键：值 in words."""
    names = names or {}
    try:
        return SENTENCES.get(action, _plain)(detail, names)
    except (KeyError, TypeError, ValueError, AttributeError):
        return _plain(detail, names)


def day_bounds(first: dt.date | None, last: dt.date | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The moments from the start of ``first`` to the end of ``last``, Beijing days (as
    ``moment_words`` shows the log's times)."""
    tz = dt.timezone(dt.timedelta(hours=8))
    since = dt.datetime.combine(first, dt.time(), tz) if first else None
    before = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz) if last else None
    return since, before


__all__ = ["ACTIONS", "action_words", "day_bounds", "moment_words", "said"]
