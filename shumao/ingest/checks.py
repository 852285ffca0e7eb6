"""Checks: SQL over the typed tables ``n_<kind>`` and the finished records ``f_<kind>`` of
the private staging database, each yielding ``Finding``s — one per problem, all of them,
never only the first.  Row checks look at one record; cross checks at records together
(duplicates, references, the store's snapshot ``store_*``, running totals, usual amounts).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

import duckdb

from shumao.ingest.headers import KINDS
from shumao.ingest.normalise import SURVEY_PCT, sm_pct
from shumao.model import rules
from shumao.model.digital import SHARE_RANGE
from shumao.model.digital_codes import subcategories
from shumao.model.records import RECORDS


class Finding(NamedTuple):
    """One problem at one cell, as the checks' SQL selects it."""

    file: str
    sheet: str | None
    row: int | None
    column: str
    value: str | None
    code: str
    detail: str | None



def _bad_date(prefix: str) -> str:  # the pattern test runs only where no date came out
    return (f"CASE WHEN {prefix}_date IS NULL AND {prefix}_on IS NOT NULL "
            f"THEN NOT sm_date_form({prefix}_on) ELSE FALSE END")


def _out_of_range(prefix: str) -> str:
    return (f"{prefix}_date IS NOT NULL AND "
            f"NOT year({prefix}_date) BETWEEN {rules.FIRST_YEAR} AND {rules.LAST_YEAR}")


def _impossible_date(prefix: str) -> str:
    return (f"CASE WHEN {prefix}_date IS NULL AND {prefix}_on IS NOT NULL "
            f"THEN sm_date_form({prefix}_on) ELSE FALSE END")


# kind → [(code, column, condition over n_<kind>)]; the value shown is the column's text
ROW_CHECKS: dict[str, list[tuple[str, str, str]]] = {
    "enterprises": [
        ("missing-value", "enterprise_id", "enterprise_id IS NULL"),
        ("missing-value", "name", "name IS NULL"),
        ("missing-value", "nature", "nature IS NULL"),
        ("bad-credit-code", "enterprise_id", "NOT sm_credit_ok(upper(enterprise_id))"),
        ("unknown-nature", "nature", "nature IS NOT NULL AND nature_code IS NULL"),
        # optional (spec/digital-trade.md §6.1.6)
        ("bad-size-class", "size_class", "size_class IS NOT NULL AND size_class_code IS NULL"),
        ("bad-industry", "industry", "industry IS NOT NULL AND industry_code IS NULL"),
    ],
    "contracts": [
        ("missing-value", "contract_id", "contract_id IS NULL"),
        ("missing-value", "enterprise_id", "enterprise_id IS NULL"),
        ("missing-value", "signed_on", "signed_on IS NULL"),
        ("missing-value", "client_country", "client_country IS NULL"),
        ("missing-value", "category", "category IS NULL"),
        ("missing-value", "amount", "amount IS NULL"),
        ("bad-date", "signed_on", _bad_date("signed")),
        ("impossible-date", "signed_on", _impossible_date("signed")),
        ("date-out-of-range", "signed_on", _out_of_range("signed")),
        ("unknown-country", "client_country",
         "client_country IS NOT NULL AND client_country_code IS NULL"),
        ("unknown-category", "category", "category IS NOT NULL AND category_code IS NULL"),
    ],
    "executions": [
        ("missing-value", "execution_id", "execution_id IS NULL"),
        ("missing-value", "contract_id", "contract_id IS NULL"),
        ("missing-value", "executed_on", "executed_on IS NULL"),
        ("missing-value", "amount", "amount IS NULL"),
        ("bad-date", "executed_on", _bad_date("executed")),
        ("impossible-date", "executed_on", _impossible_date("executed")),
        ("date-out-of-range", "executed_on", _out_of_range("executed")),
    ],
    "rates": [
        ("missing-value", "currency", "currency IS NULL"),
        ("missing-value", "month", "month IS NULL"),
        ("missing-value", "usd_per_unit", "usd_per_unit IS NULL"),
        ("unknown-currency", "currency", "currency IS NOT NULL AND currency_code IS NULL"),
        ("bad-month", "month", "month IS NOT NULL AND month_date IS NULL"),
        ("bad-rate", "usd_per_unit", "usd_per_unit IS NOT NULL AND (rate IS NULL OR rate <= 0)"),
    ],
}
MONEY_CHECKS = [
    ("unknown-currency", "currency", "currency IS NOT NULL AND currency_code IS NULL"),
    ("currency-conflict", "currency",
     "_hcur IS NOT NULL AND currency_code IS NOT NULL AND currency_code <> _hcur"),
    ("unknown-status", "status", "status IS NOT NULL AND status_code IS NULL"),
    ("bad-number", "amount",
     "amount IS NOT NULL AND amount_dec IS NULL AND NOT sm_num_too_large(amount)"),
    # the text, or the amount once the header's unit is applied, is 10^12 or more; or its
    # cents overflow after the rate (normalise.typed leaves them NULL)
    ("amount-too-large", "amount",
     "amount IS NOT NULL AND CASE WHEN amount_dec IS NULL THEN sm_num_too_large(amount) "
     "ELSE base_cents IS NULL OR (rate_usd IS NOT NULL AND amount_cents IS NULL) END"),
    ("negative-amount", "amount", "amount_dec < 0"),
    # not whole cents once the unit is applied, or more decimals than the store keeps: never
    # rounded to a millionth first (100.0000001, 1e-07, 0.30000000000000004)
    ("fraction-of-cent", "amount", "NOT _round AND amount_dec >= 0 AND "
                                   "(base_cents <> round(base_cents) OR sm_past_micro(amount))"),
]
ROW_CHECKS["contracts"] += MONEY_CHECKS
ROW_CHECKS["executions"] += MONEY_CHECKS

