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
    # 中国香港 in the partner table: 100% or more in 倍, as official releases write it (S-13)
    assert '<span class="up" title="+1653.31%">增长16.5倍</span>' in page
    row = re.search(r'<th scope="row"><a [^>]*>德国</a></th>.*?</tr>', page, re.S).group(0)
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


def months(*codes: str) -> list[Period]:
    return [Period.parse(c) for c in codes]


def test_latest_month_is_the_last_with_approved_data():
    assert str(figures.latest_month(months("2021-02", "2024-11", "2024-12"))) == "2024-12"
    assert figures.latest_month([]) is None


def test_quick_choices_in_january_do_not_repeat():
    assert [(c.label, c.period.short()) for c in figures.choices(months("2023-01", "2024-01"))] == [
        ("最近一个月", "2024-01"), ("本季度", "2024Q1"), ("上年全年", "2023")]
    assert figures.choices([]) == []


def test_months_are_named_in_spans():
    assert figures.spans(months("2021-02", "2021-03", "2021-04", "2021-12", "2022-01", "2024-03")) == \
        "2021年2月—2021年4月、2021年12月—2022年1月、2024年3月"
    assert figures.spans(months("2024-03")) == "2024年3月"


def pend(store, since: str) -> None:
    """Every record dated from ``since`` on back to pending (a month still being filed)."""
    from shumao.store import schema
    from tests.conftest import sql

    with store.db.write():
        sql(store, "UPDATE contracts SET status = 'pending' WHERE signed_on >= ?", [since])
        sql(store, "UPDATE executions SET status = 'pending' WHERE executed_on >= ?", [since])
        schema.bump(store.db)


@pytest.mark.parametrize("page", ["/dashboard", "/report"])
def test_the_first_screen_is_the_latest_month_with_approved_data(client, portal_store, page):
    """portal-ux S-1: December's records still pending (filed, not yet approved) do not make
    the first screen an empty month."""
    pend(portal_store, "2024-12-01")
    r = client("staff").get(page)
    assert r.status_code == 200
    assert "2024年11月" in re.search(r"<title>(.*?)</title>", r.text).group(1)
    assert 'class="error' not in r.text and 'id="period-notice"' not in r.text
    assert 'name="period" value="2024年11月"' in r.text            # the box speaks words too
    if page == "/dashboard":                                       # its quick choices too
        assert '<a href="/dashboard?period=2024-11" aria-current="true">' in r.text


@pytest.mark.parametrize("page", ["/dashboard", "/report"])
def test_an_empty_period_is_a_neutral_notice_naming_the_months_with_data(app, client, portal_store, page):
    counting = app.state.portal.shared = Counting()
    held = figures.spans([Period(d.year, d.month, d.month) for d in portal_store.records.approved_months()])
    c = client("staff")
    for _ in range(3):
        r = c.get(page, params={"period": "2019年3月"})
        assert r.status_code == 200
        notice = re.search(r'<p class="notice flags" role="status" id="period-notice">(.*?)</p>', r.text).group(1)
        assert notice == f"2019年3月还没有审核通过的合同或执行数据。有数据的月份：{held}。"
        assert 'class="error' not in r.text and 'role="alert"' not in r.text
    assert "2021年" in held and "2024年12月" in held
    # no figure computed for the empty month; the months held and the count of records waiting
    # for a rate (待折算, shown beside any period) once each
    assert counting.runs == ["months", "pending"]


def test_a_store_without_approved_data_says_what_to_do(client, portal_store):
    pend(portal_store, "1900-01-01")
    r = client("staff").get("/dashboard")
    assert r.status_code == 200 and "还没有审核通过的合同或执行记录" in r.text
    assert 'id="period-notice"' in r.text and 'class="error' not in r.text


@pytest.mark.parametrize(("typed", "words"), [
    ("2024年1-6月", "2024年上半年"), ("2024年上半年", "2024年上半年"), ("2024年三季度", "2024年三季度"),
    ("2024年", "2024年全年"), ("2024年3月", "2024年3月"), ("2024年1-9月", "2024年前三季度"),
    ("２０２４年第二季度", "2024年二季度"),
])
def test_the_period_box_takes_the_words_the_pages_print(client, typed, words):
    """portal-ux S-2: what the pages print is what the box takes; the same figures as the code."""
    c = client("staff")
    r = c.get("/dashboard", params={"period": typed})
    assert r.status_code == 200 and f"<title>{words}仪表盘 · 数贸</title>" in r.text
    code = Period.parse(typed).short()
    assert shown(r.text) == shown(c.get("/dashboard", params={"period": code}).text)
    report = c.get("/report", params={"period": typed})
    assert report.status_code == 200 and f'name="period" value="{words}"' in report.text
    api = c.get("/api/v1/report", params={"period": typed}).json()
    assert api == c.get("/api/v1/report", params={"period": code}).json()


def test_figures_read_with_thousands_separators_and_keep_their_exact_values(client):
    """portal-ux S-12: a card, a table cell and 指标溯源 show 1,234.56; the data stays exact."""
    c = client("staff")
    page = c.get("/dashboard?period=2024").text
    card = re.search(r'<a class="kpi"[^>]*data-figure="signed_total"[^>]*data-value="([^"]+)".*?</a>', page, re.S)
    value = card.group(1)
    assert "," not in value and float(value) >= 1000
    grouped = f"{float(value):,.2f}"
    assert f'<span class="value">{grouped}<span class="unit">' in card.group(0)
    assert re.search(rf'<td class="num">{re.escape(grouped)}</td>', page)
    explain = c.get("/explain/signed_total?period=2024").text
    assert f">{grouped}</strong> 万美元" in explain
    assert f'data-value="{value}"' in explain


