"""A content folder for the sample city: the packaged sample issue, pointed at the sample
store's enterprises and the period of the main expected text."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from tests.conftest import run_cli

SAMPLE_CONTENT = Path(str(resources.files("shumao") / "samples" / "bulletin"))
PROFILES = {"01-云桥信息技术.md": "91990102B8QRD82822", "02-海岸信息技术.md": "9199010242QEY8BUXP"}


def make_content(folder: Path) -> Path:
    shutil.copytree(SAMPLE_CONTENT, folder)
    for name, eid in PROFILES.items():
        p = folder / "会员风采" / name
        lines = [f"enterprise_id: {eid}" if ln.startswith("enterprise_id:") else ln
                 for ln in p.read_text(encoding="utf-8").splitlines()]
        p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def issue(tmp_path_factory, sample_db):
    """The sample issue built once for the session by the real command: {format: path}
    (tests only read it)."""
    root = tmp_path_factory.mktemp("issue")
    content = make_content(root / "2024-10")
    out = root / "out"
    p = run_cli("bulletin", content, "--db", sample_db, "--out", out)
    assert p.returncode == 0, p.stderr
    files = {f.suffix.lstrip("."): f for f in out.iterdir()}
    assert sorted(files) == ["docx", "html", "pdf"]
    return files
