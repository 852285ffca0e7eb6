"""Reading a bulletin's content folder (bulletin.md): ``bulletin.toml`` and one Markdown file
per item with a front-matter block, sections named by their folders.  Anything missing or
malformed is a ``ContentError`` naming the file and the field, before anything is written.

    2023-08/
      bulletin.toml                 title, issue, date, publisher; optional for the 版记
                                    report_to / copy_to / distribute_to (报：… 送：… 发：…)
                                    and copies (印数); [data] period, region, …
      行业资讯/01-外商投资环境.md     ---  title / date / source  ---  then the body
      会员风采/01-某某公司.md         ---  title / type / enterprise_id  ---
      协会动态/01-产品创新培训.md     ---  date (and title)  ---; without a title the item is a
                                    dated paragraph, as associations print them ("8月22日，协会……")
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, overload

import yaml

from shumao.bulletin.markdown import images, safe_href, tidy_spacing
from shumao.errors import ContentError, PeriodError
from shumao.model.periods import Period
from shumao.model.text import stray
from shumao.report.service import BRI_BASES, ReportSettings

NEWS, MEMBERS, EVENTS = "行业资讯", "会员风采", "协会动态"
KNOWN_ORDER = (NEWS, MEMBERS, EVENTS)
REQUIRED = {NEWS: ("title", "date", "source"), MEMBERS: ("title", "type")}
DEFAULT_REQUIRED = ("title",)
UNTITLED_OK = (EVENTS,)     # bulletin.md: 协会动态 are dated paragraphs, a title is optional
# the 版记's 报送 line (GB/T 9704 §7.4), in its order: bulletin.toml's key, the word it prints
RECIPIENTS = (("report_to", "报"), ("copy_to", "送"), ("distribute_to", "发"))
RECIPIENTS_MAX = 100        # characters of one of them
COPIES_MAX = 99999          # 印数: （共印50份）
ENDS = "。.；;，,、 \u3000"   # what a clerk may end a list of recipients with


@dataclass(frozen=True)
class DataSettings:
    """The ``[data]`` table: the report's period and its settings."""

    period: Period
    report: ReportSettings


@dataclass(frozen=True)
class Item:
    """One Markdown file: its front matter and its body."""

    path: Path
    meta: dict
    body: str

    @property
    def title(self) -> str | None:
        """The front matter's title, spaces between Chinese and numbers tidied; None if absent."""
        value = "" if self.meta.get("title") is None else str(self.meta["title"]).strip()
        return tidy_spacing(value) if value else None

    def get(self, key: str, default=None):
        return self.meta.get(key, default)


@dataclass(frozen=True)
class SectionContent:
    name: str
    items: list[Item]


@dataclass
class Content:
    folder: Path
    title: str
    issue: str
    date: dt.date
    publisher: str
    data: DataSettings
    sections: list[SectionContent] = field(default_factory=list)
    recipients: list[tuple[str, str]] = field(default_factory=list)   # (报, 市商务局) … as given
    copies: int | None = None


def _err(path: Path, field_: str | None, what: str) -> ContentError:
    where = f"{path.name}" + (f" 的{{{field_}}}" if field_ else "")
    return ContentError(f"{path}：{where}{what}", field=field_, file=path.name)


