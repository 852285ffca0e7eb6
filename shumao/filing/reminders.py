"""Reminder e-mails (issue 10): to the enterprises that have not submitted anything for a
month (board states 未填报 and 已填报), at the addresses of their live enterprise accounts,
through the SMTP server the settings name (SHUMAO_SMTP_*), one connection for the batch.

Each message is the standard library's ``EmailMessage`` (UTF-8, Date, Message-ID, From of
the setting, ``Auto-Submitted``: RFC 3834), one per recipient, saying the enterprise's name,
the month, the deadline, what to do and the portal's address.  Every recipient is logged in
the store (``log_reminder``, which writes the audit entry) — a refused one with the
server's answer — so the board shows who was reminded.  No SMTP server configured, or none
reachable: ``MailError`` and nothing is logged as sent.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import ssl
import unicodedata
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from shumao import settings
from shumao.errors import InputError, MailError
from shumao.filing import board
from shumao.filing.windows import Window
from shumao.model.periods import day_words
from shumao.store import Store

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")
TLS_MODES = {"none": 25, "starttls": 587, "ssl": 465}     # mode → its usual port
NO_ADDRESS = "无法提醒：企业填报员账号没有填写电子邮箱"
NO_ACCOUNT = "无法提醒：该企业还没有企业填报员账号"


@dataclass(frozen=True)
class MailSettings:
    """Where and how to send: SHUMAO_SMTP_* and SHUMAO_PORTAL_URL (settings.py)."""

    host: str = ""
    port: int = 0
    user: str = ""
    password: str = field(default="", repr=False)
    sender: str = ""
    tls: str = "starttls"
    portal_url: str = ""
    timeout: int = 30

    @classmethod
    def from_settings(cls) -> MailSettings:
        return cls(settings.get("SHUMAO_SMTP_HOST"), settings.get("SHUMAO_SMTP_PORT"),
                   settings.get("SHUMAO_SMTP_USER"), settings.get("SHUMAO_SMTP_PASSWORD"),
                   settings.get("SHUMAO_SMTP_FROM"), settings.get("SHUMAO_SMTP_TLS").lower(),
                   settings.get("SHUMAO_PORTAL_URL"), settings.get("SHUMAO_SMTP_TIMEOUT"))

    @property
    def port_used(self) -> int:
        return self.port or TLS_MODES.get(self.tls, 25)

    def refusal(self) -> str | None:
        """Why nothing can be sent with these settings, naming each setting; None if it can."""
        missing = []
        if not self.host:
            missing.append("发信服务器地址 SHUMAO_SMTP_HOST")
        if not self.sender:
            missing.append("发件人 SHUMAO_SMTP_FROM")
        if not self.portal_url:
            missing.append("门户网址 SHUMAO_PORTAL_URL")
        if missing:
            return ("尚未配置发送邮件所需的设置：" + "、".join(missing) +
                    "。请管理员在启动门户（或运行命令）前设置这些环境变量；未发送任何邮件。")
        if self.tls not in TLS_MODES:
            return (f"SHUMAO_SMTP_TLS 只能是 none、starttls 或 ssl（现为“{self.tls}”）；"
                    "未发送任何邮件。")
        if "@" not in parseaddr(self.sender)[1]:
            return f"发件人 SHUMAO_SMTP_FROM“{self.sender}”不是有效的邮箱地址；未发送任何邮件。"
        return None


@dataclass(frozen=True)
class Target:
    """An enterprise to remind and where."""

    enterprise_id: str
    name: str
    state: str
    drafts: int
    emails: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"enterprise_id": self.enterprise_id, "name": self.name, "state": self.state,
                "state_zh": board.STATE_ZH[self.state], "drafts": self.drafts,
                "emails": list(self.emails)}


@dataclass(frozen=True)
class Plan:
    month: dt.date
    window: Window
    targets: list[Target]          # not filed, with at least one address
    unreachable: list[Target]      # not filed, an account but no address: 无法提醒
    no_account: list[Target] = field(default_factory=list)   # not filed, no live account

    @property
    def recipients(self) -> int:
        return sum(len(t.emails) for t in self.targets)


@dataclass
class Outcome:
    plan: Plan
    dry_run: bool = False
    sent: list[tuple[Target, str]] = field(default_factory=list)
    refused: list[tuple[Target, str, str]] = field(default_factory=list)   # target, recipient, error

    def as_dict(self) -> dict:
        w = self.plan.window
        return {"period": self.plan.month.strftime("%Y-%m"), "deadline": w.closes.isoformat(),
                "dry_run": self.dry_run,
                "sent": [{"enterprise_id": t.enterprise_id, "name": t.name, "recipient": a}
                         for t, a in self.sent],
                "refused": [{"enterprise_id": t.enterprise_id, "name": t.name, "recipient": a,
                             "error": e} for t, a, e in self.refused],
                "unreachable": [{"enterprise_id": t.enterprise_id, "name": t.name,
                                 "reason": NO_ADDRESS} for t in self.plan.unreachable],
                "no_account": [{"enterprise_id": t.enterprise_id, "name": t.name,
                                "reason": NO_ACCOUNT} for t in self.plan.no_account]}


def plan(store: Store, month: dt.date, today: dt.date | None = None,
         region: str | None = None) -> Plan:
    """Who would be reminded for ``month``: the board's enterprises that have not filed
    (not 无业务 either), apart those that have an account without an e-mail address and
    those with no account at all (AD-7: "not filed" is not "cannot file")."""
    b = board.build(store, month, today, region)
    emails = store.users.enterprise_emails()
    targets: list[Target] = []
    unreachable: list[Target] = []
    no_account: list[Target] = []
    for r in board.select(b.rows, sort="code"):
        if r.state not in board.NOT_FILED:
            continue
        t = Target(r.enterprise_id, r.name, r.state, r.drafts, tuple(emails.get(r.enterprise_id, ())))
        (targets if t.emails else unreachable if r.enterprise_id in emails else no_account).append(t)
    return Plan(month, b.window, targets, unreachable, no_account)


def one_line(name: str) -> str:
    """An enterprise's name as a header's display name can hold it: line breaks and other
    control characters (an imported cell may carry them) folded to single spaces — the
    header itself refuses them, which must not cost the enterprise its reminder."""
    return " ".join("".join(" " if unicodedata.category(ch)[0] == "C" else ch
                            for ch in name).split())


def subject(month: dt.date, w: Window) -> str:
    name = f"{month.year}年{month.month}月"
    if w.overdue:
        return f"【催报】{name}服务外包数据填报已过截止日期，请尽快补报"
    return f"【催报】请于{day_words(w.closes)}前填报{name}服务外包数据"


def body(target: Target, month: dt.date, w: Window, portal_url: str) -> str:
    name = f"{month.year}年{month.month}月"
    due = (f"填报截止日期为{day_words(w.closes)}，现已逾期，请尽快补报（逾期提交的记录会标记为逾期）。"
           if w.overdue else f"填报截止日期为{day_words(w.closes)}，请在截止日期前完成提交。")
    drafts = (f"贵企业已在门户中填写了{target.drafts}条草稿，但尚未提交：草稿不会报送给审核人员，"
              "请逐条核对后点击“提交”。\n\n" if target.drafts else "")
    return (f"{one_line(target.name)}：\n\n"
            f"您好！截至目前，贵企业尚未提交{name}的服务外包业务数据。{due}\n\n"
            f"{drafts}"
            "请按以下步骤填报：\n"
            f"1. 登录数贸门户：{portal_url}\n"
            "2. 进入“企业填报”，逐条填写当月签订的合同和当月收到的合同执行款，"
            "也可以按导入格式上传当月记录表；\n"
            "3. 按页面提示核对检查结果，需要说明的填写说明，然后提交，等待审核。\n\n"
            "如已通过其他途径报送，或有任何疑问，请与协会秘书处联系。\n\n"
            "此邮件由数贸统计系统自动发送，请勿直接回复。\n")


def message(target: Target, recipient: str, month: dt.date, w: Window, mail: MailSettings,
            now: dt.datetime | None = None) -> EmailMessage:
    msg = EmailMessage()          # policy: email.policy.default (UTF-8, RFC 5322)
    msg["Subject"] = subject(month, w)
    msg["From"] = mail.sender
    msg["To"] = Address(one_line(target.name), addr_spec=recipient)
    msg["Date"] = format_datetime((now or dt.datetime.now(dt.UTC)).astimezone(CHINA))
    domain = parseaddr(mail.sender)[1].rpartition("@")[2] or "shumao.invalid"
    msg["Message-ID"] = make_msgid("shumao-remind", domain=domain)
    msg["Auto-Submitted"] = "auto-generated"        # RFC 3834: no auto-replies to it
    msg.set_content(body(target, month, w, mail.portal_url), charset="utf-8")
    return msg


def send(store: Store, month: dt.date, mail: MailSettings, actor: str,
         address: str | None = None, dry_run: bool = False, today: dt.date | None = None,
         region: str | None = None) -> Outcome:
    """Remind the month's enterprises that have not filed; refused while the month is
    locked or not open yet.  ``dry_run``: only say who would be reminded (needs no server,
    logs nothing, whatever the window)."""
    p = plan(store, month, today, region)
    out = Outcome(p, dry_run)
    if dry_run:
        out.sent = [(t, a) for t in p.targets for a in t.emails]
        return out
    why = p.window.refusal()      # a locked month takes no filings: a reminder would mislead
    if why:
        raise InputError(f"不发送催报邮件：{why}")
    problem = mail.refusal()
    if problem:
        raise MailError(problem)
    if not p.recipients:
        return out
    smtp = _connect(mail)
    broken: str | None = None
    try:
        envelope = parseaddr(mail.sender)[1]
        for t in p.targets:
            for a in t.emails:
                error = broken
                if error is None:
                    try:
                        smtp.send_message(message(t, a, month, p.window, mail), envelope, [a])
                    except ValueError:        # an address the header cannot hold
                        error = f"邮箱地址“{a}”无效，未发送"
                    except smtplib.SMTPRecipientsRefused as e:
                        error = _answer(*e.recipients.get(a, (0, b"")))
                    except smtplib.SMTPResponseException as e:
                        error = _answer(e.smtp_code, e.smtp_error)
                    except (smtplib.SMTPException, OSError) as e:
                        error = broken = f"与发信服务器的连接中断（{e or type(e).__name__}），未发送"
                store.windows.log_reminder(month, t.enterprise_id, a, actor, error, address)
                if error:
                    out.refused.append((t, a, error))
                else:
                    out.sent.append((t, a))
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
    return out


def _connect(mail: MailSettings) -> smtplib.SMTP:
    where = f"{mail.host}:{mail.port_used}"
    smtp: smtplib.SMTP | None = None
    try:
        if mail.tls == "ssl":
            smtp = smtplib.SMTP_SSL(mail.host, mail.port_used, timeout=mail.timeout,
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(mail.host, mail.port_used, timeout=mail.timeout)
            if mail.tls == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if mail.user:
            smtp.login(mail.user, mail.password)
        return smtp
    except smtplib.SMTPAuthenticationError as e:
        _close(smtp)
        raise MailError(f"发信服务器 {where} 拒绝登录（{_answer(e.smtp_code, e.smtp_error)}），"
                        "请检查 SHUMAO_SMTP_USER 和 SHUMAO_SMTP_PASSWORD；未发送任何邮件。") from None
    except (smtplib.SMTPException, OSError) as e:
        _close(smtp)
        raise MailError(f"无法连接发信服务器 {where}（{e or type(e).__name__}），"
                        "请检查 SHUMAO_SMTP_HOST、SHUMAO_SMTP_PORT 和 SHUMAO_SMTP_TLS；"
                        "未发送任何邮件。") from None


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        smtp.close()


def _answer(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"发信服务器拒收：{code} {words}".strip()
