"""The association that runs shumao (管理 › 机构设置): its name, its city and the short way
its texts refer to the city (我市, 本市) — what the portal's header, the 数据月报's wording
and its downloads' names, and a new bulletin's masthead use.

A field left empty is not set: the report's own defaults (report.settings: 本市, 我市) and
the software's name stand in for it, so a store nobody has set up reads as before.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from shumao.errors import InputError
from shumao.model.text import stray

# field: (label, longest) — the labels of the page, the API's field names
FIELDS = {"name": ("协会名称", 60), "region": ("城市名称", 30), "short": ("文中简称", 30)}
SOFTWARE = "数贸数字贸易统计"          # what the header says while the association has no name


@dataclass(frozen=True)
class Organisation:
    name: str = ""          # 大连市服务外包协会
    region: str = ""        # 大连市 (the report's region)
    short: str = ""         # 我市 / 本市 (the report's short self-reference)

    @classmethod
    def checked(cls, **given: object) -> Organisation:
        """From typed values (a form, the API's JSON): text, trimmed, each within its
        length and free of control characters; an unknown or non-text field is refused."""
        unknown = [k for k in given if k not in FIELDS]
        if unknown:
            raise InputError(f"机构设置没有“{unknown[0]}”这一项（只有 {'、'.join(FIELDS)}）", field=unknown[0])
        values: dict[str, str] = {}
        for key, (label, longest) in FIELDS.items():
            raw = given.get(key, "")
            if raw is None:
                raw = ""
            if not isinstance(raw, str):
                raise InputError(f"{label}应为文字", field=key)
            value = raw.strip()
            if ch := stray(value):
                raise InputError(f"{label}含有控制字符或无法保存的字符（{ch}），请删去后重新填写", field=key)
            if len(value) > longest:
                raise InputError(f"{label}不能超过 {longest} 个字（现为 {len(value)} 个字）", field=key)
            values[key] = value
        return cls(**values)

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    @property
    def masthead(self) -> str:
        """What the portal's header names: the association, else the software."""
        return self.name or SOFTWARE