def test_the_report_text_keeps_its_own_numbers(client, sample_db):
    """S-12 stops at the report's text: report.md writes figures without separators."""
    want = run_cli("report", "--period", "2024", "--db", sample_db).stdout
    page = client("staff").get("/report?period=2024").text
    text = re.search(r'<pre class="report-text" id="report-text">(.*?)</pre>', page, re.S).group(1)
    assert html.unescape(text).strip() == want.strip() and "," not in want


@pytest.mark.parametrize(("g", "words"), [
    ("28861.82", "增长288.6倍"), ("4127.94", "增长41.3倍"), ("100.00", "增长1.0倍"), ("1653.31", "增长16.5倍"),
    ("99.99", None), ("-50.00", None), ("0.00", None), (None, None), ("", None),
])
def test_growth_of_100_percent_or_more_reads_in_times(g, words):
    from shumao.report.numbers import growth_times
    assert growth_times(g) == words


@pytest.mark.parametrize(("value", "words"), [
    ("200081.06", "200,081.06"), ("450329.16", "450,329.16"), ("0.00", "0.00"), ("999.99", "999.99"),
    ("-1234.50", "-1,234.50"), (None, "—"), ("", "—"), (1234567, "1,234,567"),
    ("不予公布", "不予公布"),
])
def test_grouped(value, words):
    from shumao.report.numbers import grouped
    assert grouped(value) == words


def test_every_dashboard_table_drills_into_explain(client):
    """portal-ux S-14: a figure's row, a month and a partner each open 指标溯源 of exactly
    the number in the row."""
    c = client("staff")
    page = c.get("/dashboard?period=2024Q2").text
    for cid in ("monthly", "partners", "structure", "nature", "overview"):
        table = re.search(rf'<table class="data figures" id="table-{cid}">(.*?)</table>', page, re.S).group(1)
        rows = re.findall(r'<tr[^>]*>\s*<th scope="row"><a href="([^"]+)"[^>]*>[^<]+</a></th>\s*<td class="num">([^<]+)</td>',
                          table)
        assert rows and len(rows) == table.count("<th scope=\"row\">"), cid
        for href, cell in rows:
            href = html.unescape(href)
            fig, query = href.split("?")
            api = c.get("/api/v1" + fig, params=dict(q.split("=") for q in query.split("&"))).json()
            assert f"{float(api['current']):,.2f}" == cell, (cid, href)
            assert c.get(href).status_code == 200
    months_ = re.findall(r'href="/explain/exec_total\?period=(2024-0\d)"', page)
    assert months_[:6] == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]


def test_a_partners_explain_page_names_the_country_not_a_code(client):
    c = client("staff")
    page = c.get("/dashboard?period=2024Q2").text
    href = html.unescape(re.search(r'<table class="data figures" id="table-partners">.*?<a href="([^"]+)"', page, re.S).group(1))
    assert re.fullmatch(r"/explain/exec_country_[A-Z]{2}\?period=2024Q2", href)
    r = c.get(href)
    assert r.status_code == 200
    name = re.search(r'<h2 id="fig-name">(.*?)</h2>', r.text).group(1)
    assert name.startswith("承接") and name.endswith("离岸服务外包执行额") and "exec_" not in name
    assert "离岸，且发包方为" in r.text and "国）" not in r.text
    assert c.get("/explain/exec_country_XX?period=2024Q2").status_code == 404
    assert c.get("/explain/exec_country_jp?period=2024Q2").status_code == 404


def test_the_explain_page_links_enterprises_and_lists_them_all(client):
    c = client("staff")
    page = c.get("/explain/exec_bri?period=2024").text
    assert re.search(r'<a href="/members/[0-9A-Z]{18}" title="查看该企业的全部记录">示例启航信息技术有限公司</a>', page)
    more = re.search(r'<a href="([^"]+)" id="more-enterprises">列出全部 13 家</a>', page)
    assert more
    everyone = c.get(html.unescape(more.group(1))).text
    assert everyone.count('title="查看该企业的全部记录"') >= 13 and "另有" not in everyone
    for cli_text in ("shumao", "--json", "/api/v1", "exec_bri</small>"):
        assert cli_text not in page


@pytest.mark.parametrize(("period", "status", "message"), [
    ("2024Q5", 400, "无法识别的时期“2024Q5”"),
    ("2024-09..2024-03", 400, "起止月份颠倒"),
    ("2023-01..2024-03", 400, "跨年"),
    ("<script>alert(1)</script>", 400, "无法识别的时期“&lt;script&gt;alert(1)&lt;/script&gt;”"),
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
    """Shared, counting the computations it runs (the portal's ``shared`` is a seam): ``runs``
    their kinds, ``keys`` their whole keys (after a change the portal also computes the
    periods its pages open on, in the background: web/refresh.py)."""

    def __init__(self):
        super().__init__()
        self.runs: list[str] = []
        self.keys: list[tuple] = []

    def get(self, generation, key, compute):
        def counted():
            self.runs.append(key[0])
            self.keys.append(key)
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

    def march() -> int:
        return sum(k[:2] == ("report", "2024-03") for k in counting.keys)
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
    assert march() == 2
    api = c.get("/api/v1/report?period=2024-03").json()["figures"]
    assert api["exec_total"]["current"] == "118.81"      # the API shares it too
    assert march() == 2
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
