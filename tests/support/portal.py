"""The portal's store: the sample city with one account per role (plus a second enterprise's
clerk, a second region's reviewer and a disabled account).

The accounts' passwords are hashed with a cheap Argon2 profile (``CHEAP``): verification reads
the parameters from the hash, so every sign-in still runs the real check, in a millisecond
instead of a third of a second (tests/web/test_signin.py pins the production profile)."""

from __future__ import annotations

from argon2 import PasswordHasher

from shumao.access import accounts
from shumao.ingest.importer import import_files
from tests.support.paths import SAMPLE_FILES

PASSWORD = "测试密码-云桥-0427"      # good enough for the password rule (accounts.py)
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def add_accounts(store) -> dict[str, str]:
    """One account per role, named after it; 'other' is a second enterprise's clerk,
    'reviewer2' the reviewer of the second enterprise's region and 'gone' a disabled staff
    account.  Returns the facts: first and second enterprise, the first's region."""
    ents = store.records.enterprises()
    first, second = ents[0], next(e for e in ents[1:] if e["region"] != ents[0]["region"])
    made = {"admin": ("admin", None, None), "staff": ("staff", None, None),
            "reviewer": ("reviewer", None, first["region"]),
            "enterprise": ("enterprise", first["enterprise_id"], None),
            "other": ("enterprise", second["enterprise_id"], None),
            "reviewer2": ("reviewer", None, second["region"]),
            "gone": ("staff", None, None)}
    for name, (role, ent, region) in made.items():
        accounts.add(store, name, role, PASSWORD, enterprise=ent, region=region, actor="测试", hasher=CHEAP)
    accounts.disable(store, "gone", actor="测试")
    return {"first": first["enterprise_id"], "second": second["enterprise_id"],
            "region": first["region"]}


def load_sample(store) -> None:
    result = import_files(store, SAMPLE_FILES)
    assert result.ok, result.errors


def load_portal(store) -> dict[str, str]:
    load_sample(store)
    return add_accounts(store)
