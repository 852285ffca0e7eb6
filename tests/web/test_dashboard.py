"""仪表盘 and 指标溯源 (web.md): the report's own figures, names and growth, for any period of
report.md's grammar; the computation shared between users and never stale; the same JSON
as ``shumao explain --json`` and ``shumao status --json``."""

from __future__ import annotations

import html
import json
import re
import threading

import pytest

from shumao.ingest.importer import import_files
from shumao.model.periods import Period
from shumao.report.service import ReportSettings
from shumao.web import figures
from shumao.web.cache import Shared
from tests.conftest import run_cli
from tests.support.records import set_status

KPIS = ["signed_total", "exec_total", "signed_offshore", "exec_offshore", "exec_bri", "exec_rcep"]


def cli_json(*args) -> dict:
    p = run_cli(*args)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def shown(page: str) -> dict[str, dict[str, str]]:
    """Every figure the page shows with an id: {id: {"current": …, "growth": …}} (KPI cards
    carry the growth; table rows the current value only)."""
    out: dict[str, dict[str, str]] = {}
    for tag in re.findall(r"<(?:a|tr)\b[^>]*\bdata-figure=[^>]*>", page):
        attrs = dict(re.findall(r'data-(\w+)="([^"]*)"', tag))
        seen = out.setdefault(attrs["figure"], {})
        for attr, k in (("value", "current"), ("growth", "growth")):
            if attr in attrs:
                assert seen.get(k, attrs[attr]) == attrs[attr], (attrs["figure"], k)   # same everywhere
                seen[k] = attrs[attr]
    return out


@pytest.mark.parametrize("period", ["2024-03", "2024Q2", "2024-01..2024-09"])
def test_the_dashboard_shows_exactly_the_reports_figures(client, sample_db, period):
    want = cli_json("report", "--period", period, "--format", "json", "--db", sample_db)["figures"]
    r = client("staff").get("/dashboard", params={"period": period})
    assert r.status_code == 200
    got = shown(r.text)
    assert list(got)[:len(KPIS)] == KPIS
    for fid, fig in got.items():
        assert fig["current"] == want[fid]["current"], fid
        if "growth" in fig:
            assert fig["growth"] == (want[fid]["growth"] or ""), fid
    assert set(got) == set(want)             # every figure of the report, in the tables
    words = Period.parse(period).words()
    assert f"<title>{words}仪表盘 · 数贸</title>" in r.text
    for fid in KPIS:                          # the names as the report's, linked to 指标溯源
        assert html.escape(want[fid]["name"], quote=False) in r.text
        assert f'href="/explain/{fid}?period={Period.parse(period).short()}"' in r.text


def test_growth_is_signed_and_coloured_and_a_dash_without_previous(client):
    page = client("staff").get("/dashboard?period=2024-03").text
    card = re.search(r'data-figure="exec_total".*?</a>', page, re.S).group(0)
    assert '<span class="down">-50.71%</span>' in card
    assert '<span class="up">+1653.31%</span>' in page        # 中国香港 in the partner table
    row = re.search(r'<th scope="row">德国</th>.*?</tr>', page, re.S).group(0)
    assert row.count('<span class="muted">—</span>') == 1 and "<td class=\"num\">—</td>" in row


def test_charts_have_their_data_and_a_table_each(client):
    page = client("staff").get("/dashboard?period=2024Q2").text
    data = json.loads(re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>',
                                page, re.S).group(1))
    assert set(data) == {"monthly", "partners", "structure", "nature"}
    assert data["monthly"]["labels"] == ["1月", "2月", "3月", "4月", "5月", "6月"]
    assert [s["name"] for s in data["monthly"]["series"]] == ["2023年", "2024年"]
    assert [s["name"] for s in data["nature"]["series"]] == ["内资企业", "外商投资企业"]
    for chart in data:
        assert f'id="chart-{chart}"' in page and f'id="table-{chart}"' in page
    assert '<script src="/static/vendor/echarts.min.js" defer></script>' in page
    assert "<script>" not in page                # CSP: no inline code


