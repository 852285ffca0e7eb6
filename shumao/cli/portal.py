"""The web portal's commands: ``serve``, the accounts (``user add``/``token``/``tokens``/``revoke``/
``list``/``disable``/``enable``/``passwd``)
and ``remind`` (the monthly reminder mail to enterprises that have not filed)."""

import sys
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from shumao import settings
from shumao.access.roles import ROLE_ZH, ROLES
from shumao.cli.options import DbOption, HostOption, JsonOption, PortOption, err, out, print_json
from shumao.errors import InputError


def _cli_actor() -> str:
    from shumao.store.base import cli_actor

    return cli_actor()


def start_portal(db: str | None, host: str, port: int) -> None:
    import uvicorn

    from shumao.web.app import create_app
    from shumao.web.assets import missing

    if missing():
        raise InputError("网页所需的 ECharts/htmx 文件尚未安装：请先运行 make setup"
                         "（或 python -m shumao.web.assets）")
    app_ = create_app(db)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    out.print(f"[bold]数贸门户已启动：http://{shown}:{port}[/]  （按 Ctrl-C 停止）")
    # keep-alive longer than uvicorn's 5 s: while an import holds the CPU the event loop can
    # stall past 5 s and then close connections whose next request is already on its way
    # the client's address (audit log, sign-in throttle) from X-Forwarded-For only when the
    # request comes from a trusted reverse proxy (SHUMAO_TRUSTED_PROXIES)
    uvicorn.run(app_, host=host, port=port, log_level="warning", proxy_headers=True,
                forwarded_allow_ips=settings.get("SHUMAO_TRUSTED_PROXIES"), timeout_keep_alive=65)


def serve(db: DbOption = None, host: HostOption = "127.0.0.1", port: PortOption = 8000) -> None:
    """启动网页门户：统计人员导入、查看、发布；企业填报；审核；公众阅读简报（直到按 Ctrl-C）。"""
    start_portal(db, host, port)


_ROLE_WORDS = [f"{r}（{ROLE_ZH[r]}）" for r in ROLES]      # the portal's roles, the same words
RoleOption = Annotated[str, typer.Option(
    "--role", metavar="角色", help="、".join(_ROLE_WORDS[:-1]) + "或 " + _ROLE_WORDS[-1])]


PasswordStdin = Annotated[bool, typer.Option(
    "--password-stdin", help="从标准输入读取密码（第一行）；不写时交互输入两次")]


