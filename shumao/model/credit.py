"""Unified social credit codes (统一社会信用代码, GB 32100-2015) and the organisation code
embedded in them (组织机构代码, GB 11714-1997).  The vectorised form of the same rules, for
whole columns, is ``ingest.normalise.CREDIT_CODE_SQL``; tests hold the two equal."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"          # GB 32100: 31 characters, no I O S V Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)                # GB 11714


def check_char(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def org_check_char(body8: str) -> str:
    total = sum(int(ch, 36) * w for ch, w in zip(body8, ORG_WEIGHTS))
    c = 11 - total % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def is_valid(code: str) -> bool:
    if len(code) != 18 or any(ch not in ALPHABET for ch in code) or not code[2:8].isdigit():
        return False
    return code[17] == check_char(code[:17]) and code[16] == org_check_char(code[8:16])


def complete(first16: str) -> str:
    """Append the organisation-code check character and the final check character."""
    base = first16 + org_check_char(first16[8:16])
    return base + check_char(base)
