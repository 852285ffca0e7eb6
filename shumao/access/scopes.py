"""Who may see which row: a scope per role, as data (web.md "Who may do what", the row half).

The route rules (rules.py) say whether a role reaches a route at all; a scope says which
rows it sees there — an enterprise its own, a reviewer its district (every district when
its account names none), staff and admin all.  One definition gives both halves, so a list
and a single object can never disagree: ``filter()`` the keyword arguments of the list
queries (``store.filings``, ``board.build``), ``admits(row)`` the check of one filing,
enterprise or board row (the routes answer a refused object with the 404 of a missing one).
tests/web/test_scopes.py walks every role × every resource in ``RESOURCES``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal, TypedDict, cast

if TYPE_CHECKING:
    from shumao.store.rows import User

# the rows scopes apply to; each has the columns ``enterprise_id`` and ``region``
RESOURCES = ("filing", "enterprise", "board row")
NO_ENTERPRISE = "-"      # no credit code is this: a list filter that matches nothing
Column = Literal["enterprise_id", "region"]


class Filter(TypedDict, total=False):
    """The keywords a list query takes (typed, so mypy checks every query that takes them)."""

    enterprise_id: str
    region: str


@dataclass(frozen=True)
class Scope:
    """The rows a role sees: those whose ``own`` column equals the user's attribute of the
    same name (``enterprise_id``, ``region``), or every row when ``own`` is None — or when
    ``all_if_unset`` and the user's account leaves the attribute empty."""

    own: Column | None = None
    all_if_unset: bool = False
    value: str | None = None           # the user's own, bound by ``scope(user)``

    @property
    def everything(self) -> bool:
        return self.own is None or (self.all_if_unset and not self.value)

    def filter(self) -> Filter:
        """The keyword arguments that limit a list query to these rows."""
        if self.everything:
            return {}
        assert self.own is not None
        return cast(Filter, {self.own: self.value or NO_ENTERPRISE})

    def admits(self, row: Mapping[str, Any] | object) -> bool:
        """Whether one row (a dict or an object with the column as attribute) is in scope."""
        if self.everything:
            return True
        assert self.own is not None
        have = row.get(self.own) if isinstance(row, Mapping) else getattr(row, self.own)
        return bool(self.value) and have == self.value


ALL = Scope()
SCOPES: dict[str, Scope] = {
    "enterprise": Scope(own="enterprise_id"),
    "reviewer": Scope(own="region", all_if_unset=True),
    "staff": ALL,
    "admin": ALL,
}
NOTHING = Scope(own="enterprise_id")        # anonymous, or a role without a scope


def scope(user: User | None) -> Scope:
    """The scope of a signed-in user, bound to its own enterprise or
    region; None (anonymous) sees nothing."""
    found = SCOPES.get(user.role) if user is not None else None
    if found is None:
        return NOTHING
    if found.own is None:
        return found
    return replace(found, value=getattr(user, found.own))
