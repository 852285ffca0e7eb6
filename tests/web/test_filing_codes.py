"""The filing codes no other web test reaches, each made and asserted: an id already used
(``id-taken``), a client in China (``onshore``, a hint) and an upload that is not the
enterprise's filing (``not-a-filing``)."""

from __future__ import annotations

from tests.web import test_filings as filings
from tests.web.test_filings import _upload, contract, submit

store, user = filings.store, filings.user     # the fixtures of the filing tests


def test_an_id_already_used_is_id_taken(store, user):
    ent = user("enterprise")
    assert contract(ent, cid="W-T1").status_code == 201
    r = contract(ent, cid="W-T1")
    assert r.status_code == 422 and "id-taken" in {k["code"] for k in r.json()["error"]["checks"]}


def test_a_client_in_china_is_the_onshore_hint(store, user):
    ent = user("enterprise")
    r = filings._file(ent, kind="contract", contract_id="W-CN", signed_on="2024-12-02",
                      client_country="中国", category="信息技术外包", amount="500000")
    assert r.status_code == 201, r.text
    r = submit(ent, r.json()["id"])
    assert r.status_code == 200, r.text
    assert "onshore" in {k["code"] for k in r.json()["checks"]}, r.text


def test_an_upload_of_rates_is_not_a_filing(store, user):
    from shumao.filing import service
    from shumao.ingest.issues import Issue
    ent = user("enterprise")
    r = _upload(ent, "汇率.csv", "currency,month,usd_per_unit\nTHB,2024-12,0.03\n")
    assert r.status_code == 422 and "企业信息和汇率由统计人员导入" in r.text
    issue = service._upload_issue(["汇率.csv"], None, None, "说明")
    assert issue == Issue("汇率.csv", None, None, None, "not-a-filing", "说明")
