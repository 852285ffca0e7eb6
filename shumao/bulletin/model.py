"""One document model for an issue of the bulletin, built from the content folder and the
store; the HTML, PDF and DOCX renderers all draw this same model (bulletin.md).

    Document ─ masthead (title, issue, date, publisher), metadata (overrides recorded)
             └ sections: 【数据月报】 (paragraphs, charts, tables, footnotes), then
                         【数字贸易】 when the period has digital-trade data (its sentences
                         as one untitled entry, its 注 in ``notes``), then
                         【行业资讯】【会员风采】【协会动态】 and further folders, each a
                         list of entries: kind "item" (title, label lines, blocks, source
                         line) or kind "dated" (no title: the date opens the first paragraph)

The data section is vetted as the report is (report/vetting.py, through ``build_report``):
a flagged figure stops the issue unless the caller allows it, and an allowed flag is kept in
``Document.overrides`` for every output's metadata.  A month of the period with far fewer
records than usual (indicators.completeness) stops it too unless allowed; then the months
are kept in ``Document.incomplete`` and, when the latest month is one, the data section's
notes say that its figures are preliminary (every channel draws ``Section.notes``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from shumao.bulletin import content as c
from shumao.bulletin.markdown import Paragraph, Run, blocks, tidy_spacing
from shumao.errors import ContentError, FlaggedFigures, IncompleteMonths, NoData
from shumao.indicators import Basis, completeness
from shumao.model.codes import NATURE_ZH
from shumao.model.periods import Period
from shumao.report.service import ReportDoc, build_report, with_charts
from shumao.report.settings import ReportSettings
from shumao.store import Store

if TYPE_CHECKING:
    from shumao.indicators.digital import Digital

ITEM, DATED = "item", "dated"
ALLOWED_FLAGS = "shumao:allowed-flags"      # the metadata name renderers write the overrides under
INCOMPLETE = "shumao:incomplete-months"     # … and the short months published by confirmation


@dataclass
class Entry:
    title: str = ""             # "" for a dated paragraph: no heading, no contents line
    labels: list[Paragraph] = field(default_factory=list)    # date / 类　　型 / facts lines
    blocks: list = field(default_factory=list)
    source: str | None = None
    kind: str = ITEM            # item | dated (协会动态 without a title, date folded into the text)
    date: dt.date | None = None

    @property
    def has_heading(self) -> bool:
        """Whether renderers draw a heading (and a contents line) for this entry."""
        return bool(self.title)


@dataclass
class Section:
    name: str
    entries: list[Entry] = field(default_factory=list)
    data: ReportDoc | None = None
    notes: list[str] = field(default_factory=list)     # 注 lines under the section (small type)

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
    overrides: list[str] = field(default_factory=list)   # flagged figures published by override
    warnings: list[str] = field(default_factory=list)    # content.dropped_images
    incomplete: list[str] = field(default_factory=list)  # short months published by confirmation
    # the period's digital-trade figures 【数字贸易】 was worded from (indicators.digital),
    # kept so that the vintage freezing them does not compute them again
    digital: Digital | None = None
    # the 版记 (GB/T 9704 §7.4) beside the publisher and the date: its 报送 line's parts
    # (报, 市商务局) … and 印数, as bulletin.toml gives them (content.RECIPIENTS)
    recipients: list[tuple[str, str]] = field(default_factory=list)
    copies: int | None = None

    @property
    def date_words(self) -> str:
        return f"{self.date.year}年{self.date.month}月{self.date.day}日"

    @property
    def distribution_parts(self) -> list[str]:
        """The 报送 line in parts, each ending in 。: ["报：市商务局。", "送：各会员单位。"]."""
        return [f"{word}：{names}。" for word, names in self.recipients]

    @property
    def distribution(self) -> str:
        """The 报送 line every channel prints in its 版记: "报：市商务局。　送：各会员单位。"
        ("" without recipients)."""
        return "\u3000".join(self.distribution_parts)

    @property
    def copies_words(self) -> str:
        """印数 as the 版记 prints it: （共印50份）; "" when not given."""
        return f"（共印{self.copies}份）" if self.copies else ""

    @property
    def data(self) -> Section:
        return self.sections[0]

    @property
    def metadata(self) -> dict[str, str]:
        """Name → value pairs every renderer writes into its output's metadata (HTML/PDF
        ``<meta name=… content=…>``, DOCX core properties' comments as "name: value" lines)."""
        meta = {}
        if self.overrides:
            meta[ALLOWED_FLAGS] = "；".join(self.overrides)
        if self.incomplete:
            meta[INCOMPLETE] = "；".join(self.incomplete)
        return meta


