"""Digital trade's blocks (spec/digital-trade.md §2.3, §7.2–§7.4, §7.6), pure: every amount
goes into exactly one disjoint *atom* — flow × block × product × EBOPS × HS chapter ×
regime × partner × control × DIP × enterprise — and every total is a sum of atoms, so the
overlap (block B) is never counted twice.

Amounts are exact integers in ``UNIT`` = cent × 10⁶: a service execution's cents × its remote
share (percent) × its crosswalk weight (basis points) is whole; a customs row's cents × 10⁶.
They are rounded half-up to cents once per shown figure (``cents``), never before.

Blocks (per flow): A (ordered digitally, not delivered digitally: goods A_G and services
A_S), B (ordered and delivered digitally), U1 (ordered digitally, delivery unknown), C
(delivered digitally, not ordered digitally), N (not digital), U2 (delivery unknown, not
ordered digitally).  DO = A + B + U1, DD = B + C, DT = A + B + U1 + C.  An unknown
``ordered_online`` counts as not ordered (ORD-UNK=NDO, spec §7.2); with the setting
``ordered_unknown = separate`` it goes to cells of its own instead — UO_DD (delivered
digitally, ordering unknown: in DD and DT, never in DO), UO_NDD and UO_UDD (not digital, or
delivery unknown) — so C, N and U2 hold only what was reported as not ordered online.
Unknown delivery is never counted as delivered.  ``check`` proves the identities of §7.4 on every run and raises
``IdentityBroken`` (a bug, never a warning) when one fails.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from shumao.errors import IdentityBroken
from shumao.model.digital_codes import BP, Crosswalk, deliverable

UNIT = 1_000_000                         # cent × 10⁶
# the ordering-unknown cells (``ordered_unknown = separate``): delivered digitally, not
# delivered digitally, delivery unknown
UNKNOWN_ORDER = ("UO_DD", "UO_NDD", "UO_UDD")
SERVICE_BLOCKS = ("A", "B", "U1", "C", "N", "U2", *UNKNOWN_ORDER)
TOTALS = {"DO": ("A", "B", "U1"), "DD": ("B", "C", "UO_DD"), "DT": ("A", "B", "U1", "C", "UO_DD")}
# the SDMX DIGITAL_NATURE code of each block (spec §8.3; DD_UDO is ours, for the setting)
NATURE_CODE = {"A": "DO_NDD", "B": "DO_DD", "C": "DD_NDO", "U1": "DO_UDD", "UO_DD": "DD_UDO"}
ORDERED_UNKNOWN = ("NDO", "separate")     # the setting's values: not ordered, or cells apart
DIP_ROLES = ("dip", "b2b_marketplace")
MIN_ENTERPRISES, DOMINANCE_PCT = 3, 85    # the 数据月报's disclosure rule (spec §7.6)


# -- a contract's four digital fields (spec §6.1.2, 9A.2–9A.3): one rule for the import's
# SQL (ingest.checks, ingest.staging) and the web filing (filing.fields) --------------------
# the remote share each delivery mode allows (whole percent, inclusive); a mode whose range is
# one value fixes the share (remote 100, onsite 0), a wider range needs one (mixed 1–99);
# ``unknown`` or no mode takes no share
SHARE_RANGE = {"remote": (100, 100), "onsite": (0, 0), "mixed": (1, 99)}
SHARE_PATTERN = r"[0-9]{1,3}\s*[%％]?"       # 远程交付比例: a whole percent, '%' allowed


def read_share(text: str) -> int | None:
    """远程交付比例 as a whole percent 0–100, None if the text writes none
    (``remote-share-out-of-range``)."""
    t = text.strip()
    if not re.fullmatch(SHARE_PATTERN, t):
        return None
    n = int(re.match(r"[0-9]+", t).group())      # type: ignore[union-attr]
    return n if n <= 100 else None


def share_fits(mode: str | None, share: int | None) -> bool:
    """The share given (None: blank) agrees with the delivery mode (else
    ``delivery-share-inconsistent``)."""
    allowed = SHARE_RANGE.get(mode or "")
    if share is None:
        return allowed is None or allowed[0] == allowed[1]
    return allowed is not None and allowed[0] <= share <= allowed[1]


def effective_share(mode: str | None, share: int | None) -> int | None:
    """The share the store keeps: a mode's fixed share, else the share given (mixed), else
    None (unknown delivery)."""
    allowed = SHARE_RANGE.get(mode or "")
    if allowed is None:
        return None
    return allowed[0] if allowed[0] == allowed[1] else share


def subcategory_fits(parent: str | None, category: str | None) -> bool:
    """A sub-category belongs to the contract's category (else ``subcategory-parent-mismatch``)."""
    return parent is None or category is None or parent == category


