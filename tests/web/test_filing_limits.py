"""Hostile filings (security review, issue 19 §3.7–3.11): an enterprise's upload is bounded in
bytes and rows and written in bulk; JSON bodies are small; rows and ids of other
enterprises answer the same whatever the store holds; typed text that no field can keep,
deep JSON and Unicode digits are a Chinese 4xx, never a 500 or a 503 that names the store;
a 500 still carries the security headers."""

from __future__ import annotations

import io
import json
import time
import zipfile

import pytest

from shumao.access import accounts
from shumao.errors import StoreError
from shumao.filing import service
from shumao.web import uploads
from shumao.web.app import JSON_LIMIT
from tests.conftest import BACKENDS
from tests.web import test_filings as filings
from tests.web.conftest import csrf_of
from tests.web.test_filings import contract

HEAD = "合同编号,统一社会信用代码,签约日期,国别,业务类别,合同金额\n"


store, user = filings.store, filings.user     # the fixtures of the filing tests


def _rows(eid: str, n: int, prefix: str = "U-") -> str:
    return HEAD + "".join(f"{prefix}{i:05d},{eid},2024-12-03,日本,ITO,{1000 + i}\n" for i in range(n))


def _upload(c, name: str, data: bytes, kind: str = "text/csv"):
    token = csrf_of(c.get("/filings").text)
    return c.post("/filings/upload", data={"csrf_token": token},
                  files={"file": (name, io.BytesIO(data), kind)})


def _zipped(name: str, text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, text.encode("utf-8"))
    return buf.getvalue()


# -- §3.7 rows per upload, written in bulk -------------------------------------------------------
def test_an_upload_over_the_row_cap_is_refused_whole_naming_the_cap(store, user):
    ent = user("enterprise")
    r = _upload(ent, "合同.csv", _rows(store.facts["first"], service.MAX_UPLOAD_ROWS + 1).encode())
    assert r.status_code == 400, r.text[:500]
    assert f"最多上传 {service.MAX_UPLOAD_ROWS} 条" in r.text and f"{service.MAX_UPLOAD_ROWS + 1} 条" in r.text
    assert store.filings.find() == []


@pytest.mark.parametrize("portal_url", BACKENDS, indirect=True)
def test_a_cap_sized_upload_is_saved_whole_with_its_history_and_audit(store, user):
    ent = user("enterprise")
    n = service.MAX_UPLOAD_ROWS
    before = len(store.audit.latest(100_000))
    started = time.monotonic()
    r = _upload(ent, "合同.csv", _rows(store.facts["first"], n).encode())
    took = time.monotonic() - started
    assert r.status_code == 303, r.text[:2000]
    assert r.headers["location"] == f"/filings?uploaded={n}"
    drafts = store.filings.find(limit=None)
    assert len(drafts) == n and len({f["id"] for f in drafts}) == n
    assert all(f["status"] == "draft" and f["source"] == "upload" and f["created_by"] == "enterprise"
               for f in drafts)
    assert store.filings.record("contracts", "U-00999")["amount_cents"] == 199_900
    hist = store.filings.history("contracts", "U-00007")
    assert [(h["from"], h["to"]) for h in hist] == [(None, "draft")]
    assert hist[0]["content"]["fields"]["contract_id"] == "U-00007"
    entries = store.audit.latest(100_000)
    created = [e for e in entries[:len(entries) - before] if e["action"] == "filing-create"]
    assert len(created) == n and {e["detail"]["record"] for e in created} == {f["record_id"] for f in drafts}
    ledger = store.filings.ledger()
    assert len(ledger["history"]) == n and len(ledger["filings"]) == n
    assert took < 60, took      # was 20 ms a row, one statement each (5,000 rows: 102 s)


def test_a_single_filing_after_a_bulk_upload_takes_the_next_ids(store, user):
    ent = user("enterprise")
    assert _upload(ent, "合同.csv", _rows(store.facts["first"], 3).encode()).status_code == 303
    r = contract(ent, cid="W-AFTER")
    assert r.status_code == 201, r.text
    ids = sorted(f["id"] for f in store.filings.find())
    assert ids == list(range(ids[0], ids[0] + 4)) and r.json()["id"] == ids[-1]
    seqs = [h[0] for h in store.filings.ledger()["history"]]
    assert len(set(seqs)) == 4


