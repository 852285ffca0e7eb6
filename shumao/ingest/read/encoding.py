"""Which encoding a CSV file is in: UTF-8 (with or without BOM) or GBK/GB18030, found
without being told (stack.md §8: strict UTF-8 first, then GB18030, a superset of GBK); a
file mixing the two is refused (``decode``: ``mixed-encoding``), never guessed.  A large
UTF-8 file is checked a few MB at a time (``_scan_utf8``), never held in memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from shumao.ingest.read.staged import FileProblem

HEAD_BYTES = 1 << 16


_BOM = b"\xef\xbb\xbf"
# How a file that is not valid UTF-8 is told from a mixed one, line by line.  A line is
# UTF-8 evidence when it decodes as UTF-8, holds a CJK character (3-byte sequences in UTF-8:
# CJK punctuation, ideographs, full-width forms) and nothing but plausible text (ASCII,
# Latin letters and signs, general punctuation and symbols, CJK).  A GBK line is valid UTF-8
# only by accident: GBK characters whose bytes happen to read as C2–DF 80–BF decode to
# Latin/Greek/Cyrillic/Arabic letters, never to CJK (GBK "欧元" is valid UTF-8 and is no
# evidence), so a pure GBK file stays GBK.  A CJK reading needs a lead byte E3–E9/EF and two
# bytes 80–BF spanning two GBK characters, and the rest of the line to stay valid and
# plausible; when that happens the line is still not evidence if it reads as GB18030 into
# GB2312 characters only while its UTF-8 reading holds rarer ones (GBK "寤遍副" reads as
# UTF-8 "廱鸱").  Measured: no random GB2312 string of 1–6 characters is evidence, only
# ~0.3% of 2-character strings of the rare GBK-extension characters; every UTF-8 string of
# GB2312 characters is.  Not caught: a UTF-8 line whose only non-ASCII text is accented
# Latin (café), which GBK text can equally be.
_CJK = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_OTHER = r"\x00-\x09\x0b-\x7f\u00a0-\u02ff\u2000-\u2bff\ufe30-\ufe4f"
_EVIDENCE = re.compile(rf"[{_OTHER}]*[{_CJK}][{_OTHER}{_CJK}]*")
# Candidates are found at C speed: each byte mapped to its UTF-8 role (a ASCII, c
# continuation, 2/3/4 lead of that length, x never in UTF-8), then "\n" + a line of whole
# sequences with at least one of three bytes; only those few lines are decoded in Python.
_ROLE = bytes(0x0A if b == 0x0A else ord("a") if b < 0x80 else ord("c") if b < 0xC0
              else ord("2") if 0xC2 <= b < 0xE0 else ord("3") if 0xE0 <= b < 0xF0
              else ord("4") if 0xF0 <= b < 0xF5 else ord("x") for b in range(256))
_UTF8_SHAPE = re.compile(rb"\n(?:a|2c|4ccc)*3cc(?:a|2c|3cc|4ccc)*(?=\n|\Z)")


def _outside_gb2312(text: str) -> int:
    n = 0
    for ch in text:
        if not ch.isascii():
            try:
                ch.encode("gb2312")
            except UnicodeEncodeError:
                n += 1
    return n


def _first_utf8_line(raw: bytes) -> int | None:
    """The number of the first line of a not-UTF-8 file that is UTF-8 evidence (above)."""
    shape = b"\n" + raw.translate(_ROLE)   # shape[i + 1] is the role of raw[i]
    for m in _UTF8_SHAPE.finditer(shape):
        line = raw[m.start():m.end() - 1]
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if not _EVIDENCE.fullmatch(text):
            continue
        try:
            as_gbk = line.decode("gb18030")
        except UnicodeDecodeError:
            as_gbk = None
        if as_gbk is None or not (_outside_gb2312(text) and not _outside_gb2312(as_gbk)):
            return raw.count(b"\n", 0, m.start()) + 1
    return None


def _is_gb18030(line: bytes) -> bool:
    try:
        line.decode("gb18030")
        return True
    except UnicodeDecodeError:
        return False


def _line_of(raw: bytes, pos: int) -> int:
    return raw.count(b"\n", 0, pos) + 1


@dataclass
class Utf8Scan:
    head: str              # the first HEAD_BYTES or so, decoded, without a BOM
    content: bool          # anything but white space
    blank_lines: bool      # a blank line before the end (DuckDB would drop it: rows shift)


_BLANK_LINE = re.compile(rb"\n\r?\n")


def _scan_utf8(path: Path, chunk: int = 1 << 22) -> Utf8Scan | None:
    """Check a file is valid UTF-8 a few MB at a time (bounded memory whatever its size);
    None when it is not, and ``decode`` then decides what it is."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    head, content, blank, tail = "", False, False, b""
    with path.open("rb") as f:
        first = True
        while block := f.read(chunk):
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError:
                return None
            if first:
                head, first = text[:HEAD_BYTES].removeprefix("\ufeff"), False
            content = content or bool(text.strip().strip("\ufeff"))
            data = tail + block
            # a blank line before the last text of the block; searched only up to that text,
            # so a long run of line ends costs linear time, not quadratic backtracking
            last = len(data.rstrip(b"\r\n"))
            blank = blank or _BLANK_LINE.search(data, 0, last) is not None
            # keep the run of line ends at the end for the next block, shortened to one blank
            # line when it holds one (text in the next block is then after a blank line)
            run = data[last:]
            tail = b"\n\n" if _BLANK_LINE.search(run) else run
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return None
    return Utf8Scan(head, content, blank)


def decode(raw: bytes) -> tuple[str, str]:
    """The text of a CSV file and its encoding: UTF-8 or GB18030, never a guess that garbles.

    Valid UTF-8 is UTF-8 (one decode, the common case).  Otherwise the file is GBK/GB18030
    only if it has no UTF-8 BOM and no line of it is UTF-8 evidence (above); a file with
    both kinds of line is ``mixed-encoding``, naming the first line that is not UTF-8 and
    the first that is.  A file that is neither is ``unreadable-file`` at its first bad line.
    """
    try:
        text = raw.decode("utf-8")
        return (text[1:] if text.startswith("\ufeff") else text), "utf-8-sig"
    except UnicodeDecodeError as e:
        bad = _line_of(raw, e.start)
        start = raw.rfind(b"\n", 0, e.start) + 1
        end = raw.find(b"\n", e.start)
        what = (f"第{bad}行不是UTF-8编码（可能是GBK）"
                if _is_gb18030(raw[start:end if end >= 0 else len(raw)])
                else f"第{bad}行不是有效的UTF-8编码（文件可能已损坏）")
    if raw.startswith(_BOM):
        raise FileProblem("mixed-encoding", bad, detail=f"文件开头有UTF-8标记（BOM），但{what}")
    good = _first_utf8_line(raw)
    if good is not None:
        raise FileProblem("mixed-encoding", bad, detail=f"{what}，而第{good}行是UTF-8编码")
    try:
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as e:
        row = _line_of(raw, e.start)
        raise FileProblem("unreadable-file", row,
                          f"第{row}行既不是UTF-8也不是GBK/GB18030编码") from None
