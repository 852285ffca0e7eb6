"""The exception tree.  Data problems are *values* (`ingest.issues.Issue`); these are for
failures a caller must stop on.

    ShumaoError                 anything shumao raises on purpose (CLI exit code 3)
    ├── InputError(ValueError)  a file or argument the user gave cannot be used (exit 1 or 2)
    │   ├── PeriodError         a period string outside the grammar of report.md
    │   ├── NoData              a report of a period without approved records (exit 1)
    │   ├── UnknownFigure       a figure id the indicator catalogue does not have
    │   ├── UnknownVintage      a vintage id the store does not have (report --vintage)
    │   ├── TooManyFiles        more data files in one import than it takes (zips' counted)
    │   └── ArchiveError        a zip given as data that cannot be unpacked safely
    │       └── ArchiveTooLarge     … that unpacks to more than its budget
    ├── StoreError              the store cannot be opened, read or written (exit 3)
    │   ├── StoreNotFound       a store opened for reading does not exist (also an InputError: exit 2)
    │   ├── StoreVersionError   the store was written by another version of shumao
    │   └── ConflictError       the store changed between checking a batch and loading it, or
    │                           the change is one the stored state forbids (a published bulletin)
    ├── ContentError            a bulletin content folder is malformed (exit 1)
    │   ├── FlaggedFigures      its data report has figures that failed the vetting (exit 1)
    │   └── IncompleteMonths    a month of its period holds far fewer records than usual (exit 1)
    ├── Interrupted             an import stopped by Ctrl-C or SIGTERM before its load (exit 130, 143)
    ├── EngineError             Spark is not installed, cannot start or fails (report --engine spark)
    ├── IdentityBroken          a digital-trade identity (DT = DO + DD − B …) fails: a bug, never data
    └── MailError               the SMTP server is not configured or cannot be reached (exit 3)

Every message is Chinese first: the CLI prints it as the one line a clerk sees.  A message
never names a command-line flag or a form's label: the argument it is about is ``field`` on
the error and ``{field}`` (its name in braces, e.g. ``{enterprise}``) in the message, and each
edge says it in its own words with ``say`` — the CLI its option (``--enterprise``), the web
the form's label (“所属企业”).  ``str(error)`` names it as the library does, in quotes.

Each class carries its stable ``code``, the CLI's ``exit_code`` and the web's ``http_status``
(the table below the tree, read by both edges), so the same failure has the same code on both:

    class               code         exit  http
    ShumaoError         error         3    500
    InputError          bad-input     2    400
    TooManyFiles        too-many-files 2   400
    ArchiveError        bad-zip       2    400
    ArchiveTooLarge     zip-too-large 2    413
    PeriodError         bad-period    2    400
    NoData              no-data       1    422   a period or store without approved records
    StoreError          store         3    503
    StoreNotFound       bad-input     2    400
    ConflictError       conflict      3    409
    ContentError        content       1    422
    FlaggedFigures      flagged       1    422   unless let through (``checks``: what failed)
    IncompleteMonths    incomplete    1    422   unless let through (``months``: which, how far)
    Interrupted         interrupted 130    503   143 for SIGTERM: 128 + the signal's number
    EngineError         engine        3    500
    IdentityBroken      identity      3    500
    MailError           mail          3    500
"""

from __future__ import annotations

import copy
import errno
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from shumao.model.rules import ShortMonth
    from shumao.report.vetting import Check


DISK_FULL = "磁盘空间不足"


def unwritable(e: BaseException) -> str | None:
    """Why a write failed, in the words a clerk acts on — a full disk, a read-only place, no
    permission —, from an OSError's errno or a database's IO error text (DuckDB words its
    own); None for any other failure.  The one wording of these for every writer."""
    no, text = getattr(e, "errno", None), str(e)
    if no in (errno.ENOSPC, errno.EDQUOT) or "No space left" in text or "disk is full" in text.lower():
        return DISK_FULL
    if no == errno.EROFS or "Read-only file system" in text:
        return "该位置是只读的（只读的磁盘或挂载）"
    if no in (errno.EACCES, errno.EPERM) or "Permission denied" in text:
        return "没有写入该位置的权限"
    return None


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _set_in(text: str, slot: str, words: str) -> str:
    """``text`` with every ``slot`` replaced by ``words``, a space between a Latin end of the
    words and a Chinese character beside it (Chinese typesetting's rule for a Latin word)."""
    parts = text.split(slot)
    out = parts[0]
    for after in parts[1:]:
        lead = " " if words[:1].isascii() and out[-1:] and _cjk(out[-1]) else ""
        tail = " " if words[-1:].isascii() and after[:1] and _cjk(after[0]) else ""
        out += lead + words + tail + after
    return out


