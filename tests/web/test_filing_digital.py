"""A contract's four digital-trade fields filed on the portal (spec/digital-trade.md §6.1.2):
through the API on both backends — created, edited, submitted, approved — landing in the
contract's columns exactly as the import's would, the 数字贸易 blocks moving by exactly the
approved amounts; bad and hostile values refused with Chinese messages naming the field,
the import's rule (model.digital) and codes; the form's words and choices."""

from __future__ import annotations

import datetime as dt

import pytest

from shumao.filing import windows
from shumao.indicators.digital import digital
from shumao.ingest.importer import import_files
from shumao.model.periods import Period
from tests.conftest import BACKENDS
from tests.report.test_digital_city import DIGITAL, TODAY
from tests.web.test_filings import user as user  # noqa: F401  (fixture)
from tests.wording import html_text

MONTH = dt.date(2024, 12, 1)
PLATFORMS = DIGITAL / "platforms.csv"            # P1 示例跨境撮合平台 (中介平台), P2, P3


@pytest.fixture
def store(portal_store):
    windows.set_window(portal_store, MONTH, locked=False, actor="测试")
    assert import_files(portal_store, [PLATFORMS], today=TODAY).ok
    return portal_store




def contract(c, cid="D-C1", **kw):
    body = {"kind": "contract", "contract_id": cid, "signed_on": "2024-12-02",
            "client_country": "日本", "category": "信息技术外包", "amount": "500000", **kw}
    return c.post("/api/v1/filings", json=body)


def blocks(store) -> dict[str, int]:
    with store.reading() as con:
        d = digital(con, Period.parse("2024-12"))
    return {b: d.cur.block("X", b, "S") for b in ("A", "B", "U1", "C", "N", "U2", "DO", "DD", "DT")}


@pytest.mark.parametrize("portal_url", BACKENDS, indirect=True)
def test_digital_fields_filed_edited_approved_land_as_the_import_and_move_the_blocks_exactly(
        store, user, tmp_path):
    ent, rev = user("enterprise"), user("reviewer")
    before = blocks(store)
    r = contract(ent, subcategory="软件研发服务", delivery_mode="远程", remote_share="",
                 ordered_online="是", platform_id="P1")
    assert r.status_code == 201, r.text
    c = r.json()
    assert (c["subcategory"], c["delivery_mode"], c["remote_share"], c["ordered_online"],
            c["platform_id"]) == ("ITO01", "remote", "100", "yes", "P1")
    # edited: mixed, 40 % remote (the API's canonical names and codes)
    r = ent.put(f"/api/v1/filings/{c['id']}", json={
        "contract_id": "D-C1", "signed_on": "2024-12-02", "client_country": "JP", "category": "ITO",
        "amount": "500000", "subcategory": "ITO01", "delivery_mode": "mixed", "remote_share": 40,
        "ordered_online": "yes", "platform_id": "P1"})
    assert r.status_code == 200, r.text
    assert (r.json()["delivery_mode"], r.json()["remote_share"]) == ("mixed", "40")
    assert ent.post(f"/api/v1/filings/{c['id']}/submit", json={}).status_code == 200
    x = ent.post("/api/v1/filings", json={"kind": "execution", "execution_id": "D-X1",
                                          "contract_id": "D-C1", "executed_on": "2024-12-05",
                                          "amount": "100000.01"}).json()
    r = ent.post(f"/api/v1/filings/{x['id']}/submit",
                 json={"explanations": {"unusual-amount": "年度大额结算款项"}})
    assert r.status_code == 200, r.text
    assert blocks(store) == before                             # nothing counts before approval
    for f in (c, x):
        assert rev.post(f"/api/v1/review/{f['id']}", json={"decision": "approve"}).status_code == 200
    after = blocks(store)
    moved = {k: after[k] - before[k] for k in after}
    # 10,000,001 cents (model.digital's exact units: cents × percent × basis points): 40 %
    # delivered remotely and ordered online (B), 60 % ordered online only (A_S), exactly
    cents, bp = 10_000_001, 10_000
    assert moved == {"A": cents * 60 * bp, "B": cents * 40 * bp, "U1": 0, "C": 0, "N": 0, "U2": 0,
                     "DO": cents * 100 * bp, "DD": cents * 40 * bp, "DT": cents * 100 * bp}

    # the same words imported land in the same columns
    row = ("合同编号,统一社会信用代码,签约日期,发包方国别（地区）,业务类别,合同金额,"
           "业务子类,交付方式,远程交付比例（%）,线上订购,接单平台\n"
           f"D-IMP,{store.facts['first']},2024-12-02,JP,ITO,500000,ITO01,混合,40,是,P1\n")
    path = tmp_path / "合同.csv"
    path.write_text(row, encoding="utf-8")
    assert import_files(store, [path], today=TODAY).ok
    cols = ("subcategory", "delivery_mode", "remote_share", "ordered_online", "platform_id")
    filed, imported = store.filings.record("contracts", "D-C1"), store.filings.record("contracts", "D-IMP")
    assert [filed[k] for k in cols] == [imported[k] for k in cols] == ["ITO01", "mixed", 40, "yes", "P1"]


