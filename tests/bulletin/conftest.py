"""A content folder for the sample city: the packaged sample issue, pointed at the sample
store's enterprises and the period of the main expected text."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from tests.conftest import run_cli

SAMPLE_CONTENT = Path(str(resources.files("shumao") / "samples" / "bulletin"))
PROFILES = {"01-云桥信息技术.md": "91990102B8QRD82822", "02-海岸信息技术.md": "9199010242QEY8BUXP"}


def make_content(folder: Path) -> Path:
    shutil.copytree(SAMPLE_CONTENT, folder)
    for name, eid in PROFILES.items():
        p = folder / "会员风采" / name
        lines = [f"enterprise_id: {eid}" if ln.startswith("enterprise_id:") else ln
                 for ln in p.read_text(encoding="utf-8").splitlines()]
        p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def issue(tmp_path_factory, sample_db):
    """The sample issue built once for the session by the real command: {format: path}
    (tests only read it)."""
    root = tmp_path_factory.mktemp("issue")
    content = make_content(root / "2024-10")
    out = root / "out"
    p = run_cli("bulletin", content, "--db", sample_db, "--out", out)
    assert p.returncode == 0, p.stderr
    files = {f.suffix.lstrip("."): f for f in out.iterdir()}
    assert sorted(files) == ["docx", "html", "pdf"]
    return files


SENTENCES = ["协会组织会员企业围绕数字贸易统计口径开展专题研讨，与会代表结合本企业合同登记和收付汇情况提出了具体意见。",
             "2024年1-6月，全市共有126家企业在统一平台填报数据，较上年同期增加18家，填报及时率达到96.5%。",
             "下一步，协会将会同有关部门完善企业联系制度，按月汇总企业反映的问题，及时协调解决。",
             "会议要求各会员单位进一步规范合同登记，确保合同金额、执行金额与实际收汇情况一致，避免重复填报和漏报。",
             "据统计，参加本次培训的企业覆盖信息技术外包、业务流程外包和知识流程外包三大领域，其中离岸业务占比超过六成。"]


def long_text(paragraphs: int, seed: int) -> str:
    """Paragraphs of two to five sentences, the same for a seed."""
    import random

    rnd = random.Random(seed)
    return "\n\n".join("".join(rnd.choice(SENTENCES) for _ in range(rnd.randint(2, 5)))
                       for _ in range(paragraphs))


def make_long_content(folder: Path) -> Path:
    """The sample issue with long items (issue 21): a nine-paragraph news item with a table,
    a member with a long name and a long profile, a long event; the text relative (今年上半年)."""
    make_content(folder)
    toml = folder / "bulletin.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("relative_year = false", "relative_year = true")
                    .replace('"2024-01..2024-09"', '"2024H1"').replace("2024年第10期（总第58期）", "2024年第11期（总第59期）"),
                    encoding="utf-8")
    (folder / "行业资讯" / "04-推进会.md").write_text(
        "---\ntitle: 我市召开数字贸易高质量发展推进会暨服务外包统计工作会议，部署下半年重点任务\n"
        f"date: 2024-10-15\nsource: 市商务局\n---\n{long_text(9, 1)}\n\n"
        "| 监管方式代码 | 监管方式 | 说明 |\n|---|---|---|\n| 9610 | 跨境电商B2C直邮出口 | 跨境电子商务零售出口 |\n"
        "| 9710 | 跨境电商B2B直接出口 | 企业对企业直接出口 |\n| 9810 | 跨境电商出口海外仓 | 先出口至海外仓再销售 |\n\n"
        f"{long_text(3, 2)}\n", encoding="utf-8")
    (folder / "会员风采" / "03-长名.md").write_text(
        "---\ntitle: 示例东北亚国际数字贸易与跨境供应链综合服务股份有限公司\ntype: 协会理事单位\n---\n"
        f"{long_text(4, 3)}\n", encoding="utf-8")
    for i in range(1, 8):        # a long table of contents: the data section starts lower
        (folder / "协会动态" / f"1{i}-走访.md").write_text(
            f"---\ntitle: 协会走访第{i}家会员企业\ndate: 2024-10-2{i}\n---\n"
            "协会秘书处走访会员企业，了解企业经营情况和统计填报中遇到的问题。\n", encoding="utf-8")
    (folder / "协会动态" / "03-专题培训.md").write_text(
        f"---\ntitle: 协会举办数字贸易统计专题培训（第二期）\ndate: 2024-10-20\n---\n{long_text(5, 4)}\n",
        encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def long_issue(tmp_path_factory, sample_db):
    """An issue of long items (make_long_content) in every channel: {format: path}."""
    root = tmp_path_factory.mktemp("long")
    content = make_long_content(root / "2024-11")
    out = root / "out"
    p = run_cli("bulletin", content, "--db", sample_db, "--out", out,
                "--formats", "pdf,docx,html,email,wechat")
    assert p.returncode == 0, p.stderr
    return {f.suffix.lstrip("."): f for f in out.iterdir()}


@pytest.fixture(scope="session")
def word_pdf(tmp_path_factory):
    """The Word file's pages as LibreOffice lays them out (tests/support/office.py), converted
    once a session for each file: ``word_pdf(docx)`` → the PDF."""
    from tests.support import office

    if not office.AVAILABLE:
        pytest.skip("LibreOffice is not part of the project's setup")
    done: dict[Path, Path] = {}

    def convert(docx: Path) -> Path:
        if docx not in done:
            done[docx] = office.docx_to_pdf(docx, tmp_path_factory.mktemp("word"))
        return done[docx]
    return convert


def make_short_content(folder: Path) -> Path:
    """The sample issue with every item cut to its first sentence (short items: each item's
    head is a large share of it, so whole items move on to the next page)."""
    make_content(folder)
    for f in sorted(folder.glob("*/*.md")):
        head, _, body = f.read_text(encoding="utf-8").partition("\n---\n")
        first = body.strip().split("\n\n")[0].split("。")[0]
        f.write_text(f"{head}\n---\n{first}。\n", encoding="utf-8")
    return folder


def make_many_content(folder: Path) -> Path:
    """The sample issue with twelve more news items of one to three paragraphs."""
    make_content(folder)
    for i in range(12):
        (folder / "行业资讯" / f"2{i:02d}-动态.md").write_text(
            f"---\ntitle: 服务外包企业动态第{i + 1}则\ndate: 2024-10-{i + 1:02d}\nsource: 协会秘书处\n---\n"
            f"{long_text(1 + i % 3, 10 + i)}\n", encoding="utf-8")
    return folder


def _pdf_alone(tmp_path_factory, sample_db, make) -> Path:
    from shumao.bulletin.publish import publish
    from shumao.store import connect

    root = tmp_path_factory.mktemp(make.__name__)
    with connect(str(sample_db), read_only=True) as store:
        return publish(make(root / "2024-10"), store, root / "out", ("pdf",))["pdf"]


@pytest.fixture(scope="session")
def short_issue(tmp_path_factory, sample_db) -> Path:
    """The PDF alone of an issue of short items (make_short_content; no 【数字贸易】: the
    sample city has no digital-trade data)."""
    return _pdf_alone(tmp_path_factory, sample_db, make_short_content)


@pytest.fixture(scope="session")
def many_issue(tmp_path_factory, sample_db) -> Path:
    """The PDF alone of an issue of many items (make_many_content)."""
    return _pdf_alone(tmp_path_factory, sample_db, make_many_content)
