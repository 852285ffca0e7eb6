"""One record for every rule shumao checks, whatever the stage that checks it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Stage = Literal["import", "filing", "publication"]
Level = Literal["error", "warning", "hard", "quasi-hard", "verify", "hint"]
STAGES: dict[str, str] = {"import": "导入", "filing": "填报", "publication": "发布"}
LEVEL_ZH: dict[str, str] = {"error": "错误", "warning": "警告", "hard": "强制性",
                            "quasi-hard": "准强制性", "verify": "核实性", "hint": "提示性"}


@dataclass(frozen=True)
class Rule:
    code: str                 # stable kebab-case; unique within its stage
    stage: Stage
    level: Level
    message: str              # the Chinese template, e.g. {value} {header} {detail}
    gloss: str                # English, for developers and scripts
    rule: str                 # the rule in words (shumao codes, the 检查规则 page, the README)
    field: str | None = None  # the form field or column it looks at ("*": any)
    same_as: str | None = None  # the other stage's code for the same rule

    def text(self, **fields: object) -> str:
        """The message with its fields filled in."""
        return self.message.format(**fields)

    def as_dict(self) -> dict:
        return {"code": self.code, "stage": self.stage, "level": self.level,
                "message": self.message, "gloss": self.gloss, "rule": self.rule,
                "field": self.field, "same_as": self.same_as}