# digital trade (spec/digital-trade.md §6.2); ref_regimes and ref_subcategories are the
# reference files staged by ``Staging.normalise``
_REGIME = "(SELECT * FROM ref_regimes r WHERE r.code = regime)"
_SHARE_GIVEN = "remote_share IS NOT NULL AND share_int IS NOT NULL AND share_int <= 100"


def _share_fits() -> str:
    """``delivery-share-inconsistent`` from model.digital.SHARE_RANGE (the web filing's rule
    too, ``share_fits``); a share that is no whole 0–100 is only ``remote-share-out-of-range``,
    an unknown word only ``bad-delivery-mode``."""
    whens = " ".join(
        f"WHEN '{mode}' THEN " + ("" if lo == hi else "remote_share IS NULL OR ")
        + f"({_SHARE_GIVEN} AND share_int NOT BETWEEN {lo} AND {hi})"
        for mode, (lo, hi) in SHARE_RANGE.items())
    return (f"CASE coalesce(delivery_mode_code, '') {whens} "
            f"WHEN 'unknown' THEN {_SHARE_GIVEN} ELSE delivery_mode IS NULL AND {_SHARE_GIVEN} END")


ROW_CHECKS["contracts"] += [
    ("unknown-subcategory", "subcategory", "subcategory IS NOT NULL AND subcategory_code IS NULL"),
    ("subcategory-parent-mismatch", "subcategory",
     "subcategory_code IS NOT NULL AND category_code IS NOT NULL AND category_code <> "
     "(SELECT parent FROM ref_subcategories s WHERE s.code = subcategory_code)"),
    ("bad-delivery-mode", "delivery_mode",
     "delivery_mode IS NOT NULL AND delivery_mode_code IS NULL"),
    ("remote-share-out-of-range", "remote_share",
     "remote_share IS NOT NULL AND (share_int IS NULL OR share_int > 100)"),
    ("delivery-share-inconsistent", "remote_share", _share_fits()),
    ("bad-ordered-online", "ordered_online",
     "ordered_online IS NOT NULL AND ordered_online_code IS NULL"),
]
ROW_CHECKS["platforms"] = [
    ("missing-value", "platform_id", "platform_id IS NULL"),
    ("missing-value", "name", "name IS NULL"),
    ("missing-value", "role", "role IS NULL"),
    ("missing-value", "resident", "resident IS NULL"),
    ("bad-platform-role", "role", "role IS NOT NULL AND role_code IS NULL"),
    ("bad-yes-no", "resident", "resident IS NOT NULL AND resident_code IS NULL"),
]
ROW_CHECKS["ecommerce"] = [
    ("missing-value", "line_id", "line_id IS NULL"),
    ("missing-value", "flow", "flow IS NULL"),
    ("missing-value", "amount", "amount IS NULL"),
    ("missing-value", "month", "month IS NULL AND cleared_on IS NULL AND declared_on IS NULL"),
    ("missing-value", "regime",
     "regime IS NULL AND (basis IS NULL OR basis_code = 'regime')"),
    ("bad-month", "month", "month IS NOT NULL AND month_given IS NULL"),
    ("bad-date", "cleared_on", "cleared_on IS NOT NULL AND cleared_date IS NULL"),
    ("bad-date", "declared_on", "declared_on IS NOT NULL AND declared_date IS NULL"),
    ("date-out-of-range", "month", _out_of_range("month")),
    ("date-is-declaration-date", "declared_on",
     "month IS NULL AND cleared_on IS NULL AND declared_date IS NOT NULL"),
    ("unknown-basis", "basis", "basis IS NOT NULL AND basis_code IS NULL"),
    ("bad-flow", "flow", "flow IS NOT NULL AND flow_code IS NULL"),
    ("unknown-regime", "regime",
     f"regime IS NOT NULL AND NOT EXISTS {_REGIME}"),
    ("regime-not-ecommerce", "regime",
     "EXISTS (SELECT * FROM ref_regimes r WHERE r.code = regime AND NOT r.ecommerce)"),
    ("regime-flow-mismatch", "flow",
     "flow_code IS NOT NULL AND EXISTS (SELECT * FROM ref_regimes r WHERE r.code = regime "
     "AND NOT list_contains(string_split(r.flows, '|'), flow_code))"),
    ("regime-not-in-force", "regime",
     "month_date IS NOT NULL AND EXISTS (SELECT * FROM ref_regimes r WHERE r.code = regime "
     "AND r.valid_month IS NOT NULL AND month_date < r.valid_month)"),
    ("full-scope-has-detail", "basis",
     "basis_code = 'full_scope' AND (regime IS NOT NULL OR enterprise_id IS NOT NULL)"),
    ("bad-hs-chapter", "hs_chapter",
     "hs_code IS NULL OR (hs_code <> '_U' AND (hs_code NOT BETWEEN '01' AND '97' "
     "OR hs_code = '77'))"),
    ("unknown-country", "partner", "partner IS NOT NULL AND partner_code IS NULL"),
    ("partner-is-china", "partner", "partner_code = 'CN'"),
    ("bad-credit-code", "enterprise_id",
     "enterprise_id IS NOT NULL AND NOT sm_credit_ok(upper(enterprise_id))"),
    ("bad-number", "enterprises", "enterprises IS NOT NULL AND enterprises_int IS NULL"),
    ("bad-yes-no", "public", "public IS NOT NULL AND public_code IS NULL"),
    *[c for c in MONEY_CHECKS if c[0] != "unknown-status"],
]

