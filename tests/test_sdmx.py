"""SDMX out (digital-trade.md §8.3, §8.6, §9.3): the structure and the data validate against the
SDMX XSDs offline, pysdmx reads them back to the same frame, sdmx1 reads them in processes of
its own (its ordering gotcha), every code is checked against its codelist by us (neither reader
does), a suppressed value is NaN with a CONF_STATUS that says why, and no value drifts from its
cents.  The spec's own sample SDMX-CSV is reproduced byte for byte."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shumao.errors import InputError
from shumao.model.periods import Period
from shumao.sdmx import data, files, structure
from tests.conftest import run_cli

# the spec's sample (§8.3), written by pysdmx from a prototype of this DSD; 万美元, UNIT_MULT 4
SPEC_SAMPLE = """\
STRUCTURE,STRUCTURE_ID,ACTION,FREQ,REF_AREA,COUNTERPART_AREA,TRADE_FLOW,DIGITAL_NATURE,DIP,PRODUCT_TYPE,SERVICE,COMMODITY,CUSTOMS_REGIME,CONTROL,ENTERPRISE_SIZE,PERIOD_BASIS,UNIT_MEASURE,TIME_PERIOD,OBS_VALUE,UNIT_MULT,OBS_STATUS,CONF_STATUS,SOURCE_DETAIL,DECIMALS,COVERAGE,METHOD
dataflow,SHUMAO:DF_DIGITAL_TRADE(1.0),I,S,CN_999901,W,X,DT,_T,_T,_T,_T,_T,_T,_T,PER,USD,2024-S1,1620.65,4,E,F,MIXED,2,87.83,SO-EBOPS-2026.1;ORD-UNK=NDO
dataflow,SHUMAO:DF_DIGITAL_TRADE(1.0),I,S,CN_999901,W,X,DO,_T,_T,_T,_T,_T,_T,_T,PER,USD,2024-S1,1387.75,4,E,F,MIXED,2,,SO-EBOPS-2026.1;ORD-UNK=NDO
dataflow,SHUMAO:DF_DIGITAL_TRADE(1.0),I,S,CN_999901,W,X,DD,_T,S,S,_Z,_Z,_T,_T,PER,USD,2024-S1,251.3,4,E,F,MOFCOM_SO,2,87.83,SO-EBOPS-2026.1;ORD-UNK=NDO
dataflow,SHUMAO:DF_DIGITAL_TRADE(1.0),I,S,CN_999901,W,X,DO_NDD,_T,G,_Z,_T,_T,_T,_T,PER,USD,2024-S1,1367.25,4,A,F,GACC_CBEC,2,,
dataflow,SHUMAO:DF_DIGITAL_TRADE(1.0),I,S,CN_999901,W,X,DO_NDD,_T,S,S,_Z,_Z,_T,_T,PER,USD,2024-S1,2.1,4,E,F,MOFCOM_SO,2,,SO-EBOPS-2026.1;ORD-UNK=NDO
dataflow,SHUMAO:DF_DIGITAL_TRADE(1.0),I,S,CN_999901,W,X,DO_DD,_T,S,S,_Z,_Z,_T,_T,PER,USD,2024-S1,18.4,4,E,F,MOFCOM_SO,2,,SO-EBOPS-2026.1;ORD-UNK=NDO
dataflow,SHUMAO:DF_DIGITAL_TRADE(1.0),I,S,CN_999901,W,X,DD_NDO,_T,S,S,_Z,_Z,_T,_T,PER,USD,2024-S1,232.9,4,E,F,MOFCOM_SO,2,,SO-EBOPS-2026.1;ORD-UNK=NDO
dataflow,SHUMAO:DF_DIGITAL_TRADE(1.0),I,S,CN_999901,W,X,DDL,_T,S,S,_Z,_Z,_T,_T,PER,USD,2024-S1,322.1,4,E,F,MOFCOM_SO,2,,SO-EBOPS-2026.1;ORD-UNK=NDO
dataflow,SHUMAO:DF_DIGITAL_TRADE(1.0),I,S,CN_999901,W,X,DO_NDD,_T,G,_Z,_T,9610,_T,_T,PER,USD,2024-S1,812.4,4,A,F,GACC_CBEC,2,,
dataflow,SHUMAO:DF_DIGITAL_TRADE(1.0),I,S,CN_999901,W,X,DO_NDD,_T,G,_Z,_T,9710,_T,_T,PER,USD,2024-S1,356.25,4,A,F,GACC_CBEC,2,,
dataflow,SHUMAO:DF_DIGITAL_TRADE(1.0),I,S,CN_999901,W,X,DO_NDD,_T,G,_Z,_T,9810,_T,_T,PER,USD,2024-S1,198.6,4,A,F,GACC_CBEC,2,,
dataflow,SHUMAO:DF_DIGITAL_TRADE(1.0),I,S,CN_999901,W,M,DO_NDD,_T,G,_Z,_T,_T,_T,_T,PER,USD,2024-S1,219.55,4,A,F,GACC_CBEC,2,,
dataflow,SHUMAO:DF_DIGITAL_TRADE(1.0),I,S,CN_999901,JPN,X,DD,_T,S,SI2,_Z,_Z,_T,_T,PER,USD,2024-S1,171.28,4,E,F,MOFCOM_SO,2,,SO-EBOPS-2026.1;ORD-UNK=NDO
dataflow,SHUMAO:DF_DIGITAL_TRADE(1.0),I,S,CN_999901,HKG,X,DD,_T,S,SJ1,_Z,_Z,FOR,_T,PER,USD,2024-S1,NaN,4,Q,A,MOFCOM_SO,2,,SO-EBOPS-2026.1;ORD-UNK=NDO
"""
H1 = Period.parse("2024H1")


def observations_of(csv_text: str) -> list[data.Observation]:
    """The sample's rows as the observations the figures hand over (cents from 万美元)."""
    import csv
    import io

    out = []
    for r in csv.DictReader(io.StringIO(csv_text)):
        v = r["OBS_VALUE"]
        out.append(data.Observation(
            key={k: r[k] for k in data.GIVEN},
            cents=None if v == "NaN" else int(Decimal(v) * data.CENTS_PER_UNIT),
            status=r["OBS_STATUS"], conf=r["CONF_STATUS"], source=r["SOURCE_DETAIL"] or None,
            coverage=r["COVERAGE"] or None, method=r["METHOD"] or None))
    return out


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sdmx")
    files.write_period(out, observations_of(SPEC_SAMPLE), H1, "示例市")
    return out