def _read_password(from_stdin: bool) -> str:
    """A password as ``user add`` and ``user passwd`` take it: stdin's first line, or typed
    twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("密码", hide_input=True, confirmation_prompt="再输入一次")


def user_add(
    name: Annotated[str, typer.Argument(metavar="用户名")],
    role: RoleOption,
    enterprise: Annotated[Optional[str], typer.Option(
        "--enterprise", metavar="信用代码", help="企业填报员所属企业的统一社会信用代码")] = None,
    region: Annotated[Optional[str], typer.Option(
        "--region", metavar="区县", help="审核员负责的区县（不写为全部）")] = None,
    email: Annotated[Optional[str], typer.Option(
        "--email", metavar="邮箱", help="电子邮箱；企业填报员的邮箱接收催报邮件")] = None,
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
) -> None:
    """新增一个账号（密码至少 10 个字符，不能含用户名、不能太常见或太好猜，以 Argon2id 散列保存）。"""
    from shumao.access import accounts
    from shumao.store import connect

    password = _read_password(password_stdin)
    with connect(db) as store:
        user = accounts.add(store, name, role, password, enterprise=enterprise, region=region,
                            email=email, actor=_cli_actor())
    out.print(f"已新增账号 {escape(user.name)}（{ROLE_ZH[user.role]}）")


def user_token(
    name: Annotated[str, typer.Argument(metavar="用户名")],
    days: Annotated[int, typer.Option("--days", min=1, metavar="天数", help="有效天数")] = 90,
    db: DbOption = None,
) -> None:
    """为账号签发一个 API 令牌（只显示这一次；数据库只保存其散列）。"""
    from shumao.access import accounts
    from shumao.store import connect

    with connect(db) as store:
        token = accounts.issue_token(store, name, days, actor=_cli_actor())
    shown = accounts.token_hash(token)[:accounts.TOKEN_ID]
    err.print(f"API 令牌（编号 {shown}，{days} 天内有效，只显示这一次，请妥善保存；"
              f"撤销：shumao user revoke {escape(name)} {shown}）：")
    sys.stdout.write(token + "\n")


def user_tokens(name: Annotated[str, typer.Argument(metavar="用户名")], db: DbOption = None,
                as_json: JsonOption = False) -> None:
    """列出账号的 API 令牌：编号、签发时间、到期时间、最近使用时间、状态（不显示令牌本身）。"""
    from shumao.access import accounts
    from shumao.model.periods import moment_words as when
    from shumao.store import connect

    with connect(db, read_only=True) as store:
        listed = accounts.tokens(store, name)
    if as_json:
        print_json([{"id": t.id, "created": t.created.isoformat(),
                     "expires": t.expires.isoformat() if t.expires else None,
                     "last_used": t.last_used.isoformat() if t.last_used else None,
                     "status": t.status} for t in listed])
        return
    t = Table(title=f"{escape(name)} 的 API 令牌（共 {len(listed)} 个）")
    for col in ("编号", "签发时间", "到期时间", "最近使用", "状态"):
        t.add_column(col)
    for k in listed:
        t.add_row(k.id, when(k.created), when(k.expires) if k.expires else "永不过期",
                  when(k.last_used) if k.last_used else "从未使用", k.status_zh)
    out.print(t)


def user_revoke(name: Annotated[str, typer.Argument(metavar="用户名")],
                token_id: Annotated[str, typer.Argument(metavar="令牌编号")], db: DbOption = None) -> None:
    """撤销账号的一个 API 令牌（编号见 shumao user tokens），立即失效；其他令牌不受影响。"""
    from shumao.access import accounts
    from shumao.store import connect

    with connect(db) as store:
        shown = accounts.revoke_token(store, name, token_id, actor=_cli_actor())
    out.print(f"已撤销账号 {escape(name)} 的 API 令牌 {shown}")


def user_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """列出全部账号。"""
    from shumao.store import connect

    with connect(db, read_only=True) as store:
        users = store.users.all()
    if as_json:
        print_json([{"name": u.name, "role": u.role, "enterprise_id": u.enterprise_id,
                      "region": u.region, "email": u.email, "disabled": u.disabled} for u in users])
        return
    t = Table(title=f"账号（共 {len(users)} 个）")
    for col in ("用户名", "角色", "所属企业", "区县", "电子邮箱", "状态"):
        t.add_column(col)
    for u in users:
        t.add_row(escape(u.name), ROLE_ZH[u.role], u.enterprise_id or "—", escape(u.region or "全部"),
                  escape(u.email or "—"), "已停用" if u.disabled else "正常")
    out.print(t)


def user_disable(name: Annotated[str, typer.Argument(metavar="用户名")], db: DbOption = None) -> None:
    """停用一个账号，并撤销它的全部 API 令牌。"""
    from shumao.access import accounts
    from shumao.store import connect

    with connect(db) as store:
        accounts.disable(store, name, actor=_cli_actor())
    out.print(f"已停用账号 {escape(name)}，其 API 令牌均已撤销")


def user_enable(name: Annotated[str, typer.Argument(metavar="用户名")], db: DbOption = None) -> None:
    """重新启用一个已停用的账号（原有的 API 令牌仍然作废）。"""
    from shumao.access import accounts
    from shumao.store import connect

    with connect(db) as store:
        accounts.enable(store, name, actor=_cli_actor())
    out.print(f"已启用账号 {escape(name)}，可以重新登录")


def user_passwd(name: Annotated[str, typer.Argument(metavar="用户名")],
                password_stdin: PasswordStdin = False, db: DbOption = None) -> None:
    """为账号重设密码（规则同新增账号）。这是一次性密码：该用户下次登录后必须先改成自己的密码；
    该账号的 API 令牌全部作废，已登录的网页在下一次操作时要求改密码。"""
    from shumao.access import accounts
    from shumao.store import connect

    password = _read_password(password_stdin)
    with connect(db) as store:
        accounts.reset_password(store, name, password, actor=_cli_actor())
    out.print(f"已重设账号 {escape(name)} 的密码；请告知本人，其下次登录后须立即修改密码")


# --- reminders (issue 10: filing windows, the status board, reminders) ---------------------

def remind(
    period: Annotated[str, typer.Option(
        "--period", metavar="月份", help="要催报的月份，如 2024-06")],
    db: DbOption = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="只列出将收到邮件的企业和邮箱，不发送、不记录")] = False,
    as_json: JsonOption = False,
) -> None:
    """向该月尚未提交任何记录的企业（未填报、已填报未提交）发送催报邮件。

    发往企业填报员账号的电子邮箱；发信服务器由环境变量 SHUMAO_SMTP_HOST 等设置，
    邮件中的门户网址为 SHUMAO_PORTAL_URL。每个收件人都记入数据库和操作日志。
    """
    from shumao.filing import reminders, windows
    from shumao.store import connect

    month = windows.parse_month(period)
    mail = reminders.MailSettings.from_settings()
    with connect(db, read_only=dry_run, create=False) as store:
        result = reminders.send(store, month, mail, _cli_actor(), dry_run=dry_run)
    if as_json:
        print_json({"ok": True, **result.as_dict()})
        return
    w = result.plan.window
    name = f"{month.year}年{month.month}月"
    out.print(f"{name}：截止日期 {w.closes:%Y-%m-%d}（{w.state_zh}）")
    if dry_run and w.refusal():
        out.print(f"[yellow]注意：{escape(w.refusal() or '')}；该月现在不能发送催报邮件。[/]")
    verb = "将发送" if dry_run else "已发送"
    for t, a in result.sent:
        out.print(f"  {verb}  {escape(t.name)}  {escape(a)}")
    for t, a, e in result.refused:
        out.print(f"  [red]被拒收[/]  {escape(t.name)}  {escape(a)}：{escape(e)}")
    for t in result.plan.unreachable:
        out.print(f"  [yellow]{reminders.NO_ADDRESS}[/]  {escape(t.name)}（{t.enterprise_id}）")
    for t in result.plan.no_account:
        out.print(f"  [yellow]{reminders.NO_ACCOUNT}[/]  {escape(t.name)}（{t.enterprise_id}）")
    if not (result.sent or result.refused or result.plan.unreachable or result.plan.no_account):
        out.print("  该月所有企业都已提交，无需催报。")
    else:
        out.print(f"{verb} {len(result.sent)} 封，被拒收 {len(result.refused)} 封，"
                  f"无法提醒 {len(result.plan.unreachable)} 家企业（账号无邮箱），"
                  f"{len(result.plan.no_account)} 家企业没有账号")
