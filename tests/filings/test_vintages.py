"""Vintages and revisions (filings/vintages.py; web.md filings-web, issue 10 point 6), on every
backend: a 数据月报 frozen for 2024Q2, then later web filings approved (and one returned), an
imported approved execution returned, and an ``import --replace`` correction of an
execution's amount and of a contract's country — ``report --vintage`` (library, CLI) gives
the published figures to the cent and the text exactly, today's figures differ, and the
revisions name exactly the records that moved each figure.  Records are never deleted: the
replaced rows stay in superseded_<kind>.  A vintage is refused when the store changed
while it was computed; a bulletin's publication freezes one in the same transaction; a
schema-3 store gains the vintage tables."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal

import pytest

from shumao.errors import ConflictError, StoreError, UnknownVintage
from shumao.filing import service, windows
from shumao.ingest.importer import import_files
from shumao.model.codes import load_group
from shumao.publication import vintages
from shumao.report.data import as_json
from shumao.report.service import ReportSettings, build_report
from shumao.store import connect
from shumao.store.schema import SCHEMA_VERSION
from tests.conftest import SAMPLE, SAMPLE_FILES, run_cli, sql
from tests.support.records import set_status

PERIOD = "2024Q2"
SETTINGS = ReportSettings(region="示例市", short="我市")
FIRST = "91990102B8QRD82822"              # 示例云桥信息技术有限公司, foreign-invested
RETURNED = "ZX0000000337"                 # an approved execution of 2024-04 (SG), returned later
HALVED = "ZX0000001090"                   # an approved execution of 2024-06 (US), corrected by import
MOVED = "HT000000055"                     # a US contract with executions in 2024Q2 and 2023Q2 → JP
EXPLAINED = {"exceeds-contract": "客户追加了服务内容", "possible-duplicate": "两笔款项分别付款",
             "unusual-amount": "大额合同首期款已核实"}


def _rows(name: str) -> tuple[list[str], dict[str, dict]]:
    with (SAMPLE / name).open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
    return list(reader.fieldnames or []), {r[next(iter(r))]: r for r in rows}


def _corrections(folder) -> list:
    """contracts.csv with MOVED's client now JP, executions.csv with HALVED's amount halved."""
    out = []
    for name, key, change in (("contracts.csv", MOVED, {"client_country": "JP"}),
                              ("executions.csv", HALVED, None)):
        header, rows = _rows(name)
        row = dict(rows[key])
        row.update(change or {"amount": str((Decimal(row["amount"]) / 2).quantize(Decimal("0.01")))})
        path = folder / name
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, header)
            w.writeheader()
            w.writerow(row)
        out.append(path)
    return out


def _file(store, kind: str, values: dict, decision: str = "approve") -> str:
    fid = service.create(store, kind, values, FIRST, "企业填报员")
    service.submit(store, fid, EXPLAINED, "企业填报员")
    service.review(store, fid, "approve", None, "审核员")
    if decision == "return":
        service.review(store, fid, "return", "金额与发票不符，请核对", "审核员")
    return values["execution_id" if kind == "executions" else "contract_id"]


def _later_changes(store, tmp_path) -> None:
    """What happens after publication: web filings approved (one of them returned again),
    an imported approved execution returned, an import --replace correction."""
    windows.set_window(store, dt.date(2024, 6, 1), locked=False, actor="管理员")
    _file(store, "contracts", {"contract_id": "WEB-HT-1", "signed_on": "2024-06-10",
                               "client_country": "美国", "category": "ITO", "amount": "50000"})
    _file(store, "executions", {"contract_id": "WEB-HT-1", "execution_id": "WEB-ZX-1",
                                "executed_on": "2024-06-20", "amount": "20000"})
    _file(store, "executions", {"contract_id": "WEB-HT-1", "execution_id": "WEB-ZX-2",
                                "executed_on": "2024-06-21", "amount": "10000"}, decision="return")
    set_status(store, "executions", RETURNED, "returned", "审核员", "合同已终止")
    result = import_files(store, _corrections(tmp_path), replace=True)
    assert result.ok, result.errors
    assert result.counts["contracts"]["replaced"] == 1 and result.counts["executions"]["replaced"] == 1


def _executions_of(store, contract: str) -> dict[str, str]:
    """MOVED's approved executions in 2024Q2 and 2023Q2: id → current | previous."""
    rows = sql(store, "SELECT execution_id, executed_on FROM executions WHERE contract_id = ? "
                      "AND status = 'approved'", [contract])
    out = {}
    for rid, day in rows:
        if dt.date(2024, 4, 1) <= day <= dt.date(2024, 6, 30):
            out[rid] = "current"
        elif dt.date(2023, 4, 1) <= day <= dt.date(2023, 6, 30):
            out[rid] = "previous"
    return out


