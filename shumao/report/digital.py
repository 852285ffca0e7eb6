"""The 【数字贸易】 section (spec/digital-trade.md §8.1): each sentence appears only when its
sources and coverage allow; figures never suppressed by the disclosure pass (§7.6) are the
only ones named.  Also the section's JSON (§8.4) and ``observations``: the figures of the
published slices (T1–T6, T8; T7 by setting) as the SDMX structure of §8.3 keys them (sdmx.data.Observation: dimension codes, exact cents, status),
which sdmx.files.write_period writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from shumao.indicators.digital import COVERAGE_MIN, Digital
from shumao.model import digital as dm
from shumao.model.codes import countries, country_name
from shumao.model.digital_codes import (
    CROSSWALK_LABEL,
    ecommerce_regimes,
    hs_chapters,
    main_component,
    regimes,
    series_breaks,
)
from shumao.model.money import percent, round_half_up, wan
from shumao.report.numbers import growth_phrase, growths_phrase, pct
from shumao.report.settings import ReportSettings
from shumao.sdmx.data import Observation, time_key

TITLE = "【数字贸易】"
WITHHELD = "（数据涉及单一企业，不予公布）"
S3_REGIMES = ("9610", "9710", "9810", "1210")        # export regimes, in the order prose lists


@dataclass(frozen=True)
class ServicesWords:
    """How the section names the source of its services blocks (spec §6.1.4: "the report
    names the source it used"; §8.1's S1 {source}, S4 and the note)."""

    source: str          # S1's {source}, unless --source says otherwise
    base: str            # S4: the services whose deliverable part is given
    total: str           # S4: what the shares are of
    filled: str          # S4b: the amount whose delivery is known
    sdmx: str            # SOURCE_DETAIL (spec §8.3)


SERVICES_WORDS = {
    "outsourcing": ServicesWords("商务部服务外包统一平台", "企业承接离岸服务外包执行额中",
                                 "离岸执行额", "执行额", "MOFCOM_SO"),
    "direct_reports": ServicesWords("服务贸易直报", "企业直报的服务出口额中", "服务出口额",
                                    "出口额", "SVC_DIRECT"),
}


def services_words(d: Digital) -> ServicesWords:
    return SERVICES_WORDS[d.settings.services_source]


def source_named(d: Digital, source: str) -> str:
    """S1's source: the one given, except that the outsourcing platform (the default) is
    never named for figures the direct reports gave."""
    outsourcing = SERVICES_WORDS["outsourcing"].source
    return services_words(d).source if source == outsourcing else source


@dataclass
class Published:
    """The disclosure pass over the figures the section and the SDMX slices break down."""

    cells: list[dm.Cell]

    def conf(self, group: str, member: str) -> str:
        for c in self.cells:
            if c.group == group and c.member == member:
                return c.conf
        return "F"


# the groups whose withheld figures the JSON's "disclosure" lists: those of its first
# version, fixed, so that a vintage frozen then reproduces its JSON character for character
# (the groups of the slices added since are withheld alike, and ``withheld`` names them all)
JSON_GROUPS = ("partners_X", "regimes_X", "regimes_M", "hs_X", "hs_M", "ebops_DDL", "control_X")
# the totals a partner, control or size breakdown is published for (T2, T6, T7): the
# DIGITAL_NATURE code, the block or total, the product
BROKEN_DOWN = (("DT", "DT", None), ("DO", "DO", None), ("DD", "DD", "S"))


def _suffix(nature: str) -> str:
    """A breakdown's group name: partners_X for DT (its first name), partners_X_DO …"""
    return "" if nature == "DT" else f"_{nature}"


def disclosure(d: Digital) -> Published:
    """Cells of the additive groups (partners of DT, DO and DD, export regimes, HS chapters,
    EBOPS components of DDL, control and — with ``by_size`` — size of DT, DO and DD, the DIP
    split of DO by flow and product), primary then secondary suppression."""
    acc = d.cur

    def goods(flow):
        return lambda a: a.flow == flow and a.product == "G"
    dt_x = dm.in_block("X", "DT")
    groups: dict[str, tuple] = {          # in JSON_GROUPS's order first (the JSON's list)
        "partners_X": (lambda a: a.partner, dt_x),
        "regimes_X": (lambda a: a.regime, goods("X")),
        "regimes_M": (lambda a: a.regime, goods("M")),
        "hs_X": (lambda a: a.hs, goods("X")),
        "hs_M": (lambda a: a.hs, goods("M")),
        "ebops_DDL": (lambda a: main_component(a.ebops),
                      lambda a: a.flow == "X" and a.product == "S" and a.deliverable),
        "control_X": (lambda a: a.control, dt_x),
    }
    for nature, total, product in BROKEN_DOWN:
        where = dm.in_block("X", total, product)
        if nature != "DT":
            groups[f"partners_X_{nature}"] = (lambda a: a.partner, where)
            groups[f"control_X_{nature}"] = (lambda a: a.control, where)
        if d.settings.by_size:
            groups[f"size_X{_suffix(nature)}"] = (lambda a: a.size, where)
    for flow in ("X", "M"):
        for product in ("G", "S"):
            groups[f"dip_{flow}_{product}"] = (lambda a: a.dip, dm.in_block(flow, "DO", product))
    cells = []
    for g, (key, where) in groups.items():
        members: dict[str, list[dm.Atom]] = {}
        for a in acc.atoms:
            if where(a):
                members.setdefault(key(a), []).append(a)
        for m, atoms in sorted(members.items()):
            cells.append(dm.Cell(g, m, sum(a.value for a in atoms), atoms))
    return Published(dm.suppress(cells))


def withheld(d: Digital, pub: Published | None = None) -> list[dict]:
    """Every figure the disclosure pass withholds, of every slice: group, member, conf."""
    return [{"group": c.group, "member": c.member, "conf": c.conf}
            for c in (pub or disclosure(d)).cells if c.suppressed]


def _money(cents: int | None) -> str:
    return f"{wan(cents or 0)}万美元"


def _g(d: Digital, fid: str) -> str:
    return growth_phrase(d[fid].growth)


def _join(items: list[str]) -> str:
    """A、B和C (spec §8.1: the last two joined by 和)."""
    return items[0] if len(items) == 1 else "、".join(items[:-1]) + "和" + items[-1]


def sentences(d: Digital, s: ReportSettings, source: str, pub: Published) -> list[str]:
    source = source_named(d, source)
    when = d.period.words(s.relative)
    me = s.short
    cov = d.coverage
    covered = cov is not None and cov >= COVERAGE_MIN
    out = []
    if d.has_customs and d.has_services and covered:                        # S1
        out.append(
            f"据海关统计和{source}数据测算，{when}{s.region}数字贸易出口{_money(d.cents('dt_x'))}，"
            f"{_g(d, 'dt_x')}。其中，数字订购贸易出口{_money(d.cents('do_x'))}，{_g(d, 'do_x')}；"
            f"数字交付贸易出口{_money(d.cents('dd_x'))}，{_g(d, 'dd_x')}；既数字订购又数字交付的"
            f"{_money(d.cents('overlap_x'))}已在合计中扣除，不重复计算。")
    if d.has_customs:                                                       # S2, S3
        text = (f"从跨境电商看，{when}{me}跨境电商进出口{_money(d.cents('cbec_t'))}，"
                f"{_g(d, 'cbec_t')}。其中，出口{_money(d.cents('cbec_x'))}，{_g(d, 'cbec_x')}；"
                f"进口{_money(d.cents('cbec_m'))}，{_g(d, 'cbec_m')}。")
        rows = [r for r in d.regimes("X") if r[0] in S3_REGIMES]
        shown = [r for r in rows if pub.conf("regimes_X", r[0]) == "F"]
        if shown:
            names = [f"{regimes()[c].name_report}（{c}）" for c, _, _ in shown]
            gs = [None if p is None else _growth(v, p) for _, v, p in shown]
            if len(shown) == 1:
                text += (f"分监管方式看，出口中{names[0]}{_money(shown[0][1])}，"
                         f"{growth_phrase(gs[0])}")
            else:
                text += (f"分监管方式看，出口中{_join(names)}分别为"
                         f"{'、'.join(_money(v) for _, v, _ in shown)}，{growths_phrase(gs)}")
            text += (WITHHELD if len(shown) < len(rows) else "") + "。"
        out.append(text)
    sw = services_words(d)
    if d.has_services:                                                      # S4
        text = (f"从数字服务看，{when}{me}{sw.base}，可数字化交付的服务出口"
                f"{_money(d.cents('so_ddl_x'))}，占{sw.total}的{pct(d.share('so_ddl_share'))}，"
                f"{_g(d, 'so_ddl_x')}")
        if covered:                                                         # S4b
            text += (f"；其中以数字方式交付的{_money(d.cents('so_dd_x'))}，"
                     f"占{pct(d.share('so_dd_share'))}（交付方式已填报的{sw.filled}占{pct(cov)}）")
        out.append(text + "。")
    known, dip, cbec = (d.cents(k) for k in ("cbec_platform_known_x", "cbec_dip_x", "cbec_x"))
    if d.has_customs and cbec and known * 2 >= cbec:                        # S5
        out.append(f"经数字中介平台成交的跨境电商出口{_money(dip)}，"
                   f"占跨境电商出口的{pct(percent(dip, cbec))}。")
    if out and out[0].startswith("据海关统计"):                              # S6
        top = [p for p in d.partners("X", 3) if pub.conf("partners_X", p[0]) == "F"]
        if top:
            rank = {1: "第一位的是", 2: "前两位的是", 3: "前三的是"}[len(top)]
            lead = "分别是" if len(top) > 1 else "为"
            out.append(f"从国际市场看，{when}{me}数字贸易出口{rank}"
                       f"{'、'.join(country_name(c) for c, _, _ in top)}，{lead}"
                       f"{'、'.join(_money(v) for _, v, _ in top)}，"
                       f"{growths_phrase([None if p is None else _growth(v, p) for _, v, p in top])}。")
    if out:
        out.append(note(d, covered))
    return out


def _growth(cur: int, prev: int) -> Decimal | None:
    from shumao.model.money import growth
    return growth(cur, prev)


def breaks(d: Digital) -> list[str]:
    """The series breaks between the same months a year earlier and the period (§7.5)."""
    first = f"{d.period.previous_year().start:%Y-%m}"
    last = f"{d.period.end:%Y-%m}"
    return [b.note for b in series_breaks() if first < b.start <= last]


def note(d: Digital, covered: bool) -> str:
    extra = "，部分交付方式为估算" if d.settings.impute_delivery == "survey" else ""
    if d.settings.goods_basis == "full":
        extra += "；跨境电商按海关全业态口径统计，含上述监管方式以外的部分"
    if d.settings.separate:
        extra += "；是否线上订购未填报的服务单列，计入数字交付贸易，不计入数字订购贸易"
    extra += "".join(f"；{b}" for b in breaks(d))
    if not covered and d.has_services:
        extra += "；交付方式填报率不足，暂不测算数字交付贸易"
    if d.settings.direct:
        basis = "服务数据来自服务贸易直报，按EBOPS 2010服务分类填报"
    else:
        basis = f"服务外包业务与EBOPS 2010服务分类的对照采用{d.settings.crosswalk}版对照表"
    return ("注：数字贸易按《数字贸易测度手册》（第二版）口径试算。数字订购贸易包括海关跨境电商监管方式"
            "（9610、9710、9810、1210、1239）进出口和线上订购的服务；数字交付贸易为以数字方式远程交付的"
            f"服务；{basis}{extra}。")


def text(d: Digital, s: ReportSettings, source: str) -> str:
    lines = sentences(d, s, source, disclosure(d))
    return "".join(p + "\n\n" for p in [TITLE, *lines]) if lines else ""


def _shown(v) -> str | None:
    return None if v is None else str(round_half_up(Decimal(v)))


def as_json(d: Digital, s: ReportSettings, source: str, label: str | None = None) -> dict:
    """spec §8.4: amounts in integer US cents, shares and growth as 2-decimal strings."""
    pub = disclosure(d)
    blocks = {"X": {k: dm.cents(d.cur.block("X", b, p)) for k, b, p in (
                   ("A_G", "A", "G"), ("A_S", "A", "S"), ("B", "B", None), ("U1", "U1", None),
                   ("C", "C", None), ("N", "N", None), ("U2", "U2", None))},
              "M": {"A_G": dm.cents(d.cur.block("M", "A", "G"))}}
    if d.settings.separate:         # the ordering-unknown cells, only when kept apart
        blocks["X"].update({b: dm.cents(d.cur.block("X", b)) for b in dm.UNKNOWN_ORDER})
    if d.cur.services_m or d.prev.services_m:       # services imports: direct reports only
        blocks["M"].update({k: dm.cents(d.cur.block("M", b, "S")) for k, b in (
            ("A_S", "A"), ("B", "B"), ("U1", "U1"), ("C", "C"), ("N", "N"), ("U2", "U2"),
            *((u, u) for u in (dm.UNKNOWN_ORDER if d.settings.separate else ())))})
    inds = []
    for f in d.figures.values():
        money = f.unit == "cents"
        inds.append({"id": f.id, "name": f.name, "unit": "cents_usd" if money else "percent",
                     "current": f.current if money else _shown(f.current),
                     "previous": f.previous if money else _shown(f.previous),
                     "growth": _shown(f.growth), "status": _status(d, f.status), "conf": "F",
                     "sources": list(f.sources)})
    return {"period": label or str(d.period),
            "region": s.region, "unit": "cents_usd",
            "settings": {"crosswalk": d.settings.crosswalk, "crosswalk_label": CROSSWALK_LABEL,
                         "deliverable_set": d.settings.deliverable_set,
                         "ordered_unknown": d.settings.ordered_unknown,
                         "impute_delivery": d.settings.impute_delivery,
                         "goods_basis": d.settings.goods_basis,
                         "services_source": d.settings.services_source},
            "blocks": blocks, "indicators": inds,
            "coverage": {"delivery": _shown(d.coverage)},
            "partners": [{"partner": _iso3(c), "current": v, "previous": p,
                          "conf": pub.conf("partners_X", c)} for c, v, p in d.partners("X", None)],
            "checks": d.checks,
            "disclosure": [c for c in withheld(d, pub) if c["group"] in JSON_GROUPS],
            "full_scope_below_regime": d.full_scope_below,
            "breaks": breaks(d), "text": text(d, s, source)}


def _status(d: Digital, status: str) -> str:
    return "E" if status == "E" or d.settings.impute_delivery == "survey" else "A"


def _iso3(iso2: str) -> str:
    return countries()[iso2].iso3 if iso2 in countries() else "_U"


CONTROL_CODE = {"domestic": "DOM", "hmt": "HMT", "foreign": "FOR"}     # CL_CONTROL; else _U


@dataclass(frozen=True)
class Slot:
    """One published figure of a slice (§8.3), before disclosure: its slice (T1…T6), the
    dimensions it gives, its value (UNIT) on one period's accounts, the atoms it sums
    (``where``: the drill-down lists the records behind exactly these), and what it is."""

    slice: str
    key: dict[str, str]
    units: int
    status: str = "E"
    source: str = "MIXED"
    coverage: str | None = None
    group: str | None = None            # the disclosure group it belongs to (None: a total)
    member: str = ""
    where: Callable[[dm.Atom], bool] = field(default=lambda a: False, compare=False, repr=False)

    @property
    def id(self) -> str:
        """The figure's id on the portal: its slice and a digest of its key (t2-1a2b3c4d5e),
        stable while the key is, and no code a clerk would read in a link (DIP and
        ENTERPRISE_SIZE enter only when not totals, so the first slices' ids stay)."""
        import hashlib
        key = ".".join(self.key[k] for k in SLOT_KEY) + "".join(
            f".{k}={self.key[k]}" for k in SLOT_KEY_MORE if self.key.get(k, "_T") != "_T")
        return f"{self.slice.lower()}-{hashlib.sha256(key.encode()).hexdigest()[:10]}"


SLOT_KEY = ("TRADE_FLOW", "DIGITAL_NATURE", "PRODUCT_TYPE", "COUNTERPART_AREA", "SERVICE",
            "COMMODITY", "CUSTOMS_REGIME", "CONTROL")
SLOT_KEY_MORE = ("DIP", "ENTERPRISE_SIZE")


def slots(d: Digital, acc: dm.Accounts) -> list[Slot]:
    """The slices of §8.3 on one period's accounts (``d.cur`` or ``d.prev``): T1 (blocks and
    totals × product × flow), T2 (partner × DT, DO, DD), T3 (goods × regime × flow), T4
    (goods × HS chapter × flow), T5 (services × EBOPS main component × DDL), T6 (control ×
    DT, DO, DD), T7 (size × DT, DO, DD; only with the setting ``by_size``) and T8 (DIP × DO ×
    product × flow).  The SDMX observations and the tables (digital_tables) are both read off
    these; each figure is the sum of the atoms its ``where`` admits."""
    out: list[Slot] = []

    def put(slice_, flow, nature, product, where, *, partner="W", service=None, commodity=None,
            regime=None, control="_T", dip="_T", size="_T", **more):
        goods, services = product == "G", product == "S"
        key = {"COUNTERPART_AREA": partner, "TRADE_FLOW": flow, "DIGITAL_NATURE": nature,
               "DIP": dip, "PRODUCT_TYPE": product,
               "SERVICE": service or ("_Z" if goods else "S" if services else "_T"),
               "COMMODITY": commodity or ("_Z" if services else "_T"),
               "CUSTOMS_REGIME": regime or ("_Z" if services else "_T"),
               "CONTROL": control, "ENTERPRISE_SIZE": size}
        out.append(Slot(slice_, key, acc.total(where), where=where, **more))

    def both(f1, f2):
        return lambda a: f1(a) and f2(a)

    svc = services_words(d).sdmx
    mixed_src = "MIXED" if d.has_customs and d.has_services else "GACC_CBEC" if d.has_customs else svc
    mixed = "E" if d.has_services else "A"
    cov = _shown(d.coverage) if d.has_services and acc is d.cur else None
    for flow in ("X", "M"):                                                  # T1
        if d.has_customs:
            put("T1", flow, "DO_NDD", "G", dm.in_block(flow, "A", "G"), status="A", source="GACC_CBEC")
        if d.has_services and (flow == "X" or d.cur.services_m or d.prev.services_m):
            for block in ("A", "B", "U1", "C", *(("UO_DD",) if d.settings.separate else ())):
                put("T1", flow, dm.NATURE_CODE[block], "S", dm.in_block(flow, block, "S"),
                    source=svc)
    if d.has_customs or d.has_services:
        put("T1", "X", "DT", "_T", dm.in_block("X", "DT"), status=mixed, source=mixed_src, coverage=cov)
        put("T1", "X", "DO", "_T", dm.in_block("X", "DO"), status=mixed, source=mixed_src)
    if d.has_services:
        put("T1", "X", "DD", "S", dm.in_block("X", "DD"), source=svc, coverage=cov)
        put("T1", "X", "DDL", "S", dm.in_ddl("X"), source=svc)
    imports = d.cur.services_m or d.prev.services_m     # services imports: direct reports only
    if d.has_customs or imports:
        for total in ("DT", "DO"):
            put("T1", "M", total, "_T", dm.in_block("M", total),
                status=mixed if imports else "A",
                source=("MIXED" if d.has_customs else svc) if imports else "GACC_CBEC")
    # T2 (partner), T6 (control), T7 (size) of DT, DO and DD: DT, DO as T1's totals, DD services
    kinds = {"DT": (mixed, mixed_src), "DO": (mixed, mixed_src), "DD": ("E", svc)}
    natures = [n for n in BROKEN_DOWN if n[0] != "DD" or d.has_services]
    for nature, total, product in natures:
        where, (status, src) = dm.in_block("X", total, product), kinds[nature]
        for c in sorted(acc.by(lambda a: a.partner, where)):
            if c != "_U":
                put("T2", "X", nature, product or "_T", both(where, lambda a, c=c: a.partner == c),
                    partner=_iso3(c), status=status, source=src,
                    group=f"partners_X{_suffix(nature)}", member=c)
    for flow in ("X", "M"):                                                  # T3, T4
        goods = _goods_of(flow)
        for r in sorted(acc.by(lambda a: a.regime, goods)):
            if r in ecommerce_regimes() or r == "OTH_FULL":
                put("T3", flow, "DO_NDD", "G", both(goods, lambda a, r=r: a.regime == r), regime=r,
                    status="A", source="GACC_FULL" if r == "OTH_FULL" else "GACC_CBEC",
                    group=f"regimes_{flow}", member=r)
        for h in sorted(acc.by(lambda a: a.hs, goods)):
            put("T4", flow, "DO_NDD", "G", both(goods, lambda a, h=h: a.hs == h), commodity=h,
                status="A", source="GACC_CBEC", group=f"hs_{flow}", member=h)
    ddl = dm.in_ddl("X")
    for comp in sorted(acc.by(lambda a: main_component(a.ebops), ddl)):          # T5
        put("T5", "X", "DDL", "S", both(ddl, lambda a, comp=comp: main_component(a.ebops) == comp),
            service=comp, source=svc, group="ebops_DDL", member=comp)
    for slice_, dim, attr, code, on in (
            ("T6", "control", lambda a: a.control, lambda k: CONTROL_CODE.get(k, "_U"), True),
            ("T7", "size", lambda a: a.size, lambda k: k if k in SIZE_CODES else "_U",
             d.settings.by_size)):
        for nature, total, product in natures if on else ():
            where, (status, src) = dm.in_block("X", total, product), kinds[nature]
            for k in sorted(acc.by(attr, where)):
                put(slice_, "X", nature, product or "_T",
                    both(where, lambda a, k=k, attr=attr: attr(a) == k),
                    **{dim: code(k)}, status=status, source=src,
                    group=f"{dim}_X{_suffix(nature)}", member=k)
    for flow in ("X", "M"):                                                  # T8
        for product, status, src in (("G", "A", "GACC_CBEC"), ("S", "E", svc)):
            where = dm.in_block(flow, "DO", product)
            for k in sorted(acc.by(lambda a: a.dip, where)):
                put("T8", flow, "DO", product, both(where, lambda a, k=k: a.dip == k), dip=k,
                    status=status, source=src, group=f"dip_{flow}_{product}", member=k)
    return out


SIZE_CODES = ("L", "M", "S", "XS")          # CL_ENTERPRISE_SIZE (enterprises' size_class)


def observations(d: Digital) -> list[Observation]:
    """The figures as SDMX observations of ``DSD_DIGITAL_TRADE`` (spec §8.3): the slices of
    ``slots`` on the period; a figure the disclosure pass suppressed carries no value,
    OBS_STATUS Q and its CONF_STATUS.  FREQ, TIME_PERIOD and REF_AREA are the SDMX writer's
    (sdmx.data.time_key, the setting SHUMAO_SDMX_REF_AREA); a range of months not starting in
    January is refused here already (InputError), before anything is computed for a file."""
    time_key(d.period)
    pub = disclosure(d)
    method = d.settings.method()
    out = []
    for o in slots(d, d.cur):
        conf = pub.conf(o.group, o.member) if o.group else "F"
        status = _status(d, o.status)
        hidden = conf != "F"
        out.append(Observation(o.key, None if hidden else dm.cents(o.units),
                               "Q" if hidden else status, conf, o.source, o.coverage,
                               method if status == "E" else None))
    return out


def _goods_of(flow: str):
    def where(a: dm.Atom) -> bool:
        return a.flow == flow and a.product == "G"
    return where


GROUP_WORDS = {"partners_X": "数字贸易出口分市场", "regimes_X": "跨境电商出口分监管方式",
               "regimes_M": "跨境电商进口分监管方式",
               "hs_X": "跨境电商出口分商品", "hs_M": "跨境电商进口分商品", "ebops_DDL": "可数字化交付服务分类别",
               "control_X": "数字贸易出口分企业性质",
               "partners_X_DO": "数字订购贸易出口分市场", "partners_X_DD": "数字交付贸易出口分市场",
               "control_X_DO": "数字订购贸易出口分企业性质", "control_X_DD": "数字交付贸易出口分企业性质",
               "size_X": "数字贸易出口分企业规模", "size_X_DO": "数字订购贸易出口分企业规模",
               "size_X_DD": "数字交付贸易出口分企业规模",
               "dip_X_G": "数字订购的货物出口分是否经数字中介平台",
               "dip_X_S": "数字订购的服务出口分是否经数字中介平台",
               "dip_M_G": "数字订购的货物进口分是否经数字中介平台",
               "dip_M_S": "数字订购的服务进口分是否经数字中介平台"}
CONF_WORDS = {"A": "涉及企业少于3家", "O": "单一企业占比超过85%", "D": "为防止由合计推算出另一个不予公布的数字"}


def withheld_words(group: str, member: str, conf: str) -> str:
    """A suppressed breakdown in a clerk's words: 数字贸易出口分市场中“加拿大”不予公布（涉及企业少于3家）."""
    from shumao.model.codes import NATURE_ZH
    from shumao.model.digital_codes import ebops
    from shumao.sdmx.structure import codelists
    if group.startswith("partners"):
        name = country_name(member) if member in countries() else "不明"
    elif group.startswith("regimes"):
        name = ("监管方式以外的部分（全业态）" if member == "OTH_FULL"
                else f"{regimes()[member].name_report}（{member}）")
    elif group.startswith("hs"):
        name = f"第{member}章 {hs_chapters()[member]}" if member in hs_chapters() else "商品不明"
    elif group.startswith("ebops"):
        name = ebops()[member].name_zh
    elif group.startswith(("size", "dip")):
        named = codelists("")["CL_ENTERPRISE_SIZE" if group.startswith("size") else "CL_DIP"]
        name = named[member][0] if member in named else "未知"
    else:
        name = NATURE_ZH.get(member, "性质不明的企业")
    return f"{GROUP_WORDS[group]}中“{name}”的数字不予公布（{CONF_WORDS[conf]}）"
