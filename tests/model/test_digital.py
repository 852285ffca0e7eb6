"""Digital trade's blocks (spec/digital-trade.md §7.2–§7.4, §7.6, §9.2), under random
records with mixed shares, unknown delivery and both ordering flags: every identity holds in
exact integers; splitting or permuting rows changes nothing; more remote delivery never
lowers DD nor changes DO; unknown delivery never counts as delivered; the disclosure pass
never leaves exactly one suppressed member in an additive group."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shumao.errors import IdentityBroken
from shumao.model import digital as dm
from shumao.model.digital_codes import crosswalk, subcategories

CW = crosswalk()
SUBS = sorted(subcategories().values(), key=lambda s: s.code)

services = st.builds(
    lambda a, share, ordered, sub, partner, ent, dip: dm.Service(
        a, share, ordered, sub.parent if sub else "ITO", sub.code if sub else None,
        partner, "domestic", ent, dip),
    st.integers(0, 10**10), st.one_of(st.none(), st.integers(0, 100)),
    st.sampled_from(["yes", "no", "unknown", None]), st.one_of(st.none(), st.sampled_from(SUBS)),
    st.sampled_from(["JP", "US", "HK"]), st.sampled_from(["E1", "E2", "E3", "E4"]),
    st.one_of(st.none(), st.booleans()))
goods = st.builds(
    lambda a, flow, regime, partner, hs, ent: dm.Goods(a, flow, regime, partner, hs, ent,
                                                       None if ent else 4),
    st.integers(0, 10**10), st.sampled_from(["X", "M"]),
    st.sampled_from(["9610", "9710", "9810", "1210", "1239"]),
    st.one_of(st.none(), st.sampled_from(["JP", "KR"])), st.sampled_from(["61", "94", "_U"]),
    st.one_of(st.none(), st.sampled_from(["E1", "E5"])))


def totals(acc: dm.Accounts) -> dict:
    out = {(f, n): acc.block(f, n) for f in ("X", "M")
           for n in ("A", "B", "U1", "C", "N", "U2", "DO", "DD", "DT")}
    out["DDL"] = acc.ddl()
    out["partners"] = acc.by(lambda a: (a.flow, a.block, a.partner), lambda a: True)
    out["ebops"] = acc.by(lambda a: (a.block, a.ebops), lambda a: True)
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(services, max_size=12), st.lists(goods, max_size=8))
def test_every_identity_holds_exactly(svc, gds):
    acc = dm.classify(svc, gds, CW)
    assert all(c["ok"] for c in dm.check(acc))
    for f in ("X", "M"):
        assert acc.block(f, "DT") == acc.block(f, "DO") + acc.block(f, "DD") - acc.block(f, "B")
        assert acc.block(f, "DT") >= max(acc.block(f, "DO"), acc.block(f, "DD"))
    assert sum(acc.block("X", n, "S") for n in dm.SERVICE_BLOCKS) == \
        sum(s.amount for s in svc) * dm.UNIT
    # unknown delivery is never delivered digitally
    unknown = sum(s.amount for s in svc if s.share is None) * dm.UNIT
    assert acc.block("X", "U1") + acc.block("X", "U2") == unknown
    assert acc.block("X", "DD") <= (sum(s.amount for s in svc) * dm.UNIT - unknown)


@settings(max_examples=100, deadline=None)
@given(st.lists(services, min_size=1, max_size=10), st.lists(goods, max_size=6),
       st.data())
def test_splitting_or_permuting_rows_changes_nothing(svc, gds, data):
    base = totals(dm.classify(svc, gds, CW))
    i = data.draw(st.integers(0, len(svc) - 1))
    cut = data.draw(st.integers(0, svc[i].amount))
    split = svc[:i] + [replace(svc[i], amount=cut), replace(svc[i], amount=svc[i].amount - cut)] \
        + svc[i + 1:]
    assert totals(dm.classify(split, gds, CW)) == base
    perm = data.draw(st.permutations(svc))
    assert totals(dm.classify(list(perm), list(reversed(gds)), CW)) == base


@settings(max_examples=100, deadline=None)
@given(st.lists(services, min_size=1, max_size=10), st.data())
def test_more_remote_delivery_never_lowers_dd_nor_changes_do(svc, data):
    i = data.draw(st.integers(0, len(svc) - 1))
    old = svc[i].share if svc[i].share is not None else 0
    new = data.draw(st.integers(old, 100))
    raised = svc[:i] + [replace(svc[i], share=new)] + svc[i + 1:]
    before = dm.classify([replace(s, share=s.share if s.share is not None else 0)
                          if j == i else s for j, s in enumerate(svc)], [], CW)
    after = dm.classify(raised, [], CW)
    assert after.block("X", "DD") >= before.block("X", "DD")
    assert after.block("X", "DO") == before.block("X", "DO")


def test_the_blocks_of_one_execution_by_hand():
    """100.00 USD, 40 % remote, ordered online, BPO03 (70 % SJ35, 30 % SC): B = 40.00,
    A_S = 60.00; DDL = 70.00; the rounding to cents happens only when shown."""
    acc = dm.classify([dm.Service(10000, 40, "yes", "BPO", "BPO03", "JP", "foreign", "E1")], [],
                      CW)
    assert dm.cents(acc.block("X", "B")) == 4000 and dm.cents(acc.block("X", "A")) == 6000
    assert dm.cents(acc.ddl()) == 7000 and dm.cents(acc.block("X", "DT")) == 10000
    third = dm.classify([dm.Service(1, 33, "no", "ITO", None, "JP", "foreign", "E1")], [], CW)
    assert third.block("X", "C") == 330_000 and dm.cents(third.block("X", "C")) == 0


def test_a_broken_identity_is_a_bug_not_a_warning():
    acc = dm.classify([dm.Service(10000, 40, "yes", "ITO", None, "JP", "foreign", "E1")], [], CW)
    acc.exec_offshore += 1                       # as if an execution were lost on the way
    with pytest.raises(IdentityBroken, match="services_blocks"):
        dm.check(acc)


cells = st.lists(st.tuples(st.sampled_from(["g1", "g2"]), st.integers(0, 10**6),
                           st.lists(st.sampled_from(["E1", "E2", "E3", "E4", None]),
                                    min_size=1, max_size=4)), max_size=12)


@settings(max_examples=200, deadline=None)
@given(cells)
def test_disclosure_never_leaves_one_suppressed_member_alone(spec):
    out = []
    for k, (group, value, ents) in enumerate(spec):
        atoms = [dm.Atom("X", "A", "G", "_Z", "_U", "9610", "JP", "_U", "_U", False, e, None,
                         False, False, value) for e in ents]
        out.append(dm.Cell(group, f"m{k}", value * len(ents), atoms))
    dm.suppress(out)
    for g in ("g1", "g2"):
        members = [c for c in out if c.group == g]
        hidden = [c for c in members if c.suppressed]
        assert len(hidden) != 1 or len(members) == 1
    for c in out:   # a primary suppression keeps its reason
        if c.conf in ("A", "O"):
            assert dm.primary(c) == c.conf


# the services direct reports (spec §6.1.4): either flow, reported shares or none
direct = st.builds(
    lambda a, flow, ebops, share, ordered, partner, ent: dm.Direct(
        a, flow, ebops, share, ordered, partner, "domestic", ent),
    st.integers(0, 10**10), st.sampled_from(["X", "M"]),
    st.sampled_from(["SI2", "SJ1", "SB", "SC", "SH"]), st.one_of(st.none(), st.integers(0, 100)),
    st.one_of(st.none(), st.integers(0, 100)), st.sampled_from(["JP", "US", "_U"]),
    st.sampled_from(["E1", "E2"]))


@settings(max_examples=100, deadline=None)
@given(st.lists(direct, max_size=10), st.lists(goods, max_size=6), st.data())
def test_direct_reports_keep_every_identity_and_split_exactly(drs, gds, data):
    acc = dm.classify([], gds, CW, direct=drs)
    assert all(c["ok"] for c in dm.check(acc))
    for f in ("X", "M"):
        rows = [r for r in drs if r.flow == f]
        assert sum(acc.block(f, n, "S") for n in dm.SERVICE_BLOCKS) == \
            sum(r.amount for r in rows) * dm.UNIT
        # ordered (o %) and remote (r %) split as independent shares; no share: U1/U2
        assert acc.block(f, "B") == sum(r.amount * (r.ordered_share or 0) * r.share * 100
                                        for r in rows if r.share is not None)
        assert acc.block(f, "U1") + acc.block(f, "U2") == \
            sum(r.amount for r in rows if r.share is None) * dm.UNIT
    # permuting the rows changes nothing
    shuffled = data.draw(st.permutations(drs))
    assert totals(dm.classify([], gds, CW, direct=shuffled)) == totals(acc)


# -- ordered_unknown = separate and the breakdowns of DO and DD (slices T2, T6, T7, T8) ---------
sized = st.builds(
    lambda s, control, size: dm.Service(**{**s.__dict__, "control": control, "size": size}),
    services, st.sampled_from(["domestic", "foreign", "hmt", "_U"]),
    st.sampled_from(["L", "M", "S", "XS", "_U"]))


@settings(max_examples=40, deadline=None)
@given(st.lists(sized, max_size=10), st.lists(goods, max_size=5), st.lists(direct, max_size=4))
def test_unknown_ordering_apart_moves_no_total_and_every_breakdown_adds_up(svc, gds, drs):
    """separate vs NDO: DO, DD and DT the same; C, N and U2 split exactly into what was
    reported as not ordered and the cells of unknown ordering; under both, each of DT, DO
    and DD (and DO by product) is exactly the sum of its partners, controls, sizes and DIP
    cells — ``check`` proves it on every run, raising otherwise."""
    for direct_rows in ((), drs):
        ndo = dm.classify(svc, gds, CW, direct=direct_rows)
        apart = dm.classify(svc, gds, CW, direct=direct_rows, ordered_unknown="separate")
        for acc in (ndo, apart):
            dm.check(acc)
            for f in ("X", "M"):
                for total, product in (("DT", None), ("DO", None), ("DD", None), ("DO", "G"),
                                       ("DO", "S")):
                    where = dm.in_block(f, total, product)
                    for key in (lambda a: a.partner, lambda a: a.control, lambda a: a.size,
                                lambda a: a.dip):
                        assert sum(acc.by(key, where).values()) == acc.total(where)
        for f in ("X", "M"):
            for n in ("DO", "DD", "DT", "A", "B", "U1"):
                assert ndo.block(f, n) == apart.block(f, n), (f, n)
            for was, unknown in (("C", "UO_DD"), ("N", "UO_NDD"), ("U2", "UO_UDD")):
                assert ndo.block(f, was) == apart.block(f, was) + apart.block(f, unknown)
                assert ndo.block(f, unknown) == 0
        reported_no = sum(s.amount for s in svc if s.ordered in ("yes", "no"))
        assert sum(apart.block("X", b, "S") for b in dm.UNKNOWN_ORDER) <= \
            (sum(s.amount for s in svc) - reported_no + sum(r.amount for r in direct_rows)) * dm.UNIT
