"""The store: one DuckDB file holding every filing exactly (integer US cents) with its
provenance.  ``connect(url)`` is the one way in; tests pass ``:memory:`` or a temp path."""

from shumao.store.db import Store, connect

__all__ = ["Store", "connect"]
