"""Text, flag and path options taken as they are, without Pydantic: Typer 0.29 checks every value
given on the command line with a Pydantic TypeAdapter, and importing Pydantic to build one costs
about two and a half bare Python start-ups — more than ``shumao status`` spends on its own work.

A text option is the text (Typer's own ``str`` rule for a ``str`` from the command line), a flag
its True or False; a path
is ``Path(text)``, then Typer's own checks of paths (``exists``, ``file_okay``, … in
``coerce_cli_path``, which skips Pydantic for a value that is already a Path).  Every other kind
of value — numbers with their bounds, choices, lists — still goes through Typer's adapters, with
their messages unchanged (help.py turns them into Chinese).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer._coercion import RuntimeParam  # Typer 0.29 (pinned): the seam its parameters use
from typer._param_types import coerce_cli_path, lenient_issubclass, routes_to_path


@dataclass(frozen=True)
class _Same(RuntimeParam):
    """A value already of the parameter's type (text from the command line, a flag's True or
    False) as it is; anything else through Typer's own adapter."""
    fallback: Any = None

    def _coerce_value(self, value: Any, param, ctx) -> Any:
        if type(value) is self.annotation:
            return value
        return self.fallback()._coerce_value(value, param=param, ctx=ctx)


@dataclass(frozen=True)
class _Path(RuntimeParam):
    fallback: Any = None

    def _coerce_value(self, value: Any, param, ctx) -> Any:
        if not isinstance(value, str):
            return self.fallback()._coerce_value(value, param=param, ctx=ctx)
        info = self.parameter_info
        path_type = info.path_type or self.annotation
        return coerce_cli_path(Path(value), info, path_type=path_type, param=param, ctx=ctx)


def without_pydantic(params) -> None:
    """Give each plain text or path parameter of a command a coercion that needs no Pydantic
    (before Typer builds one lazily, on the first value)."""
    from typer._coercion import build_runtime_param

    for p in params:
        desc = getattr(p, "type_descriptor", None)
        if desc is None or getattr(p, "_runtime_param", True) is not None:
            continue
        info, ann = desc.parameter_info, desc.annotation
        if info.parser is not None or desc.file_annotation is not None:
            continue

        def fallback(desc=desc):
            return build_runtime_param(desc)

        if ann is str or ann is bool:
            p._runtime_param = _Same(parameter_info=info, annotation=ann, fallback=fallback)
        elif lenient_issubclass(ann, Path) and routes_to_path(ann, info) and info.path_type is None:
            p._runtime_param = _Path(parameter_info=info, annotation=ann, fallback=fallback)
