"""Hostile workbooks sent to a live portal (security review §3.1, §3.3; A.22 cases 1, 47, 56):
an enterprise's upload and a staff import of a 1.6 KB XLSX with one cell at XFD1048576 get a
Chinese answer naming the sheet and its extent, and the portal keeps answering; a workbook
of blanks deflated 1,000 : 1 leaves the server's peak memory where it was."""

from __future__ import annotations

import httpx
import pytest

from shumao.access import accounts
from tests.support import workbooks
from tests.web.conftest import ON_DUCKDB

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def live_setup():
    """An API token for the enterprise's clerk and for staff (``.tokens``)."""
    def setup(store, facts):
        setup.tokens.update({who: accounts.issue_token(store, who, 1, actor="测试")
                             for who in ("enterprise", "staff")})
    setup.tokens = {}
    return setup


@ON_DUCKDB
def test_a_far_cell_is_answered_and_the_portal_lives(live, live_setup, tmp_path):
    far = workbooks.far(tmp_path / "far.xlsx").read_bytes()
    ent = {"Authorization": f"Bearer {live_setup.tokens['enterprise']}"}
    staff = {"Authorization": f"Bearer {live_setup.tokens['staff']}"}
    with httpx.Client(base_url=live.url, timeout=60) as c:
        r = c.post("/filings/upload", headers=ent, files={"file": ("合同.xlsx", far, XLSX)})
        assert r.status_code == 422 and "上传未执行：有 1 处问题" in r.text
        assert "工作簿过大，未读取：工作表“合同”的范围达 XFD1048576（1048576 行 × 16384 列" in r.text
        r = c.post("/api/v1/imports", headers=staff, files=[("files", ("合同.xlsx", far, XLSX))])
        assert r.status_code == 422
        [error] = r.json()["errors"]
        assert (error["file"], error["code"]) == ("合同.xlsx", "workbook-too-large")
        assert "XFD1048576" in error["message"]
        assert c.get("/archive").status_code == 200
    assert live.proc.poll() is None


@ON_DUCKDB
def test_blanks_deflated_1000_to_1_do_not_raise_the_servers_peak(live, live_setup, tmp_path):
    """300 MB of blanks in a 0.3 MB workbook: read (by the child, within the budget) and
    answered with the problems of its one row; the server's VmHWM grows by far less than
    the blanks (before: by all of them, ~1,000 × the upload).  A first upload of 1 MB of
    blanks warms the import's path up (its modules, its first staging: ~70 MB)."""
    pad = workbooks.pad(tmp_path / "pad.xlsx", 300).read_bytes()
    assert len(pad) < 1 << 20
    ent = {"Authorization": f"Bearer {live_setup.tokens['enterprise']}"}
    with httpx.Client(base_url=live.url, timeout=120) as c:
        warm = workbooks.pad(tmp_path / "warm.xlsx", 1).read_bytes()
        assert c.post("/filings/upload", headers=ent, files={"file": ("合同.xlsx", warm, XLSX)}).status_code == 422
        before = live.memory()
        r = c.post("/filings/upload", headers=ent, files={"file": ("合同.xlsx", pad, XLSX)})
        grown = (live.memory() - before) >> 20
        assert r.status_code == 422 and "上传未执行" in r.text
        assert grown < 50, f"the server's peak grew by {grown} MB"
        assert c.get("/archive").status_code == 200
