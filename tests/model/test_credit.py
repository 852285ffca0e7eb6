"""GB 32100 / GB 11714 check digits: known codes, and the vectorised SQL equal to Python."""

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shumao.ingest.normalise import install_macros
from shumao.model import credit

REAL = ["91350100M000100Y43", "9199010289MXMRUW8P", "91990102RW8BU7FW89"]


def test_known_codes():
    assert all(credit.is_valid(c) for c in REAL)
    assert not credit.is_valid("91350100M000100Y44")       # final check digit wrong
    assert not credit.is_valid("91350100M000101Y43")       # organisation code check wrong
    assert not credit.is_valid("9135010OM000100Y43")       # O is not in the alphabet
    # GB 11714: 13·3 + 2·7 + 1·9 + 4·10 + 3·5 + 5·8 + 6·4 + 9·2 = 199, 11 − 199 mod 11 = 10 → X
    assert credit.org_check_char("D2143569") == "X"


code_text = st.text(alphabet=credit.ALPHABET + "IOZ", min_size=16, max_size=16)


@pytest.fixture(scope="module")
def con():
    """One connection with the macros for every example (a new one costs more than the check)."""
    with duckdb.connect() as c:
        install_macros(c)
        yield c


@settings(max_examples=300, deadline=None)
@given(body=st.text(alphabet=credit.ALPHABET, min_size=16, max_size=16), mutate=st.integers(0, 40))
def test_sql_agrees_with_python(con, body, mutate):
    body = body[:2] + "".join(c if c.isdigit() else "1" for c in body[2:8]) + body[8:]
    code = credit.complete(body)
    if mutate < 18:   # change one character: almost always invalid, and both must agree
        code = code[:mutate] + credit.ALPHABET[(credit.ALPHABET.index(code[mutate]) + 1) % 31] + code[mutate + 1:]
    assert con.execute("SELECT sm_credit_ok(?)", [code]).fetchall()[0][0] == credit.is_valid(code)