# the bureau's services-trade direct reports (spec §6.1.4): an enterprise outside the
# association is allowed (the bureau's tier), its credit code is still checked
ROW_CHECKS["services"] = [
    *[("missing-value", c, f"{c} IS NULL")
      for c in ("record_id", "enterprise_id", "month", "flow", "ebops", "amount")],
    ("bad-month", "month", "month IS NOT NULL AND month_date IS NULL"),
    ("date-out-of-range", "month", _out_of_range("month")),
    ("bad-flow", "flow", "flow IS NOT NULL AND flow_code IS NULL"),
    ("unknown-ebops", "ebops", "ebops IS NOT NULL AND ebops_code IS NULL"),
    ("unknown-country", "partner", "partner IS NOT NULL AND partner_code IS NULL"),
    ("bad-credit-code", "enterprise_id",
     "enterprise_id IS NOT NULL AND NOT sm_credit_ok(upper(enterprise_id))"),
    ("remote-share-out-of-range", "remote_share",
     "remote_share IS NOT NULL AND (remote_int IS NULL OR remote_int > 100)"),
    ("share-out-of-range", "ordered_online_share",
     "ordered_online_share IS NOT NULL AND (ordered_int IS NULL OR ordered_int > 100)"),
    *[c for c in MONEY_CHECKS if c[0] != "unknown-status"],
]

