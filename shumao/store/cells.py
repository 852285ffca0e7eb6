"""What the repositories write into a cell and read back out of one, the same way everywhere:
the time now (UTC), a time as ISO text, and a value as JSON (keys sorted, Chinese as is)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(v: dt.date | None) -> str | None:
    return v.isoformat() if v is not None else None


def to_json(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, default=str, sort_keys=True)