class _Loader(yaml.SafeLoader):
    """YAML without implicit dates: a date stays text until ``_date`` reads it, so an
    impossible one (2024-13-45) is named with its field instead of crashing the parser."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _date(value, path: Path, key: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text).date()     # 2024-10-20 09:30 as YAML wrote it
    except ValueError:
        raise _err(path, key, f"不是有效日期（应为 2024-10-20），现为“{value}”") from None


@overload
def _text(table: dict, key: str, path: Path, required: Literal[True] = True) -> str: ...
@overload
def _text(table: dict, key: str, path: Path, required: bool) -> str | None: ...
def _text(table: dict, key: str, path: Path, required: bool = True) -> str | None:
    if key not in table or table[key] is None or str(table[key]).strip() == "":
        if required:
            raise _err(path, key, "缺失或为空")
        return None
    if not isinstance(table[key], (str, int, float)):
        raise _err(path, key, "应为文字")
    if ch := stray(str(table[key])):
        raise _err(path, key, f"含有控制字符或无法保存的字符（{ch}），请删去后重新填写")
    return str(table[key]).strip()


def load_settings(folder: Path) -> Content:
    path = folder / "bulletin.toml"
    if not path.is_file():
        raise ContentError(f"{folder}：缺少 bulletin.toml（刊名、期号、日期、出版单位与数据月报设置）")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise _err(path, None, f"格式错误：{e}") from None
    data = raw.get("data", raw)      # the data settings may sit in a [data] table or at the top
    if not isinstance(data, dict):
        raise _err(path, "data", "应为一个表（[data]）")
    period_text = _text(data, "period", path)
    try:
        period = Period.parse(period_text)
    except PeriodError as e:
        raise _err(path, "period", f"无效：{e}") from None
    bri = _text(data, "bri", path, required=False)
    if bri not in (None, *BRI_BASES):
        raise _err(path, "bri", f"只能是 route65 或 partners，现为“{bri}”")
    relative = data.get("relative_year", False)
    if not isinstance(relative, bool):
        raise _err(path, "relative_year", "应为 true 或 false")
    settings = DataSettings(period, ReportSettings.from_options(
        region=_text(data, "region", path), short=_text(data, "short", path),
        source=_text(data, "source", path, required=False), bri=bri, relative=relative))
    if "date" not in raw:
        raise _err(path, "date", "缺失或为空")
    return Content(folder, _text(raw, "title", path), _text(raw, "issue", path),
                   _date(raw["date"], path, "date"), _text(raw, "publisher", path), settings,
                   recipients=_recipients(raw, path), copies=_copies(raw, path))


def _recipients(raw: dict, path: Path) -> list[tuple[str, str]]:
    """The 版记's 报送 line: (报, 市商务局) … for each of report_to / copy_to / distribute_to
    given, in that order; one line of text each, at most RECIPIENTS_MAX characters."""
    out = []
    for key, word in RECIPIENTS:
        value = _text(raw, key, path, required=False)
        if value is None:
            continue
        if len(value) > RECIPIENTS_MAX:
            raise _err(path, key, f"过长：最多 {RECIPIENTS_MAX} 个字，现为 {len(value)} 个字")
        names = tidy_spacing(value).rstrip(ENDS)      # the line puts its own 。 after each
        if not names:
            raise _err(path, key, f"只有标点，没有单位名称：“{value}”")
        out.append((word, names))
    return out


def _copies(raw: dict, path: Path) -> int | None:
    """印数: a whole number of copies (50, or "50"), None when not given."""
    value = raw.get("copies")
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not text.isascii() \
            or not text.isdigit() or not 1 <= int(text) <= COPIES_MAX:
        shown = ("一个表或列表" if isinstance(value, (dict, list)) else "含有控制字符的文字"
                 if stray(text) else f"“{text[:20]}”")
        raise _err(path, "copies", f"应为印刷份数，1 至 {COPIES_MAX} 之间的整数（如 50），现为{shown}")
    return int(text)


def front_matter(text: str, path: Path) -> tuple[dict, str]:
    """The front-matter block and the body after it; ``path`` names the file in errors."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise _err(path, None, "开头缺少以 --- 包围的文件信息（front matter）")
    try:
        end = next(i for i, ln in enumerate(lines[1:], start=1) if ln.strip() == "---")
    except StopIteration:
        raise _err(path, None, "文件信息（front matter）没有以 --- 结束") from None
    try:
        meta = yaml.load("\n".join(lines[1:end]), Loader=_Loader) or {}
    except yaml.YAMLError as e:
        raise _err(path, None, f"文件信息（front matter）格式错误：{e}") from None
    if not isinstance(meta, dict):
        raise _err(path, None, "文件信息（front matter）应为“键: 值”的形式")
    return meta, "\n".join(lines[end + 1:]).strip()


def read_item(path: Path, section: str) -> Item:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise _err(path, None, "不是 UTF-8 编码的文本") from None
    meta, body = front_matter(text, path)
    required = REQUIRED.get(section, DEFAULT_REQUIRED)
    if section in UNTITLED_OK and str(meta.get("title") or "").strip() == "":
        if meta.get("date") in (None, ""):
            raise _err(path, "date", "缺失：没有标题（title）的协会动态是一段带日期的文字，须写明日期")
        required = ()
    for key in required:
        if key != "date":
            _text(meta, key, path)
        elif meta.get("date") in (None, ""):
            raise _err(path, "date", "缺失或为空")
    if meta.get("date") not in (None, ""):
        meta["date"] = _date(meta["date"], path, "date")
    if not body and section != MEMBERS:
        raise _err(path, None, "正文为空")
    return Item(path, meta, body)


def load(folder: str | Path) -> Content:
    folder = Path(folder)
    if not folder.is_dir():
        raise ContentError(f"找不到简报内容文件夹：{folder}")
    content = load_settings(folder)
    dirs = [d for d in folder.iterdir() if d.is_dir() and not d.name.startswith((".", "_"))]
    order = sorted(dirs, key=lambda d: (KNOWN_ORDER.index(d.name) if d.name in KNOWN_ORDER
                                        else len(KNOWN_ORDER), d.name))
    for d in order:
        files = sorted(d.glob("*.md"))
        if files:
            content.sections.append(SectionContent(d.name, [read_item(f, d.name) for f in files]))
    return content


def dropped_images(content: Content) -> list[str]:
    """A Chinese warning per Markdown image of an item, naming the item (its file and title)
    and the image: no channel (PDF, DOCX, HTML, e-mail, 公众号) draws images yet, and a remote
    one is never fetched."""
    out = []
    for s in content.sections:
        for item in s.items:
            where = item.path.relative_to(content.folder).as_posix()
            title = f"（{item.title}）" if item.title else ""
            for src, alt in images(item.body):
                shown = f"“{alt}”（{src}）" if alt else f"“{src}”"
                if safe_href(src) or src.startswith("//"):
                    why = "这是网络图片，简报不会下载网络上的图片"
                elif src and (item.path.parent / src).is_file():
                    why = "简报暂不支持插入图片"
                else:
                    why = "内容中没有这个图片文件（文件不存在）"
                out.append(f"{where}{title}中的图片{shown}未放入简报：{why}；"
                           "请删去这张图片，或改用文字说明")
    return out