# the enterprise survey (spec §6.1.5): estimates only; every percentage a whole 0–100
_OBJECT = "coalesce(try(json_type(remote_pct)) = 'OBJECT', false)"
_ANSWER = """try(json_extract_string(remote_pct, '$."' || k || '"'))"""
ROW_CHECKS["dt_survey"] = [
    ("missing-value", "enterprise_id", "enterprise_id IS NULL"),
    ("missing-value", "year", "year IS NULL"),
    ("bad-credit-code", "enterprise_id",
     "enterprise_id IS NOT NULL AND NOT sm_credit_ok(upper(enterprise_id))"),
    ("bad-year", "year", f"year IS NOT NULL AND (year_int IS NULL OR year_int NOT BETWEEN "
                         f"{rules.FIRST_YEAR} AND {rules.LAST_YEAR})"),
    *[("share-out-of-range", c, f"{c} IS NOT NULL AND ({c}_int IS NULL OR {c}_int > 100)")
      for c in SURVEY_PCT],
    # the remote shares as the store keeps them (a data set of shumao export): a JSON object
    # of known sub-categories, each a whole percent 0–100
    ("share-out-of-range", "remote_pct",
     f"remote_pct IS NOT NULL AND NOT coalesce({_OBJECT} AND coalesce(list_bool_and("
     f"list_transform(try(json_keys(remote_pct)), lambda k: coalesce({sm_pct(_ANSWER)} <= 100, "
     "false))), true), false)"),
    ("unknown-subcategory", "remote_pct",
     f"{_OBJECT} AND NOT coalesce(list_bool_and(list_transform(try(json_keys(remote_pct)), "
     f"lambda k: list_contains([{', '.join(repr(c) for c in subcategories())}], k))), true)"),
    *[c for c in MONEY_CHECKS if c[0] != "unknown-status"],
]

# benchmarks (spec §6.1.7): a named total of one period and flow
ROW_CHECKS["totals"] = [
    *[("missing-value", c, f"{c} IS NULL") for c in ("name", "period", "flow", "amount")],
    ("unknown-total-name", "name", "name IS NOT NULL AND name_code IS NULL"),
    ("bad-period", "period", "period IS NOT NULL AND period_code IS NULL"),
    ("bad-flow", "flow", "flow IS NOT NULL AND flow_code IS NULL"),
    *[c for c in MONEY_CHECKS if c[0] != "unknown-status"],
]

KEYS = {k: list(RECORDS[k].key) for k in KINDS}

Found = list[Finding]


def _found(con: duckdb.DuckDBPyConnection, sql: str) -> Found:
    return [Finding(*r) for r in con.execute(sql).fetchall()]


def _select(kind: str, code: str, column: str, cond: str, value: str | None = None,
            detail: str = "NULL", table: str = "n") -> str:
    return (f"SELECT _file, _sheet, _row, '{column}' AS col, {value or column}::VARCHAR AS val, "
            f"'{code}' AS code, {detail}::VARCHAR AS detail FROM {table}_{kind} WHERE {cond}")


def _formula_aware(code: str, column: str, cond: str) -> str:
    """An XLSX formula without a value is reported by the reader (formula-without-value),
    not again as an empty cell."""
    if code != "missing-value":
        return cond
    return f"({cond}) AND NOT coalesce(contains(_formula, ',{column},'), FALSE)"


def row_checks(con: duckdb.DuckDBPyConnection, today: dt.date) -> Found:
    parts = [_select(k, code, col, _formula_aware(code, col, cond))
             for k in KINDS for code, col, cond in ROW_CHECKS[k]]
    parts += [   # a date past the last year is date-out-of-range, not also a warning
        _select(k, "future-date", f"{p}_on",
                f"{p}_date > DATE '{today}' AND year({p}_date) <= {rules.LAST_YEAR}")
        for k, p in (("contracts", "signed"), ("executions", "executed"))]
    return _found(con, " UNION ALL ".join(parts))


