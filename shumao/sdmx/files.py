"""The SDMX files shumao hands out, written all or nothing: ``shumao sdmx structure`` (the
structures alone, to register with a registry or .Stat Suite first) and ``shumao digital
--format sdmx`` (structures and data of one period).  Every text is made and checked before
the first file is written; each file then replaces its old self whole.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from shumao.model.periods import Period
from shumao.sdmx import data, structure


def write_structure(out: Path, area_name: str) -> list[Path]:
    return _put(out, structure.texts(area_name))


def write_period(out: Path, observations: list[data.Observation], period: Period,
                 area_name: str) -> list[Path]:
    figures = data.texts(observations, period, area_name)
    return _put(out, {**structure.texts(area_name), **figures})


def _put(out: Path, files: Mapping[str, str]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in files.items():
        fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{name}.")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, out / name)
        paths.append(out / name)
    return paths