def cents(units: int) -> int:
    """UNIT → cents, half-up (amounts are never negative)."""
    return (units + UNIT // 2) // UNIT


@dataclass(frozen=True)
class Service:
    """The approved offshore executions of one period with the same attributes: amount in
    cents; the contract's effective remote share (None: unknown) and ordered_online."""

    amount: int
    share: int | None
    ordered: str | None                  # yes | no | unknown | None
    category: str
    subcategory: str | None
    partner: str                         # ISO alpha-2
    control: str                         # domestic | hmt | foreign | _U
    enterprise: str
    dip: bool | None = None              # the contract's platform is a DIP (None: none given)
    default_share: bool = False          # the share is an estimate (impute_delivery)
    record: str | None = None            # the execution, when classified record by record
    size: str = "_U"                     # the enterprise's size class: L | M | S | XS | _U


@dataclass(frozen=True)
class Direct:
    """Services-trade direct reports (服务贸易直报, spec §6.1.4) of one period with the same
    attributes, when the setting ``services_source = direct_reports`` feeds the services
    blocks from them: amount in cents, the EBOPS code as reported, the reported remote share
    and share ordered online (percent; None: not reported).  An unreported ordered share
    counts as not ordered (ORD-UNK=NDO) — or, with ``ordered_unknown = separate``, goes to
    the unknown-ordering cells; the two shares are taken as independent within a row [A]:
    B = a·o·r, A_S = a·o·(100−r), C = a·(100−o)·r, N = the rest; without r the row's
    ordered part is U1 and the rest U2."""

    amount: int
    flow: str                            # X | M
    ebops: str
    share: int | None
    ordered_share: int | None
    partner: str
    control: str
    enterprise: str
    record: str | None = None            # the report, when classified record by record
    size: str = "_U"


@dataclass(frozen=True)
class Goods:
    """Customs e-commerce rows of one period with the same attributes (basis=regime, an
    e-commerce regime): amount in cents — below zero only in the drill-down, for a regime
    line taken off the part beyond the regimes (OTH_FULL, goods_basis = full)."""

    amount: int
    flow: str                            # X | M
    regime: str
    partner: str | None
    hs: str                              # 01–97 or _U
    enterprise: str | None               # a credit code, or None for an aggregated cell
    enterprises: int | None              # the cell's enterprise count, if customs gave one
    public: bool = False
    dip: bool | None = None
    record: str | None = None            # the customs line, when classified record by record


@dataclass(frozen=True)
class Atom:
    flow: str
    block: str
    product: str                         # G | S
    ebops: str                           # the crosswalk's EBOPS code; _Z for goods
    hs: str                              # _Z for services
    regime: str                          # _Z for services
    partner: str                         # ISO alpha-2, _U unknown
    control: str
    dip: str                             # DIP | NDIP | _U
    deliverable: bool                    # in the deliverable set (services)
    enterprise: str | None
    enterprises: int | None
    public: bool
    estimated: bool
    value: int                           # UNIT
    record: str | None = None            # the execution, report or customs line (drill-down)
    size: str = "_U"                     # the enterprise's size class (L, M, S, XS), _U


@dataclass
class Accounts:
    """The atoms of one period, and what the identities are checked against."""

    atoms: list[Atom] = field(default_factory=list)
    exec_offshore: int = 0               # cents: Σ of the services given (exports)
    services_m: int = 0                  # cents: Σ of the services imports (direct reports)
    known_delivery: int = 0              # cents with a known remote share

    def total(self, where: Callable[[Atom], bool] = lambda a: True) -> int:
        return sum(a.value for a in self.atoms if where(a))

    def block(self, flow: str, name: str, product: str | None = None) -> int:
        return self.total(in_block(flow, name, product))

    def ddl(self, flow: str = "X") -> int:
        return self.total(in_ddl(flow))

    def by(self, key: Callable[[Atom], str], where: Callable[[Atom], bool]) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for a in self.atoms:
            if where(a):
                out[key(a)] += a.value
        return dict(out)


def in_block(flow: str, name: str, product: str | None = None) -> Callable[[Atom], bool]:
    """The atoms of a block or a total (DO, DD, DT) of a flow, of one product or both."""
    blocks = TOTALS.get(name, (name,))
    return lambda a: a.flow == flow and a.block in blocks and (product is None or a.product == product)


def in_ddl(flow: str = "X") -> Callable[[Atom], bool]:
    """The atoms of 可数字化交付 (DDL): services in the deliverable set, whatever the block."""
    return lambda a: a.flow == flow and a.product == "S" and a.deliverable


def cells_of(share: int | None, ordered: str) -> list[tuple[str, int]]:
    """spec §7.2's table: the blocks of an amount and the percent of it each takes, given
    its remote share (None: unknown) and its ordering — ``yes``, ``no`` or ``unknown``
    (``unknown`` only under ``ordered_unknown = separate``; else it was read as ``no``)."""
    if ordered == "unknown":
        return ([("UO_UDD", 100)] if share is None
                else [("UO_DD", share), ("UO_NDD", 100 - share)])
    yes = ordered == "yes"
    if share is None:
        return [("U1" if yes else "U2", 100)]
    return [("B" if yes else "C", share), ("A" if yes else "N", 100 - share)]


def classify(services: Iterable[Service], goods: Iterable[Goods], crosswalk: Crosswalk,
             deliverable_set: str = "MOFCOM6", direct: Iterable[Direct] = (),
             ordered_unknown: str = "NDO") -> Accounts:
    """Every amount into exactly one atom per crosswalk weight (spec §7.2); direct reports
    (``direct``) by their own EBOPS code, in place of the outsourcing services.  An unknown
    ordering is not ordered (``NDO``), or a cell of its own (``separate``)."""
    dl = deliverable(deliverable_set)
    apart = ordered_unknown == "separate"
    acc = Accounts()
    for r in direct:
        if r.flow == "X":
            acc.exec_offshore += r.amount
            acc.known_delivery += r.amount if r.share is not None else 0
        else:
            acc.services_m += r.amount
        if apart and r.ordered_share is None:
            cells = [(b, pct * 100) for b, pct in cells_of(r.share, "unknown")]
        else:                                 # the two shares independent within a row [A]
            o = r.ordered_share or 0
            cells = [(b, pct * o) for b, pct in cells_of(r.share, "yes")] + \
                    [(b, pct * (100 - o)) for b, pct in cells_of(r.share, "no")]
        for block, pp in cells:               # pp: percent × percent, Σ = 10⁴
            if value := r.amount * pp * (UNIT // 10_000):
                acc.atoms.append(Atom(r.flow, block, "S", r.ebops, "_Z", "_Z", r.partner,
                                      r.control, "_U", r.ebops in dl, r.enterprise, None,
                                      False, False, value, r.record, r.size))
    for s in services:
        acc.exec_offshore += s.amount
        if s.share is not None and not s.default_share:
            acc.known_delivery += s.amount
        ordered = ("yes" if s.ordered == "yes" else "no" if s.ordered == "no" or not apart
                   else "unknown")
        parts = cells_of(s.share, ordered)
        dip = "_U" if s.dip is None else "DIP" if s.dip else "NDIP"
        for w in crosswalk.of(s.subcategory, s.category):
            for block, pct in parts:
                value = s.amount * pct * w.bp
                if value:
                    acc.atoms.append(Atom("X", block, "S", w.ebops, "_Z", "_Z", s.partner,
                                          s.control, dip, w.ebops in dl, s.enterprise, None,
                                          False, s.default_share, value, s.record, s.size))
    for g in goods:
        if g.amount:
            dip = "_U" if g.dip is None else "DIP" if g.dip else "NDIP"
            acc.atoms.append(Atom(g.flow, "A", "G", "_Z", g.hs, g.regime, g.partner or "_U",
                                  "_U" if g.enterprise is None else "", dip, False,
                                  g.enterprise, g.enterprises, g.public, False, g.amount * UNIT,
                                  g.record))
    return acc


def with_control(acc: Accounts, control: dict[str, str],
                 size: dict[str, str] | None = None) -> Accounts:
    """Goods atoms with an enterprise take its control (nature) and size class where known."""
    size = size or {}
    acc.atoms = [a if a.control else Atom(**{**a.__dict__, "control": control.get(
        a.enterprise or "", "_U"), "size": size.get(a.enterprise or "", "_U")})
        for a in acc.atoms]
    return acc


def check(acc: Accounts) -> list[dict]:
    """The identities of spec §7.4, on the unrounded integers; raises IdentityBroken on the
    first that fails (a bug), else returns them all as passed."""
    done = []

    def holds(name: str, ok: bool, detail: str) -> None:
        if not ok:
            raise IdentityBroken(f"数字贸易恒等式不成立：{name}（{detail}）")
        done.append({"id": name, "ok": True})

    for flow in ("X", "M"):
        dt_, do, dd, b, a = (acc.block(flow, n) for n in ("DT", "DO", "DD", "B", "A"))
        holds(f"dt_identity_{flow}", dt_ == do + dd - b, f"{dt_} ≠ {do} + {dd} − {b}")
        holds(f"dt_order_{flow}", dt_ >= do >= a and dt_ >= dd, f"{dt_}, {do}, {a}, {dd}")
        in_dt = _where(flow, None)
        total = acc.total(in_dt)
        keys: tuple[tuple[str, Callable[[Atom], str]], ...] = (
            ("partners", lambda x: x.partner), ("ebops", lambda x: x.ebops),
            ("control", lambda x: x.control), ("regimes", lambda x: x.regime),
            ("hs", lambda x: x.hs), ("dip", lambda x: x.dip))
        for name, key in keys:
            parts = acc.by(key, in_dt)
            holds(f"sum_{name}_{flow}", sum(parts.values()) == total, f"{parts} ≠ {total}")
        # the breakdowns of DO and DD (slices T2, T6), by size (T7) and DO's DIP split by
        # product (T8): checked alike, not listed (the list is what a vintage's JSON froze)
        for of, product in (("DT", None), ("DO", None), ("DD", None), ("DO", "G"), ("DO", "S")):
            where = in_block(flow, of, product)
            whole = acc.total(where)
            for name, key in (*keys, ("size", lambda x: x.size)):
                parts = acc.by(key, where)
                if sum(parts.values()) != whole:
                    raise IdentityBroken(f"数字贸易恒等式不成立：sum_{name}_{of}_{flow}"
                                         f"（{parts} ≠ {whole}）")
        goods = acc.block(flow, "A", "G")
        by_regime = acc.by(lambda x: x.regime, _where(flow, "G"))
        holds(f"sum_regimes_goods_{flow}", sum(by_regime.values()) == goods,
              f"{by_regime} ≠ {goods}")
    services = sum(acc.block("X", n, "S") for n in SERVICE_BLOCKS)
    holds("services_blocks", services == acc.exec_offshore * 100 * BP,
          f"{services} ≠ {acc.exec_offshore} × 10⁶")
    if acc.services_m:
        imported = sum(acc.block("M", n, "S") for n in SERVICE_BLOCKS)
        holds("services_blocks_M", imported == acc.services_m * UNIT,
              f"{imported} ≠ {acc.services_m} × 10⁶")
    holds("ddl_within_services", acc.ddl() <= services, f"{acc.ddl()} > {services}")
    return done


def _where(flow: str, product: str | None) -> Callable[[Atom], bool]:
    """The atoms of a flow inside DT (product None), or of one product."""
    def where(a: Atom) -> bool:
        if product is None:
            return a.flow == flow and a.block in TOTALS["DT"]
        return a.flow == flow and a.product == product
    return where


# -- disclosure (spec §7.6) -------------------------------------------------------------------
@dataclass
class Cell:
    """A figure to publish: its additive group (None: a total, never secondary-suppressed
    alone), its member code, value, and the atoms behind it."""

    group: str | None
    member: str
    value: int
    atoms: list[Atom]
    total: bool = False                  # the city total: published as customs publish it
    conf: str = "F"                      # F free, A small count, O dominance, D secondary

    @property
    def suppressed(self) -> bool:
        return self.conf != "F"


def primary(cell: Cell) -> str:
    """F, A (fewer than 3 enterprises, or cells without enterprise information and not
    public at that grain) or O (one enterprise above 85 %).  A cell only of figures customs
    published at that grain (public, spec §7.6) is F."""
    if cell.total or not cell.value:
        return "F"
    named: dict[str, int] = defaultdict(int)
    anonymous = 0
    for a in cell.atoms:
        if a.enterprise:
            named[a.enterprise] += a.value
        elif a.enterprises:
            anonymous += a.enterprises
        elif not a.public:
            return "A"                   # disclosure-unchecked: suppressed below the total
    if not named and not anonymous:
        return "F"                       # only what customs published at this grain
    if len(named) + anonymous < MIN_ENTERPRISES:
        return "A"
    if named and max(named.values()) * 100 > DOMINANCE_PCT * cell.value:
        return "O"
    return "F"


def suppress(cells: list[Cell]) -> list[Cell]:
    """Primary suppression, then secondary (D): in every additive group, while exactly one
    member is suppressed, the smallest other member is suppressed too."""
    for c in cells:
        c.conf = primary(c)
    groups: dict[str, list[Cell]] = defaultdict(list)
    for c in cells:
        if c.group is not None:
            groups[c.group].append(c)
    for members in groups.values():
        hidden = [c for c in members if c.suppressed]
        if len(hidden) == 1:
            rest = [c for c in members if not c.suppressed]
            if rest:
                min(rest, key=lambda c: (c.value, c.member)).conf = "D"
    return cells
