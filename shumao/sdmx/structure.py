"""The SDMX structure of digital trade (digital-trade.md §8.3): ``SHUMAO:DSD_DIGITAL_TRADE(1.0)``,
its dataflow, concept scheme and codelists, built with pysdmx from data files — nothing of it
is written here by hand:

    data/sdmx/components.csv   the components in key order (dimensions, time, measure,
                               attributes), their codelists and Chinese and English names
    data/sdmx/codes.csv        the codelists of the spec, and the special codes (W, _T, _Z, _U…)
                               that lists drawn from other reference files add
    derived()                  codelists drawn from the reference data the figures use:
                               partners (countries.csv), EBOPS 2010, HS chapters, e-commerce
                               regimes (model.digital_codes)

The agency and the reporting area are settings (``SHUMAO_SDMX_AGENCY``,
``SHUMAO_SDMX_REF_AREA``): a registry or .Stat Suite needs its own agency registered first;
``agency_as`` gives one run another agency (``shumao digital --sdmx-agency``).
pysdmx is imported only when a structure is built (it is heavy to import).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from shumao import settings
from shumao.model import codes
from shumao.model import digital_codes as dc
from shumao.model.codes import DATA, _rows

if TYPE_CHECKING:
    from pysdmx.model import Components

VERSION = "1.0"
DSD, DATAFLOW, SCHEME = "DSD_DIGITAL_TRADE", "DF_DIGITAL_TRADE", "CS_DIGITAL_TRADE"
SAMPLE_AREA = "CN_999901"       # the sample city's made-up GB/T 2260-style code (spec §8.3)

@dataclass(frozen=True)
class Part:
    """One component of the DSD, as components.csv declares it."""

    id: str
    role: str               # dimension, time, measure, attribute
    codelist: str           # "" for the time dimension, the measure and free-text attributes
    required: bool
    name_zh: str
    name_en: str


@cache
def parts() -> tuple[Part, ...]:
    return tuple(Part(r["id"], r["role"], r["codelist"], r["required"] == "yes", r["name_zh"], r["name_en"])
                 for r in _rows(DATA / "sdmx" / "components.csv"))


def key_order() -> tuple[str, ...]:
    """The dimensions in key order, TIME_PERIOD last."""
    return tuple(p.id for p in parts() if p.role in ("dimension", "time"))


_AGENCY: ContextVar[str | None] = ContextVar("sdmx_agency", default=None)


def agency() -> str:
    return _AGENCY.get() or settings.get("SHUMAO_SDMX_AGENCY")


def checked_agency(value: str, option: str = "--sdmx-agency") -> str:
    """An agency given for one run, checked as the setting is (InputError in Chinese)."""
    if not settings.SdmxId.FORM.fullmatch(value):
        from shumao.errors import InputError
        raise InputError(f"{option} 应为 {settings.SdmxId.SAID}（收到“{value}”）")
    return value


@contextmanager
def agency_as(value: str | None, option: str = "--sdmx-agency") -> Iterator[None]:
    """This run's agency in place of the setting SHUMAO_SDMX_AGENCY (None: the setting's),
    checked as the setting is."""
    token = _AGENCY.set(None if value is None else checked_agency(value, option))
    try:
        yield
    finally:
        _AGENCY.reset(token)


def ref_area() -> str:
    return settings.get("SHUMAO_SDMX_REF_AREA")


def derived() -> dict[str, dict[str, tuple[str, str]]]:
    """The codelists drawn from reference data: code → (Chinese name, English name)."""
    regimes = dc.regimes()
    return {
        "CL_AREA": {c.iso3: (c.name_zh, c.name_en) for c in codes.countries().values()},
        "CL_SERVICE": {e.code: (e.name_zh, e.name_en) for e in dc.ebops().values()},
        "CL_COMMODITY": {ch: (zh, zh) for ch, zh in dc.hs_chapters().items()},
        "CL_CUSTOMS_REGIME": {c: (regimes[c].name_full, regimes[c].name_full) for c in dc.ecommerce_regimes()},
    }


@cache
def _codelists(area: str, area_name: str) -> dict[str, dict[str, tuple[str, str]]]:
    lists = derived()
    lists["CL_REF_AREA"] = {area: (area_name, area_name)}
    for r in _rows(DATA / "sdmx" / "codes.csv"):
        lists.setdefault(r["codelist"], {})[r["code"]] = (r["name_zh"], r["name_en"])
    return lists


def codelists(area_name: str) -> dict[str, dict[str, tuple[str, str]]]:
    """codelist id → code → (Chinese name, English name), the reporting area's name given."""
    return _codelists(ref_area(), area_name)