def test_a_published_figure_is_reproduced_after_later_changes(store_url, tmp_path):
    with connect(store_url) as store:
        assert import_files(store, SAMPLE_FILES).ok
        published = build_report(store, PERIOD, SETTINGS)
        vid = vintages.freeze(store, PERIOD, SETTINGS, actor="秘书处")
        v = store.vintages.get(vid)
        assert (v["figures"], v["text"]) == (as_json(published), published.text)
        moved_by_country = _executions_of(store, MOVED)
        assert "current" in moved_by_country.values() and "previous" in moved_by_country.values()

        _later_changes(store, tmp_path)

        today = build_report(store, PERIOD, SETTINGS)
        assert today.ind["exec_total"].current != published.ind["exec_total"].current
        again = vintages.report(store, vid)                      # the same indicator code
        assert as_json(again) == as_json(published) and again.text == published.text
        for fid, f in published.ind.figures.items():             # to the cent
            assert again.ind[fid].current == f.current and again.ind[fid].previous == f.previous

        revs = vintages.revisions(store, vid)
        by_id = {r.id: r for r in revs.figures}
        for r in revs.figures:          # the figures; then the partners the text names
            if r.id.startswith("partner_"):
                assert r.published == {p.country: p.current for p in published.ind.partners}[r.id[8:]]
                continue
            assert r.published == published.ind[r.id].current and r.today == today.ind[r.id].current
        moved = {fid: {(m.record_id, m.period, m.change) for m in r.records} for fid, r in by_id.items()}
        web_exec = ("WEB-ZX-1", "current", "added")
        returned = (RETURNED, "current", "removed")
        halved = (HALVED, "current", "changed")
        # exactly the records that moved each figure, and not others: the returned web filing
        # (approved, then returned) moved nothing; MOVED's new country moves only RCEP
        assert moved["exec_total"] == {web_exec, returned, halved}
        assert moved["exec_offshore"] == {web_exec, returned, halved}
        assert moved["exec_onshore"] == set()
        assert moved["signed_total"] == moved["signed_offshore"] == {("WEB-HT-1", "current", "added")}
        assert moved["signed_onshore"] == set()
        assert moved["exec_rcep"] == {returned} | {(x, p, "changed") for x, p in moved_by_country.items()}
        everything = {web_exec, returned, halved, ("WEB-HT-1", "current", "added")} | {
            (x, p, "changed") for x, p in moved_by_country.items()}
        assert set().union(*moved.values()) <= everything
        assert not any(m.record_id == "WEB-ZX-2" for r in revs.figures for m in r.records)
        # the figure moved by what the records say: published + their changes = today
        for r in revs.figures:
            assert r.published + sum((m.new_cents or 0) - (m.old_cents or 0) for m in r.records
                                     if m.period == "current") == r.today
        total = {m.record_id: m for m in by_id["exec_total"].records}
        assert total[RETURNED].new_cents is None and total[RETURNED].now == "现为“退回”"
        assert total[HALVED].what == ("amount",) and total[HALVED].new_cents < total[HALVED].old_cents
        assert total["WEB-ZX-1"].old_cents is None and total["WEB-ZX-1"].new_cents == 2_000_000
        assert total["WEB-ZX-1"].enterprise == "示例云桥信息技术有限公司"
        rcep = {m.record_id: m for m in by_id["exec_rcep"].records}
        assert all(rcep[x].what == ("client_country",) and rcep[x].old_cents is None
                   for x in moved_by_country)
        as_dict = revs.as_dict()
        assert json.loads(revs.as_json()) == as_dict and as_dict["vintage"]["id"] == vid
        assert "figures" not in as_dict["vintage"] and "text" not in as_dict["vintage"]

        # records are never deleted: the rows the import replaced are kept
        old = sql(store, "SELECT client_country, superseded_by FROM superseded_contracts "
                         "WHERE contract_id = ?", [MOVED])
        assert old == [("US", "导入批次2")]
        (was,), = sql(store, "SELECT amount_cents FROM superseded_executions WHERE execution_id = ?",
                      [HALVED])
        (now,), = sql(store, "SELECT amount_cents FROM executions WHERE execution_id = ?", [HALVED])
        assert now < was == total[HALVED].old_cents

    # the command line gives the published report in every format, exactly
    p = run_cli("report", "--vintage", vid, "--db", store_url)
    assert p.returncode == 0 and p.stdout == published.text, p.stderr
    p = run_cli("report", "--vintage", vid, "--period", "2024-04..2024-06", "--format", "json",
                "--db", store_url)
    assert p.returncode == 0 and p.stdout == as_json(published)
    assert run_cli("report", "--period", PERIOD, "--region", "示例市",
                   "--db", store_url).stdout == today.text != published.text
    p = run_cli("report", "--vintage", vid, "--format", "md", "--db", store_url)
    assert p.returncode == 0 and "2024年二季度" in p.stdout
    p = run_cli("report", "--vintage", vid, "--period", "2024-06", "--db", store_url)
    assert p.returncode == 2 and "2024年二季度（2024Q2）" in p.stderr and "不符" in p.stderr
    for bad in ("99", "abc"):
        p = run_cli("report", "--vintage", bad, "--db", store_url)
        assert p.returncode == 2 and f"没有编号为“{bad}”的数据版本" in p.stderr
    p = run_cli("report", "--vintage", vid, "--region", "大连市", "--db", store_url)
    assert p.returncode == 2 and "--region" in p.stderr
    p = run_cli("vintages", "--json", "--db", store_url)
    listed = json.loads(p.stdout)
    assert p.returncode == 0 and [r["id"] for r in listed] == [vid] and listed[0]["source"] == "report"
    p = run_cli("vintages", vid, "--json", "--db", store_url)
    assert p.returncode == 0 and json.loads(p.stdout)["figures"] == as_dict["figures"]
    p = run_cli("vintages", vid, "--db", store_url)
    assert p.returncode == 0 and RETURNED in p.stdout and "不再计入" in p.stdout