# --- labels: two-character names padded with two U+3000 to the width of four ----------------

LABEL_WIDTH = 4


def label_name(name: str) -> str:
    """类型 → 类　　型: official documents align a label column with full-width spaces."""
    if len(name) == 2:
        return f"{name[0]}{chr(0x3000) * (LABEL_WIDTH - 2)}{name[1]}"
    return name


def label(name: str, value: str) -> Paragraph:
    return Paragraph([Run(f"{label_name(name)}：", bold=True), Run(value)], kind="label")


# --- dates in the text ---------------------------------------------------------------------

_OPENING_DATE = re.compile(r"^\s*(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")
_OPENING_TIME = re.compile(r"^\s*(?:\d{4}年)?\d{1,2}月")        # 9月下旬, 10月16日, 2024年8月


def opens_with_date(text: str, date: dt.date) -> bool:
    """The text opens with this very date ("8月22日…" or "2024年8月22日…")."""
    m = _OPENING_DATE.match(text)
    if m is None:
        return False
    return (int(m[2]), int(m[3])) == (date.month, date.day) and (m[1] is None or int(m[1]) == date.year)


def date_words(date: dt.date, issue_year: int | None = None) -> str:
    """8月22日 within the issue's year, 2023年12月28日 otherwise (or without an issue year)."""
    md = f"{date.month}月{date.day}日"
    return md if issue_year == date.year else f"{date.year}年{md}"


def _dated(e: Entry, date: dt.date, issue_year: int | None) -> None:
    """A 协会动态 item without a title, as associations print it: "8月22日，协会……" — the date
    opens the first paragraph unless the clerk already began with a date or a time."""
    first = e.blocks[0] if e.blocks else None
    if isinstance(first, Paragraph) and _OPENING_TIME.match(first.text):
        return
    words = Run(date_words(date, issue_year), bold=True)
    if isinstance(first, Paragraph):
        e.blocks[0] = Paragraph([words, Run("，"), *first.runs], first.kind)
    else:
        e.blocks.insert(0, Paragraph([words]))


def entry(section: str, item: c.Item, store: Store | None, issue_year: int | None) -> Entry:
    """One item as the bulletin draws it.  Without a store (the editor's preview) a member
    profile shows no facts from the store and its enterprise_id is not checked."""
    e = Entry(item.title or "", date=item.get("date"))
    body = blocks(item.body)
    if section == c.MEMBERS:
        e.labels.append(label("类型", tidy_spacing(str(item.get("type")))))
        eid = item.get("enterprise_id")
        if eid and store is not None:
            found = store.records.enterprise(str(eid))
            if found is None:
                raise ContentError(f"{item.path}：{item.path.name} 的{{enterprise_id}}"
                                   f"为“{eid}”，数据库中没有这家企业",
                                   field="enterprise_id", file=item.path.name)
            e.labels.append(label("企业性质", NATURE_ZH.get(found["nature"], found["nature"])))
            if found["region"]:
                e.labels.append(label("所在区域", found["region"]))
        if body and isinstance(body[0], Paragraph):   # bulletin.md: 简　　介：…
            body[0] = Paragraph([Run(f"{label_name('简介')}：", bold=True), *body[0].runs])
    e.blocks = body
    if not e.title and e.date:
        e.kind = DATED
        _dated(e, e.date, issue_year)
    elif e.date:
        first = body[0] if body else None
        if not (isinstance(first, Paragraph) and opens_with_date(first.text, e.date)):
            e.labels.append(Paragraph([Run(f"{e.date.year}年{e.date.month}月{e.date.day}日")], kind="date"))
    if item.get("source"):
        e.source = f"（来源：{tidy_spacing(str(item.get('source')))}）"
    return e


def vet(report: ReportDoc, where: str, allow_flagged: bool = False) -> list[str]:
    """report.md's checks on the data section, as ``shumao report`` runs them: any flagged
    figure stops the issue, each named with its reason, unless ``allow_flagged`` — then the
    messages are returned, to be recorded in every output."""
    flagged = [ch.message for ch in report.flagged]
    if flagged and not allow_flagged:
        lines = _numbered(flagged)
        raise FlaggedFigures(
            f"{where}：数据月报（{report.period.words()}）有 {len(flagged)} 个数字未通过发布前核对，"
            f"简报未生成：\n{lines}\n"
            "请核实数据或改换时期；如已审核确认可以发布，{allow_flagged}"
            "（放行的数字将记录在各输出文件的元数据中）。", checks=report.flagged)
    return flagged


