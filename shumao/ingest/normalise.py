"""Normalise staged text into typed values, in DuckDB, a whole column at a time.

For each kind the staged tables of every file are stacked into ``u_<kind>`` (text, with
file, sheet, row and the header's unit), then typed into ``n_<kind>``: dates parsed, words
mapped to codes, amounts turned into exact cents.  Nothing here decides what is an error;
it keeps the raw text beside each typed value so that ``checks`` can say exactly what was
written and where.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from shumao.ingest.headers import KINDS
from shumao.ingest.read import Staged
from shumao.model import credit, digital_codes
from shumao.model.codes import aliases, country_aliases, header_columns, norm, registration_type_nature
from shumao.model.digital import SHARE_PATTERN

_SEP = r"\s*[-/.年]\s*"
DATE_RE = rf"(\d{{4}}){_SEP}(\d{{1,2}}){_SEP.replace('年', '月')}(\d{{1,2}})\s*日?(?:[ T]\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?)?"
COMPACT_DATE_RE = r"(\d{4})(\d{2})(\d{2})"
MONTH_RE = rf"(\d{{4}}){_SEP}(\d{{1,2}})\s*月?"
_NUMBER = r"^[+-]?\d*(?:\.(\d*))?(?:[eE]([+-]?\d+))?$"     # groups: decimals, exponent

_B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CREDIT_CODE_SQL = [
    f"""CREATE OR REPLACE TEMP MACRO sm_gb32100_sum(c) AS CAST(list_sum(list_transform(range(17),
        lambda i: (instr('{credit.ALPHABET}', substr(c, i + 1, 1)) - 1) * {list(credit.WEIGHTS)}[i + 1]))
        AS BIGINT)""",
    f"""CREATE OR REPLACE TEMP MACRO sm_gb11714(c) AS 11 - CAST(list_sum(list_transform(range(8),
        lambda i: (instr('{_B36}', substr(c, i + 9, 1)) - 1) * {list(credit.ORG_WEIGHTS)}[i + 1]))
        AS BIGINT) % 11""",
    f"""CREATE OR REPLACE TEMP MACRO sm_credit_ok(c) AS
        regexp_full_match(c, '[{credit.ALPHABET}]{{2}}[0-9]{{6}}[{credit.ALPHABET}]{{10}}')
        AND substr(c, 18, 1) = substr('{credit.ALPHABET}', (31 - sm_gb32100_sum(c) % 31) % 31 + 1, 1)
        AND substr(c, 17, 1) = CASE sm_gb11714(c) WHEN 10 THEN 'X' WHEN 11 THEN '0'
                                    ELSE CAST(sm_gb11714(c) AS VARCHAR) END""",
]

MACROS = [
    *CREDIT_CODE_SQL,
    "CREATE OR REPLACE TEMP MACRO sm_big(x) AS isfinite(x) AND abs(x) >= 1e12",
    # text cells: trimmed, empty → NULL (full-width spaces too)
    """CREATE OR REPLACE TEMP MACRO sm_text(s) AS nullif(CASE
        WHEN contains(s, '\t') OR contains(s, '\u3000') OR contains(s, '\r')
        THEN trim(s, ' \t\r\n\u3000') ELSE trim(s) END, '')""",
    f"""CREATE OR REPLACE TEMP MACRO sm_date_form(s) AS
        regexp_full_match(s, '{DATE_RE}') OR regexp_full_match(s, '{COMPACT_DATE_RE}')""",
    # a date DuckDB reads as it is (2023-03-05, 2023/3/5: the common case) costs one cast,
    # kept to four-digit years; the other forms of filings.md go through the patterns
    f"""CREATE OR REPLACE TEMP MACRO sm_date(s) AS coalesce(
        CASE WHEN length(s) <= 10 AND s[5] IN ('-', '/') AND s[1] BETWEEN '1' AND '9'
             THEN try_cast(s AS DATE) END, CASE
        WHEN regexp_full_match(s, '{DATE_RE}')
          THEN try_cast(regexp_replace(s, '^{DATE_RE}$', '\\1-\\2-\\3') AS DATE)
        WHEN regexp_full_match(s, '{COMPACT_DATE_RE}')
          THEN try_cast(regexp_replace(s, '^{COMPACT_DATE_RE}$', '\\1-\\2-\\3') AS DATE) END)""",
    f"""CREATE OR REPLACE TEMP MACRO sm_month(s) AS CASE
        WHEN regexp_full_match(s, '{MONTH_RE}')
          THEN try_cast(regexp_replace(s, '^{MONTH_RE}$', '\\1-\\2-01') AS DATE) END""",
    # numbers: thousands separators and spaces are accepted (filings.md)
    # (DECIMAL(18, 6): up to 10^12 in the file's unit, to a millionth; fast, unlike 38 digits)
    r"""CREATE OR REPLACE TEMP MACRO sm_num(s) AS coalesce(try_cast(s AS DECIMAL(18, 6)),
        try_cast(regexp_replace(s, '[,，\s]', '', 'g') AS DECIMAL(18, 6)))""",
    # the text has a digit other than 0 past the sixth decimal (1e-07 too), which sm_num's
    # DECIMAL(18, 6) — and the store's orig_amount — would round away: the exact test on
    # the text runs only where the text is long after its point or has an exponent
    rf"""CREATE OR REPLACE TEMP MACRO sm_past_micro(s) AS CASE
        WHEN (strpos(s, '.') > 0 AND length(s) - strpos(s, '.') > 6) OR contains(s, 'e')
             OR contains(s, 'E')
        THEN length(rtrim(regexp_extract(regexp_replace(s, '[,，\s]', '', 'g'), '{_NUMBER}', 1),
                          '0'))
             - coalesce(try_cast(regexp_extract(regexp_replace(s, '[,，\s]', '', 'g'),
                                                '{_NUMBER}', 2) AS INTEGER), 0) > 6
        ELSE FALSE END""",
    # a rate keeps the store's ten decimals (DECIMAL(20, 10)): JPY 0.0067123456 is not 0.006712
    r"""CREATE OR REPLACE TEMP MACRO sm_rate(s) AS coalesce(try_cast(s AS DECIMAL(20, 10)),
        try_cast(regexp_replace(s, '[,，\s]', '', 'g') AS DECIMAL(20, 10)))""",
    # a number sm_num cannot hold: 10^12 or more (a finite number, so not 'NaN' or 'inf')
    r"""CREATE OR REPLACE TEMP MACRO sm_num_too_large(s) AS coalesce(sm_big(
        try_cast(regexp_replace(s, '[,，\s]', '', 'g') AS DOUBLE)), FALSE)""",
]

TEXT_COLUMNS = {k: [c.name for c in header_columns()[k]] for k in KINDS}
# the survey's percentages (spec §6.1.5): its two shares and one remote share per sub-category;
# ``remote_pct`` is the remote shares as the store keeps them, JSON {sub-category: percent}
# (a data set of shumao export): each answer read from there where its own column is empty
SURVEY_PCT = [c for c in TEXT_COLUMNS["dt_survey"] if (c.endswith("_pct") or "_pct_" in c)
              and c != "remote_pct"]
# column → the alias table its words are mapped through
MAPPED = {"nature": "natures", "client_country": "countries", "category": "categories",
          "currency": "currencies", "status": "statuses",
          # digital trade (spec/digital-trade.md §6.1; data/digital/)
          "subcategory": "subcategories", "delivery_mode": "delivery_modes",
          "ordered_online": "ordered", "role": "platform_roles", "resident": "yesno",
          "public": "yesno", "flow": "flows", "basis": "bases", "partner": "countries",
          "ebops": "ebops", "size_class": "size_classes"}
# a kind's own words for a column the other kinds map otherwise (``periods``: a period's code)
KIND_MAPPED = {"totals": {"name": "total_names", "flow": "total_flows", "period": "periods"}}
# the kinds with money, and the date whose month gives the rate
MONEY_DATE = {"contracts": "signed_date", "executions": "executed_date", "ecommerce": "month_date",
              "services": "month_date", "dt_survey": "year_date",
              "totals": "period_end"}        # a period's total: its last month's rate [A]


def _words(table: str) -> dict[str, str]:
    if table == "countries":
        return country_aliases()
    if table == "subcategories":
        return digital_codes.subcategory_aliases()
    if table == "ebops":
        return digital_codes.ebops_aliases()
    if table in ("natures", "categories", "currencies", "statuses"):
        return aliases(table)
    return digital_codes.words(table)


def sm_pct(cell: str) -> str:
    """A whole percent as written (``85``, ``85%``), NULL when the cell is not one; a value
    above 100 comes out as itself, for the check to name."""
    return (f"CASE WHEN regexp_full_match({cell}, '{SHARE_PATTERN}') "
            f"THEN CAST(regexp_extract({cell}, '[0-9]+') AS INTEGER) END")


def _stored(cell: str) -> str:
    """A survey's remote share for one sub-category (``u.remote_pct_ITO04``): the cell, else
    that sub-category's answer in the stored JSON ``remote_pct`` (checks.py refuses a JSON that
    is not such an object)."""
    if not cell.startswith("u.remote_pct_"):
        return cell
    sub = cell.removeprefix("u.remote_pct_")
    return (f"coalesce({cell}, CASE WHEN try(json_type(u.remote_pct)) = 'OBJECT' "
            f"""THEN try(json_extract_string(u.remote_pct, '$."{sub}"')) END)""")


def mapped(kind: str) -> dict[str, str]:
    """A kind's coded columns and the alias table each is mapped through."""
    return {**{c: t for c, t in MAPPED.items() if c in TEXT_COLUMNS[kind]},
            **KIND_MAPPED.get(kind, {})}


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    for m in MACROS:
        con.execute(m)