def test_the_default_period_is_the_latest_complete_month_with_quick_choices(client):
    page = client("staff").get("/dashboard").text
    assert "<title>2024年12月仪表盘 · 数贸</title>" in page     # the sample's last day: 2024-12-31
    for period, label in (("2024-12", "最近一个月"), ("2024Q4", "本季度"), ("2024", "今年以来"),
                          ("2023", "上年全年")):
        assert re.search(rf'<a href="/dashboard\?period={period}"[^>]*>{label}<small>', page)
    assert '<a href="/dashboard?period=2024-12" aria-current="true">' in page


@pytest.mark.parametrize(("last", "first", "expected"), [
    ("2024-12-31", "2021-02-06", "2024-12"),     # the month's last day: the month is complete
    ("2024-12-09", "2021-02-06", "2024-11"),     # filings of December still arrive
    ("2024-03-05", "2024-03-01", "2024-03"),     # only one month: that one
    ("2024-01-15", "2023-02-01", "2023-12"),
])
def test_latest_month(last, first, expected):
    s = {"signed_on": [first, last], "executed_on": [None, None]}
    assert str(figures.latest_month(s)) == expected


def test_quick_choices_in_january_do_not_repeat():
    s = {"signed_on": ["2023-01-01", "2024-02-03"], "executed_on": ["2023-01-01", "2024-02-03"]}
    assert [(c.label, c.period.short()) for c in figures.choices(s)] == [
        ("最近一个月", "2024-01"), ("本季度", "2024Q1"), ("上年全年", "2023")]
    assert figures.latest_month({"signed_on": [None, None], "executed_on": [None, None]}) is None


@pytest.mark.parametrize(("period", "status", "message"), [
    ("2024Q5", 400, "无法识别的时期“2024Q5”"),
    ("2024-09..2024-03", 400, "起止月份颠倒"),
    ("2023-01..2024-03", 400, "跨年"),
    ("<script>alert(1)</script>", 400, "无法识别的时期“&lt;script&gt;alert(1)&lt;/script&gt;”"),
    ("2019-03", 422, "2019年3月没有已审核通过的合同或执行数据"),
])
def test_a_bad_period_is_a_chinese_message_on_the_page(client, period, status, message):
    r = client("staff").get("/dashboard", params={"period": period})
    assert r.status_code == status
    assert message in r.text and 'class="error flags" role="alert"' in r.text
    assert 'name="period"' in r.text and "<script>alert" not in r.text   # the picker, escaped


def test_only_staff_and_admin_see_the_dashboard(client):
    assert client("admin").get("/dashboard?period=2024-03").status_code == 200
    for who in ("enterprise", "reviewer"):
        assert client(who).get("/dashboard?period=2024-03").status_code == 403
        assert client(who).get("/api/v1/explain/exec_total?period=2024-03").status_code == 403
    r = client().get("/dashboard")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert client().get("/api/v1/status").status_code == 401


# -- the shared computation ---------------------------------------------------------------------

class Counting(Shared):
    """Shared, counting the computations it runs (the portal's ``shared`` is a seam)."""

    def __init__(self):
        super().__init__()
        self.runs: list[str] = []

    def get(self, generation, key, compute):
        def counted():
            self.runs.append(key[0])
            return compute()
        return super().get(generation, key, counted)


def write(path, header: str, *rows: str):
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_two_requests_compute_once_and_a_change_is_never_stale(app, client, portal_store, tmp_path):
    counting = app.state.portal.shared = Counting()
    c = client("staff")
    first = shown(c.get("/dashboard?period=2024-03").text)
    again = shown(client("admin").get("/dashboard?period=2024-03").text)
    assert first == again and counting.runs.count("report") == 1
    assert first["signed_total"]["current"] == "121.14" and first["exec_total"]["current"] == "113.81"
    # an import in between: one more contract (10 万美元) and execution (5 万美元) in March
    ent = portal_store.facts["first"]
    files = [write(tmp_path / "contracts.csv", "contract_id,enterprise_id,signed_on,client_country,category,amount,currency,status",
                   f"HT-NEW-1,{ent},2024-03-15,JP,ITO,100000,USD,approved"),
             write(tmp_path / "executions.csv", "execution_id,contract_id,executed_on,amount,currency,status",
                   "ZX-NEW-1,HT-NEW-1,2024-03-20,50000,USD,approved")]
    assert import_files(portal_store, files).ok
    after = shown(c.get("/dashboard?period=2024-03").text)
    assert after["signed_total"]["current"] == "131.14" and after["exec_total"]["current"] == "118.81"
    assert counting.runs.count("report") == 2
    api = c.get("/api/v1/report?period=2024-03").json()["figures"]
    assert api["exec_total"]["current"] == "118.81"      # the API shares it too
    assert counting.runs.count("report") == 2
    # a status change: the returned execution no longer counts
    set_status(portal_store, "executions", "ZX-NEW-1", "returned", actor="测试")
    assert shown(c.get("/dashboard?period=2024-03").text)["exec_total"]["current"] == "113.81"
    explained = c.get("/api/v1/explain/exec_total?period=2024-03").json()
    assert explained["current"] == "113.81"