def test_a_change_while_computing_is_refused_not_frozen(store):
    assert import_files(store, SAMPLE_FILES).ok
    generation = store.generation()
    doc = build_report(store, PERIOD, SETTINGS)
    set_status(store, "executions", RETURNED, "returned", "审核员", "合同已终止")
    with pytest.raises(ConflictError, match="请重新发布"):
        vintages.freeze(store, doc, source="report", actor="秘书处", generation=generation)
    assert store.vintages.all() == []
    assert sql(store, "SELECT count(*) FROM vintage_executions") == [(0,)]
    vid = vintages.freeze(store, PERIOD, SETTINGS, actor="秘书处")       # computed afresh: fine
    assert vintages.report(store, vid).text != doc.text


def test_a_bulletin_publication_freezes_its_figures(store, tmp_path):
    from shumao.bulletin import editions
    from tests.bulletin.conftest import make_content

    assert import_files(store, SAMPLE_FILES).ok
    folder = make_content(tmp_path / "issue")
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    bid = editions.create(store, files, "秘书处")
    meta = editions.publish(store, bid, "秘书处")
    vid = meta["vintage"]
    v = store.vintages.get(vid)
    assert (v["source"], v["bulletin_id"], v["period"]) == ("bulletin", bid, "2024-01..2024-09")
    assert vintages.of_bulletins(store) == {bid: vid}
    shown = build_report(store, "2024-01..2024-09", ReportSettings(region="示例市", short="我市"))
    assert v["text"] == shown.text and v["figures"] == as_json(shown)
    set_status(store, "executions", RETURNED, "returned", "审核员", "合同已终止")
    assert vintages.report(store, vid).text == shown.text
    assert [m.record_id for m in {r.id: r for r in vintages.revisions(store, vid).figures}[
        "exec_total"].records] == [RETURNED]
    # publication and vintage are one transaction: a stale generation publishes nothing
    draft = editions.revise(store, bid, "秘书处")
    stale = vintages.spec(shown, store.generation() - 1, "bulletin", draft)
    with pytest.raises(ConflictError):
        store.bulletins.publish(draft, [], store.bulletins.content(draft), "秘书处", vintage=stale)
    assert store.bulletins.get(draft)["status"] == "draft" and len(store.vintages.all()) == 1