def duplicate_ids(con: duckdb.DuckDBPyConnection, kind: str, content: str) -> Found:
    """The same id twice in this import with different content: every such row (a customs
    line: ``duplicate-line``)."""
    code = "duplicate-line" if kind == "ecommerce" else "duplicate-id"
    keys = ", ".join(KEYS[kind])
    shown = ("currency || ' ' || month" if kind == "rates" else
             "enterprise_id || ' ' || year" if kind == "dt_survey" else
             "name || ' ' || period || ' ' || flow" if kind == "totals" else KEYS[kind][0])
    return _found(con, f"""
        WITH k AS (SELECT {keys} FROM f_{kind}_all GROUP BY {keys}
                   HAVING count(DISTINCT {content}) > 1)
        SELECT _file, _sheet, _row, '{KEYS[kind][-1] if kind != "rates" else "month"}',
               {shown}, '{code}', NULL
        FROM f_{kind}_all JOIN k USING ({keys}) ORDER BY _file, _row""")


def references(con: duckdb.DuckDBPyConnection) -> Found:
    """Every row that names an enterprise or contract found neither in this import nor in
    the store."""
    return _found(con, """
        SELECT _file, _sheet, _row, 'enterprise_id', enterprise_id, 'unknown-enterprise', NULL
        FROM f_contracts_all
        WHERE enterprise_id NOT IN (SELECT enterprise_id FROM f_enterprises_all
                                    WHERE enterprise_id IS NOT NULL)
          AND enterprise_id NOT IN (SELECT enterprise_id FROM store_enterprises)
        UNION ALL
        SELECT _file, _sheet, _row, 'contract_id', contract_id, 'unknown-contract', NULL
        FROM f_executions_all
        WHERE contract_id NOT IN (SELECT contract_id FROM f_contracts_all
                                  WHERE contract_id IS NOT NULL)
          AND contract_id NOT IN (SELECT contract_id FROM store_contracts)
        UNION ALL
        SELECT _file, _sheet, _row, 'platform_id', platform_id, 'unknown-platform', NULL
        FROM (SELECT _file, _sheet, _row, platform_id FROM f_contracts_all UNION ALL
              SELECT _file, _sheet, _row, platform_id FROM f_ecommerce_all)
        WHERE platform_id IS NOT NULL
          AND platform_id NOT IN (SELECT platform_id FROM f_platforms_all
                                  WHERE platform_id IS NOT NULL)
          AND platform_id NOT IN (SELECT platform_id FROM store_platforms)""")


def missing_rates(con: duckdb.DuckDBPyConnection) -> Found:
    parts = [f"""SELECT _file, _sheet, _row, 'currency', cur, 'missing-rate',
                        strftime({d}, '%Y年%-m月')
                 FROM n_{k} WHERE cur IS NOT NULL AND cur <> 'USD' AND {d} IS NOT NULL
                   AND rate_usd IS NULL"""
             for k, d in (("contracts", "signed_date"), ("executions", "executed_date"),
                          ("ecommerce", "month_date"), ("services", "month_date"),
                          ("dt_survey", "year_date"), ("totals", "period_end"))]
    return _found(con, " UNION ALL ".join(parts))


def changed(con: duckdb.DuckDBPyConnection, kind: str,
            compared: list[tuple[str, str]]) -> Found:
    """Records stored with other content; the detail lists each field that differs as JSON
    [field, stored, incoming, stored currency, incoming currency] (issues.DETAILS words it).
    ``compared``: (field, SQL over ``{a}``) of what makes two records the same."""
    shown = "c.currency || ' ' || strftime(c.month, '%Y-%m')" if kind == "rates" else "c." + KEYS[kind][0]
    col = "month" if kind == "rates" else KEYS[kind][0]
    on = " AND ".join(f"s.{k} = c.{k}" for k in KEYS[kind])
    cur = "s.currency::VARCHAR, c.currency::VARCHAR" if kind in ("contracts", "executions") else "NULL, NULL"
    diffs = ", ".join(
        f"CASE WHEN {sql.format(a='c')} IS DISTINCT FROM {sql.format(a='s')} THEN "
        f"['{name}', ({sql.format(a='s')})::VARCHAR, ({sql.format(a='c')})::VARCHAR, {cur}] END"
        for name, sql in compared)
    return _found(con, f"SELECT c._file, c._sheet, c._row, '{col}', {shown}, 'changed-record', "
                       f"to_json(list_filter([{diffs}], lambda x: x IS NOT NULL))::VARCHAR "
                       f"FROM c_{kind} c JOIN store_{kind} s ON {on} WHERE c.state = 'changed'")


