"""导入 (web.md): uploads through ``POST /api/v1/imports`` and the page, into an empty store
and over data already there; every issue reported, nothing written on errors; hostile
uploads (other types, zips reaching outside, too many members, bombs, over the limit)
refused with nothing left behind; the issue list downloadable by its owner only, inert."""

from __future__ import annotations

import io
import re
import stat
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from shumao.access import accounts
from shumao.store import connect
from shumao.web.access import COOKIE
from shumao.web.app import create_app
from tests.conftest import DATA, SAMPLE_FILES
from tests.web.conftest import CHEAP, PASSWORD, csrf_of, sign_in

WEB = DATA / "web"
ERRORS = [("企业名录.csv", 4, "enterprise_id", "bad-credit-code"),
          ("企业名录.csv", 5, "nature", "unknown-nature"),
          ("合同.csv", 3, "signed_on", "impossible-date"),
          ("合同.csv", 4, "client_country", "unknown-country"),
          ("合同执行.csv", 3, "contract_id", "unknown-contract"),
          ("合同执行.csv", 4, "amount", "bad-number")]
# the column as each file heads it (S-4: the page and the issue list show the user's header)
HEADED = {"enterprise_id": "统一社会信用代码", "nature": "企业性质", "signed_on": "签约日期",
          "client_country": "发包方国别", "contract_id": "合同编号", "amount": "执行金额（万美元）"}
HYPERLINK = '=HYPERLINK("http://evil.example/","点我")'
MB = 1024 * 1024


class Portal:
    """An empty store with a staff and an admin account, its app, and the folder its
    uploads go to (which must be empty again after every request)."""

    def __init__(self, root: Path, upload_limit: int | None = None):
        self.uploads = root / "uploads"
        self.uploads.mkdir()
        self.store = connect(root / "empty.duckdb")
        for name, role in (("staff", "staff"), ("admin", "admin")):
            accounts.add(self.store, name, role, PASSWORD, actor="测试", hasher=CHEAP)
        self.app = create_app(self.store, upload_limit=upload_limit, tmpdir=str(self.uploads))
        self.clients: list[TestClient] = []

    def client(self, name: str = "staff") -> TestClient:
        c = TestClient(self.app, follow_redirects=False)
        c.__enter__()
        self.clients.append(c)
        assert sign_in(c, name).status_code == 303
        c.headers["X-CSRF-Token"] = self.app.state.portal.sessions.get(c.cookies.get(COOKIE)).csrf
        return c

    def counts(self) -> dict[str, int]:
        return self.store.records.counts()

    def left_behind(self) -> list[str]:
        return sorted(str(p.relative_to(self.uploads)) for p in self.uploads.rglob("*"))

    def close(self) -> None:
        for c in self.clients:
            c.__exit__(None, None, None)
        self.store.close()


@pytest.fixture
def portal(tmp_path):
    p = Portal(tmp_path)
    yield p
    p.close()


def upload(*paths: Path, names: dict[Path, str] | None = None) -> list:
    """The multipart ``files`` parts for these files (named as on disk unless renamed)."""
    return [("files", ((names or {}).get(p, p.name), p.read_bytes(), "application/octet-stream"))
            for p in paths]


