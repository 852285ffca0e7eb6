"""Portal accounts (web.md): adding, disabling and enabling, passwords (an admin's reset, a
user's own change), API tokens — the one place the CLI (``shumao user …``), the 管理 page and
the API all go through.

A password an admin sets (typed, or generated and shown once) is one-time: the account must
change it at its next sign-in (``User.must_change``), and its API tokens end at the reset.
A user changes their own password by giving the old one; the new one follows the same rule
as a new account's.  The last enabled admin cannot be disabled.

Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106); a new one must have
at least 10 characters, must not be or contain the user name, nor be one character
repeated, nor be guessable (zxcvbn's estimate: common and breached-style passwords, keyboard
rows, sequences, dates, words).  A user name is NFKC-normalised and may not mix scripts
(Latin with Cyrillic) nor read like an existing one (``аdmin``, ``ADMIN``, ``adm1n``).
An API token is 256 random bits shown once, of which only a SHA-256 is
stored (a random token needs no slow hash).  An enterprise account names its enterprise by
its unified social credit code, check digit verified.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from shumao.access.roles import ROLE_ZH, ROLES
from shumao.errors import InputError
from shumao.model import credit
from shumao.store.base import Store
from shumao.store.rows import User

MIN_PASSWORD = 10
MAX_TOKEN_DAYS = 365
TOKEN_ID = 8              # hex characters of a token's hash that name it (shumao user tokens)
MIN_GUESSES_SCORE = 3     # zxcvbn: "safely unguessable", ≥ 10⁸ guesses
MAX_NAME = 64
NAME_RULE = f"用户名不能为空、不能含空格，且不超过 {MAX_NAME} 个字符"
# an address reminders can go to: one @, a dotted domain, ASCII only (most mail servers
# still do not accept SMTPUTF8), no spaces, quotes or list separators
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_hasher = PasswordHasher()


@functools.cache
def _dummy() -> str:
    """Checked against when the name is unknown, so that it takes as long as a real check;
    hashed on the first such sign-in, not when the module is imported (every start of the
    portal and of ``shumao user …`` paid a third of a second for it)."""
    return _hasher.hash(secrets.token_urlsafe(16))


def typed_name(name: str) -> str:
    """A user name as typed at sign-in or for a new account: NFKC-normalised (a full-width
    ``ａｄｍｉｎ`` is ``admin``) and trimmed; longer than ``MAX_NAME`` is refused at once, so
    no over-long name reaches the store, the audit log or a page."""
    if len(name) > 4 * MAX_NAME:                    # not worth normalising
        raise InputError(NAME_RULE)
    name = unicodedata.normalize("NFKC", name).strip()
    if len(name) > MAX_NAME:
        raise InputError(NAME_RULE)
    return name


def shown_name(name: str) -> str:
    """A typed name as the audit log keeps it: at most ``MAX_NAME`` characters, control and
    bidi characters shown as U+FFFD (they could reorder or hide what an admin reads)."""
    return "".join(c if c.isprintable() else "\ufffd" for c in name[:MAX_NAME])


# letters that read as others (Unicode's confusables, the few that matter in account names):
# Cyrillic and Greek look-alikes of Latin letters, and digits or letters read as each other
_LOOKS = str.maketrans({**dict(zip("аеорсухіјѕԁһӏкмтвнАЕОРСУХІЈЅВНКМТ",
                                   "aeopcyxijsdhlkmtbhaeopcyxijsbhkmt")),
                        **dict(zip("οαινκρτυχεΑΒΕΗΙΚΜΝΟΡΤΥΧΖ", "oaivkptuxeabehikmnoptyxz")),
                        "0": "o", "1": "l", "i": "l", "|": "l", "5": "s", "_": "-", ".": "-"})
_TOGETHER = {"CJK", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA"}   # one East Asian name


def _scripts(name: str) -> set[str]:
    return {unicodedata.name(c, "?").split()[0] for c in name if c.isalpha()}


def skeleton(name: str) -> str:
    """What a name reads as: case folded, look-alike letters and digits made one."""
    return name.casefold().translate(_LOOKS).replace("rn", "m").replace("vv", "w")


def check_name(name: str, taken: list[str]) -> None:
    """A new user name (already ``typed_name``): printable, no spaces, one script (beside
    Chinese or Japanese characters), and not reading like any name in ``taken``."""
    if not name or any(c.isspace() or not c.isprintable() for c in name):
        raise InputError(NAME_RULE)
    if len(_scripts(name) - _TOGETHER) > 1:
        raise InputError(f"用户名“{name}”混用了不同文字的字母（如拉丁字母 a 与西里尔字母 а），"
                         "容易被误认成别的账号，请只用一种文字")
    if name in taken:
        raise InputError(f"用户“{name}”已存在")
    look = skeleton(name)
    for other in taken:
        if skeleton(other) == look:
            raise InputError(f"用户名“{name}”与已有账号“{other}”看起来几乎一样，容易被误认，请换一个")


def _long_enough(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"密码至少需要 {MIN_PASSWORD} 个字符（现为 {len(password)} 个）")


def check_new_password(password: str, name: str) -> None:
    """The rule for a new password (``user add`` and the 管理 page alike), in Chinese."""
    from zxcvbn import zxcvbn

    _long_enough(password)
    if len(set(password)) == 1:
        raise InputError("密码不能由同一个字符重复组成")
    folded = password.casefold()
    if folded == name.casefold() or (len(name) >= 3 and name.casefold() in folded):
        raise InputError("密码不能是用户名，也不能包含用户名")
    # zxcvbn reads at most 72 characters; a longer password is judged by its start
    if zxcvbn(password[:72], user_inputs=[name])["score"] < MIN_GUESSES_SCORE:
        raise InputError("密码太常见或太容易猜到（如 1234567890、password123、键盘上连着的键、"
                         "重复的词或日期），请换一个更长、更不规则的密码，例如几个不相关的词加数字")


def hash_password(password: str, hasher: PasswordHasher = _hasher) -> str:
    """An Argon2id hash of the password.  ``hasher`` is the cost profile (the production one
    unless a caller, such as the tests' fixtures, passes a cheaper one); ``check_password``
    reads the parameters back from the hash, so any profile verifies."""
    _long_enough(password)
    return hasher.hash(password)


def check_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _dummy(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def new_password() -> str:
    """A printable random password for a new account (demo, resets)."""
    return secrets.token_urlsafe(12)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_email(email: str | None) -> str | None:
    """A trimmed e-mail address, None when empty, or a Chinese error."""
    email = (email or "").strip()
    if not email:
        return None
    if len(email) > 254 or not _EMAIL.match(email) or ".." in email:
        raise InputError(f"电子邮箱“{email}”格式不对（应为 name@example.com 这样的地址，"
                         "只能用英文字母、数字和符号）")
    return email


def regions(store: Store) -> list[str]:
    """The known 区县: those of the member enterprises, in order (a reviewer's choice)."""
    return sorted({e["region"] for e in store.records.enterprises() if e["region"]})


def add(store: Store, name: str, role: str, password: str, *, enterprise: str | None = None,
        region: str | None = None, email: str | None = None, actor: str,
        address: str | None = None, hasher: PasswordHasher = _hasher) -> User:
    name = typed_name(name)
    check_name(name, [u.name for u in store.users.all()])
    if role not in ROLES:
        raise InputError(f"角色只能是 {'、'.join(f'{r}（{ROLE_ZH[r]}）' for r in ROLES)}（收到“{role}”）")
    enterprise = (enterprise or "").strip().upper() or None
    if role == "enterprise":
        if not enterprise:
            raise InputError("企业填报员账号须用{enterprise}指定所属企业的统一社会信用代码",
                             field="enterprise")
        if not credit.is_valid(enterprise):
            raise InputError(f"统一社会信用代码“{enterprise}”无效（长度、字符或校验码不对）")
    elif enterprise:
        raise InputError("只有企业填报员账号才属于某家企业，其他角色的{enterprise}请留空", field="enterprise")
    region = (region or "").strip() or None
    known = store.records.enterprises()
    if enterprise and known and enterprise not in {e["enterprise_id"] for e in known}:
        raise InputError(f"统一社会信用代码“{enterprise}”不在会员企业名录中，请检查代码，"
                         "或先由统计人员导入该企业", field="enterprise")
    if role == "reviewer" and region and known and region not in regions(store):
        raise InputError(f"区县“{region}”没有任何会员企业，该审核员将无记录可审；"
                         f"请从已有企业的区县中选择：{'、'.join(regions(store))}", field="region")
    check_new_password(password, name)
    user = User(name, role, enterprise, region,
                password_hash=hash_password(password, hasher), email=check_email(email))
    store.users.add(user, actor, address)
    return user


def set_email(store: Store, name: str, email: str | None, *, actor: str,
              address: str | None = None) -> None:
    """Set or (empty) clear an account's e-mail address (reminders go to enterprise accounts')."""
    store.users.update(name, actor, address, email=check_email(email))


def disable(store: Store, name: str, *, actor: str, address: str | None = None) -> None:
    """Disable an account and revoke its tokens (its sessions end at their next request).
    The last enabled admin is refused: nobody could then manage the accounts."""
    user = _user(store, name)
    if user.role == "admin" and not user.disabled and not any(
            u.role == "admin" and not u.disabled and u.name != name for u in store.users.all()):
        raise InputError(f"“{name}”是唯一可用的管理员账号，停用后就没有人能管理账号了；"
                         "请先新增或启用另一个管理员")
    store.users.update(name, actor, address, action="user-disable", disabled=True)
    store.users.revoke_tokens(name, actor, address)


def enable(store: Store, name: str, *, actor: str, address: str | None = None) -> None:
    """Enable a disabled account again (its old API tokens stay revoked)."""
    if not _user(store, name).disabled:
        raise InputError(f"账号“{name}”没有停用，无需启用")
    store.users.update(name, actor, address, action="user-enable", disabled=False)


def reset_password(store: Store, name: str, password: str | None = None, *, actor: str,
                   address: str | None = None, hasher: PasswordHasher = _hasher) -> str:
    """An admin sets ``name``'s password — the one given (the same rule as a new account's) or,
    with None, a generated one — to be changed at the next sign-in; the account's API tokens
    are revoked.  Returns the password, to be shown once."""
    _user(store, name)
    if password is None:
        password = new_password()
    else:
        check_new_password(password, name)
    store.users.update(name, actor, address, action="password-reset",
                       password_hash=hash_password(password, hasher), must_change=True)
    store.users.revoke_tokens(name, actor, address)
    return password


def change_password(store: Store, name: str, old: str, new: str, *,
                    address: str | None = None, hasher: PasswordHasher = _hasher) -> bool:
    """A user changes their own password: False (nothing changed) when ``old`` is not the
    present one (a one-time password included) — the portal throttles those as it throttles
    sign-ins —, else ``new``, which follows a new account's rule and differs from the old
    one, is set (True)."""
    user = _user(store, name)
    if not check_password(user.password_hash, old):
        return False
    if new == old:
        raise InputError("新密码不能与原密码相同")
    check_new_password(new, name)
    store.users.update(name, name, address, action="password-change",
                       password_hash=hash_password(new, hasher), must_change=False)
    return True


def _user(store: Store, name: str) -> User:
    user = store.users.get(name)
    if user is None:
        raise InputError(f"没有用户“{name}”")
    return user


def issue_token(store: Store, name: str, days: int, *, actor: str) -> str:
    """A new API token for ``days`` days (every token expires: at most ``MAX_TOKEN_DAYS``)."""
    if _user(store, name).disabled:
        raise InputError(f"用户“{name}”已停用，不能签发令牌")
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InputError(f"{{days}}应在 1 到 {MAX_TOKEN_DAYS} 之间（收到 {days}）", field="days")
    token = "sm_" + secrets.token_urlsafe(32)
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
    store.users.add_token(token_hash(token), name, expires, actor)
    return token


@dataclass(frozen=True)
class Token:
    """One API token as its owner and an admin see it: a short id (the first characters of
    its hash, which tell nothing of the token), when made, expiring, last used, and state."""

    id: str
    created: dt.datetime
    expires: dt.datetime | None
    last_used: dt.datetime | None
    status: str                     # "valid" | "expired" | "revoked"

    @property
    def status_zh(self) -> str:
        return {"valid": "有效", "expired": "已过期", "revoked": "已撤销"}[self.status]


def tokens(store: Store, name: str) -> list[Token]:
    _user(store, name)
    now = dt.datetime.now(dt.UTC)
    return [Token(h[:TOKEN_ID], created, expires, used,
                  "revoked" if revoked else "expired" if expires and expires <= now else "valid")
            for h, created, expires, used, revoked in store.users.tokens(name)]


def revoke_token(store: Store, name: str, token_id: str, *, actor: str,
                 address: str | None = None) -> str:
    """Revoke the one token of ``name`` whose id (``tokens``) starts with ``token_id``; its id."""
    token_id = token_id.strip().lower()
    _user(store, name)
    if len(token_id) < 6 or any(c not in "0123456789abcdef" for c in token_id):
        raise InputError(f"令牌编号“{token_id}”不对：应为 shumao user tokens 列出的编号（至少 6 位）")
    found = [h for h, *_ in store.users.tokens(name) if h.startswith(token_id)]
    if not found:
        raise InputError(f"用户“{name}”没有编号为“{token_id}”的 API 令牌")
    if len(found) > 1:
        raise InputError(f"编号“{token_id}”对应用户“{name}”的多个令牌，请写出完整的编号")
    store.users.revoke_token(name, found[0], found[0][:TOKEN_ID], actor, address)
    return found[0][:TOKEN_ID]
