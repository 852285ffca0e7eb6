"""Stores built once per test session and copied for each test (DESIGN: "stores built once per
session and copied per test"): a DuckDB file is copied (milliseconds), a PostgreSQL database is
made with ``CREATE DATABASE … TEMPLATE`` — the way ibis's ``BackendTest.load_data`` and
datasette's session fixtures keep set-up out of the time a test takes.

``Templates.copy(name, backend, build, folder, cluster)`` returns the URL of a fresh copy of the
template ``name`` on that backend, building it first (``build(store)`` fills an empty store and
returns its facts, kept beside the template: ``facts(name, backend)``) if this session has not
yet."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from shumao.store import Store, connect

Build = Callable[[Store], Any]
_copies = itertools.count()


class Templates:
    def __init__(self, folder: Path):
        self.folder = folder
        self._built: dict[tuple[str, str], tuple[str, Any]] = {}

    def facts(self, name: str, backend: str) -> Any:
        return self._built[(name, backend)][1]

    def _template(self, name: str, backend: str, build: Build, cluster: Any = None) -> str:
        key = (name, backend)
        if key not in self._built:
            if backend == "postgres":
                url = cluster.create_database(f"template_{name}")
            else:
                url = str(self.folder / f"{name}.duckdb")
            with connect(url) as store:      # closed before any copy: a template has no users
                facts = build(store)
            self._built[key] = (url, facts)
        return self._built[key][0]

    def copy(self, name: str, backend: str, build: Build, folder: Path, cluster: Any = None) -> str:
        """The URL of a new store holding what ``build`` put into the template (``cluster``: the
        session's PostgreSQL cluster, for that backend)."""
        template = self._template(name, backend, build, cluster)
        if backend == "postgres":
            return cluster.create_database(f"{name}_{next(_copies)}", template=f"template_{name}")
        target = folder / f"{name}.duckdb"
        shutil.copyfile(template, target)
        return str(target)