def running_totals(con: duckdb.DuckDBPyConnection) -> Found:
    """Warning: executions whose running total exceeds their contract's amount (filings.md),
    over the store and this import together, in date order."""
    return _found(con, """
        WITH touched AS (SELECT DISTINCT contract_id FROM f_executions),
        ex AS (
            SELECT execution_id, contract_id, executed_on, amount_cents, _file, _sheet, _row,
                   amount_raw, TRUE AS incoming FROM f_executions
            UNION ALL
            SELECT execution_id, contract_id, executed_on, amount_cents, NULL, NULL, NULL,
                   NULL, FALSE FROM store_executions_touched
            WHERE execution_id NOT IN (SELECT execution_id FROM f_executions)),
        cap AS (
            SELECT contract_id, amount_cents FROM f_contracts
            UNION ALL
            SELECT contract_id, amount_cents FROM store_contracts
            WHERE contract_id IN (SELECT contract_id FROM touched)
              AND contract_id NOT IN (SELECT contract_id FROM f_contracts)),
        -- the running total can exceed the cap only where the whole total does: order by
        -- date only the executions of those few contracts
        total AS (SELECT contract_id, sum(amount_cents) AS cents FROM ex GROUP BY contract_id),
        over AS (SELECT contract_id FROM total JOIN cap USING (contract_id)
                 WHERE total.cents > cap.amount_cents),
        run AS (
            SELECT ex.*, cap.amount_cents AS cap_cents,
                   sum(ex.amount_cents) OVER (PARTITION BY ex.contract_id
                       ORDER BY ex.executed_on, ex.execution_id) AS total
            FROM ex JOIN cap USING (contract_id) SEMI JOIN over USING (contract_id))
        SELECT _file, _sheet, _row, 'amount', amount_raw, 'exceeds-contract',
               format('{} {}', total, cap_cents)
        FROM run WHERE incoming AND amount_cents IS NOT NULL AND total > cap_cents
        ORDER BY _file, _row""")


def owned(kind: str) -> str:
    """The incoming contracts or executions with the enterprise they belong to (an
    execution's through its contract, in this import or in the store)."""
    if kind == "contracts":
        return ("SELECT _file, _sheet, _row, amount_raw, amount_cents, signed_on AS d, "
                "enterprise_id FROM f_contracts")
    return ("SELECT x._file, x._sheet, x._row, x.amount_raw, x.amount_cents, "
            "x.executed_on AS d, c.enterprise_id FROM f_executions x JOIN "
            "(SELECT contract_id, enterprise_id FROM f_contracts UNION ALL "
            " SELECT contract_id, enterprise_id FROM store_contracts "
            " WHERE contract_id NOT IN (SELECT contract_id FROM f_contracts)) c USING (contract_id)")


# each enterprise's median amount, 10th percentile (nearest rank, model.rules.low) and count
# (here), from its incoming records (mine): median() and quantile_disc() are the fast plan
# but hold every amount of a group in memory and cannot spill (10⁸ executions ran out of the
# staging's memory); ranking the amounts in a window sorts out of core and gives the same
# median (avg of the middle one or two, NULLs left out) and 10th percentile — with ``mine``
# computed again where it is used, as a materialised CTE does not spill either
MEDIANS = {
    "in memory": f"""SELECT enterprise_id, median(amount_cents) AS median_cents,
                            quantile_disc(amount_cents, {rules.LOW_FRACTION!r}) AS low_cents,
                            count(*) AS n
                     FROM mine GROUP BY enterprise_id""",
    "sorted": """
        SELECT enterprise_id, any_value(n) AS n,
               avg(amount_cents) FILTER (k IN ((m + 1) // 2, (m + 2) // 2)) AS median_cents,
               any_value(amount_cents) FILTER (k = (m + 9) // 10) AS low_cents
        FROM (SELECT enterprise_id, amount_cents, row_number() OVER (
                  PARTITION BY enterprise_id ORDER BY amount_cents NULLS LAST) AS k FROM mine)
        JOIN (SELECT enterprise_id, count(*) AS n, count(amount_cents) AS m
              FROM mine GROUP BY enterprise_id) USING (enterprise_id)
        GROUP BY enterprise_id""",
}