def test_the_specs_sample_is_written_byte_for_byte(written):
    assert (written / "data.csv").read_text(encoding="utf-8").replace("\r\n", "\n") == SPEC_SAMPLE
    assert sorted(p.name for p in written.iterdir()) == sorted(
        ["structure-2.1.xml", "structure-3.0.xml", "data.csv", "data-3.0.xml", "batis-extract.csv", "说明.txt"])


def test_every_xml_validates_against_the_sdmx_schemas_offline(written):
    from pysdmx.io.xml.doc_validation import validate_doc

    for name in ("structure-2.1.xml", "structure-3.0.xml", "data-3.0.xml"):
        validate_doc((written / name).read_text(encoding="utf-8"))


def test_the_structure_has_the_specs_key_order_and_codelists(written):
    from pysdmx.io import read_sdmx

    msg = read_sdmx(str(written / "structure-3.0.xml"))
    dsd = next(s for s in msg.structures if type(s).__name__ == "DataStructureDefinition")
    dims = [c.id for c in dsd.components.dimensions]
    assert ".".join(dims) == ("FREQ.REF_AREA.COUNTERPART_AREA.TRADE_FLOW.DIGITAL_NATURE.DIP.PRODUCT_TYPE."
                              "SERVICE.COMMODITY.CUSTOMS_REGIME.CONTROL.ENTERPRISE_SIZE.PERIOD_BASIS."
                              "UNIT_MEASURE.TIME_PERIOD")
    assert (dsd.id, dsd.agency, dsd.version) == ("DSD_DIGITAL_TRADE", "SHUMAO", "1.0")
    lists = structure.codelists("示例市")
    assert {"HKG", "MAC", "TWN", "JPN", "W", "G_RCEP", "G_BRI_R", "G_BRI_P", "_U"} <= set(lists["CL_AREA"])
    assert {"S", "SI21", "SJ312", "SK1", "_Z", "_T"} <= set(lists["CL_SERVICE"])
    assert "77" not in lists["CL_COMMODITY"] and {"01", "97", "_U"} <= set(lists["CL_COMMODITY"])
    assert set(lists["CL_CUSTOMS_REGIME"]) == {"9610", "1210", "1239", "9710", "9810", "OTH_FULL", "_T", "_Z"}
    assert set(lists["CL_CONF_STATUS"]) == {"F", "A", "O", "D"}
    assert list(lists["CL_REF_AREA"]) == ["CN_999901"]
    flow = next(s for s in msg.structures if type(s).__name__ == "Dataflow")
    assert [a.type for a in flow.annotations] == ["EXPERIMENTAL"]


def test_pysdmx_reads_the_csv_and_the_xml_to_the_same_frame(written):
    from pysdmx.io import get_datasets

    def frame(name):
        (ds,) = get_datasets(str(written / name), str(written / "structure-3.0.xml"))
        keys = [p.id for p in structure.parts()]          # the XML reader orders columns its way
        import pandas as pd

        df = ds.data[keys].astype(object).map(lambda v: "" if pd.isna(v) else str(v))
        return df.sort_values(keys).reset_index(drop=True)     # an absent value: "" from either

    a, b = frame("data.csv"), frame("data-3.0.xml")
    assert a.to_dict("records") == b.to_dict("records")
    assert len(a) == 14