def stack(con: duckdb.DuckDBPyConnection, kind: str, tables: list[Staged]) -> None:
    """u_<kind>: a view of every staged table of that kind, one row per record, trimmed."""
    parts = []
    for t in tables:
        row = f"CAST(rowid + {t.first_row} AS BIGINT)" if t.first_row is not None else "_row"
        unit = t.headers.units.get("amount")
        cols = ", ".join(
            (f"sm_text({c}) AS {c}" if c in t.headers.columns else f"NULL::VARCHAR AS {c}")
            for c in TEXT_COLUMNS[kind])
        parts.append(
            f"SELECT {'_file' if t.members else _lit(t.file)} AS _file, "
            f"{_lit(t.sheet)}::VARCHAR AS _sheet, {row} AS _row, "
            f"{unit.scale if unit else 1}::BIGINT AS _scale, "
            f"{_lit(unit.currency if unit else None)}::VARCHAR AS _hcur, "
            f"{_lit(t.headers.headers.get('amount', 'amount'))}::VARCHAR AS _amount_header, "
            f"{'TRUE' if t.round_to_cent else 'FALSE'} AS _round, "
            f"{'_formula' if t.formulas else 'NULL::VARCHAR AS _formula'}, {cols} FROM {t.name} "
            f"WHERE {t.keep_sql}")
    empty = ", ".join(f"NULL::VARCHAR AS {c}" for c in TEXT_COLUMNS[kind])
    parts.append(f"SELECT NULL::VARCHAR AS _file, NULL::VARCHAR AS _sheet, NULL::BIGINT AS _row, "
                 f"1::BIGINT AS _scale, NULL::VARCHAR AS _hcur, NULL::VARCHAR AS _amount_header, "
                 f"FALSE AS _round, NULL::VARCHAR AS _formula, {empty} WHERE FALSE")
    con.execute(f"CREATE OR REPLACE VIEW u_{kind} AS " + " UNION ALL ".join(parts))


