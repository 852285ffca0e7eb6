"""Reminder e-mails (issue 10): they reach a local SMTP server with the right recipients, in
Chinese, and none go to enterprises that have filed; no server configured is a refusal with
nothing logged; a recipient the server refuses is logged with its error, the others still
get theirs.  And ``shumao remind`` and ``user add --email`` over the same library."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from shumao.access import accounts
from shumao.cli.app import run
from shumao.errors import InputError, MailError
from shumao.filing import board, reminders, service, windows
from shumao.store import connect
from tests.filings.test_board import APPROVED, JUNE, NOTHING, account, city, contract  # noqa: F401
from tests.smtp import free_port, smtp_server  # noqa: F401
from tests.test_cli_errors import shumao

UNSET = {f"SHUMAO_{k}": "" for k in ("SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD",
                                     "SMTP_FROM", "SMTP_TLS", "SMTP_TIMEOUT", "PORTAL_URL")}


@pytest.fixture
def month_with_everyone(city):  # noqa: F811
    """June 2024 with an enterprise in each case, and who should (not) get a reminder."""
    unfiled, drafted, filed, _, no_address, _ = NOTHING
    city.users.update("enterprise", "测试", email="first@example.com")        # facts["first"] == unfiled
    account(city, "first-2", unfiled, "first.boss@example.com")            # two live accounts
    account(city, "drafter", drafted, "drafter@example.com")
    contract(city, drafted)
    account(city, "filer", filed, "filer@example.com")
    service.submit(city, contract(city, filed), {}, "filer")
    account(city, "approved", APPROVED, "approved@example.com")           # imported, approved
    account(city, "quiet", no_address, None)                               # no address at all
    account(city, "left", no_address, "left@example.com")
    accounts.disable(city, "left", actor="测试")                           # a disabled account's
    assert city.facts["first"] == unfiled
    return {"unfiled": unfiled, "drafted": drafted, "filed": filed, "no_address": no_address,
            "to": sorted(["first@example.com", "first.boss@example.com", "drafter@example.com"])}


def test_reminders_reach_the_unfiled_in_chinese(city, month_with_everyone, smtp_server):  # noqa: F811
    inbox, mail = smtp_server
    case = month_with_everyone
    out = reminders.send(city, JUNE, mail, "统计员", "127.0.0.1")
    assert inbox.recipients == case["to"]                   # none to the filed or approved
    assert sorted(a for _, a in out.sent) == case["to"] and not out.refused
    assert all(len(r.rcpt_tos) == 1 for r in inbox.received)   # one message per recipient
    names = {e["enterprise_id"]: e["name"] for e in city.records.enterprises()}
    assert case["no_address"] in [t.enterprise_id for t in out.plan.unreachable]
    # AD-7: an enterprise with no live account is not "no address" but "no account"
    lone = NOTHING[3]
    assert lone in [t.enterprise_id for t in out.plan.no_account]
    assert lone not in [t.enterprise_id for t in out.plan.unreachable]
    assert case["no_address"] not in [t.enterprise_id for t in out.plan.no_account]
    for r in inbox.received:
        msg = r.message
        to = r.rcpt_tos[0]
        target = case["drafted"] if to.startswith("drafter") else case["unfiled"]
        assert msg["Subject"] == "【催报】2024年6月服务外包数据填报已过截止日期，请尽快补报"
        assert msg["To"].addresses[0].addr_spec == to
        assert msg["To"].addresses[0].display_name == names[target]
        assert msg["From"].addresses[0].addr_spec == "tongji@example.org" and r.mail_from == "tongji@example.org"
        assert msg["Date"].datetime.tzinfo is not None and msg["Message-ID"].endswith("@example.org>")
        assert msg["Auto-Submitted"] == "auto-generated"
        assert msg.get_content_type() == "text/plain" and msg.get_content_charset() == "utf-8"
        text = msg.get_content()
        assert text.startswith(f"{names[target]}：") and "2024年6月" in text
        assert "2024年7月10日" in text and "https://tongji.example.org/" in text
        assert "企业填报" in text and "提交" in text
        assert ("1条草稿" in text) == (target == case["drafted"])
        assert b"Subject: =?utf-8?" in r.raw                 # RFC 2047: the header stays ASCII
    logged = city.windows.reminders(JUNE)
    assert sorted(x["recipient"] for x in logged) == case["to"] and not any(x["error"] for x in logged)
    assert {x["sent_by"] for x in logged} == {"统计员"}
    audit = [e for e in city.audit.latest(50) if e["action"] == "reminder"]
    assert len(audit) == 3 and all(e["address"] == "127.0.0.1" for e in audit)
    rows = {r.enterprise_id: r for r in board.build(city, JUNE).rows}
    assert rows[case["unfiled"]].reminded == 2 and rows[case["drafted"]].reminded == 1
    assert rows[case["filed"]].reminded == 0


def test_a_refused_recipient_is_logged_and_the_others_still_sent(city, month_with_everyone,  # noqa: F811
                                                                 smtp_server):  # noqa: F811
    inbox, mail = smtp_server
    inbox.refuse.add("first.boss@example.com")
    out = reminders.send(city, JUNE, mail, "统计员")
    assert inbox.recipients == ["drafter@example.com", "first@example.com"]
    [(target, address, error)] = out.refused
    assert address == "first.boss@example.com" and "550" in error and "拒收" in error
    logged = {x["recipient"]: x["error"] for x in city.windows.reminders(JUNE)}
    assert logged["first.boss@example.com"] == error
    assert logged["first@example.com"] is None and logged["drafter@example.com"] is None
    rows = {r.enterprise_id: r for r in board.build(city, JUNE).rows}
    assert rows[target.enterprise_id].reminded == 1                  # the refused one not counted


def test_no_server_configured_is_refused_and_nothing_logged(city, month_with_everyone):  # noqa: F811
    with pytest.raises(MailError, match="SHUMAO_SMTP_HOST"):
        reminders.send(city, JUNE, reminders.MailSettings(), "统计员")
    unreachable = reminders.MailSettings(host="127.0.0.1", port=free_port(), tls="none",
                                         sender="a@example.org", portal_url="https://x.example/",
                                         timeout=5)
    with pytest.raises(MailError, match="无法连接发信服务器"):
        reminders.send(city, JUNE, unreachable, "统计员")
    assert city.windows.reminders(JUNE) == []
    assert not [e for e in city.audit.latest(50) if e["action"] == "reminder"]
    # a dry run needs no server: who would get one
    out = reminders.send(city, JUNE, reminders.MailSettings(), "统计员", dry_run=True)
    assert sorted(a for _, a in out.sent) == month_with_everyone["to"] and city.windows.reminders(JUNE) == []


def test_a_locked_month_sends_nothing(city, smtp_server):  # noqa: F811
    inbox, mail = smtp_server
    windows.set_window(city, JUNE, locked=True, actor="管理员")
    with pytest.raises(InputError, match="已被管理员锁定"):
        reminders.send(city, JUNE, mail, "统计员")
    assert inbox.received == [] and city.windows.reminders(JUNE) == []
    assert reminders.send(city, JUNE, mail, "统计员", dry_run=True).dry_run    # looking is fine


def test_before_the_deadline_the_mail_names_it(city, smtp_server):  # noqa: F811
    inbox, mail = smtp_server
    month = dt.date.today().replace(day=1)
    city.users.update("enterprise", "测试", email="first@example.com")
    reminders.send(city, month, mail, "统计员")
    w = windows.window(city, month)
    msg = next(r.message for r in inbox.received if r.rcpt_tos == ["first@example.com"])
    deadline = f"{w.closes.year}年{w.closes.month}月{w.closes.day}日"
    assert msg["Subject"] == f"【催报】请于{deadline}前填报{month.year}年{month.month}月服务外包数据"
    assert f"填报截止日期为{deadline}，请在截止日期前" in msg.get_content()


# -- the command line ------------------------------------------------------------------------
def test_shumao_remind(city, month_with_everyone, smtp_server, tmp_path):  # noqa: F811
    inbox, mail = smtp_server
    db = city.url
    city.close()
    r = shumao("remind", "--period", "2024-06", "--db", db, env=UNSET)
    assert r.code == 3 and "SHUMAO_SMTP_HOST" in r.stderr and inbox.received == []
    r = shumao("remind", "--period", "2024-06", "--db", db, "--dry-run", "--json", env=UNSET)
    assert r.code == 0, r.stderr
    body = r.json()
    assert body["dry_run"] and sorted(x["recipient"] for x in body["sent"]) == month_with_everyone["to"]
    assert month_with_everyone["no_address"] in [x["enterprise_id"] for x in body["unreachable"]]
    assert body["unreachable"][0]["reason"] == "无法提醒：企业填报员账号没有填写电子邮箱"
    env = {**UNSET, "SHUMAO_SMTP_HOST": mail.host, "SHUMAO_SMTP_PORT": str(mail.port),
           "SHUMAO_SMTP_TLS": "none", "SHUMAO_SMTP_FROM": mail.sender,
           "SHUMAO_PORTAL_URL": mail.portal_url}
    r = shumao("remind", "--period", "2024-06", "--db", db, env=env)
    assert r.code == 0, r.stderr
    assert "已发送 3 封" in r.stdout and "无法提醒：企业填报员账号没有填写电子邮箱" in r.stdout and "家企业没有账号" in r.stdout
    assert inbox.recipients == month_with_everyone["to"]
    r = shumao("remind", "--period", "2024-13", "--db", db, "--json", env=env)
    assert r.code == 2 and "月份“2024-13”无效" in r.json()["error"]["message"]
    with connect(db, read_only=True) as store:
        assert len(store.windows.reminders(JUNE)) == 3


def test_user_add_with_email(tmp_path):
    db = tmp_path / "u.duckdb"
    connect(db).close()
    first = "91990102B8QRD82822"
    with CliRunner().isolation(input="一个足够长的密码123\n") as (out, err, _):
        code = run(["user", "add", "云桥", "--role", "enterprise", "--enterprise", first,
                    "--email", " yq@example.com ", "--password-stdin", "--db", str(db)])
    assert code == 0, err.getvalue().decode()
    with CliRunner().isolation(input="一个足够长的密码123\n") as (out, err, _):
        code = run(["user", "add", "坏邮箱", "--role", "staff", "--email", "not an address",
                    "--password-stdin", "--db", str(db)])
        assert code == 2 and "电子邮箱“not an address”格式不对" in err.getvalue().decode()
    listed = shumao("user", "list", "--json", "--db", db)
    assert [(u["name"], u["email"]) for u in json.loads(listed.stdout)] == [("云桥", "yq@example.com")]


@pytest.mark.parametrize("address", ["a@b", "a b@example.com", "张三@example.com", "a@@example.com",
                                     "a@example..com", "<a@example.com>", "a@example.com,b@example.com"])
def test_bad_addresses_are_refused(address):
    with pytest.raises(InputError, match="格式不对"):
        accounts.check_email(address)


def test_remind_help_is_chinese_and_fits():
    from rich.cells import cell_len

    from tests.test_cli_help import ENGLISH

    r = shumao("remind", "--help")
    assert r.code == 0 and r.stdout.startswith("用法：shumao remind")
    assert not [w for w in ENGLISH if w in r.stdout], r.stdout
    assert max(cell_len(line) for line in r.stdout.splitlines()) <= 80


def test_a_name_with_a_line_break_is_reminded_under_a_one_line_name(city, smtp_server):  # noqa: F811
    """Security review §3.20: a name with CR/LF (an imported cell) is folded to spaces in the
    To header — no header injection, and no refusal that blames the address."""
    from tests.conftest import sql

    inbox, mail = smtp_server
    unfiled = NOTHING[0]
    sql(city, "UPDATE enterprises SET name = '大连\r\n示例\n软件\r有限公司' "
              f"WHERE enterprise_id = '{unfiled}'")
    account(city, "broken-name", unfiled, "broken@example.com")
    out = reminders.send(city, JUNE, mail, "统计员")
    assert not out.refused
    [r] = [r for r in inbox.received if r.rcpt_tos == ["broken@example.com"]]
    assert r.message["To"].addresses[0].display_name == "大连 示例 软件 有限公司"
    assert r.message["To"].addresses[0].addr_spec == "broken@example.com"
    assert b"\r\n\xe7\xa4\xba" not in r.raw and "Bcc" not in r.message
    assert r.message.get_content().startswith("大连 示例 软件 有限公司：")
    assert [x["error"] for x in city.windows.reminders(JUNE)
            if x["recipient"] == "broken@example.com"] == [None]