SDMX1 = {
    "structure-2.1": """
        import sdmx
        msg = sdmx.read_sdmx(OUT / "structure-2.1.xml")
        dsd = msg.structure["DSD_DIGITAL_TRADE"]
        print(json.dumps([d.id for d in dsd.dimensions.components]))
    """,
    "csv": """
        import sdmx
        st = sdmx.read_sdmx(OUT / "structure-2.1.xml")
        msg = sdmx.read_sdmx(OUT / "data.csv", structure=st.dataflow["DF_DIGITAL_TRADE"])
        s = sdmx.to_pandas(msg.data[0])
        print(json.dumps(sorted(str(v) for v in s.values)))
    """,
    "xml-3.0": """
        import sdmx
        st = sdmx.read_sdmx(OUT / "structure-2.1.xml")
        msg = sdmx.read_sdmx(OUT / "data-3.0.xml", structure=st.structure["DSD_DIGITAL_TRADE"])
        s = sdmx.to_pandas(msg.data[0])
        print(json.dumps(sorted(str(v) for v in s.values)))
    """,
    "structure-3.0": """
        import sdmx
        try:
            sdmx.read_sdmx(OUT / "structure-3.0.xml")
        except Exception as e:
            print(json.dumps(type(e).__name__ + ": " + str(e)))
        else:
            print(json.dumps("read"))
    """,
}


def sdmx1(written: Path, what: str):
    """One sdmx1 read in a process of its own (reading a 2.1 file before a 3.0 one in the same
    process fails inside sdmx1, spec §4.2)."""
    code = f"import json\nfrom pathlib import Path\nOUT = Path({str(written)!r})\n" + textwrap.dedent(SDMX1[what])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_sdmx1_reads_the_structure_and_both_data_files_to_the_same_values(written):
    dims = sdmx1(written, "structure-2.1")
    assert dims[0] == "FREQ" and dims[-1] == "TIME_PERIOD" and len(dims) == 15
    from_csv, from_xml = sdmx1(written, "csv"), sdmx1(written, "xml-3.0")
    assert from_csv == from_xml
    assert sorted(float(v) for v in from_csv if v != "nan") == sorted(
        float(line.split(",")[18]) for line in SPEC_SAMPLE.splitlines()[1:] if ",NaN," not in line)


def test_sdmx1_still_cannot_read_our_3_0_structure(written):
    """A regression guard (spec §9.3): when sdmx1 learns MeasureRelationship, this fails and
    the README can say that sdmx1 reads both."""
    said = sdmx1(written, "structure-3.0")
    assert "NotImplementedError" in said and "MeasureRelationship" in said


def test_a_suppressed_value_is_nan_with_a_conf_status_that_says_why(written):
    rows = [line.split(",") for line in (written / "data.csv").read_text(encoding="utf-8").splitlines()]
    head, body = rows[0], rows[1:]
    at = {c: head.index(c) for c in ("OBS_VALUE", "CONF_STATUS", "OBS_STATUS")}
    hidden = [r for r in body if r[at["OBS_VALUE"]] == "NaN"]
    assert hidden and all(r[at["CONF_STATUS"]] in "AOD" and r[at["OBS_STATUS"]] == "Q" for r in hidden)
    assert all(r[at["CONF_STATUS"]] == "F" for r in body if r[at["OBS_VALUE"]] != "NaN")
    xml = (written / "data-3.0.xml").read_text(encoding="utf-8")
    assert xml.count('CONF_STATUS="A"') == 1


def test_the_batis_extract_has_the_services_dd_and_ddl_totals_in_millions(written):
    lines = (written / "batis-extract.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == ("REF_AREA,COUNTERPART_AREA,TRADE_FLOW,DIGITAL_NATURE,SERVICE,TIME_PERIOD,"
                        "OBS_VALUE,UNIT_MEASURE,UNIT_MULT,OBS_STATUS")
    assert lines[1:] == ["CN_999901,W,X,DD,S,2024-S1,2.513,USD_EXC,6,E",
                         "CN_999901,W,X,DDL,S,2024-S1,3.221,USD_EXC,6,E",
                         "CN_999901,JPN,X,DD,SI2,2024-S1,1.7128,USD_EXC,6,E"]


def test_the_readme_is_chinese_and_names_the_versions_and_the_codes(written):
    text = (written / "说明.txt").read_text(encoding="utf-8")
    assert "示例市数字贸易统计" in text and "2024年上半年" in text
    assert "SO-EBOPS-2026.1;ORD-UNK=NDO" in text and "D 为避免推算出其他不公布数据而不公布" in text


