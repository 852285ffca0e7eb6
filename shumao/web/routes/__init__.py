"""The portal's routes, a module per part of the product; each module's ``router`` holds
its pages and its JSON API (``/api/v1``).  Who may use a route is not written here but in
permissions.py, which ``guard`` (a dependency of every router) applies."""

from shumao.web.routes import (
           admin,
           archive,
           board,
           bulletins,
           dashboard,
           filings,
           imports,
           members,
           reports,
           signin,
           windows,
)
from shumao.web.routes import vintages as vintage_pages

ROUTERS = [signin.router, admin.router, dashboard.router, reports.router, imports.router,
           members.router, bulletins.router, archive.router, filings.router, vintage_pages.router,
           windows.router, board.router]