def zipped(entries: dict[str, bytes], flags: dict[str, int] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if flags and name in flags:
                info.create_system, info.external_attr = 3, flags[name] << 16
            z.writestr(info, data)
    return buf.getvalue()


def keys(items: list[dict]) -> list[tuple]:
    return [(i["file"], i["row"], i["column"], i["code"]) for i in items]


# -- the API ---------------------------------------------------------------------------------
def test_the_sample_city_loads_into_an_empty_store_through_the_api(portal):
    c = portal.client()
    r = c.post("/api/v1/imports", files=upload(*SAMPLE_FILES))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ok"] is True and body["errors"] == [] and body["batch_id"] == 1
    assert {k: v["new"] for k, v in body["counts"].items()} == {
        "enterprises": 25, "contracts": 375, "executions": 1500, "rates": 0,
        "platforms": 0, "ecommerce": 0, "services": 0, "dt_survey": 0, "totals": 0}
    assert portal.counts() == {"enterprises": 25, "contracts": 375, "executions": 1500,
                               "rates": 0, "batches": 1, "platforms": 0, "ecommerce": 0,
                               "services": 0, "dt_survey": 0, "totals": 0}
    # the history and the audit log name the files as uploaded, never a temporary path
    batch, = portal.store.records.batches()
    assert [(f["path"], f["file"]) for f in batch["files"]] == [
        (p.name, p.name) for p in SAMPLE_FILES]
    assert batch["imported_by"] == "staff"
    entry = next(e for e in portal.store.audit.latest() if e["action"] == "import")
    assert entry["actor"] == "staff" and entry["detail"]["files"] == [p.name for p in SAMPLE_FILES]
    assert portal.left_behind() == []
    # the same files again: nothing new, no batch
    again = c.post("/api/v1/imports", files=upload(*SAMPLE_FILES)).json()
    assert again["ok"] and again["batch_id"] is None
    assert again["counts"]["executions"] == {"new": 0, "unchanged": 1500, "replaced": 0, "duplicates": 0}
    assert portal.counts()["batches"] == 1


def test_a_set_with_errors_is_422_with_every_issue_and_changes_nothing(portal):
    c = portal.client()
    before = portal.counts()
    r = c.post("/api/v1/imports", files=upload(*sorted((WEB / "errors").glob("*.csv"))))
    assert r.status_code == 422
    body = r.json()
    assert body["ok"] is False and body["batch_id"] is None
    assert body["error"]["code"] == "import-has-errors"
    assert "数据库未做任何修改" in body["error"]["message"] and "6 处错误" in body["error"]["message"]
    assert sorted(keys(body["errors"])) == sorted(ERRORS)
    assert all(v == 0 for c_ in body["counts"].values() for v in c_.values())
    assert {i["value"] for i in body["errors"]} >= {HYPERLINK, "=1+1", "火星国"}
    assert all(re.search(r"[\u4e00-\u9fff]", i["message"]) for i in body["errors"])
    assert portal.counts() == before
    assert portal.left_behind() == []


def test_bearer_clients_need_no_csrf_cookie_clients_do(portal):
    token = accounts.issue_token(portal.store, "admin", 1, actor="测试")
    c = TestClient(portal.app, follow_redirects=False)
    r = c.post("/api/v1/imports", files=upload(*sorted((WEB / "fixed").glob("*.csv"))),
               headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json()["counts"]["contracts"]["new"] == 3
    cookie = portal.client()
    del cookie.headers["X-CSRF-Token"]
    r = cookie.post("/api/v1/imports", files=upload(*SAMPLE_FILES))
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf"
    r = cookie.post("/api/v1/imports", files=upload(*SAMPLE_FILES), data={"csrf_token": "forged"})
    assert r.status_code == 403
    assert portal.counts()["enterprises"] == 3


def test_replace_through_the_api(portal):
    c = portal.client()
    assert c.post("/api/v1/imports", files=upload(*sorted((WEB / "fixed").glob("*.csv")))).status_code == 200
    changed = upload(WEB / "changed" / "合同.csv")
    r = c.post("/api/v1/imports", files=changed)
    assert r.status_code == 422 and keys(r.json()["errors"]) == [("合同.csv", 2, "contract_id", "changed-record")]
    r = c.post("/api/v1/imports", params={"replace": "true"}, files=changed)
    assert r.status_code == 200
    assert r.json()["counts"]["contracts"] == {"new": 0, "unchanged": 0, "replaced": 1, "duplicates": 0}
    assert portal.store.records.batches()[0]["replace"] is True
    records = portal.store.records.of_enterprise("91990102B8QRD82822")
    assert [c_["amount_cents"] for c_ in records["contracts"]] == [13_500_000]


# -- the page --------------------------------------------------------------------------------
def test_the_page_without_javascript_shows_every_issue_and_offers_the_xlsx(portal):
    c = portal.client()
    del c.headers["X-CSRF-Token"]          # a plain form post, as without JavaScript
    page = c.get("/import")
    assert page.status_code == 200
    assert 'accept=".csv,.xlsx,.zip"' in page.text and 'type="checkbox" name="replace"' in page.text
    assert 'enctype="multipart/form-data"' in page.text
    before = portal.counts()
    r = c.post("/import", data={"csrf_token": csrf_of(page.text)},
               files=upload(*sorted((WEB / "errors").glob("*.csv"))))
    assert r.status_code == 422
    assert "导入未执行：数据有错误，数据库未做任何修改" in r.text
    rows = re.findall(r"<tr><td class=\"nowrap\"><span class=\"tag (\w+)\">(.*?)</span></td>\s*"
                      r"<td class=\"file\">(.*?)</td>\s*<td class=\"num\" data-label=\"行\">(\d*)</td>\s*"
                      r"<td class=\"column\" data-label=\"列\">(.*?)</td>", r.text)
    assert sorted((f, int(n), col) for _, _, f, n, col in rows) == sorted(
        (f, n, HEADED[col]) for f, n, col, _ in ERRORS)
    assert [f for _, _, f, _, _ in rows][:2] == ["企业名录.csv"] * 2      # the enterprises first
    assert {sev for sev, _, _, _, _ in rows} == {"bad"}
    # user text is text: the script is escaped, the formula shown as written
    assert "<script>alert(1)</script>" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert 'table class="data sortable issues"' in r.text and 'data-filter="issues"' in r.text
    assert portal.counts() == before and portal.left_behind() == []
    link = re.search(r'href="(/import/[^"/]+/issues\.xlsx)"', r.text).group(1)
    xlsx = c.get(link)
    assert xlsx.status_code == 200 and xlsx.headers["content-type"].startswith(
        "application/vnd.openxmlformats")
    assert "attachment" in xlsx.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    got = [[cell for cell in row] for row in ws.iter_rows(min_row=2)]
    assert sorted((r_[0].value, r_[2].value, r_[3].value, r_[6].value) for r_ in got) == sorted(
        (f, n, HEADED[col], code) for f, n, col, code in ERRORS)
    values = {r_[4].value: r_[4] for r_ in got}
    for text in (HYPERLINK, "=1+1"):       # inert: a text cell with the exact text, no formula
        assert values[text].data_type == "s" and values[text].value == text
    assert {r_[5].value for r_ in got} == {"错误"}
    csv = c.get(link, params={"format": "csv"})
    assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf")
    assert "'=1+1" in csv.content.decode("utf-8-sig")
    # only its owner may download it; an unknown id looks the same
    other = portal.client("admin")
    assert other.get(link).status_code == 404
    unknown = c.get("/import/no-such-check/issues.xlsx")
    assert unknown.status_code == 404 and other.get(link).text == other.get(
        "/import/no-such-check/issues.xlsx").text


def test_a_direct_report_file_is_counted_on_the_page_under_its_chinese_name(portal, tmp_path):
    """Digital trade's optional kinds (issue 22) appear in the counts only when a file
    brought them: 服务贸易直报, never its code."""
    f = tmp_path / "服务贸易直报.csv"
    f.write_text("记录编号,统一社会信用代码,统计月份,收支方向,服务类别,金额（万美元）\n"
                 "D1,91990102B8QRD82822,2024-01,收入,SI2,1.5\n", encoding="utf-8")
    r = portal.client().post("/import", files=upload(f))
    assert r.status_code == 200 and "导入成功" in r.text
    counts = re.findall(r"<tr><td>(.*?)</td><td class=\"num\">(\d+)</td>", r.text)
    assert counts == [("企业", "0"), ("合同", "0"), ("合同执行", "0"), ("汇率", "0"),
                      ("服务贸易直报", "1")]
    assert "services" not in r.text and "dt_survey" not in r.text


def test_corrected_files_load_then_unchanged_then_replaced_through_the_page(portal):
    c = portal.client()
    fixed = sorted((WEB / "fixed").glob("*.csv"))
    r = c.post("/import", files=upload(*fixed))
    assert r.status_code == 200 and "导入成功" in r.text and "批次号 1" in r.text
    counts = re.findall(r"<tr><td>(.*?)</td><td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>"
                        r"<td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td></tr>", r.text)
    assert counts == [("企业", "3", "0", "0", "0"), ("合同", "3", "0", "0", "0"),
                      ("合同执行", "3", "0", "0", "0"), ("汇率", "0", "0", "0", "0")]
    r = c.post("/import", files=upload(*fixed))
    assert r.status_code == 200 and "没有写入任何内容" in r.text
    changed = upload(WEB / "changed" / "合同.csv")
    r = c.post("/import", files=changed)
    assert r.status_code == 422 and "已存在且内容不同（" in r.text and "changed-record" not in r.text
    r = c.post("/import", files=changed, data={"replace": "true"})
    assert r.status_code == 200 and "导入成功" in r.text
    assert re.search(r"<tr><td>合同</td><td class=\"num\">0</td><td class=\"num\">0</td>"
                     r"<td class=\"num\">1</td>", r.text)
    # the history: newest first, the names as uploaded, sha256 shortened with the full value
    page = c.get("/import").text
    history = page[page.index('id="history"'):]
    assert history.index('<td class="num batch">2<br>') < history.index('<td class="num batch">1</td>')
    assert "合同执行.csv" in history and str(portal.uploads) not in page and "/tmp" not in page
    sha = portal.store.records.batches()[0]["files"][0]["sha256"]
    assert f'title="SHA-256：{sha}">{sha[:12]}…</abbr>' in history
    assert portal.left_behind() == []


def test_a_zip_of_the_files_loads_and_issues_name_its_members(portal):
    c = portal.client()
    members = {f"2024年/{p.name}": p.read_bytes() for p in sorted((WEB / "errors").glob("*.csv"))}
    r = c.post("/api/v1/imports", files=[("files", ("报送.zip", zipped(members), "application/zip"))])
    assert r.status_code == 422
    assert sorted(keys(r.json()["errors"])) == sorted(
        (f"报送.zip/2024年/{f}", row, col, code) for f, row, col, code in ERRORS)
    # a zip from Chinese Windows: GBK names without the UTF-8 flag; junk beside the data
    fixed = {p.name: p.read_bytes() for p in sorted((WEB / "fixed").glob("*.csv"))}
    gbk = {name: name.encode("gbk") for name in fixed}
    holders = {name: (chr(ord("A") + i) * len(raw)).encode() for i, (name, raw) in enumerate(gbk.items())}
    data = zipped({holders[n].decode(): b for n, b in fixed.items()} | {
        "__MACOSX/._x.csv": b"junk", ".DS_Store": b"junk"})
    for name, raw in gbk.items():      # same length: the zip's offsets stay right
        data = data.replace(holders[name], raw)
    r = c.post("/api/v1/imports", files=[("files", ("数据.zip", data, "application/zip"))])
    assert r.status_code == 200, r.text
    assert [f["path"] for f in portal.store.records.batches()[0]["files"]] == [
        f"数据.zip/{n}" for n in fixed]
    assert portal.left_behind() == []


def _twice() -> bytes:
    buf = io.BytesIO()
    with pytest.warns(UserWarning), zipfile.ZipFile(buf, "w") as z:
        z.writestr("a/合同.csv", "x\n")
        z.writestr("a//合同.csv", "y\n")
        z.writestr("a/合同.csv", "z\n")
    return buf.getvalue()


def _bomb() -> bytes:
    return zipped({"合同.csv": b"0" * (5 * MB)})


REFUSED = {
    "exe": ([("files", ("setup.exe", b"MZ\x90\x00", "application/octet-stream"))],
            400, "bad-file-type", "setup.exe"),
    "txt beside a csv": ([("files", ("说明.txt", b"hello", "text/plain")),
                          ("files", ("合同.csv", b"a,b\n1,2\n", "text/csv"))],
                         400, "bad-file-type", "说明.txt"),
    "no files": ([], 400, "no-files", "请选择要导入的文件"),
    "same name twice": ([("files", ("合同.csv", b"a\n", "text/csv")),
                         ("files", ("C:\\新建文件夹\\合同.csv", b"b\n", "text/csv"))],
                        400, "duplicate-file", "合同.csv"),
    "dot dot name": ([("files", ("..", b"a\n", "text/csv"))], 400, "bad-file-name", "无效"),
    "traversal": ([("files", ("x.zip", zipped({"../x.csv": b"a\n"}), "application/zip"))],
                  400, "bad-zip", "“../x.csv”含有“..”"),
    "absolute": ([("files", ("x.zip", zipped({"/etc/x.csv": b"a\n"}), "application/zip"))],
                 400, "bad-zip", "是绝对路径"),
    "symlink": ([("files", ("x.zip", zipped({"合同.csv": b"/etc/passwd"},
                                            {"合同.csv": stat.S_IFLNK | 0o777}), "application/zip"))],
                400, "bad-zip", "是符号链接"),
    "not data": ([("files", ("x.zip", zipped({"合同.csv": b"a\n", "病毒.exe": b"MZ"}),
                             "application/zip"))], 400, "bad-zip", "“病毒.exe”不是 CSV 或 XLSX"),
    "twice in a zip": ([("files", ("x.zip", _twice(), "application/zip"))], 400, "bad-zip",
                       "“a/合同.csv”出现了两次"),
    "nested zip": ([("files", ("x.zip", zipped({"y.zip": zipped({"a.csv": b"a"})}),
                               "application/zip"))], 400, "bad-zip", "y.zip"),
    "too many members": ([("files", ("x.zip", zipped({f"合同{i}.csv": b"a\n" for i in range(51)}),
                                     "application/zip"))], 400, "too-many-files", "最多导入 50 个"),
    "not a zip": ([("files", ("x.zip", b"PK\x03\x04 not really", "application/zip"))],
                  400, "bad-zip", "不是有效的 zip 压缩包"),
    "bomb": ([("files", ("x.zip", _bomb(), "application/zip"))], 413, "zip-too-large",
             "解压后超过 4 MB"),
}


@pytest.fixture
def small(tmp_path):
    """A portal with a 1 MB upload limit and the sample city loaded."""
    p = Portal(tmp_path, upload_limit=MB)
    c = p.client()
    assert c.post("/api/v1/imports", files=upload(*SAMPLE_FILES)).status_code == 200
    yield p
    p.close()


@pytest.mark.parametrize("case", REFUSED, ids=str)
def test_hostile_uploads_are_refused_naming_the_file_and_nothing_is_left(small, case):
    parts, status, code, words = REFUSED[case]
    c = small.client()
    before, audit = small.counts(), len(small.store.audit.latest())
    r = c.post("/api/v1/imports", files=parts or None, data=None if parts else {"x": "y"})
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code
    assert words in r.json()["error"]["message"]
    page = c.post("/import", files=parts or None, data=None if parts else {"x": "y"})
    assert page.status_code == status and words in page.text
    assert 'id="import-form"' in page.text            # the form again, to try once more
    assert small.counts() == before and small.left_behind() == []
    assert len(small.store.audit.latest()) == audit          # no import was logged


def test_an_upload_over_the_limit_is_413_in_chinese_and_leaves_nothing(small):
    before = small.counts()
    big = [("files", ("合同.csv", b"x" * (2 * MB), "text/csv"))]
    c = small.client()
    r = c.post("/api/v1/imports", files=big)
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "too-large" and "超过了 1 MB 的上限" in r.json()["error"]["message"]
    page = c.post("/import", files=big)
    assert page.status_code == 413 and "超过了 1 MB 的上限" in page.text
    del c.headers["X-CSRF-Token"]       # without JavaScript: the token is in the form
    token = csrf_of(c.get("/import").text)
    page = c.post("/import", files=big, data={"csrf_token": token})
    assert page.status_code == 413 and "超过了 1 MB 的上限" in page.text
    assert small.counts() == before and small.left_behind() == []


def test_only_staff_import(client):
    for name in ("enterprise", "reviewer"):
        c = client(name)
        r = c.post("/api/v1/imports", files=upload(*SAMPLE_FILES))
        assert r.status_code == 403
        assert c.get("/import").status_code == 403
    assert client().post("/api/v1/imports", files=upload(*SAMPLE_FILES)).status_code == 401


def test_kept_issue_lists_expire_are_capped_and_belong_to_their_owner():
    from shumao.web.cache import Kept

    kept = Kept(size=2, seconds=60)
    first = kept.put("staff", ["a"])
    assert kept.get("staff", first) == ["a"] and kept.get("admin", first) is None
    second, third = kept.put("staff", ["b"]), kept.put("staff", ["c"])
    assert kept.get("staff", first) is None                   # the oldest made room
    assert (kept.get("staff", second), kept.get("staff", third)) == (["b"], ["c"])
    assert len({first, second, third}) == 3 and len(first) >= 20
    gone = Kept(seconds=0)
    assert gone.get("staff", gone.put("staff", ["x"])) is None  # expired at once