def _one(**change) -> data.Observation:
    (o,) = observations_of("\n".join(SPEC_SAMPLE.splitlines()[:2]) + "\n")
    key = {**o.key, **change.pop("key", {})}
    return data.Observation(**{**o.__dict__, "key": key, **change})


@pytest.mark.parametrize(("observations", "said"), [
    ([_one(key={"COUNTERPART_AREA": "XXX"})], "对方国家（地区）（COUNTERPART_AREA）“XXX”不在代码表 CL_AREA 中"),
    ([_one(key={"COMMODITY": "77"})], "“77”不在代码表 CL_COMMODITY 中"),
    ([_one(), _one()], "第2条观测值与第1条的维度完全相同"),
    ([_one(key={"DIP": ""})], "缺少必填的数字中介平台（DIP）"),
    ([_one(cents=None)], "数值为空，而保密状态为“F”"),
    ([_one(conf="A", status="Q")], "数值未隐去，而保密状态为“A”"),
    ([_one(cents=None, conf="O", status="E")], "不公布的数值的观测值状态应为 Q"),
    ([_one(status="Z")], "“Z”不在代码表 CL_OBS_STATUS 中"),
], ids=["partner", "hs77", "duplicate", "missing", "nan-free", "value-hidden", "status", "obs-status"])
def test_what_the_structure_does_not_allow_is_refused_and_nothing_is_written(tmp_path, observations, said):
    (tmp_path / "data.csv").write_text("old", encoding="utf-8")
    with pytest.raises(data.OutputCheckError) as e:
        files.write_period(tmp_path, observations, H1, "示例市")
    assert said in str(e.value)
    assert [p.name for p in tmp_path.iterdir()] == ["data.csv"]
    assert (tmp_path / "data.csv").read_text(encoding="utf-8") == "old"


@pytest.mark.parametrize(("period", "key"), [
    ("2024", ("A", "2024", "PER")), ("2024H1", ("S", "2024-S1", "PER")), ("2024H2", ("S", "2024-S2", "PER")),
    ("2024Q2", ("Q", "2024-Q2", "PER")), ("2024Q4", ("Q", "2024-Q4", "PER")), ("2024-03", ("M", "2024-03", "PER")),
    ("2024-01..2024-09", ("M", "2024-09", "YTD")), ("2024-01..2024-02", ("M", "2024-02", "YTD")),
])
def test_each_report_period_has_its_sdmx_time(period, key):
    assert data.time_key(Period.parse(period)) == key


@pytest.mark.parametrize("period", ["2024-02..2024-04", "2024-03..2024-12", "2024-05..2024-07"])
def test_a_range_not_from_january_is_refused_in_chinese(period):
    with pytest.raises(InputError) as e:
        data.time_key(Period.parse(period))
    assert e.value.exit_code == 2 and "不从1月开始，无法写成 SDMX" in str(e.value)


@given(st.integers(min_value=-10**18, max_value=10**18))
def test_no_value_drifts_from_its_cents(cents):
    """Up to 10¹⁶ US dollars either way the value written is the cents in 万美元 rounded half
    up to two decimals, exactly."""
    written = repr(data.value(cents))
    assert Decimal(written) == data.wan(cents)
    assert abs(Decimal(written) * data.CENTS_PER_UNIT - cents) <= data.CENTS_PER_UNIT // 200


def test_the_command_writes_the_structures_and_refuses_bad_settings(tmp_path):
    done = run_cli("sdmx", "structure", "--out", str(tmp_path / "s"), "--region", "大连市", "--json",
                   env={"SHUMAO_SDMX_AGENCY": "CN_DLDTA", "SHUMAO_SDMX_REF_AREA": "CN_210200"})
    assert done.returncode == 0, done.stderr
    said = json.loads(done.stdout)
    assert (said["agency"], said["ref_area"]) == ("CN_DLDTA", "CN_210200") and len(said["files"]) == 2
    text = (tmp_path / "s" / "structure-2.1.xml").read_text(encoding="utf-8")
    assert 'agencyID="CN_DLDTA"' in text and 'id="CN_210200"' in text and "大连市" in text
    bad = run_cli("sdmx", "structure", "--out", str(tmp_path / "t"), env={"SHUMAO_SDMX_AGENCY": "<x>"})
    assert bad.returncode == 2 and "SHUMAO_SDMX_AGENCY 应为 SDMX 标识" in bad.stderr
    assert not (tmp_path / "t").exists()
    missing = run_cli("sdmx", "structure", "--out", str(tmp_path / "no" / "where"))
    assert missing.returncode == 2 and "输出文件夹不存在" in missing.stderr


def test_the_default_area_is_said_to_be_the_samples(tmp_path):
    done = run_cli("sdmx", "structure", "--out", str(tmp_path))
    assert done.returncode == 0 and "SHUMAO_SDMX_REF_AREA" in done.stderr
