"""The report as data (``--format json``): every figure with current, previous, growth and
share, the partner ranking, and the checks."""

from __future__ import annotations

import json

from shumao.model.codes import country_name
from shumao.model.money import round_half_up, wan
from shumao.report.doc import ReportDoc


def _r(x):
    return None if x is None else str(round_half_up(x))


def as_dict(doc: ReportDoc) -> dict:
    ind = doc.ind
    figures = {
        fid: {"name": f.name, "unit": "万美元", "current": str(wan(f.current)),
              "previous": None if f.previous is None else str(wan(f.previous)),
              "growth": _r(f.growth), "share": _r(f.share), "current_cents": f.current,
              "previous_cents": f.previous, "records": f.records, "enterprises": f.enterprises}
        for fid, f in ind.figures.items()}
    partners = [{"country": p.country, "name": country_name(p.country), "current": str(wan(p.current)),
                 "current_cents": p.current, "previous_cents": p.previous,
                 "previous": None if p.previous is None else str(wan(p.previous)),
                 "growth": _r(p.growth)}
                for p in ind.partners]
    checks = [c.__dict__ for c in doc.checks]
    return {"period": str(ind.period), "period_words": ind.period.words(doc.settings.relative),
            "previous_period": str(ind.period.previous_year()), "bri_basis": ind.bri_basis,
            "figures": figures, "partners": partners, "checks": checks}


def as_json(doc: ReportDoc) -> str:
    """``shumao report --format json``, character for character (the portal's API too)."""
    return json.dumps(as_dict(doc), ensure_ascii=False, indent=2) + "\n"
