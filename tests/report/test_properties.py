"""Property tests (hypothesis): parts add up to totals, shares to 100 % within rounding,
and neither import order nor re-import changes any figure."""

from __future__ import annotations

import csv
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shumao.indicators import Basis, compute
from shumao.ingest.importer import import_files
from shumao.model.credit import complete
from shumao.model.periods import Period
from shumao.report.vetting import consistency
from shumao.store import connect

ENTS = [(complete(f"9199010{i}ABCDEFGH"), n) for i, n in enumerate(["domestic", "foreign", "hmt"])]
record = st.tuples(st.integers(0, 2), st.sampled_from(["JP", "CN", "US", "HK", "SG", "KR", "DE"]),
                   st.sampled_from(["ITO", "BPO", "KPO"]), st.integers(0, 10**9),
                   st.dates(dt.date(2023, 1, 1), dt.date(2024, 12, 31)),
                   st.sampled_from(["approved", "approved", "pending"]))


def write(folder, rows):
    with (folder / "enterprises.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["enterprise_id", "name", "nature"])
        w.writerows([(e, f"企业{i}", n) for i, (e, n) in enumerate(ENTS)])
    with (folder / "contracts.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["contract_id", "enterprise_id", "signed_on", "client_country", "category", "amount", "status"])
        w.writerows([(f"C{i}", ENTS[e][0], d, c, k, f"{a // 100}.{a % 100:02d}", s)
                     for i, (e, c, k, a, d, s) in enumerate(rows)])
    with (folder / "executions.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["execution_id", "contract_id", "executed_on", "amount", "status"])
        w.writerows([(f"X{i}", f"C{i}", d, f"{a // 200}.00", s) for i, (e, c, k, a, d, s) in enumerate(rows)])
    return [folder / n for n in ("enterprises.csv", "contracts.csv", "executions.csv")]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(record, min_size=1, max_size=40),
       period=st.sampled_from(["2024", "2024H1", "2024Q3", "2024-05", "2024-02..2024-11"]),
       hmt=st.booleans())
def test_parts_add_up_and_order_does_not_matter(tmp_path_factory, rows, period, hmt):
    folder = tmp_path_factory.mktemp("p")
    files = write(folder, rows)
    p, s = Period.parse(period), Basis(hmt_separate=hmt)
    with connect(folder / "a.duckdb") as a, connect(folder / "b.duckdb") as b:
        assert import_files(a, files).ok
        ind = compute(a.ibis(), p, s)
        assert all(c.ok for c in consistency(ind)), [c.message for c in consistency(ind) if not c.ok]
        # contracts first, then executions, then enterprises last in another batch order
        assert import_files(b, [files[0]]).ok and import_files(b, files[1:][::-1]).ok
        assert import_files(b, files).ok                     # re-import
        other = compute(b.ibis(), p, s)
        assert {k: (f.current, f.previous) for k, f in other.figures.items()} == \
               {k: (f.current, f.previous) for k, f in ind.figures.items()}
        assert [(x.country, x.current) for x in other.partners] == [(x.country, x.current) for x in ind.partners]