def map_words(con: duckdb.DuckDBPyConnection, kind: str) -> None:
    """m_<kind>_<column>(raw, code): each distinct word of a coded column and the code it
    means (few distinct words even in millions of rows, so the mapping runs in Python)."""
    table = mapped(kind)
    cols = list(table)
    if not cols:
        return
    sets = ", ".join(f"({c})" for c in cols)
    found = con.execute(f"SELECT {', '.join(cols)} FROM u_{kind} GROUP BY GROUPING SETS ({sets})"
                        ).fetchall()
    for i, col in enumerate(cols):
        words = sorted({r[i] for r in found if r[i] is not None})
        if table[col] == "periods":       # a period's code, and its last month (the rate's)
            periods = [_period(w) for w in words]
            arrow = pa.table({"raw": pa.array(words, pa.string()),
                              "code": pa.array([p and str(p) for p in periods], pa.string()),
                              "end_month": pa.array([p and p.end.replace(day=1) for p in periods],
                                                    pa.date32())})
            con.register("_words", arrow)
            con.execute(f"CREATE OR REPLACE TABLE m_{kind}_{col} AS SELECT * FROM _words")
            con.unregister("_words")
            continue
        lookup = _words(table[col])
        codes = []
        for w in words:
            code = lookup.get(norm(w))
            if code is None and col == "nature":
                code = registration_type_nature(w.strip())
            codes.append(code)
        arrow = pa.table({"raw": pa.array(words, pa.string()), "code": pa.array(codes, pa.string())})
        con.register("_words", arrow)
        con.execute(f"CREATE OR REPLACE TABLE m_{kind}_{col} AS SELECT * FROM _words")
        con.unregister("_words")


