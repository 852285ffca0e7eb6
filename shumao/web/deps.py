"""The portal's shared object, reached one way: ``deps.portal(request)`` and its store,
``deps.store(request)``.  ``request.app.state`` is untyped; these are typed, so mypy
follows route code into the store.  (Imported as the module — routes name their locals
``store`` and ``portal``.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Request

if TYPE_CHECKING:                      # app.py imports access.py, which imports this
    from shumao.store import Store
    from shumao.web.app import Portal


def portal(request: Request) -> Portal:
    """What every request shares (app.Portal), set once by ``create_app``."""
    return request.app.state.portal


def store(request: Request) -> Store:
    """The portal's open store."""
    return portal(request).store