@pytest.mark.parametrize("sample_url", ["duckdb"], indirect=True)
def test_settings_and_own_groups_are_frozen_with_the_vintage(sample_store, tmp_path):
    group = tmp_path / "东盟伙伴.csv"
    group.write_text("# 测试用国家组\ncountry,joined_on\nSG,\nMY,2024-05-01\n", encoding="utf-8")
    settings = ReportSettings.from_options(region="示例市", short="我市", bri="route65",
                                           groups=(group,), relative=True, hmt_separate=True)
    assert ReportSettings.from_json(json.loads(json.dumps(settings.to_json()))) == settings
    assert settings.basis.groups == (load_group(group),)
    vid = vintages.freeze(sample_store, PERIOD, settings, actor="秘书处")
    group.unlink()                      # the file is gone: the vintage kept its members
    doc = vintages.report(sample_store, vid)
    assert "exec_group_东盟伙伴" in doc.ind.figures and doc.settings == settings
    assert doc.text == sample_store.vintages.get(vid)["text"]


@pytest.mark.parametrize("sample_url", ["duckdb"], indirect=True)
def test_the_partners_the_text_names_have_revisions(sample_url, tmp_path):
    """Reliability review F14: the top partners of the published text (美国、日本、中国香港 in
    2024Q2) are revised like the 15 figures — an import --replace halving a US execution and
    moving a US contract to JP names those records under 美国 and 日本, in the library, the
    CLI's text and its --json."""
    with connect(sample_url) as sample_store:
        vid = vintages.freeze(sample_store, PERIOD, SETTINGS, actor="秘书处")
        shown = json.loads(sample_store.vintages.get(vid)["figures"])["partners"]
        assert [p["country"] for p in shown[:3]] == ["US", "JP", "HK"]
        assert "美国、日本、中国香港" in sample_store.vintages.get(vid)["text"]
        moved = set(_executions_of(sample_store, MOVED))
        assert import_files(sample_store, _corrections(tmp_path), replace=True).ok
        today = {p.country: p for p in build_report(sample_store, PERIOD, SETTINGS).ind.partners}
        revs = vintages.revisions(sample_store, vid)
        by_id = {r.id: r for r in revs.figures}
        assert [r for r in by_id if r.startswith("partner_")] == ["partner_US", "partner_JP", "partner_HK"]
        us, jp, hk = by_id["partner_US"], by_id["partner_JP"], by_id["partner_HK"]
        assert us.name == "承接美国离岸服务外包执行额" and jp.name == "承接日本离岸服务外包执行额"
        for r, p in ((us, shown[0]), (jp, shown[1]), (hk, shown[2])):
            assert (r.published, r.published_previous) == (p["current_cents"], p["previous_cents"])
            assert (r.today, r.today_previous) == (today[p["country"]].current,
                                                   today[p["country"]].previous)
        assert us.changed and us.today < us.published and jp.changed and jp.today > jp.published
        assert {m.record_id for m in us.records} == {HALVED} | moved
        assert {m.record_id for m in jp.records} == moved
        assert all(m.what == ("client_country",) for m in jp.records)
        assert not hk.changed and hk.records == []
        d = revs.as_dict()
        assert d["changed"] == sum(r.changed for r in revs.figures)
    p = run_cli("vintages", vid, "--json", "--db", sample_url)
    assert p.returncode == 0 and json.loads(p.stdout)["figures"] == d["figures"]
    p = run_cli("vintages", vid, "--db", sample_url)
    assert p.returncode == 0 and "承接美国离岸服务外包执行额（partner_US）" in p.stdout
    assert "承接日本离岸服务外包执行额" in p.stdout and HALVED in p.stdout
    assert "中国香港" not in p.stdout.split("有变动", 1)[1]          # unchanged: not listed


