"""The portal's roles, the one copy: their codes, their Chinese names, and the groups the
route rules (rules.py) and the row scopes (scopes.py) are written in.

Pure data, importing nothing of shumao: the store checks a new account's role against
``ROLES`` and must be able to import this without importing the access package's rules.
"""

from __future__ import annotations

ROLES = ("admin", "staff", "reviewer", "enterprise")
ROLE_ZH = {"admin": "管理员", "staff": "统计人员", "reviewer": "审核员", "enterprise": "企业填报员"}

STAFF = frozenset({"staff", "admin"})
ADMIN = frozenset({"admin"})
ENTERPRISE = frozenset({"enterprise"})
REVIEWERS = frozenset({"reviewer", "admin"})
BOARD = frozenset({"staff", "admin", "reviewer"})      # the status board
