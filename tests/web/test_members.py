"""会员企业 and an enterprise's records (web.md): staff see every enterprise; an
enterprise's clerk its own records, a reviewer those of its region; anyone else and an
unknown code get the same 404."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from shumao.model.money import wan
from shumao.model.periods import Period

UNKNOWN = "91990102XXXXXXXXXX"


def _records(c, code: str, **params):
    return c.get(f"/api/v1/enterprises/{code}/records", params=params)


def test_records_with_status_amounts_in_wan_and_cents(client, portal_store):
    first = portal_store.facts["first"]
    r = _records(client("staff"), first)
    assert r.status_code == 200
    body = r.json()
    assert body["enterprise"] == portal_store.records.enterprise(first) and body["period"] is None
    stored = portal_store.db.execute("SELECT count(*) FROM contracts WHERE enterprise_id = ?", [first])
    assert len(body["contracts"]) == stored[0][0] > 0
    mine = {c["contract_id"] for c in body["contracts"]}
    assert body["executions"] and all(x["contract_id"] in mine for x in body["executions"])
    for rec in body["contracts"] + body["executions"]:
        assert isinstance(rec["amount_cents"], int) and rec["amount"] == str(wan(rec["amount_cents"]))
        assert rec["unit"] == "万美元" and rec["status"] in ("approved", "pending", "returned")
        assert re.fullmatch(r"\d+(\.\d+)?", rec["orig_amount"])
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", c["signed_on"]) for c in body["contracts"])


@pytest.mark.parametrize("period", ["2024Q2", "2024-03", "2023H2"])
def test_the_period_filters_contracts_by_signing_and_executions_by_date(client, portal_store, period):
    first = portal_store.facts["first"]
    p = Period.parse(period)
    everything = _records(client("staff"), first).json()
    body = _records(client("staff"), first, period=period).json()
    assert body["period"] == str(p)
    inside = lambda d: p.start <= dt.date.fromisoformat(d) <= p.end  # noqa: E731
    assert body["contracts"] == [c for c in everything["contracts"] if inside(c["signed_on"])]
    assert body["executions"] == [x for x in everything["executions"] if inside(x["executed_on"])]
    r = _records(client("staff"), first, period="2024Q9")
    assert r.status_code == 400 and "无法识别的时期" in r.json()["error"]["message"]


def test_who_may_see_an_enterprises_records(client, portal_store):
    facts = portal_store.facts
    first, second = facts["first"], facts["second"]
    assert _records(client("enterprise"), first).status_code == 200
    assert _records(client("enterprise"), first.lower()).status_code == 200
    assert _records(client("other"), second).status_code == 200
    assert _records(client("reviewer"), first).status_code == 200       # its region
    assert _records(client("admin"), second).status_code == 200
    hidden = _records(client("enterprise"), second)
    unknown = _records(client("enterprise"), UNKNOWN)
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json() == unknown.json() == {"error": {
        "code": "not-found", "message": "找不到该企业，或您没有查看它的权限"}}
    other_region = _records(client("reviewer"), second)                 # another district
    assert other_region.status_code == 404 and other_region.json() == unknown.json()
    assert _records(client("staff"), UNKNOWN).json() == unknown.json()
    assert _records(client("enterprise"), second, period="2024Q9").json() == unknown.json()
    anonymous = _records(client(), first)
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "sign-in-required"


def test_a_reviewer_without_a_region_sees_every_enterprise(client, portal_store):
    from shumao.access import accounts
    from tests.web.conftest import CHEAP, PASSWORD

    accounts.add(portal_store, "city-reviewer", "reviewer", PASSWORD, actor="测试", hasher=CHEAP)
    c = client("city-reviewer")
    assert _records(c, portal_store.facts["second"]).status_code == 200


def test_the_member_directory_lists_every_enterprise_in_chinese(client, portal_store):
    c = client("staff")
    r = c.get("/members")
    assert r.status_code == 200
    everyone = portal_store.records.enterprises()
    rows = re.findall(r'<tr><td class="mono nowrap">(\w{18})</td><td>(.*?)</td>\s*'
                      r'<td class="nowrap">(.*?)</td><td class="nowrap">(.*?)</td>', r.text)
    assert [row[0] for row in rows] == [e["enterprise_id"] for e in everyone]
    assert {row[2] for row in rows} <= {"内资企业", "港澳台商投资企业", "外商投资企业"}
    assert 'data-filter="members"' in r.text and 'class="data sortable members"' in r.text
    assert f'href="/members/{everyone[0]["enterprise_id"]}"' in r.text
    region = portal_store.facts["region"]
    found = c.get("/members", params={"q": region}).text
    assert found.count('<td class="mono nowrap">') == sum(e["region"] == region for e in everyone)
    assert "没有找到" in c.get("/members", params={"q": "<script>x</script>"}).text
    assert "<script>x</script>" not in c.get("/members", params={"q": "<script>x</script>"}).text
    for name in ("enterprise", "reviewer"):
        assert client(name).get("/members").status_code == 403


def test_the_records_page_for_staff(client, portal_store):
    first = portal_store.facts["first"]
    c = client("staff")
    r = c.get(f"/members/{first}", params={"period": "2024"})
    assert r.status_code == 200
    body = _records(c, first, period="2024").json()
    assert r.text.count('<tr><td class="mono nowrap">') == len(body["contracts"]) + len(body["executions"])
    assert "审核通过" in r.text and portal_store.records.enterprise(first)["name"] in r.text
    bad = c.get(f"/members/{first}", params={"period": "2024Q9"})
    assert bad.status_code == 400 and "无法识别的时期" in bad.text
    assert c.get(f"/members/{UNKNOWN}").status_code == 404
    assert client("enterprise").get(f"/members/{first}").status_code == 404