@pytest.mark.parametrize("sample_url", ["duckdb"], indirect=True)
def test_a_vintage_frozen_with_partners_previous_zero_still_reproduces(sample_store):
    """Before issue 19 a partner without previous-year records was frozen as previous_cents 0
    (now null, as a figure's): such a vintage is still the published report."""
    vid = vintages.freeze(sample_store, PERIOD, SETTINGS, actor="秘书处")
    frozen = json.loads(sample_store.vintages.get(vid)["figures"])
    absent = [p for p in frozen["partners"] if p["previous_cents"] is None]
    assert absent
    for p in absent:
        p["previous_cents"] = 0
    old = json.dumps(frozen, ensure_ascii=False, indent=2) + "\n"
    sql(sample_store, "UPDATE vintages SET figures = ? WHERE id = ?", [old, vid])
    assert vintages.report(sample_store, vid).text == sample_store.vintages.get(vid)["text"]
    assert vintages.revisions(sample_store, vid).figures
    absent[0]["previous_cents"] = 1                        # a real difference is still refused
    sql(sample_store, "UPDATE vintages SET figures = ? WHERE id = ?",
        [json.dumps(frozen, ensure_ascii=False, indent=2) + "\n", vid])
    with pytest.raises(StoreError, match="无法按发布时的原样重现"):
        vintages.report(sample_store, vid)


@pytest.mark.parametrize("sample_url", ["duckdb"], indirect=True)
def test_an_unknown_or_unreproducible_vintage_says_so(sample_store):
    for bad in ("7", "x", "-1", "1" * 12):
        with pytest.raises(UnknownVintage, match="没有编号为"):
            vintages.report(sample_store, bad)
    vid = vintages.freeze(sample_store, PERIOD, SETTINGS, actor="秘书处")
    # a frozen copy that no longer gives what was published (it cannot happen through the
    # store; tampered here) is refused, never printed
    sql(sample_store, "UPDATE vintage_executions SET amount_cents = amount_cents + 1 "
                       "WHERE execution_id = ?", [HALVED])
    with pytest.raises(StoreError, match="无法按发布时的原样重现"):
        vintages.report(sample_store, vid)


def test_the_frozen_records_are_those_the_report_reads():
    from shumao.model.periods import Period

    # compute: the period and the same months a year earlier; monthly: January to the
    # period's last month of both years
    assert vintages.dates(Period.parse("2024Q2")) == (dt.date(2023, 1, 1), dt.date(2024, 6, 30))
    assert vintages.dates(Period.parse("2024-12")) == (dt.date(2023, 1, 1), dt.date(2024, 12, 31))


SCHEMA_4 = ("filings", "filing_windows", "reminders", "vintages", "vintage_enterprises",
            "vintage_contracts", "vintage_executions", "superseded_enterprises",
            "superseded_contracts", "superseded_executions")


def test_a_schema_3_store_gains_the_vintage_tables(store_url):
    with connect(store_url) as s:
        assert import_files(s, SAMPLE_FILES).ok
        for t in SCHEMA_4:
            sql(s, f"DROP TABLE {t}")
        sql(s, "ALTER TABLE status_history DROP COLUMN content")
        sql(s, "ALTER TABLE users DROP COLUMN email")
        sql(s, "UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    with connect(store_url) as s:
        assert sql(s, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
        assert s.records.counts()["executions"] == 1500
        vid = vintages.freeze(s, PERIOD, SETTINGS, actor="秘书处")
        assert vintages.report(s, vid).text == build_report(s, PERIOD, SETTINGS).text
        assert s.users.all() == [] and s.filings.history("executions", RETURNED) == []
