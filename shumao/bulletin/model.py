"""One document model for an issue of the bulletin, built from the content folder and the
store; the HTML, PDF and DOCX renderers all draw this same model (bulletin.md).

    Document ─ masthead (title, issue, date, publisher)
             └ sections: 【数据月报】 (paragraphs, charts, tables, footnotes) then
                         【行业资讯】【会员风采】【协会动态】 and further folders, each a
                         list of entries (title, label lines, blocks, source line)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from shumao.bulletin import content as c
from shumao.bulletin.markdown import Paragraph, Run, blocks
from shumao.errors import ContentError
from shumao.report.service import ReportDoc, build_report
from shumao.store import Store

NATURE_ZH = {"domestic": "内资企业", "hmt": "港澳台商投资企业", "foreign": "外商投资企业"}


@dataclass
class Entry:
    title: str
    labels: list[Paragraph] = field(default_factory=list)    # date / 类  型 / facts lines
    blocks: list = field(default_factory=list)
    source: str | None = None


@dataclass
class Section:
    name: str
    entries: list[Entry] = field(default_factory=list)
    data: ReportDoc | None = None

    @property
    def heading(self) -> str:
        return f"【{self.name}】"


@dataclass
class Document:
    title: str
    issue: str
    date: dt.date
    publisher: str
    sections: list[Section]

    @property
    def date_words(self) -> str:
        return f"{self.date.year}年{self.date.month}月{self.date.day}日"

    @property
    def data(self) -> Section:
        return self.sections[0]


def label(name: str, value: str) -> Paragraph:
    return Paragraph([Run(f"{name}：", bold=True), Run(value)], kind="label")


def _entry(section: str, item: c.Item, store: Store) -> Entry:
    e = Entry(item.title)
    body = blocks(item.body)
    if section == c.MEMBERS:
        e.labels.append(label("类  型", str(item.get("type"))))
        eid = item.get("enterprise_id")
        if eid:
            found = store.enterprise(str(eid))
            if found is None:
                raise ContentError(f"{item.path}：{item.path.name} 的“enterprise_id”"
                                   f"为“{eid}”，数据库中没有这家企业")
            e.labels.append(label("企业性质", NATURE_ZH.get(found["nature"], found["nature"])))
            if found["region"]:
                e.labels.append(label("所在区域", found["region"]))
        if body and isinstance(body[0], Paragraph):   # bulletin.md: 简  介：…
            body[0] = Paragraph([Run("简  介：", bold=True), *body[0].runs])
    elif item.get("date"):
        d = item.get("date")
        e.labels.append(Paragraph([Run(f"{d.year}年{d.month}月{d.day}日")], kind="date"))
    e.blocks = body
    if item.get("source"):
        e.source = f"（来源：{item.get('source')}）"
    return e


def build(content: c.Content, store: Store) -> Document:
    """The issue's document: the data report for its period from the store, then the
    content folder's sections."""
    d = content.data
    try:
        full = build_report(store, d.period, d.report, with_charts=True)
    except ContentError:
        raise ContentError(f"{content.folder / 'bulletin.toml'}：bulletin.toml 的“period”"
                           f"为 {d.period}，但数据库中{d.period.words()}没有已审核通过的数据") from None
    # the bulletin shows the overview, partner and structure tables of the same report
    report = replace(full, tables=[t for t in full.tables
                                   if t.id in ("overview", "partners", "structure")])
    sections = [Section("数据月报", data=report)]
    for s in content.sections:
        sections.append(Section(s.name, [_entry(s.name, item, store) for item in s.items]))
    return Document(content.title, content.issue, content.date, content.publisher, sections)