# field, values, the code, words the message must hold
BAD = [
    ("remote_share", {"delivery_mode": "远程", "remote_share": "50"}, "delivery-share-inconsistent",
     ("远程交付比例（%）", "“50”", "远程交付")),
    ("remote_share", {"delivery_mode": "onsite", "remote_share": "30"}, "delivery-share-inconsistent",
     ("远程交付比例（%）", "“30”", "现场交付")),
    ("remote_share", {"delivery_mode": "混合", "remote_share": "0"}, "delivery-share-inconsistent",
     ("远程交付比例（%）", "混合交付", "1到99")),
    ("remote_share", {"delivery_mode": "mixed", "remote_share": "100"}, "delivery-share-inconsistent",
     ("远程交付比例（%）", "“100”")),
    ("remote_share", {"delivery_mode": "mixed"}, "delivery-share-inconsistent",
     ("远程交付比例（%）未填写", "混合交付")),
    ("remote_share", {"delivery_mode": "mixed", "remote_share": "五十"}, "remote-share-out-of-range",
     ("远程交付比例（%）“五十”", "0到100的整数")),
    ("remote_share", {"delivery_mode": "mixed", "remote_share": "101"}, "remote-share-out-of-range",
     ("远程交付比例（%）",)),
    ("remote_share", {"remote_share": "50"}, "delivery-share-inconsistent", ("远程交付比例（%）",)),
    ("subcategory", {"subcategory": "呼叫中心"}, "subcategory-parent-mismatch",
     ("业务子类", "业务流程外包", "业务类别不符")),
    ("subcategory", {"subcategory": "<script>alert(1)</script>"}, "unknown-subcategory",
     ("业务子类“<script>alert(1)</script>”",)),
    ("delivery_mode", {"delivery_mode": "邮寄"}, "bad-delivery-mode", ("交付方式“邮寄”",)),
    ("ordered_online", {"ordered_online": "电子邮件"}, "bad-ordered-online", ("线上订购“电子邮件”",)),
    ("platform_id", {"platform_id": "P9"}, "unknown-platform", ("接单平台“P9”", "平台名录")),
    ("platform_id", {"platform_id": "<img src=x onerror=alert(1)>"}, "unknown-platform", ("接单平台",)),
]


@pytest.mark.parametrize("portal_url", BACKENDS, indirect=True)
def test_bad_and_hostile_digital_values_are_refused_naming_the_field_in_chinese(store, user):
    from shumao.model import digital_codes
    assert digital_codes.subcategory_aliases()["呼叫中心"].startswith("BPO")
    ent = user("enterprise")
    for i, (field, values, code, words) in enumerate(BAD):
        r = contract(ent, f"D-BAD{i}", **values)
        assert r.status_code == 422, (values, r.text)
        err = r.json()["error"]
        assert err["code"] == "invalid-filing"
        [chk] = err["checks"]
        assert (chk["code"], chk["field"], chk["level"]) == (code, field, "hard"), values
        for w in words:
            assert w in chk["message"] and w in err["message"], (w, chk["message"])
    assert store.filings.find() == []                     # nothing saved
    # a control character: not saved, not echoed
    r = contract(ent, "D-BADX", subcategory="软件\x00研发")
    assert r.status_code == 422 and r.json()["error"]["checks"][0]["code"] == "bad-value"
    # without the fields a contract files as before: the columns stay empty
    r = contract(ent, "D-PLAIN")
    assert r.status_code == 201
    assert all(r.json()[k] == "" for k in ("subcategory", "delivery_mode", "remote_share",
                                           "ordered_online", "platform_id"))
    rec = store.filings.record("contracts", "D-PLAIN")
    assert rec["delivery_mode"] is None and rec["remote_share"] is None


def test_the_form_shows_the_fields_in_words_and_names_each_bad_value(store, client):
    from tests.web.conftest import csrf_of
    ent = client("enterprise")
    r = ent.get("/filings/new", params={"kind": "contract"})
    assert r.status_code == 200
    page = html_text(r.text)
    for words in ("数字贸易信息（选填）", "业务子类", "交付方式", "远程交付比例（%）", "线上订购", "接单平台",
                  "软件研发服务", "混合交付", "示例跨境撮合平台", "电子邮件", "不属于"):
        assert words in page, words
    assert ">ITO01<" not in r.text and ">P1<" not in r.text and ">mixed<" not in r.text
    form = {"csrf_token": csrf_of(r.text), "kind": "contract", "contract_id": "D-F1",
            "signed_on": "2024-12-02", "client_country": "日本", "category": "ITO", "amount": "1000",
            "subcategory": "BPO01", "delivery_mode": "remote", "remote_share": "50",
            "ordered_online": "no", "platform_id": "<script>x</script>"}
    r = ent.post("/filings/new", data=form)
    assert r.status_code == 422
    assert "<script>x</script>" not in r.text
    text = html_text(r.text)
    for w in ("与本合同的业务类别不符", "与交付方式“远程交付”不符", "不在平台名录中"):
        assert w in text, w
    form.update(subcategory="ITO01", remote_share="", platform_id="P1")
    r = ent.post("/filings/new", data=form)
    assert r.status_code == 303, r.text
    page = html_text(ent.get(r.headers["location"]).text)
    for w in ("软件研发服务", "远程交付", "100%", "示例跨境撮合平台"):
        assert w in page, w