def _urn(kind: str, ag: str, ident: str) -> str:
    return f"urn:sdmx:org.sdmx.infomodel.{kind}={ag}:{ident}({VERSION})"


def build(area_name: str) -> list[Any]:
    """The pysdmx objects of the structure: codelists, concept scheme, DSD, dataflow."""
    from pysdmx.model import (
        Annotation,
        Code,
        Codelist,
        Component,
        Components,
        Concept,
        ConceptScheme,
        Dataflow,
        DataStructureDefinition,
        DataType,
        Role,
    )

    ag, lists = agency(), codelists(area_name)
    made = {name: Codelist(id=name, agency=ag, version=VERSION, name=name.removeprefix("CL_"),
                           urn=_urn("codelist.Codelist", ag, name),
                           items=[Code(id=c, name=f"{zh} / {en}" if en != zh else zh)
                                  for c, (zh, en) in codes.items()])
            for name, codes in lists.items()}
    roles = {"dimension": Role.DIMENSION, "time": Role.DIMENSION, "measure": Role.MEASURE,
             "attribute": Role.ATTRIBUTE}
    types = {"time": DataType.REP_TIME_PERIOD, "measure": DataType.DOUBLE, "attribute": DataType.STRING}
    components, concepts = [], []
    for p in parts():
        concept = Concept(id=p.id, name=p.name_en, description=p.name_zh,
                          urn=f"{_urn('conceptscheme.Concept', ag, SCHEME)}.{p.id}")
        concepts.append(concept)
        extra: dict[str, Any] = {"local_codes": made[p.codelist]} if p.codelist else {"local_dtype": types[p.role]}
        if p.role == "attribute":
            extra["attachment_level"] = "O"
        components.append(Component(id=p.id, required=p.required, role=roles[p.role], concept=concept, **extra))
    scheme = ConceptScheme(id=SCHEME, agency=ag, version=VERSION, name="数字贸易概念 / Digital trade concepts",
                           urn=_urn("conceptscheme.ConceptScheme", ag, SCHEME), items=concepts)
    dsd = DataStructureDefinition(id=DSD, agency=ag, version=VERSION, name="数字贸易 / Digital trade",
                                  components=Components(components),
                                  urn=_urn("datastructure.DataStructure", ag, DSD))
    flow = Dataflow(id=DATAFLOW, agency=ag, version=VERSION, name="数字贸易 / Digital trade",
                    annotations=[Annotation(type="EXPERIMENTAL", text="试验性统计 / experimental statistics")],
                    structure=_urn("datastructure.DataStructure", ag, DSD))
    return [*made.values(), scheme, dsd, flow]


def components(area_name: str) -> Components:
    return next(o for o in build(area_name) if type(o).__name__ == "DataStructureDefinition").components


FILES = {"structure-2.1.xml": "STRUCTURE_SDMX_ML_2_1", "structure-3.0.xml": "STRUCTURE_SDMX_ML_3_0"}


def texts(area_name: str) -> dict[str, str]:
    """The structure in SDMX-ML 2.1 and 3.0, each validated against the SDMX XSDs (bundled
    with pysdmx, offline)."""
    from pysdmx.io import write_sdmx
    from pysdmx.io.format import Format
    from pysdmx.io.xml.doc_validation import validate_doc

    objects = build(area_name)
    made = {name: written(write_sdmx(objects, getattr(Format, fmt))) for name, fmt in FILES.items()}
    for text in made.values():
        validate_doc(text)
    return made


def written(text: str | None) -> str:
    """What pysdmx's ``write_sdmx`` returns when given no path: the text."""
    assert text is not None
    return text