def test_fifty_people_asking_at_once_share_one_computation(app):
    portal = app.state.portal
    portal.shared = counting = Counting()
    p, done, gate = Period.parse("2024H1"), [], threading.Barrier(50)

    def ask():
        gate.wait()
        done.append(figures.report(portal, p, ReportSettings()))

    threads = [threading.Thread(target=ask) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(done) == 50 and all(d is done[0] for d in done)
    assert counting.runs == ["report"]


# -- 指标溯源 ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("figure", "period"), [("exec_bri", "2024"), ("signed_offshore", "2024Q2"),
                                                ("exec_offshore_KPO", "2024-01..2024-09")])
def test_the_explain_api_answers_exactly_the_clis_json(client, sample_db, figure, period):
    want = cli_json("explain", figure, "--period", period, "--db", sample_db, "--json")
    r = client("staff").get(f"/api/v1/explain/{figure}", params={"period": period})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.json() == want
    assert want["contributors"] and len(want["largest_records"]) == min(10, want["records"])


def test_the_largest_records_are_the_largest_and_add_up(client):
    e = client("staff").get("/api/v1/explain/exec_bri?period=2024&top=20").json()
    cents = [r["current_cents"] for r in e["largest_records"]]
    assert cents == sorted(cents, reverse=True) and e["largest_records"][0]["id"] == "ZX0000000645"
    assert {r["kind"] for r in e["largest_records"]} == {"execution"}
    assert sum(c["current_cents"] for c in e["contributors"]) == e["current_cents"]   # all 13


def test_the_explain_page_is_marked_internal(client):
    r = client("staff").get("/explain/exec_bri?period=2024")
    assert r.status_code == 200
    page = r.text
    assert "<title>指标溯源：承接“一带一路”共建国家服务外包执行金额（2024年全年） · 数贸</title>" in page
    assert page.count("仅供内部核对，勿发布") >= 3 and 'class="card internal"' in page
    assert "执行日期在2024年1月1日至2024年12月31日之间" in page and "152国" in page
    assert 'data-value="576.52"' in page and "332.11" in page and "+73.59%" in page
    assert "119 笔执行记录，13 家企业" in page
    assert "示例启航信息技术有限公司" in page and "28.68" in page and "另有 3 家企业未列出" in page
    assert "ZX0000000645" in page and "2024年12月31日" in page


def test_an_unknown_figure_is_404_naming_it(client):
    c = client("staff")
    r = c.get("/explain/nonsense?period=2024")
    assert r.status_code == 404 and "没有指标“nonsense”" in r.text
    hostile = "<img src=x onerror=alert(1)>"
    r = c.get(f"/api/v1/explain/{hostile}?period=2024")
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown-figure"
    assert f"没有指标“{hostile}”" in r.json()["error"]["message"]
    page = c.get(f"/explain/{hostile}?period=2024").text
    assert "没有指标“&lt;img src=x onerror=alert(1)&gt;”" in page and "<img" not in page


def test_the_explain_api_needs_a_good_period(client):
    c = client("staff")
    r = c.get("/api/v1/explain/exec_total")
    assert r.status_code == 422 and r.json()["error"]["code"] == "missing-period"
    r = c.get("/api/v1/explain/exec_total?period=2024Q9")
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad-period"
    assert "无法识别的时期“2024Q9”" in r.json()["error"]["message"]
    assert c.get("/api/v1/explain/exec_total?period=2024&top=0").status_code == 422


def test_status_is_shumao_status_json(client, sample_db):
    want = cli_json("status", "--db", sample_db, "--json")
    r = client("staff").get("/api/v1/status")
    assert r.status_code == 200 and r.json() == want
