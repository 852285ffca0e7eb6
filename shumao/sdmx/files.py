"""The SDMX files shumao hands out, written all or nothing: ``shumao sdmx structure`` (the
structures alone, to register with a registry or .Stat Suite first) and ``shumao digital
--format sdmx`` (structures and data of one period).  Every text is made and checked before
the first file is written; each file then replaces its old self whole.  ``zipped`` gives the
same files as one zip (the public archive's download of a published vintage).
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path

from shumao.model.periods import Period
from shumao.sdmx import data, structure


def write_structure(out: Path, area_name: str) -> list[Path]:
    return _put(out, structure.texts(area_name))


def period_texts(observations: list[data.Observation], period: Period,
                 area_name: str) -> dict[str, str]:
    """File name → text of ``shumao digital --format sdmx``: structures and data, checked."""
    figures = data.texts(observations, period, area_name)
    return {**structure.texts(area_name), **figures}


def write_period(out: Path, observations: list[data.Observation], period: Period,
                 area_name: str) -> list[Path]:
    return _put(out, period_texts(observations, period, area_name))


def zipped(files: Mapping[str, str]) -> bytes:
    """The files as one zip, each member the bytes ``_put`` would write (UTF-8), dated
    1980-01-01 so that the same files give the same zip."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))
    return buf.getvalue()


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
