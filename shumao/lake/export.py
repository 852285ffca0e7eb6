"""``shumao export DIR --format parquet``: what the statistics count, as a Hive-partitioned
Parquet data set — how a city's store feeds a provincial or national lake, and what
``shumao report --engine spark --data DIR`` reads.

The data set (schema version 2)::

    DIR/_shumao.json                               the manifest (below)
    DIR/enterprises/part-0.parquet                 every enterprise
    DIR/rates/part-0.parquet                       every rate
    DIR/contracts/year=2024/month=6/part-0.parquet approved contracts, by year and month of signed_on
    DIR/executions/year=2024/month=6/part-0.parquet approved executions of approved contracts,
                                                   by year and month of executed_on
    DIR/platforms/part-0.parquet                   digital trade's inputs (spec/digital-trade.md
    DIR/ecommerce/part-0.parquet                   §6.1), every row: platforms, customs
    DIR/services/part-0.parquet                    e-commerce rows, services direct reports,
    DIR/dt_survey/part-0.parquet                   the enterprise survey and the benchmark
    DIR/totals/part-0.parquet                      totals

Read as tables of those names (contracts and executions with Hive partitioning: ``year`` and
``month`` come from the folder names, integers), every table has the SAME column names and
types as the store's table of model/records.py — ``amount_cents`` BIGINT (US cents, exact),
``orig_amount`` DECIMAL(18,6), ``signed_on`` DATE, ``batch_id`` INT (the exporting store's
batch), the contracts' digital-trade fields, the enterprises' size class and industry … — so
the indicator expressions (indicators.compute and indicators.digital: ``con.table("contracts")``
…) run on it unchanged: ``shumao digital --data DIR`` as ``report`` does.  After them come
(model.records.EXPORTED):

- contracts: ``nature``, ``region`` (the enterprise's), ``amount`` DECIMAL(18,2), ``year``, ``month``;
- executions: ``enterprise_id``, ``client_country``, ``category`` (the contract's), ``nature``,
  ``region`` (its enterprise's), ``amount``, ``year``, ``month``;
- ecommerce, services, dt_survey, totals: ``amount``.

Every contract and execution exported is approved (``status`` is ``approved``): the same records
``indicators.compute.stacked`` counts.  ``amount`` is the amount in ``currency`` to the cent
(``orig_amount`` × ``orig_scale``, rounded half-up as the import did): with ``currency`` and
the exported rates it is filings.md's import format, so ``shumao import DIR`` reads the data
set back and the cents come out the same (the columns it does not know are listed as
ignored).  A kind with no records still has one file, empty, holding its schema (partition
columns included, since there is no folder to name them).

The manifest ``_shumao.json``: ``format`` ("shumao-parquet"), ``schema_version``,
``created_at`` (UTC), ``shumao_version``, ``source`` (backend, the store as shown — a
PostgreSQL URL without its password —, its schema version and generation), ``counts`` per
kind, per table its folder, partition columns, date column and column types, and ``files``:
every file's rows, bytes and sha256, which ``report --data`` checks first (verify.py).

All or nothing: the data set is written into a hidden working folder beside DIR and put in
place only when complete (place.py: swapped with an earlier export in one step where the
system can); a failure leaves DIR as it was, and what a killed export leaves beside DIR is
cleared by the next export there.  DIR must be new or empty; ``overwrite`` replaces a data
set written earlier by ``shumao export`` — its manifest valid, nothing in it but what an
export writes — and never any other folder's content.  DIR may be a symbolic link: the
folder it points to is replaced, the link kept.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from shumao import __version__
from shumao.errors import InputError, ShumaoError, StoreError, unwritable
from shumao.lake import place, verify
from shumao.model.records import DATE_OF, EXPORTED, PARTITION
from shumao.store import Store
from shumao.store.schema import SCHEMA_VERSION

FORMAT = "shumao-parquet"
VERSION = 2                # 2: the digital-trade kinds too (1: the four of a filing)
MANIFEST = "_shumao.json"


@dataclass
class Exported:
    folder: Path
    counts: dict[str, int]
    files: int
    bytes: int
    manifest: dict

    def as_dict(self) -> dict:
        return {"ok": True, "dir": str(self.folder), "format": "parquet", "counts": self.counts,
                "files": self.files, "bytes": self.bytes,
                "manifest": str(self.folder / MANIFEST)}


def check_target(target: Path, overwrite: bool) -> Path:
    """Refuse, before any work, a DIR that is a file, has no parent folder, or holds
    anything but — with ``overwrite`` — an earlier export and nothing else; the folder to
    write (DIR, or the folder a symbolic link DIR points to).  What killed exports left
    beside it is cleared first (place.clear: an earlier data set put back)."""
    real = _real(target)
    if real.parent.is_dir():
        place.clear(real.parent)
    if real.exists() and not real.is_dir():
        raise InputError(f"这是文件，不是文件夹：{target}")
    if not real.parent.is_dir():
        raise InputError(f"输出文件夹不存在：{real.parent}（请先建好这个文件夹）")
    if not real.is_dir() or not any(real.iterdir()):
        return real
    if not overwrite:
        raise InputError(f"输出文件夹不是空的：{target}（请换一个新文件夹；"
                         "若其中是以前导出的数据集，加{overwrite}替换它）", field="overwrite")
    try:
        read_manifest(real)
    except InputError as e:
        raise InputError(f"{target} 中不是 shumao 导出的数据集（没有有效的 {MANIFEST}），"
                         "不会覆盖；请换一个新文件夹") from e
    foreign = _foreign(real)
    if foreign:
        more = f" 等 {len(foreign)} 项" if len(foreign) > 3 else ""
        raise InputError(f"{target} 中除以前导出的数据集外还有别的内容：{'、'.join(foreign[:3])}{more}，"
                         "不会覆盖；请先把它们移走，或换一个新文件夹")
    return real


def _real(target: Path) -> Path:
    """DIR, or where the symbolic link DIR points to (replaced there, the link kept)."""
    if not target.is_symlink():
        return target
    real = target.resolve()
    if not real.exists():
        raise InputError(f"{target} 是指向不存在位置的链接（{real}），不会写出")
    return real


def _foreign(folder: Path) -> list[str]:
    """What an export does not write in ``folder``: anything but the manifest, the folders
    of the kinds and, inside them, folders and Parquet files (a partition copied twice is
    the data set's, replaced with it); a symbolic link anywhere."""
    out = []
    for p in sorted(folder.iterdir()):
        if p.is_symlink() or (p.name != MANIFEST and p.name not in EXPORTED) or \
                (p.name == MANIFEST) != p.is_file():
            out.append(p.name)
        elif p.is_dir():
            out += [q.relative_to(folder).as_posix() for q in sorted(p.rglob("*"))
                    if q.is_symlink() or not (q.is_dir() or (q.is_file() and q.suffix == ".parquet"))]
    return out


def export(store: Store, target: str | Path, overwrite: bool = False,
           now: dt.datetime | None = None) -> Exported:
    """Write the data set of the module docstring to ``target``, all or nothing."""
    target = Path(target)
    real = check_target(target, overwrite)
    try:
        with place.working(real.parent, real.name) as tmp:
            done = store.records.export_parquet(tmp)
            for kind, n in done.counts.items():
                if n == 0:     # still a file: a reader finds the table's columns and types
                    (tmp / kind).mkdir(exist_ok=True)
                    pq.write_table(_nullable(EXPORTED[kind].arrow()).empty_table(),
                                   tmp / kind / "part-0.parquet", compression="zstd")
            files = verify.describe(tmp)
            manifest = _manifest(store, done.counts, done.generation, files, now)
            (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                        encoding="utf-8")
            size = sum(e["bytes"] for e in files.values()) + (tmp / MANIFEST).stat().st_size
            _put_in_place(tmp, real, target, overwrite)
    except (OSError, StoreError) as e:
        why = unwritable(e) or (unwritable(e.__cause__) if e.__cause__ else None)
        if why:                 # as the import says it (errors.unwritable)
            raise ShumaoError(f"{why}，无法写出 {target}，{target} 未做任何修改") from e
        if isinstance(e, StoreError):
            raise
        raise ShumaoError(f"无法写出 {target}：{e.strerror or e}（{target} 未做任何修改）") from e
    return Exported(target, done.counts, len(files) + 1, size, manifest)


def read_manifest(folder: str | Path) -> dict:
    """The manifest of a data set written by ``export``; an InputError when there is none or
    it is of a later schema version than this shumao reads."""
    try:
        text = (Path(folder) / MANIFEST).read_text(encoding="utf-8")
    except OSError as e:
        raise InputError(f"{folder} 不是 shumao 导出的 Parquet 数据集（无法读取 {MANIFEST}）") from e
    return check_manifest(parse_manifest(text, folder), folder)


def parse_manifest(text: str, folder: str | Path) -> dict:
    try:
        manifest = json.loads(text)
    except ValueError as e:
        raise InputError(f"{folder} 不是 shumao 导出的 Parquet 数据集（{MANIFEST} 不是 JSON）") from e
    if not isinstance(manifest, dict):
        raise InputError(f"{folder} 不是 shumao 导出的 Parquet 数据集（{MANIFEST} 的内容不对）")
    return manifest


def check_manifest(manifest: dict, folder: str | Path) -> dict:
    """The manifest if this shumao reads its data set; else an InputError naming the reason."""
    if manifest.get("format") != FORMAT:
        raise InputError(f"{Path(folder) / MANIFEST} 不是 shumao 导出的数据集说明（format 不是 {FORMAT}）")
    try:
        version = int(manifest.get("schema_version", 0))
    except (TypeError, ValueError):
        version = 0
    if version < 1:
        raise InputError(f"{Path(folder) / MANIFEST} 没有有效的 schema_version")
    if version > VERSION:
        raise InputError(f"{folder} 由更新版本的 shumao 导出（数据集结构版本 "
                         f"{manifest['schema_version']}），请升级 shumao 后再读取")
    return manifest


def _nullable(schema: pa.Schema) -> pa.Schema:
    return pa.schema([f.with_nullable(True) for f in schema])


def _manifest(store: Store, counts: dict[str, int], generation: int, files: dict[str, dict],
              now: dt.datetime | None) -> dict:
    at = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    parts = [c for c, _, _ in PARTITION]
    return {
        "format": FORMAT, "schema_version": VERSION,
        "created_at": at.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "shumao_version": __version__,
        # Store.url never holds a password (postgres._shown)
        "source": {"backend": store.backend, "store": store.url,
                   "store_schema_version": SCHEMA_VERSION, "generation": generation},
        "counts": counts,
        "tables": {kind: {"path": kind, "partitioning": parts if kind in DATE_OF else [],
                          "date": DATE_OF.get(kind),
                          "columns": [{"name": f.name, "type": str(f.type)}
                                      for f in table.arrow()]}
                   for kind, table in EXPORTED.items()},
        verify.FILES: files,
    }


def _put_in_place(tmp: Path, real: Path, target: Path, overwrite: bool) -> None:
    """Rename the finished data set to ``real``; an earlier export there (``overwrite``,
    checked again now) is swapped with it (place.replace), never absent."""
    if check_target(target, overwrite) != real:
        raise InputError(f"{target} 在导出期间被改为指向别处，未做任何修改")
    if not real.exists():
        tmp.rename(real)
    elif not any(real.iterdir()):
        real.rmdir()
        tmp.rename(real)
    else:
        place.replace(tmp, real)
