"""The portal's routes, a module per part of the product; each module's ``router`` holds
its pages and its JSON API (``/api/v1``), except where the two grew apart and the API has
its own module in ``api/`` (the filings).  Who may use a route is not written here but in
access/rules.py, which ``guard`` (a dependency of every router) applies.

    signin      sign-in and sign-out            dashboard   仪表盘, 指标溯源, status
    reports     数据月报 in every format          imports     导入 of the secretariat
    digital     数字贸易: the section and tables
    bulletins   简报: editor, preview, publish    archive     the public archive of issues
    members     the member directory            filings     企业填报: an enterprise's records
    review      审核: the reviewer's queue        board       填报进度: each enterprise's state
    windows     填报时间: deadlines, locks        vintages    数据版本 and their revisions
    admin       accounts and the audit log      api/        the JSON API of filing
    rates       汇率: rates held and missing, entering one, what it converted
    account     我的账号: one's own password
    organisation  机构设置: the association's name, city and short self-reference
"""

from shumao.web.routes import (
           account,
           admin,
           archive,
           board,
           bulletins,
           dashboard,
           digital,
           filings,
           imports,
           members,
           organisation,
           rates,
           reports,
           review,
           signin,
           windows,
)
from shumao.web.routes import vintages as vintage_pages
from shumao.web.routes.api import filings as api_filings

ROUTERS = [signin.router, account.router, admin.router, dashboard.router, reports.router, digital.router,
           imports.router,
           members.router, bulletins.router, archive.router, api_filings.router, filings.router,
           review.router, vintage_pages.router, windows.router, board.router, rates.router,
           organisation.router]
