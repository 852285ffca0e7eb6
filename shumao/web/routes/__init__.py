"""The portal's routes, a module per part of the product; each module's ``router`` holds
its pages and its JSON API (``/api/v1``).  Who may use a route is not written here but in
permissions.py, which ``guard`` (a dependency of every router) applies."""

from shumao.web.routes import (  # issue 10: filing windows, status board, reminders
           admin,
           archive,
           board,
           bulletins,
           dashboard,
           imports,
           members,
           reports,
           signin,
           windows,
)

ROUTERS = [signin.router, admin.router, dashboard.router, reports.router, imports.router,
           members.router, bulletins.router, archive.router]
ROUTERS += [windows.router, board.router]  # issue 10: filing windows, status board, reminders
