"""The reviewer's month (issue 20 R-1, R-2): the queue filters by enterprise, kind and
checks; 通过并审核下一条 approves and opens the next record of the same filters; each record
shows the enterprise's typical size."""

from __future__ import annotations

import re

from shumao.model.rules import Typical
from tests.web.conftest import csrf_of
from tests.web.test_filings import contract, execution, submit
from tests.web.test_filings import store as store  # noqa: F401  (fixture)
from tests.web.test_filings import user as user  # noqa: F401  (fixture)


def _queued(text: str) -> list[str]:
    return re.findall(r'<a class="mono" href="/review/\d+[^"]*">([^<]+)</a>', text)


def _file_three(user):
    ent = user("enterprise")
    ids = [contract(ent, cid=c, amount=a).json()["id"] for c, a in (("R-C1", "500000"), ("R-C2", "600000"))]
    ids.append(execution(ent, "R-X1", "100000", cid="R-C1").json()["id"])
    for fid in ids:
        assert submit(ent, fid).status_code == 200
    return ids


def test_the_queue_filters_by_enterprise_kind_and_checks(store, user):
    _file_three(user)
    rev = user("reviewer")
    everything = _queued(rev.get("/review").text)
    assert {"R-C1", "R-C2", "R-X1"} <= set(everything)
    kinds = _queued(rev.get("/review", params={"kind": "executions"}).text)
    assert "R-X1" in kinds and "R-C1" not in kinds
    mine = _queued(rev.get("/review", params={"enterprise": store.facts["first"]}).text)
    assert {"R-C1", "R-C2", "R-X1"} <= set(mine)
    assert _queued(rev.get("/review", params={"enterprise": "nobody"}).text) == []
    flagged = _queued(rev.get("/review", params={"checks": "with"}).text)
    clean = _queued(rev.get("/review", params={"checks": "without"}).text)
    assert sorted(flagged + clean) == sorted(everything) and not set(flagged) & set(clean)
    page = rev.get("/review", params={"kind": "contracts", "checks": "bogus"}).text
    assert "符合条件的" in page and 'value="contracts" selected' in page
    assert "kind=contracts" in page.split('<a class="mono"', 1)[1].split(">", 1)[0]   # carried on


def test_approve_and_next_goes_through_the_filtered_queue(store, user):
    _file_three(user)
    rev = user("reviewer")
    first = rev.get("/review", params={"kind": "contracts"})
    link = re.search(r'href="(/review/(\d+)\?kind=contracts)"', first.text)
    page = rev.get(link.group(1)).text
    assert "通过并审核下一条" in page and '<input type="hidden" name="kind" value="contracts">' in page
    r = rev.post(f"/review/{link.group(2)}", data={"csrf_token": csrf_of(page), "then": "next",
                                                   "kind": "contracts", "comment": ""})
    assert r.status_code == 303
    nxt = r.headers["location"]
    assert re.match(r"/review/\d+\?kind=contracts&done=", nxt) and link.group(2) not in nxt.split("?")[0]
    page = rev.get(nxt).text
    assert "已通过" in page and "下面是下一条" in page and "合同" in page
    assert store.filings.get(int(link.group(2)))["status"] == "approved"
    # the last of the filter: back to the queue, which says what was done
    while True:
        fid = re.search(r"/review/(\d+)", nxt).group(1)
        r = rev.post(f"/review/{fid}", data={"csrf_token": csrf_of(page), "then": "next", "kind": "contracts"})
        nxt = r.headers["location"]
        if nxt.startswith("/review?"):
            break
        page = rev.get(nxt).text
    assert nxt.startswith("/review?kind=contracts&done=")
    assert _queued(rev.get("/review", params={"kind": "contracts"}).text) == []
    assert "R-X1" in _queued(rev.get("/review").text)                 # executions untouched


def test_each_record_shows_the_enterprises_typical_size(store, user):
    ent = user("enterprise")
    fid = contract(ent, cid="BIG-1", amount="8500000").json()["id"]
    submit(ent, fid, **{"amount": "本月签订的大额合同，已核对合同原件"})
    text = user("reviewer").get(f"/review/{fid}").text
    said = text.split('<p class="typical">', 1)[1].split("</p>", 1)[0]
    assert "该企业通常的规模" in said and "中位数" in said and "美元" in said and "倍" in said
    assert re.search(r"\d{1,3}(,\d{3})+\.\d\d 美元", said)            # thousands separators


def test_typical_size_falls_back_to_the_whole_history_and_says_so():
    assert Typical.of([100_00, 300_00, 200_00], [1]).said(2_000_00) == (
        "近12个月同类记录 3 条：中位数 200.00 美元，最小 100.00、最大 300.00 美元；本笔为中位数的 10.0 倍")
    assert Typical.of([100_00], [100_00, 500_00]).said(300_00).startswith(
        "近12个月同类记录不足 3 条，按全部历史 2 条：中位数 300.00 美元")
    assert Typical.of([], []).said(1) == "本企业此前没有同类记录，无从比较"
