"""The kinds of record an import holds as the store keeps them: columns, logical types, keys
and Arrow schemas — the four of a filing (filings.md) and the two of digital trade
(spec/digital-trade.md §6.1: ``platforms``, customs ``ecommerce``, the optional ``services``
direct reports, ``dt_survey`` enterprise survey and ``totals`` benchmarks; contracts carry its four
optional columns after ``batch_id``, where the schema-6 migration added them).  Ingest produces batches of exactly these columns;
the store renders them as tables (store/schema.py).

Money is integer US cents (``amount_cents``) beside the amount as filed (``orig_amount`` in
the file's unit, ``orig_scale`` the unit's multiplier, ``currency``).

``EXPORTED`` are the same records as ``shumao export`` writes them to Parquet (shumao/lake/export.py):
each kind's store columns, then what a reader of that one table needs from the others, then
the Hive partition columns of the dated kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa


@cache
def arrow_types() -> dict[str, pa.DataType]:
    """Each logical type's Arrow type (pyarrow imported here, when a batch or file needs it:
    the commands that only read the store start without it)."""
    import pyarrow as pa

    return {
        "text": pa.string(), "int": pa.int32(), "bigint": pa.int64(), "date": pa.date32(),
        "time": pa.timestamp("us", tz="UTC"), "bool": pa.bool_(),
        "amount": pa.decimal128(18, 6), "rate": pa.decimal128(20, 10), "bytes": pa.binary(),
        "money": pa.decimal128(18, 2),     # an amount to the cent (the Parquet export)
    }


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str, bool], ...]      # (name, logical type, nullable)
    key: tuple[str, ...] = ()
    comment: str = ""

    @property
    def names(self) -> list[str]:
        return [c for c, _, _ in self.columns]

    def arrow(self, without: tuple[str, ...] = ()) -> pa.Schema:
        import pyarrow as pa

        types = arrow_types()
        return pa.schema([pa.field(c, types[t], nullable=n)
                          for c, t, n in self.columns if c not in without])


def table(name, key, *cols, comment=""):
    """A table from (column, logical type[, "null"]) tuples."""
    return Table(name, tuple((c[0], c[1], len(c) > 2 and c[2] == "null") for c in cols),
                 key, comment)


RECORDS = {
    "enterprises": table("enterprises", ("enterprise_id",),
                      ("enterprise_id", "text"), ("name", "text"), ("nature", "text"),
                      ("region", "text", "null"), ("batch_id", "int"),
                      # optional (spec/digital-trade.md §6.1.6), after batch_id where the
                      # schema-11 migration added them
                      ("size_class", "text", "null"), ("industry", "text", "null"),
                      comment="nature: domestic | hmt | foreign; size_class: L | M | S | XS "
                              "(NBS 大中小微); industry: GB/T 4754-2017 门类 letter or 2-digit 大类"),
    "contracts": table("contracts", ("contract_id",),
                    ("contract_id", "text"), ("enterprise_id", "text"), ("signed_on", "date"),
                    ("client_country", "text"), ("category", "text"), ("amount_cents", "bigint"),
                    ("orig_amount", "amount"), ("orig_scale", "bigint"), ("currency", "text"),
                    ("status", "text"), ("batch_id", "int"),
                    # digital trade (spec §6.1.2), all optional: NULL is absent (9A.2)
                    ("subcategory", "text", "null"), ("delivery_mode", "text", "null"),
                    ("remote_share", "int", "null"), ("ordered_online", "text", "null"),
                    ("platform_id", "text", "null"),
                    comment="client_country: ISO 3166-1 alpha-2, CN = onshore; delivery_mode: "
                            "remote | onsite | mixed | unknown, remote_share the effective "
                            "percent (remote 100, onsite 0); ordered_online: yes | no | unknown"),
    "executions": table("executions", ("execution_id",),
                     ("execution_id", "text"), ("contract_id", "text"), ("executed_on", "date"),
                     ("amount_cents", "bigint"), ("orig_amount", "amount"),
                     ("orig_scale", "bigint"), ("currency", "text"), ("status", "text"),
                     ("batch_id", "int")),
    "rates": table("rates", ("currency", "month"),
                ("currency", "text"), ("month", "date"), ("usd_per_unit", "rate"),
                ("batch_id", "int")),
    "platforms": table("platforms", ("platform_id",),
                    ("platform_id", "text"), ("name", "text"), ("role", "text"),
                    ("resident", "bool"), ("source", "text", "null"), ("batch_id", "int"),
                    comment="role: dip | reseller | own_site | b2b_marketplace"),
    # one customs declaration/list line or one aggregated cell (spec §6.1.1)
    "ecommerce": table("ecommerce", ("line_id",),
                    ("line_id", "text"), ("basis", "text"), ("regime", "text", "null"),
                    ("flow", "text"), ("month", "date"), ("partner", "text", "null"),
                    ("hs_chapter", "text"), ("amount_cents", "bigint"),
                    ("orig_amount", "amount"), ("orig_scale", "bigint"), ("currency", "text"),
                    ("enterprise_id", "text", "null"), ("enterprises", "int", "null"),
                    ("platform_id", "text", "null"), ("public", "bool", "null"),
                    ("batch_id", "int"),
                    comment="basis: regime | full_scope; flow: X | M; partner: ISO alpha-2, "
                            "NULL unknown; hs_chapter: 01–97 or _U"),
    # the bureau's services-trade direct reports (服务贸易直报, spec §6.1.4): never added to
    # service-outsourcing figures; they feed the services blocks only by setting
    "services": table("services", ("record_id",),
                   ("record_id", "text"), ("enterprise_id", "text"), ("month", "date"),
                   ("flow", "text"), ("partner", "text", "null"), ("ebops", "text"),
                   ("amount_cents", "bigint"), ("orig_amount", "amount"),
                   ("orig_scale", "bigint"), ("currency", "text"),
                   ("remote_share", "int", "null"), ("ordered_online_share", "int", "null"),
                   ("batch_id", "int"),
                   comment="flow: X | M; partner: ISO alpha-2, NULL unknown; ebops: EBOPS 2010 "
                           "code; shares: whole percent 0–100, NULL not reported"),
    # the enterprise survey (数字贸易企业调查, spec §6.1.5): estimates only, never reported figures
    "dt_survey": table("dt_survey", ("enterprise_id", "year"),
                    ("enterprise_id", "text"), ("year", "int"),
                    ("online_ordered_pct", "int", "null"), ("via_dip_pct", "int", "null"),
                    ("remote_pct", "text", "null"), ("amount_cents", "bigint", "null"),
                    ("orig_amount", "amount", "null"), ("orig_scale", "bigint"),
                    ("currency", "text", "null"), ("batch_id", "int"),
                    comment="remote_pct: JSON {sub-category: whole percent} of the answers given; "
                            "amount: exports declared as ordinary trade but ordered online"),
    # benchmarks (spec §6.1.7): only for "share of total trade" ratios
    "totals": table("totals", ("name", "period", "flow"),
                 ("name", "text"), ("period", "text"), ("flow", "text"),
                 ("amount_cents", "bigint"), ("orig_amount", "amount"), ("orig_scale", "bigint"),
                 ("currency", "text"), ("source", "text", "null"), ("batch_id", "int"),
                 comment="name: goods_trade | services_trade; period: a period's code "
                         "(2024H1); flow: X | M | T"),
}
KINDS = tuple(RECORDS)
# contracts' digital-trade columns (spec/digital-trade.md §6.1.2; optional, filed on the web too)
DIGITAL_COLUMNS = ("subcategory", "delivery_mode", "remote_share", "ordered_online", "platform_id")
# enterprises' optional columns for digital trade's breakdowns (spec §6.1.6)
ENTERPRISE_COLUMNS = ("size_class", "industry")
# the kinds whose rows carry a review status (filings.md: approved | pending | returned)
STATUS_KINDS = ("contracts", "executions")

# a dated kind's date (shumao export partitions by its year and month) and a kind's id column
DATE_OF = {"contracts": "signed_on", "executions": "executed_on"}
KEY_OF = {"contracts": "contract_id", "executions": "execution_id"}
# the record columns a filing shows and edits, per kind (batch_id and status are the store's)
FIELDS = {k: tuple(c for c in RECORDS[k].names
                   if c not in ("batch_id", "status")) for k in STATUS_KINDS}

# shumao export (shumao/lake/export.py): kinds in the order written — the four of a filing,
# then every kind digital trade reads (indicators.digital), whole: they carry no review status
PARTITION = (("year", "int", False), ("month", "int", False))
_JOINED = {  # the enterprise's attributes, and an execution's from its contract
    "contracts": (("nature", "text", True), ("region", "text", True)),
    "executions": (("enterprise_id", "text", False), ("client_country", "text", False),
                   ("category", "text", False), ("nature", "text", True),
                   ("region", "text", True)),
}
# ``amount``: the amount in ``currency`` to the cent — orig_amount × orig_scale, rounded
# half-up to the cent as the import did ("the decimal it shows, to the cent") — so that the
# data set is also an import file whose cents come out the same (filings.md's ``amount``);
# for every kind with an amount as filed (NULL where that is: dt_survey's is optional)
_AMOUNT = ("amount", "money")
EXPORTED = {
    kind: Table(kind, RECORDS[kind].columns + _JOINED.get(kind, ())
                + tuple((*_AMOUNT, n) for c, _, n in RECORDS[kind].columns if c == "orig_amount")
                + (PARTITION if kind in DATE_OF else ()), RECORDS[kind].key)
    for kind in ("enterprises", "rates", "contracts", "executions",
                 "platforms", "ecommerce", "services", "dt_survey", "totals")
}
# the kinds of a data set of schema version 1 (before the digital-trade kinds were exported)
EXPORTED_V1 = ("enterprises", "rates", "contracts", "executions")
