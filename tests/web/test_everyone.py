"""What every page gives everyone (issue 20): a "跳到主要内容" link first (X-2), an error
summary that links to its fields and takes the focus (E-9), one date style (X-1)."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import csrf_of
from tests.web.test_filings import store as store  # noqa: F401  (fixture)
from tests.web.test_filings import user as user  # noqa: F401  (fixture)

PAGES = [(None, "/login"), (None, "/archive"), ("staff", "/dashboard"), ("enterprise", "/filings"),
         ("reviewer", "/review"), ("admin", "/admin/users"), ("admin", "/admin/audit"),
         ("admin", "/admin/windows"), ("staff", "/account")]


@pytest.mark.parametrize(("who", "path"), PAGES)
def test_every_page_starts_with_a_link_to_its_main_content(client, who, path):
    text = client(who).get(path).text
    body = text.split("<body>", 1)[1].lstrip()
    assert body.startswith('<a class="skip" href="#main">跳到主要内容</a>')
    assert '<main class="page" id="main" tabindex="-1">' in text


def test_the_error_summary_links_each_problem_to_its_field(store, user):
    ent = user("enterprise")
    token = csrf_of(ent.get("/filings/new?kind=contract").text)
    bad = ent.post("/filings/new", data={"csrf_token": token, "kind": "contract", "contract_id": "P-1",
                                         "signed_on": "2024-02-30", "client_country": "日本",
                                         "category": "ITO", "amount": "abc"})
    assert bad.status_code == 422
    summary = bad.text.split('<div class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'role="alert" tabindex="-1" data-focus' in summary
    links = re.findall(r'<a href="#(f-[a-z_]+)">([^<]+)</a>', summary)
    targets = {t for t, _ in links}
    assert {"f-signed_on", "f-amount"} <= targets, summary
    for t in targets:
        assert f'id="{t}"' in bad.text                      # every link lands on a field
    assert any("日期“2024-02-30”无法识别" in words for _, words in links)


@pytest.mark.parametrize(("who", "path"), [("admin", "/admin/windows"), ("staff", "/members/{first}"),
                                         ("enterprise", "/filings"), ("reviewer", "/review"),
                                         ("staff", "/board")])
def test_pages_write_days_in_chinese_not_iso(store, user, who, path):
    from tests.web.test_filings import contract, submit
    ent = user("enterprise")
    submit(ent, contract(ent).json()["id"])                  # a record on the lists and queue
    text = user(who).get(path.format(**store.facts)).text
    main = re.sub(r"<[^>]+>", " ", re.sub(r'value="[^"]*"|<option[^>]*>', "", text.split('id="main"')[1]))
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", main), path
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", main), re.findall(r".{30}\d{4}-\d{2}-\d{2}.{10}", main)