# -- §3.8 JSON bodies --------------------------------------------------------------------------
def test_a_json_body_over_the_limit_is_413_by_its_declared_length(store, user):
    ent = user("enterprise")
    body = b'{"kind":"contract","pad":"' + b"x" * JSON_LIMIT + b'"}'
    r = ent.post("/api/v1/filings", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 413, r.text
    assert r.json()["error"]["code"] == "too-large" and "1 MB" in r.json()["error"]["message"]
    assert store.filings.find() == []


def test_a_json_body_over_the_limit_is_413_while_it_streams(store, user):
    ent = user("enterprise")

    def chunks():                    # no Content-Length: sent chunked
        yield b'{"kind":"contract","pad":"'
        for _ in range(40):
            yield b"x" * 65536
        yield b'"}'
    r = ent.post("/api/v1/filings", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413, r.text
    assert "1 MB" in r.json()["error"]["message"]
    assert store.filings.find() == []
    # a filing well under it is taken as before
    assert contract(ent).status_code == 201


# -- §3.9 an enterprise's upload: bytes, zip, foreign rows, problems shown ---------------------------
def test_an_enterprise_upload_over_its_size_cap_is_413_naming_the_cap(store, user):
    ent = user("enterprise")
    cap = uploads.FILING_MB * 1024 * 1024
    r = _upload(ent, "合同.csv", (HEAD + "x" * cap).encode())
    assert r.status_code == 413, r.text[:300]
    assert f"{uploads.FILING_MB} MB" in r.text and "企业" in r.text
    assert store.filings.find() == []


def test_a_zip_of_millions_of_foreign_rows_is_refused_in_seconds(store, user):
    ent = user("enterprise")
    second = store.facts["second"]
    text = HEAD + "".join(f"Q-{i:09d},{second},2024-12-05,日本,ITO,1\n" for i in range(300_000))
    data = _zipped("合同.csv", text)
    assert len(data) < 4 * 1024 * 1024 < len(text.encode())
    started = time.monotonic()
    r = _upload(ent, "a.zip", data, "application/zip")
    assert time.monotonic() - started < 30         # was over half an hour (2,000,000 rows)
    assert r.status_code == 400 and f"最多上传 {service.MAX_UPLOAD_ROWS} 条" in r.text, r.text[:300]
    assert store.filings.find() == []


def test_foreign_rows_stop_the_upload_with_a_short_list(store, user):
    ent = user("enterprise")
    r = _upload(ent, "合同.csv", _rows(store.facts["second"], 900).encode())
    assert r.status_code == 422
    assert r.text.count("不属于本企业") <= service.FOREIGN_SHOWN + 1
    assert "另有" in r.text and store.filings.find() == []


def test_the_problems_drawn_on_the_page_are_capped_as_the_import_pages(store, user):
    from shumao.web.routes.imports import SHOWN

    ent = user("enterprise")
    first = store.facts["first"]
    bad = HEAD + "".join(f"B-{i:05d},{first},不是日期,火星,月球,不是数\n" for i in range(1000))
    r = _upload(ent, "合同.csv", bad.encode())
    assert r.status_code == 422
    assert r.text.count('<td data-label="问题">') == SHOWN
    assert f"只列出前 {SHOWN} 条" in r.text


# -- §3.10 what an enterprise may learn about others' records -----------------------------------
def _others_contract(store) -> dict:
    return store.records.of_enterprise(store.facts["second"])["contracts"][0]


def test_another_enterprises_contract_id_answers_as_a_never_used_id(store, user):
    ent = user("enterprise")
    taken = _others_contract(store)["contract_id"]
    # with another problem: the same answer, word for word, whether the id exists or not
    answers = []
    for cid in (taken, "NEVER-USED-1"):
        r = contract(ent, cid=cid, day="不是日期")
        answers.append((r.status_code, r.json()["error"]["message"].replace(cid, "<id>"),
                        [c["code"] for c in r.json()["error"]["checks"]]))
    assert answers[0] == answers[1] and answers[0][0] == 422
    assert "id-taken" not in answers[0][2]
    # alone: refused without a reason, as any id the store cannot take; nothing saved
    r = contract(ent, cid=taken)
    assert r.status_code == 409 and "已被使用" not in r.text and "已存在" not in r.text
    assert r.json()["error"]["message"] == service.UNUSABLE.format(id=taken)
    assert store.filings.find() == []
    # the enterprise's own id: named as taken
    assert contract(ent, cid="MINE-1").status_code == 201
    r = contract(ent, cid="MINE-1")
    assert r.status_code == 422 and "已被使用" in r.text


def test_an_upload_of_another_enterprises_exact_row_answers_as_an_altered_one(store, user):
    ent = user("enterprise")
    from shumao.filing import fields

    c = store.filings.record("contracts", _others_contract(store)["contract_id"])
    amount = fields.shown("contracts", c)["amount"]
    head = "合同编号,统一社会信用代码,签约日期,国别,业务类别,合同金额,币种,状态\n"

    def row(a) -> str:
        return (head + f"{c['contract_id']},{c['enterprise_id']},{c['signed_on'].isoformat()},"
                f"{c['client_country']},{c['category']},{a},{c['currency']},approved\n")
    exact, wrong = _upload(ent, "合同.csv", row(amount).encode()), _upload(ent, "合同.csv", row("99999.99").encode())
    assert exact.status_code == wrong.status_code == 422
    said = [[m for m in r.text.split("<td") if "本企业" in m or "没有新的" in m or "已存在" in m]
            for r in (exact, wrong)]
    assert said[0] == said[1] and "不属于本企业" in said[0][0]
    assert "没有新的" not in exact.text and "已存在且内容不同" not in wrong.text
    # the same row claimed as the enterprise's own: the id is unusable, no more
    mine = row(amount).replace(c["enterprise_id"], store.facts["first"])
    r = _upload(ent, "合同.csv", mine.encode())
    assert r.status_code == 422 and "已存在" not in r.text and "无法使用" in r.text
    assert store.filings.find() == []


# -- §3.11 input no field keeps, and what a failure may say ---------------------------------------
def test_a_unicode_digit_in_the_archive_is_the_archives_404(client):
    c = client()
    for path in ("/archive/%C2%B2", "/archive/%C2%B2/pdf", "/archive/%D9%A3"):
        r = c.get(path)
        assert r.status_code == 404, path
        assert "content-security-policy" in r.headers


@pytest.mark.parametrize("body", [b"[" * 100_000 + b"]" * 100_000,
                                  b'{"explanations":' + b'{"a":' * 100_000 + b"1" + b"}" * 100_001])
def test_deep_json_is_a_400(store, user, body):
    ent = user("enterprise")
    fid = contract(ent).json()["id"]
    for url in ("/api/v1/filings", f"/api/v1/filings/{fid}/submit"):
        r = ent.post(url, content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 400, (url, r.text[:200])
        assert r.json()["error"]["code"] == "bad-json"


@pytest.mark.parametrize("field", ["contract_id", "client_country", "category", "currency", "amount"])
@pytest.mark.parametrize("bad", ["\ud800", "\x00", "\x1b"])
def test_a_lone_surrogate_or_control_character_in_any_field_is_refused_by_name(store, user, field, bad):
    ent = user("enterprise")
    values = {"kind": "contract", "contract_id": "S-1", "signed_on": "2024-12-02",
              "client_country": "日本", "category": "ITO", "amount": "100", "currency": "USD"}
    values[field] = values[field][:1] + bad
    body = json.dumps(values).encode()        # \ud800 as JSON writes it
    r = ent.post("/api/v1/filings", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code in (400, 422), r.text
    message = r.json()["error"]["message"]
    assert "数据库" not in message and "U+" in message
    assert store.filings.find() == []


def _submitted(store, user) -> tuple[int, object]:
    ent = user("enterprise")
    fid = contract(ent).json()["id"]
    r = ent.post(f"/api/v1/filings/{fid}/submit",
                 json={"explanations": {"unusual-amount": "本月签了一个大合同，已核实"}})
    assert r.status_code == 200, r.text
    return fid, user("reviewer")


@pytest.mark.parametrize("bad", ["x\ud800", "bad\x00comment"])
def test_a_review_comment_no_field_keeps_is_refused(store, user, bad):
    fid, rev = _submitted(store, user)
    body = json.dumps({"decision": "return", "comment": bad}).encode()
    r = rev.post(f"/api/v1/review/{fid}", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert "数据库" not in r.text and "U+" in r.json()["error"]["message"]
    assert store.filings.get(fid)["status"] == "submitted"
    # line breaks are kept: a comment has lines
    r = rev.post(f"/api/v1/review/{fid}", json={"decision": "return", "comment": "第一行\n第二行"})
    assert r.status_code == 200 and r.json()["comment"] == "第一行\n第二行"


@pytest.mark.parametrize("portal_url", [p for p in BACKENDS if p.values[0] == "postgres"], indirect=True)
def test_nul_on_postgresql_is_a_chinese_400_not_a_503_naming_the_server(store, user):
    ent = user("enterprise")
    r = ent.post("/api/v1/filings", json={"kind": "contract", "contract_id": "PG-NUL-1",
                                          "signed_on": "2024-12-02", "client_country": "J\x00P",
                                          "category": "ITO", "amount": "1"})
    assert r.status_code in (400, 422), r.text
    assert "postgresql" not in r.text and "数据库" not in r.text
    fid, rev = _submitted(store, user)
    r = rev.post(f"/api/v1/review/{fid}", json={"decision": "return", "comment": "bad\x00comment"})
    assert r.status_code == 400 and "postgresql" not in r.text


def test_a_store_failure_answers_without_the_stores_whereabouts(store, user, monkeypatch, caplog):
    ent = user("enterprise")
    secret = "数据库 postgresql://postgres@10.1.2.3:5432/shumao 出错：Invalid Input Error: boom"

    def broken(*a, **k):
        raise StoreError(secret)
    monkeypatch.setattr(store.filings, "find", broken)
    for url in ("/api/v1/filings", "/filings"):
        r = ent.get(url)
        assert r.status_code == 503
        for word in ("10.1.2.3", "5432", "postgres", "Invalid Input", "boom"):
            assert word not in r.text, (url, word)
        assert "数据库暂时不可用" in r.text
    assert "10.1.2.3" in caplog.text          # kept in the log for the administrator


def test_a_500_is_chinese_and_carries_the_security_headers(app, store, user, monkeypatch):
    from fastapi.testclient import TestClient

    def crash(*a, **k):
        raise RuntimeError("unexpected")
    monkeypatch.setattr(store.filings, "find", crash)
    ent = user("enterprise")
    c = TestClient(app, raise_server_exceptions=False, follow_redirects=False, cookies=ent.cookies)
    for url, api in (("/api/v1/filings", True), ("/filings", False)):
        r = c.get(url)
        assert r.status_code == 500
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-frame-options"] == "DENY"
        assert "unexpected" not in r.text and "服务器内部错误" in r.text
        if api:
            assert r.json()["error"]["code"] == "error"


def test_a_nul_in_bulletin_toml_is_a_content_error_at_save_and_at_publish(client, portal_store):
    from shumao.bulletin import editions
    from shumao.errors import ContentError
    from shumao.web.routes.bulletins import sample_files
    from tests.web.test_bulletins import _zip

    files = editions.from_zip(_zip(sample_files()))
    toml = files["bulletin.toml"].decode()
    line = next(ln for ln in toml.splitlines() if ln.startswith("issue"))
    files["bulletin.toml"] = toml.replace(line, 'issue = "第1期\\u0000.pdf"').encode()
    with pytest.raises(ContentError, match="“issue”含有控制字符"):
        editions.validate(files)
    # a draft kept before this rule: publishing it is the same 422, the draft unchanged
    bid = portal_store.bulletins.create("t", "第1期\x00", "2024-10", files, "测试")
    token = accounts.issue_token(portal_store, "staff", 1, actor="测试")
    r = client().post(f"/api/v1/bulletins/{bid}/publish", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 422 and "期号" in r.json()["error"]["message"], r.text
    assert portal_store.bulletins.get(bid)["status"] == "draft"
