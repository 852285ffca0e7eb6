"""Who may use which route: THE table of web.md's "Who may do what".

Every route of the app is named, and every name has one ``Rule`` here; ``app.create_app``
refuses to start if a route has none, and tests/web/test_permissions.py walks every route ×
every role (anonymous and a disabled user included) from this table.  Rules say which
roles reach a route at all; what an allowed user may see inside it (an enterprise's own
records, a reviewer's region) is its row scope (scopes.py), refused with 404.

A refusal is
- anonymous on a page: 303 to 登录; anonymous on the API: 401;
- a signed-in user without the role: 404 where the answer would reveal that a record,
  an enterprise or an unpublished issue exists (``hide``), else 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from shumao.access.roles import ADMIN, BOARD, ENTERPRISE, REVIEWERS, ROLES, STAFF
from shumao.access.roles import ROLE_ZH as _ROLE_ZH

ANONYMOUS = "anonymous"
ROLE_ZH = {**_ROLE_ZH, ANONYMOUS: "未登录访客"}

EVERYONE = frozenset({ANONYMOUS, *ROLES})
SIGNED_IN = frozenset(ROLES)


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    hide: bool = False      # refuse with 404, not 403 (web.md: existence would leak)


RULES: dict[str, Rule] = {
    # -- everyone: sign-in and the public archive -------------------------------------------
    "home": Rule(EVERYONE),
    "login_form": Rule(EVERYONE),
    "login": Rule(EVERYONE),
    "logout": Rule(EVERYONE),
    "archive": Rule(EVERYONE),
    "archive_issue": Rule(EVERYONE, hide=True),
    "archive_file": Rule(EVERYONE, hide=True),
    "archive_digital": Rule(EVERYONE, hide=True),
    "api_bulletins": Rule(EVERYONE),
    # -- staff: data, figures, the 数据月报 and the bulletin editor ---------------------------
    "dashboard": Rule(STAFF),
    "explain_page": Rule(STAFF),
    "import_page": Rule(STAFF),
    "import_upload": Rule(STAFF),
    "import_issues": Rule(STAFF, hide=True),
    "report_page": Rule(STAFF),
    "report_download": Rule(STAFF),
    "digital_page": Rule(STAFF),
    "digital_records": Rule(STAFF),        # 数字贸易's 指标溯源: the records behind a table's figure
    "api_digital_records": Rule(STAFF),
    "bulletin_list": Rule(STAFF),
    "bulletin_new": Rule(STAFF),
    "bulletin_create": Rule(STAFF),
    "bulletin_edit": Rule(STAFF, hide=True),
    "bulletin_save": Rule(STAFF, hide=True),
    "bulletin_preview": Rule(STAFF),
    "bulletin_publish": Rule(STAFF, hide=True),
    "bulletin_check": Rule(STAFF, hide=True),
    "bulletin_publishing": Rule(STAFF, hide=True),
    "bulletin_revised": Rule(STAFF, hide=True),
    "bulletin_revise": Rule(STAFF, hide=True),
    "bulletin_file": Rule(STAFF, hide=True),
    "members": Rule(STAFF),
    "member_records": Rule(STAFF, hide=True),
    "api_status": Rule(STAFF),
    "api_imports": Rule(STAFF),
    "api_report": Rule(STAFF),
    "api_explain": Rule(STAFF),
    "api_bulletin_create": Rule(STAFF),
    "api_bulletin_publish": Rule(STAFF, hide=True),
    "api_bulletin_publishing": Rule(STAFF, hide=True),
    # -- vintages (数据版本, filings-web): what was published, frozen, and its revisions -------
    "report_freeze": Rule(STAFF),
    "report_freeze_confirm": Rule(STAFF),
    "vintage_list": Rule(STAFF),
    "vintage_page": Rule(STAFF, hide=True),
    "api_vintages": Rule(STAFF),
    "api_vintage_revisions": Rule(STAFF, hide=True),
    # -- an enterprise's records: staff, the enterprise itself, its region's reviewer ------
    "api_enterprise_records": Rule(SIGNED_IN, hide=True),
    # -- 企业填报 and 审核 (filings-web): every filing and review route answers 404 to a role
    #    without it, and the route itself limits a user to the filings it may see (an
    #    enterprise its own, a reviewer its region's) with the same 404 -------------------------
    "filings": Rule(SIGNED_IN, hide=True),
    "filing_checks": Rule(SIGNED_IN),
    "filing_new": Rule(ENTERPRISE, hide=True),
    "filing_create": Rule(ENTERPRISE, hide=True),
    "filing_upload": Rule(ENTERPRISE, hide=True),
    "filing_template": Rule(ENTERPRISE, hide=True),
    "filing_page": Rule(SIGNED_IN, hide=True),
    "filing_edit": Rule(ENTERPRISE, hide=True),
    "filing_save": Rule(ENTERPRISE, hide=True),
    "filing_submit": Rule(ENTERPRISE, hide=True),
    "review_queue": Rule(REVIEWERS, hide=True),
    "review_page": Rule(REVIEWERS, hide=True),
    "review_decide": Rule(REVIEWERS, hide=True),
    "api_filings": Rule(SIGNED_IN, hide=True),
    "api_filing_create": Rule(ENTERPRISE, hide=True),
    "api_filing": Rule(SIGNED_IN, hide=True),
    "api_filing_edit": Rule(ENTERPRISE, hide=True),
    "api_filing_submit": Rule(ENTERPRISE, hide=True),
    "api_review_queue": Rule(REVIEWERS, hide=True),
    "api_review": Rule(REVIEWERS, hide=True),
    "filing_nil": Rule(ENTERPRISE, hide=True),
    "api_filing_nil": Rule(ENTERPRISE, hide=True),
    # -- 汇率 (issue 20): the rates held and missing, entering one (staff) ------------------
    "rates_page": Rule(STAFF),
    "rate_enter": Rule(STAFF),
    "api_rates": Rule(STAFF),
    "api_rate_set": Rule(STAFF),
    # -- admin: users and the audit log ------------------------------------------------------
    "admin_users": Rule(ADMIN),
    "admin_user_add": Rule(ADMIN),
    "admin_user_disable": Rule(ADMIN, hide=True),
    "admin_audit": Rule(ADMIN),
    "api_audit": Rule(ADMIN),
    # -- filing windows, the status board, reminders (issue 10) ----------------------------
    # the board: staff and admin every enterprise, a reviewer its region's (the route limits
    # the rows); reminders and windows as web.md says: staff send, admin sets windows
    "board": Rule(BOARD),
    "board_export": Rule(BOARD),
    "board_remind_confirm": Rule(STAFF),
    "board_remind": Rule(STAFF),
    "admin_windows": Rule(ADMIN),
    "admin_window_set": Rule(ADMIN),
    "api_windows": Rule(ADMIN),
    "api_window_set": Rule(ADMIN),
    "admin_user_email": Rule(ADMIN, hide=True),
    # -- accounts' recovery (issue 20 AD-1): one's own password; an admin's reset, enabling
    "account": Rule(SIGNED_IN),
    "account_password": Rule(SIGNED_IN),
    "api_me_password": Rule(SIGNED_IN),
    "admin_user_password": Rule(ADMIN, hide=True),
    "admin_user_enable": Rule(ADMIN, hide=True),
    "api_user_password": Rule(ADMIN, hide=True),
    "api_user_disable": Rule(ADMIN, hide=True),
    "api_user_enable": Rule(ADMIN, hide=True),
    # -- 机构设置 (issue 20): the admin sets it; staff read it through the API ---------------
    "admin_organisation": Rule(ADMIN),
    "admin_organisation_set": Rule(ADMIN),
    "api_organisation": Rule(STAFF),
    "api_organisation_set": Rule(ADMIN),
}

# what a user whose password an admin reset may reach before changing it (access.guard)
MUST_CHANGE = frozenset({"account", "account_password", "api_me_password", "logout",
                         "login_form", "login", "home", "archive", "archive_issue", "archive_file"})


def allows(name: str, role: str) -> bool:
    return role in RULES[name].roles