def typed(con: duckdb.DuckDBPyConnection, kind: str) -> None:
    """n_<kind>: u_<kind> plus the typed value of every column.  Amounts become exact US
    cents: the amount × the header's unit × 100 in its own currency, then × the month's
    rate from ``r_all`` (filings.md), rounded half-up to the cent only there and for
    spreadsheet numbers ("the decimal it shows, to the cent")."""
    cols = list(mapped(kind))
    joins = " ".join(f"LEFT JOIN m_{kind}_{c} AS m_{c} ON m_{c}.raw = u.{c}" for c in cols)
    codes = "".join(f", m_{c}.code AS {c}_code" for c in cols)
    extra = {
        # GB/T 4754-2017: a 门类 letter (A–T), or a 大类 (01–97) — its first two digits when a
        # 中类 or 小类 is written
        "enterprises": r""", CASE
            WHEN regexp_full_match(u.industry, '[A-Ta-t]') THEN upper(u.industry)
            WHEN regexp_full_match(u.industry, '\d{2,4}') AND left(u.industry, 2) BETWEEN '01' AND '97'
            THEN left(u.industry, 2) END AS industry_code""",
        "contracts": ", sm_date(u.signed_on) AS signed_date",
        "executions": ", sm_date(u.executed_on) AS executed_date",
        "rates": ", sm_month(u.month) AS month_date, sm_rate(u.usd_per_unit) AS rate",
        "platforms": "",
        # the statistical month: 统计月份, else the clearance date's, else the declaration
        # date's (a warning: date-is-declaration-date); HS: the first two digits of the code
        "ecommerce": r""", sm_month(u.month) AS month_given, sm_date(u.cleared_on) AS cleared_date,
            sm_date(u.declared_on) AS declared_date,
            coalesce(month_given, date_trunc('month', cleared_date)::DATE,
                     date_trunc('month', declared_date)::DATE) AS month_date,
            CASE WHEN u.hs_chapter IS NULL OR upper(u.hs_chapter) = '_U' THEN '_U'
                 WHEN regexp_full_match(regexp_replace(u.hs_chapter, '[.\s]', '', 'g'), '\d{2,10}')
                 THEN left(u.hs_chapter, 2) END AS hs_code,
            CASE WHEN regexp_full_match(u.enterprises, '\d{1,9}')
                 THEN CAST(u.enterprises AS INTEGER) END AS enterprises_int""",
        "services": ", sm_month(u.month) AS month_date",
        # an annual survey: its amount takes December's rate
        "dt_survey": r""", CASE WHEN regexp_full_match(u.year, '\d{4}\s*年?')
                 THEN CAST(left(u.year, 4) AS INTEGER) END AS year_int,
            CASE WHEN year_int BETWEEN 1 AND 9999 THEN make_date(year_int, 12, 1) END AS year_date,
            """ + ", ".join(f"{sm_pct(_stored('u.' + c))} AS {c}_int" for c in SURVEY_PCT),
        "totals": ", m_period.end_month AS period_end",
    }[kind]
    if kind == "contracts":   # 远程交付比例: a whole percent, '%' allowed
        extra += f", {sm_pct('u.remote_share')} AS share_int"
    if kind == "services":
        extra += (f", {sm_pct('u.remote_share')} AS remote_int, "
                  f"{sm_pct('u.ordered_online_share')} AS ordered_int")
    inner = f"SELECT u.*{codes}{extra} FROM u_{kind} u {joins}"
    if kind not in MONEY_DATE:
        con.execute(f"CREATE OR REPLACE TABLE n_{kind} AS {inner}")
        return
    date = MONEY_DATE[kind]
    # an amount of 10^12 or more once the unit is applied has no cents (amount-too-large),
    # nor has one whose cents overflow BIGINT after the rate: never a crash
    con.execute(f"""CREATE OR REPLACE TABLE n_{kind} AS
        SELECT t.*, CASE WHEN t.cur = 'USD' THEN 1 ELSE r.usd_per_unit END AS rate_usd,
               CASE WHEN t.cur = 'USD' THEN TRY_CAST(round(t.base_cents) AS BIGINT)
                    ELSE TRY_CAST(round(CASE WHEN t._round THEN round(t.base_cents) ELSE t.base_cents
                                    END * r.usd_per_unit) AS BIGINT) END AS amount_cents
        FROM (SELECT *,
                  -- the header's currency, else the row's, else USD (filings.md: empty is USD)
                  coalesce(_hcur, currency_code, CASE WHEN currency IS NULL THEN 'USD' END) AS cur,
                  sm_num(amount) AS amount_dec,
                  CASE WHEN abs(amount_dec * _scale) < 1000000000000
                       THEN amount_dec * _scale * 100 END AS base_cents
              FROM ({inner})) t
        LEFT JOIN r_all r ON t.cur <> 'USD' AND r.currency = t.cur
                         AND r.month = date_trunc('month', t.{date})""")


def _period(text: str):
    """A period written in a totals file (2024H1, 2024年上半年 …), None when it is not one."""
    from shumao.errors import PeriodError
    from shumao.model.periods import Period
    try:
        return Period.parse(text)
    except PeriodError:
        return None


def _lit(v) -> str:
    if v is None:
        return "NULL"
    return "'" + str(v).replace("'", "''") + "'"
