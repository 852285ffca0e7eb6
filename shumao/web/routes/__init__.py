"""The portal's routes, a module per part of the product; each module's ``router`` holds
its pages and its JSON API (``/api/v1``).  Who may use a route is not written here but in
permissions.py, which ``guard`` (a dependency of every router) applies."""

from shumao.web.routes import admin, archive, bulletins, dashboard, imports, members, reports, signin
from shumao.web.routes import board as status_board  # issue 10: the status board, reminders
from shumao.web.routes import windows as filing_windows  # issue 10: filing windows

ROUTERS = [signin.router, admin.router, dashboard.router, reports.router, imports.router,
           members.router, bulletins.router, archive.router]
ROUTERS += [filing_windows.router, status_board.router]  # issue 10: windows, board, reminders