def complete(store: Store, period: Period, where: str, allow_incomplete: bool = False
             ) -> tuple[list[str], list[str]]:
    """The months of ``period`` with far fewer records than usual (indicators.completeness):
    an IncompleteMonths naming each unless ``allow_incomplete`` — then their words and the
    data section's notes (the latest month preliminary, if it is one of them)."""
    found = completeness.in_store(store, period)
    said = [s.words() for s in found]
    if found and not allow_incomplete:
        lines = _numbered(said)
        raise IncompleteMonths(
            f"{where}：数据月报（{period.words()}）有 {len(found)} 个月的记录远少于往常"
            f"（不到通常的三分之一），可能还有企业未报送或记录未审核，简报未生成：\n{lines}\n"
            "请核实是否还有企业未报送；如确需现在发布，{allow_incomplete}"
            "（最近一个月的数字将在说明中注明为初步数据）。", months=found)
    return said, completeness.preliminary(found, period)


def _numbered(messages: list[str]) -> str:
    """The messages of a refusal, one per line: "  1. …"."""
    return "\n".join(f"  {i}. {m}" for i, m in enumerate(messages, start=1))


def digital_figures(store: Store, period: Period, report=None):
    """The period's digital-trade figures (indicators.digital, default settings; ``report``
    the 数据月报's figures when already computed)."""
    from shumao.indicators.digital import digital as compute_digital

    with store.reading() as con:
        return compute_digital(con, period, report=report)


def digital_section(d, settings: ReportSettings) -> Section | None:
    """【数字贸易】 (digital-trade.md §8.1) for the issue's period from its figures
    (``digital_figures``), worded with the 数据月报's region, short name, source and relative
    year; None when the period has no digital-trade data (no customs e-commerce rows, no
    contract with a delivery mode or ordered online).  A suppressed figure is never named:
    the text withholds it (report.digital)."""
    from shumao.report import digital as words

    if not d.has_digital_inputs:
        return None
    lines = words.sentences(d, settings, settings.source, words.disclosure(d))
    if not lines:
        return None
    *said, note = lines
    return Section(words.TITLE.strip("【】"), [Entry(blocks=[Paragraph([Run(t)]) for t in said])],
                   notes=[note])


def build(content: c.Content, store: Store, allow_flagged: bool = False,
          allow_incomplete: bool = False, charts: bool = True) -> Document:
    """The issue's document: the data report for its period from the store (vetted, and
    checked for months with far fewer records than usual), then the content folder's
    sections.  Without ``charts`` the data section's charts are left to draw
    (``with_drawn``: publish.py draws them in two processes)."""
    d = content.data
    toml = content.folder / "bulletin.toml"
    try:
        full = build_report(store, d.period, d.report)
    except NoData:
        raise ContentError(f"{toml}：bulletin.toml 的{{period}}"
                           f"为 {d.period}，但数据库中{d.period.words()}没有已审核通过的数据",
                           field="period", file=toml.name) from None
    # first whether the period's records are all in (a short month's flags may be its gaps),
    # then the figures' checks; both before the charts: a stop is quick
    incomplete, notes = complete(store, d.period, str(toml), allow_incomplete)
    overrides = vet(full, str(toml), allow_flagged)
    if charts:
        full = with_charts(full)
    # the bulletin shows the overview, partner and structure tables of the same report
    report = replace(full, tables=[t for t in full.tables
                                   if t.id in ("overview", "partners", "structure")])
    sections = [Section("数据月报", data=report, notes=notes)]
    # the 数据月报's figures checked against, not computed again (same basis only)
    figures = digital_figures(store, d.period, full.ind if d.report.basis == Basis() else None)
    more = digital_section(figures, d.report)
    if more is not None:
        sections.append(more)
    for s in content.sections:
        sections.append(Section(s.name, [entry(s.name, item, store, content.date.year)
                                         for item in s.items]))
    return Document(content.title, content.issue, content.date, content.publisher, sections,
                    overrides, c.dropped_images(content), incomplete, figures,
                    list(content.recipients), content.copies)


def with_drawn(doc: Document, charts: list) -> Document:
    """The document with its data section's charts drawn (``charts``: report.charts.Chart)."""
    data = doc.data
    assert data.data is not None
    drawn = Section(data.name, data.entries, replace(data.data, charts=charts), data.notes)
    return replace(doc, sections=[drawn, *doc.sections[1:]])
