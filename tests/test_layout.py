"""The layout tells the pipeline, and says so where a reader looks: the README's Layout lists
every top-level package and module of ``shumao/``, and each package's docstring names every
module and sub-package it holds — so neither can go stale without a test failing."""

from __future__ import annotations

import ast
import re

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "shumao"


def layout_block() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Layout\n", 1)[1]
    return section.split("```\n", 2)[1]


def entries(folder) -> set[str]:
    """A folder's modules (``name``) and sub-packages or data folders (``name/``)."""
    out = set()
    for p in folder.iterdir():
        if p.suffix == ".py" and p.stem not in ("__init__", "__main__"):
            out.add(p.stem)
        elif p.is_dir() and p.name != "__pycache__" and (any(p.glob("*.py")) or p.name == "data"):
            out.add(p.name + "/")
    return out


def test_the_readme_lists_every_top_level_package_and_module():
    listed = set(re.findall(r"(?m)^  ([\w.]+/?)\s", layout_block()))
    present = {e if e.endswith("/") else e + ".py" for e in entries(PACKAGE)}
    assert listed == present


PACKAGES = sorted(p.parent for p in PACKAGE.rglob("__init__.py") if p.parent != PACKAGE)


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_package_docstring_names_its_modules(package):
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8"))) or ""
    # a line of the module map ("    name   what it is"; two to a line at most), or ``name``
    missing = [e for e in sorted(entries(package))
               if not re.search(rf"(^\s*|\s{{2}}|``){re.escape(e.rstrip('/'))}(/?\s|``|/$)", doc, re.M)]
    assert not missing, f"{package.relative_to(REPO)}/__init__.py does not name {missing}"