BYTES_PER_AMOUNT = 128    # median() and quantile_disc() each keep each amount (8 bytes) and
                          # its bookkeeping: a wide margin
_UNITS = {"bytes": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40,
          "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}


def median_plan(con: duckdb.DuckDBPyConnection, kind: str) -> str:
    """"in memory" when median() can hold the import's amounts in the staging's memory
    limit, else "sorted" — rather than trying median() first: at 10⁸ executions the failed
    try took minutes and tens of GB of disk before it ran out of memory."""
    (limit,), = con.execute("SELECT current_setting('memory_limit')").fetchall()
    m = re.fullmatch(r"([\d.]+)\s*([A-Za-z]+)", str(limit).strip())
    if m is None or m[2] not in _UNITS:
        return "in memory"                       # unlimited, or a form not known: try it
    (rows,), = con.execute(f"SELECT count(*) FROM f_{kind}").fetchall()
    return "in memory" if rows * BYTES_PER_AMOUNT <= float(m[1]) * _UNITS[m[2]] else "sorted"


def unusual_amounts(con: duckdb.DuckDBPyConnection, kind: str, plan: str | None = None) -> Found:
    """Warning (filings.md, model.rules): an amount above the enterprise's usual amount
    times the multiple its spread allows (model.rules.multiple) — the median of its stored
    records of the twelve months before (``store_usual``), or, where the store has too few,
    of its records in this import.  The medians by the ``MEDIANS`` plan given, else in
    memory when they fit and sorted when they do not.  The detail: "basis kind median
    amount low multiple n" (cents)."""
    if plan is None:
        if median_plan(con, kind) == "sorted":
            return unusual_amounts(con, kind, "sorted")
        try:
            return unusual_amounts(con, kind, "in memory")
        except duckdb.OutOfMemoryException:     # the estimate was wrong: sort after all
            return unusual_amounts(con, kind, "sorted")
    return _found(con, f"""
        WITH mine AS {"NOT MATERIALIZED" if plan == "sorted" else ""} ({owned(kind)}),
        here AS ({MEDIANS[plan]}),
        chosen AS (
            SELECT h.enterprise_id,
                   CASE WHEN coalesce(s.n, 0) >= {rules.MIN_HISTORY} THEN s.median_cents
                        ELSE h.median_cents END AS median_cents,
                   CASE WHEN coalesce(s.n, 0) >= {rules.MIN_HISTORY} THEN s.low_cents
                        ELSE h.low_cents END AS low_cents,
                   CASE WHEN coalesce(s.n, 0) >= {rules.MIN_HISTORY} THEN s.n ELSE h.n END AS n,
                   CASE WHEN coalesce(s.n, 0) >= {rules.MIN_HISTORY} THEN s.basis
                        ELSE 'import' END AS basis
            FROM here h LEFT JOIN store_usual s USING (enterprise_id)),
        usual AS (
            SELECT *, {rules.multiple_sql("median_cents", "low_cents", "n")} AS times
            FROM chosen WHERE n >= {rules.MIN_HISTORY} AND median_cents > 0)
        SELECT _file, _sheet, _row, 'amount', amount_raw, 'unusual-amount',
               format('{{}} {kind} {{}} {{}} {{}} {{}} {{}}', basis, median_cents, amount_cents,
                      low_cents, times, n)
        FROM mine JOIN usual USING (enterprise_id)
        WHERE amount_cents > times * median_cents
        ORDER BY _file, _row""")
