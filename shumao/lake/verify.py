"""A data set checked against its manifest before any figure is computed from it.

``export`` writes in ``_shumao.json`` under ``files`` every file of the data set (its path
relative to the folder) with its ``rows``, ``bytes`` and ``sha256`` — ``describe`` — and
``counts`` per kind is the sum of its files' rows.  ``check`` refuses, with one Chinese
InputError naming the folder and the file, a data set that is not what was exported: a file
missing (a partition deleted or not copied), one more (``part-0 (copy).parquet`` of a re-run
or a partial sync), one whose size, rows or bytes differ (truncated, rewritten, edited), a
column of another type (``amount_cents`` as DOUBLE, which DuckDB would read silently and
Spark not at all), nulls in a column the store requires, and a manifest that contradicts
itself (``counts`` that are not the sum of its files).  Both engines read only what passed,
so they agree; nothing here writes.

sha256 and not a cheaper sum: it must catch any change (a flipped byte keeps the size and,
in a compressed page, often the row count), and hashlib's sha256 reads ~1 GB/s on one core —
seconds for the largest exports, small beside computing the report.  A data set behind a
URL (``hdfs://…``, read only by Spark) is checked by ``check_listing``: every file there and
its size (no bytes are read through the JVM).

A file neither engine reads — a hidden or ``_`` name that is not ``.parquet``: Hadoop's
``.part-0.parquet.crc``, ``_SUCCESS``, a desktop's ``.DS_Store`` — is left out of the check
(``read``), so copying tools that drop such files do not make a data set "damaged".

An export of an earlier shumao has no ``files``: it is refused with a request to export it
again, since nothing says whether it is whole.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from shumao.errors import InputError
from shumao.model.records import DATE_OF, EXPORTED, EXPORTED_V1

FILES = "files"
SHOWN = 3                 # files named in one message


def describe(folder: Path) -> dict[str, dict]:
    """``files`` of the manifest for the finished data set in ``folder``."""
    out = {}
    for kind in EXPORTED:
        for f in sorted((folder / kind).rglob("*")):
            if f.is_file():
                out[f.relative_to(folder).as_posix()] = {
                    "rows": pq.read_metadata(f).num_rows, "bytes": f.stat().st_size,
                    "sha256": _sha256(f)}
    return out


def kinds(manifest: dict) -> tuple[str, ...]:
    """The kinds a data set holds: every kind of ``EXPORTED`` since schema version 2, the
    four of a filing before (an export of an earlier shumao: no digital-trade kinds)."""
    return tuple(EXPORTED) if int(manifest.get("schema_version", 1)) >= 2 else EXPORTED_V1


def read(rel: str) -> bool:
    """Whether an engine reads this file of a data set: DuckDB every ``*.parquet``, Spark
    every name not hidden and not ``_``-prefixed."""
    name = rel.rsplit("/", 1)[-1]
    return name.endswith(".parquet") or not name.startswith((".", "_"))


def check(folder: str | Path, manifest: dict) -> None:
    """Refuse (InputError) a local data set that is not what its manifest says was exported."""
    root = Path(folder)
    present = {f.relative_to(root).as_posix(): f.stat().st_size
               for kind in EXPORTED if (root / kind).is_dir()
               for f in (root / kind).rglob("*")
               if (f.is_file() or f.is_symlink()) and read(f.relative_to(root).as_posix())}
    files = check_listing(folder, manifest, present, sizes=False)
    for rel, entry in files.items():
        _check_file(folder, root / rel, rel, entry, present[rel])


def check_listing(folder: str | Path, manifest: dict, present: dict[str, int],
                  sizes: bool = True) -> dict[str, dict]:
    """The manifest's ``files``, once the files ``present`` (path → bytes) are those (and of
    their sizes, unless ``sizes`` is false: check() says more of a file read), and ``counts``
    their rows; else an InputError."""
    files = manifest.get(FILES)
    if not isinstance(files, dict) or not all(
            isinstance(e, dict) and isinstance(e.get("rows"), int) and isinstance(e.get("bytes"), int)
            and isinstance(e.get("sha256"), str) for e in files.values()):
        raise InputError(f"{folder} 由较早版本的 shumao 导出，数据集说明中没有逐个文件的行数和校验值，"
                         "无法确认数据集完整无损：请用 shumao export 重新导出后再计算")
    given = manifest.get("counts")
    counts: dict = given if isinstance(given, dict) else {}
    for kind in kinds(manifest):
        rows = sum(e["rows"] for rel, e in files.items() if rel.split("/")[0] == kind)
        if counts.get(kind) != rows:
            raise _damaged(folder, f"数据集说明 _shumao.json 自相矛盾：{kind} 记为 {counts.get(kind)} 行，"
                                   f"而其中列出的文件共 {rows} 行（说明文件被改动过）")
    missing = sorted(set(files) - set(present))
    if missing:
        raise _damaged(folder, f"缺少导出时写出的文件 {_some(missing, _folders(missing, files))}"
                               "（可能被删除或没有复制完整）")
    extra = sorted(set(present) - set(files))
    if extra:
        raise _damaged(folder, f"多出导出时没有的文件 {_some(extra)}（可能是重复复制或别处放入的；"
                               "请删除它们）")
    for rel in files if sizes else ():
        _check_size(folder, rel, present[rel], files[rel])
    return files


def _check_size(folder: str | Path, rel: str, size: int, entry: dict) -> None:
    if size != entry["bytes"]:
        raise _damaged(folder, f"文件 {rel} 的大小（{size} 字节）与导出时"
                               f"（{entry['bytes']} 字节）不同，已被截断或改动")


def _check_file(folder: str | Path, path: Path, rel: str, entry: dict, size: int) -> None:
    kind = rel.split("/")[0]
    try:
        meta = pq.read_metadata(path)
    except (OSError, pa.ArrowException) as e:
        raise _damaged(folder, f"文件 {rel} 已损坏，不是有效的 Parquet 文件") from e
    if meta.num_rows != entry["rows"]:
        raise _damaged(folder, f"文件 {rel} 有 {meta.num_rows} 行，导出时是 {entry['rows']} 行")
    want = {f.name: f for f in EXPORTED[kind].arrow()
            if kind not in DATE_OF or f.name not in ("year", "month")}
    got = meta.schema.to_arrow_schema()
    for f in got:
        if f.name not in want:
            raise _damaged(folder, f"文件 {rel} 有导出时没有的列 {f.name}")
        if f.type != want[f.name].type:
            raise _damaged(folder, f"文件 {rel} 的列 {f.name} 类型为 {f.type}，应为 {want[f.name].type}")
    lost = [n for n in want if n not in got.names]
    if lost:
        raise _damaged(folder, f"文件 {rel} 缺少列 {'、'.join(lost)}")
    for name, n in _nulls(path, meta, [n for n, f in want.items() if not f.nullable]):
        raise _damaged(folder, f"文件 {rel} 的必填列 {name} 有 {n} 个空值")
    _check_size(folder, rel, size, entry)
    if _sha256(path) != entry["sha256"]:
        raise _damaged(folder, f"文件 {rel} 的内容与导出时不同（sha256 校验值不符），已被改动")


def _nulls(path: Path, meta: pq.FileMetaData, columns: list[str]) -> list[tuple[str, int]]:
    """The required columns holding nulls and how many: from the row groups' statistics, or
    by reading the column where a writer left none."""
    out = []
    names = meta.schema.to_arrow_schema().names
    for name in columns:
        i = names.index(name)
        counted = 0
        for g in range(meta.num_row_groups):
            stats = meta.row_group(g).column(i).statistics
            if stats is None or not stats.has_null_count:
                counted = pq.read_table(path, columns=[name]).column(name).null_count
                break
            counted += stats.null_count
        if counted:
            out.append((name, counted))
    return out


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _folders(missing: list[str], files: dict) -> list[str]:
    """Missing files said as the highest folder that is gone whole (a partition), if any."""
    gone, out = set(missing), []
    for rel in missing:
        parts, shown = rel.split("/"), rel
        for i in range(1, len(parts)):
            prefix = "/".join(parts[:i]) + "/"
            if all(r in gone for r in files if r.startswith(prefix)):
                shown = prefix
                break
        if shown not in out:
            out.append(shown)
    return out


def _some(names: list[str], shown: list[str] | None = None) -> str:
    names = shown or names
    more = f" 等 {len(names)} 个" if len(names) > SHOWN else ""
    return "、".join(names[:SHOWN]) + more


def _damaged(folder: str | Path, what: str) -> InputError:
    return InputError(f"Parquet 数据集 {folder} 与导出时不一致：{what}。"
                      "不从它计算任何数字；请检查该文件夹，或重新导出")
