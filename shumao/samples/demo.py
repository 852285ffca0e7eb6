"""The demo: the whole product on generated data in a fresh store — generate (with the
digital-trade inputs: customs e-commerce, platforms and the contracts' digital columns), check
and import, then the 数据月报 as text, HTML (with charts) and XLSX, one account per role with
two filings waiting for review, and a published bulletin edition (with its 【数字贸易】)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from shumao.access import accounts
from shumao.bulletin import editions
from shumao.bulletin.folder import from_folder
from shumao.ingest.importer import ImportResult, import_files
from shumao.report import formats
from shumao.report.service import ReportDoc, ReportSettings, build_report
from shumao.samples import digital
from shumao.samples.synth import Plan, generate
from shumao.store import connect
from shumao.store.rows import Summary

PERIOD = "2024-01..2024-09"
PLAN = Plan(enterprises=60, executions=8000, seed=2024)
SETTINGS = ReportSettings(region="示例市", short="我市")
CONTENT = resources.files("shumao") / "samples" / "bulletin"   # a sample issue's content folder


@dataclass
class Demo:
    folder: Path
    db: Path
    imported: ImportResult | None = None
    summary: Summary | dict = field(default_factory=dict)      # empty until imported
    report: ReportDoc | None = None
    outputs: dict[str, Path] = field(default_factory=dict)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)   # name, role, password


def run(folder: Path, log: Callable[[str], None] = lambda m: None,
        progress: Callable[[int], None] | None = None,
        imported: Callable[[ImportResult], None] = lambda r: None) -> Demo:
    """``log`` gets each step's heading, ``imported`` the import's result as soon as it is done."""
    folder.mkdir(parents=True, exist_ok=True)
    demo = Demo(folder, folder / "demo.duckdb")
    for old in folder.glob("demo.duckdb*"):
        old.unlink()
    log(f"1. 生成模拟填报数据 → {folder / 'data'}")
    files = generate(folder / "data", PLAN, progress=progress)
    # the contracts again with the digital columns, in place of the plain ones
    inputs = [path for kind, path in files.items() if kind != "contracts"]
    inputs += digital.write(folder / "data", folder / "data" / "digital", PLAN.seed)
    log(f"2. 检查并导入 → {demo.db}")
    with connect(demo.db) as store:
        demo.imported = import_files(store, inputs)
        imported(demo.imported)
        if not demo.imported.ok:
            return demo
        demo.summary = store.records.summary()
        doc = demo.report = build_report(store, PERIOD, SETTINGS, with_charts=True)
    demo.outputs["html"] = folder / "数据月报.html"
    demo.outputs["html"].write_text(formats.html(doc), encoding="utf-8")
    demo.outputs["xlsx"] = folder / "数据月报.xlsx"
    formats.xlsx(doc, demo.outputs["xlsx"])
    with connect(demo.db) as store:
        demo.accounts = make_accounts(store)
        seed_filings(store)
    log(f"3. 生成并发布简报（内容文件夹 {CONTENT}，存入数据库供公开简报阅读）→ {folder / '简报'}")
    with connect(demo.db) as store:
        edition = editions.create(store, from_folder(Path(str(CONTENT))), actor="演示")
        published = editions.publish(store, edition, actor="演示")
        (folder / "简报").mkdir(exist_ok=True)
        for fmt in published["outputs"]:
            out = store.bulletins.output(edition, fmt)
            assert out is not None and out.file_name
            path = demo.outputs[f"简报 {fmt}"] = folder / "简报" / out.file_name
            path.write_bytes(out.content)
    return demo


def seed_filings(store) -> list[int]:
    """The demo enterprise files a contract and an execution of this month in the portal and
    submits them, so the reviewer's queue (审核) has work waiting; they count in no figure
    until approved."""
    import datetime as dt

    from shumao.filing import service

    user = store.users.get("enterprise")
    if user is None or not user.enterprise_id:
        return []
    today = dt.date.today()
    cid = f"DEMO-{today:%Y%m}-01"
    made = [service.create(store, "contracts", {
        "contract_id": cid, "signed_on": today.isoformat(), "client_country": "日本",
        "category": "ITO", "amount": "120000"}, user.enterprise_id, user.name)]
    made.append(service.create(store, "executions", {
        "contract_id": cid, "execution_id": f"{cid}-X1", "executed_on": today.isoformat(),
        "amount": "60000"}, user.enterprise_id, user.name))
    for fid in made:
        service.submit(store, fid, {}, user.name)
    return made


def make_accounts(store) -> list[tuple[str, str, str]]:
    """One portal account per role, each with a new random password (web.md: make demo
    prints them): the enterprise account is bound to the first enterprise, the reviewer to
    its district."""
    first = store.records.enterprises(limit=1)
    ent, region = (first[0]["enterprise_id"], first[0]["region"]) if first else (None, None)
    made = []
    for name, role, enterprise, area in (("admin", "admin", None, None), ("staff", "staff", None, None),
                                         ("reviewer", "reviewer", None, region),
                                         ("enterprise", "enterprise", ent, None)):
        password = accounts.new_password()
        accounts.add(store, name, role, password, enterprise=enterprise, region=area, actor="演示")
        made.append((name, role, password))
    return made