class ShumaoError(Exception):
    """Base class of every error shumao raises on purpose.  ``field`` is the argument (or,
    for a ContentError, the content file's field) the message is about, and ``also`` any
    other it names; the message writes each as ``{name}``."""

    code, exit_code, http_status = "error", 3, 500

    def __init__(self, message: str = "", *, field: str | None = None,
                 also: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.field, self.also = field, also

    def __str__(self) -> str:
        return self.say()

    def say(self, words: Mapping[str, str] | None = None) -> str:
        """The message with each field it names in an edge's ``words`` (field → words), or
        else as the library names it (“enterprise”).  A Latin word set between Chinese
        characters gets a space on that side (须用 --enterprise 指定, （--enterprise）)."""
        text = str(self.args[0]) if self.args else ""
        for name in (self.field, *self.also) if self.field else self.also:
            said = (words or {}).get(name) or self.unnamed(name)
            text = _set_in(text, "{" + name + "}", said)
        return text

    def unnamed(self, name: str) -> str:
        """A field as the library names it when the edge has no words for it."""
        return f"“{name}”"

    def reworded(self, change: Callable[[str], str]) -> Self:
        """The same error (class, fields) with its message changed (its paths made shorter)."""
        new = copy.copy(self)
        new.args = (change(str(self.args[0]) if self.args else ""),)
        return new


class InputError(ShumaoError, ValueError):
    """A file or argument given by the user cannot be used."""

    code, exit_code, http_status = "bad-input", 2, 400


class PeriodError(InputError):
    """A period string that is not in the grammar of report.md."""

    code = "bad-period"


class NoData(InputError):
    """A report asked of a period (or a store) without approved records: nothing to report."""

    code, exit_code, http_status = "no-data", 1, 422


class UnknownFigure(InputError):
    """A figure id (``shumao explain``, 指标溯源) that the indicator catalogue does not have."""


class UnknownVintage(InputError):
    """A vintage id (``report --vintage``, 数据版本) that the store does not have."""


class TooManyFiles(InputError):
    """More data files in one import than it takes (a zip's files counted)."""

    code = "too-many-files"


class ArchiveError(InputError):
    """A zip given as data that cannot be unpacked safely (an entry reaching outside it,
    a file that is no zip, one that is not data)."""

    code = "bad-zip"


class ArchiveTooLarge(ArchiveError):
    """A zip that unpacks to more than its budget (whatever its headers say)."""

    code, http_status = "zip-too-large", 413


class StoreError(ShumaoError):
    """The store cannot be opened, read or written."""

    code, exit_code, http_status = "store", 3, 503


class ContentError(ShumaoError):
    """A bulletin content folder is malformed (names the file and the field).  ``field`` is
    a field of ``file`` (``bulletin.toml``, or an item's name: its front matter), named in the
    message as the file writes it (“period”), which the web turns into its form's label."""

    code, exit_code, http_status = "content", 1, 422

    def __init__(self, message: str = "", *, field: str | None = None,
                 file: str | None = None) -> None:
        super().__init__(message, field=field)
        self.file = file


class FlaggedFigures(ContentError):
    """The issue's data report has figures that failed the checks before publication
    (report.md: fewer than 3 enterprises, one above 85 %…), so the issue is not made.
    ``checks`` are the failed checks; the message asks to let them through as
    ``{allow_flagged}``, which each edge words as its own way of doing it (the CLI's option,
    the portal's checkbox, the API's parameter)."""

    code = "flagged"

    def __init__(self, message: str = "", *, checks: Sequence[Check] = ()) -> None:
        super().__init__(message, field="allow_flagged")
        self.checks = list(checks)

    def unnamed(self, name: str) -> str:
        return "请明确放行" if name == "allow_flagged" else super().unnamed(name)


class IncompleteMonths(ContentError):
    """A month of the period to be published holds far fewer records than the same
    enterprises' usual month (model.rules.short_months), so nothing is published until a
    clerk confirms it: ``months`` are the short months; the message asks to confirm as
    ``{allow_incomplete}``, which each edge words as its own way of doing it."""

    code = "incomplete"

    def __init__(self, message: str = "", *, months: Sequence[ShortMonth] = ()) -> None:
        super().__init__(message, field="allow_incomplete")
        self.months = list(months)

    def unnamed(self, name: str) -> str:
        return "请明确确认" if name == "allow_incomplete" else super().unnamed(name)


class StoreNotFound(StoreError, InputError):
    """A store that only needs reading does not exist: never create an empty one."""

    code, exit_code, http_status = "bad-input", 2, 400    # the user named it: as InputError


class StoreVersionError(StoreError):
    """The store's schema version is not the one this shumao writes."""


class ConflictError(StoreError):
    """Another import or change reached the store after this batch was checked, or the
    change is refused by what is stored (a published bulletin issue is immutable)."""

    code, http_status = "conflict", 409


class Interrupted(ShumaoError):
    """Asked to stop (Ctrl-C, SIGTERM) before anything was written: the store is as it was.
    The exit code is the shell's for a process ended by the signal, 128 + its number."""

    code, exit_code, http_status = "interrupted", 130, 503
    MESSAGE = "已中断，数据库未做任何修改。"

    @classmethod
    def by(cls, signum: int) -> Interrupted:
        e = cls(cls.MESSAGE)
        e.exit_code = 128 + signum
        return e


class IdentityBroken(ShumaoError):
    """An identity of spec/digital-trade.md §7.4 does not hold on the exact integers: the
    program is wrong (no input can cause it).  Nothing is written or published."""

    code = "identity"


class EngineError(ShumaoError):
    """The compute engine asked for cannot be used: Spark (the extra ``shumao[spark]``) or
    Java is missing, the JVM does not start, or a Spark job fails.  Nothing is written."""

    code = "engine"


class MailError(ShumaoError):
    """Reminder e-mails cannot be sent at all: no SMTP server is configured, or it cannot be
    reached or refuses to sign in.  Nothing was sent or logged as sent."""

    code = "mail"
