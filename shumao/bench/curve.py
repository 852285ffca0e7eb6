"""``shumao bench curve``: how import and report grow with size (issue 11), each step a whole
process against its bare DuckDB baseline in the same run, as a Markdown table and a log-log
plot.

For each size (executions; contracts a quarter of them), with harness's data set of that
size (generated once, seed fixed):

- **import**: a bare ``read_csv`` of the three files into a new DuckDB file, then ``shumao
  import`` of the same files into a new store (kept as the report's store);
- **report**: one hand-written SQL of the same totals (steps.REPORT_SQL), then ``shumao report
  --period 2024 --format json``, best of ``repeat`` each;
- **Spark** (unless ``spark=False``): ``shumao export`` of that store to Parquet, then ``shumao
  report --engine spark --data …`` once (local mode, the JVM's start included), and whether its
  JSON is the DuckDB report's byte for byte.

Peak RSS is the process's, or its largest child's (the JVM for Spark) where that is larger.  Nothing here is
a test: the figures are printed, never asserted.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from shumao import settings
from shumao.bench import harness as bench
from shumao.bench import steps

DEFAULT_SIZES = (100_000, 1_000_000, 10_000_000, 100_000_000)
PERIOD = "2024"
PART = 10_000_000     # executions per import when a size does not go in one (its store for the report)


def parse_sizes(text: str) -> tuple[int, ...]:
    """``1e5,1e6,2000000`` → (100000, 1000000, 2000000); an InputError naming a bad one."""
    from shumao.errors import InputError

    sizes = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        try:
            n = float(part)
        except ValueError:
            raise InputError(f"{{sizes}}中的“{part}”不是数字（写法如 1e5,1e6,1e7）", field="sizes") from None
        if not n.is_integer() or not 1000 <= n <= 10**10:
            raise InputError(f"{{sizes}}中的“{part}”应为 1000 到 1e10 之间的整数", field="sizes")
        sizes.append(int(n))
    if not sizes:
        raise InputError("{sizes}至少写一个规模，如 1e5,1e6", field="sizes")
    return tuple(sorted(set(sizes)))


def machine() -> str:
    """The machine in words: cores, memory and DuckDB's limits of it, system, Python."""
    total = settings.machine_memory()
    memory = f"{total / 1024 ** 3:.0f} GiB 内存" if total else "内存不详"
    return (f"{os.cpu_count()} 核，{memory}（DuckDB 内存上限：数据库 {settings.get('SHUMAO_STORE_MEMORY')}，"
            f"导入检查 {settings.get('SHUMAO_STAGING_MEMORY')}），{platform.system()} {platform.release()}，"
            f"Python {platform.python_version()}")


def point(executions: int, repeat: int, spark: bool, log: Callable[[str], None]) -> dict:
    """One size's row of the curve; a step that fails is recorded with its reason
    (``<step>_error``) and the steps that need it are left out."""
    files = bench.dataset(executions, log)
    paths = [str(files[k]) for k in ("enterprises", "contracts", "executions")]
    store = bench.cache_dir() / f"report-{executions}.duckdb"
    row: dict = {"executions": executions}
    with tempfile.TemporaryDirectory(prefix="shumao-curve-", dir=_scratch()) as tmp:
        log(f"{executions:,}：DuckDB 裸 read_csv")
        row["import_baseline_seconds"], row["import_baseline_rss_mb"] = bench.run_process(
            [sys.executable, "-c", steps.BASELINE_IMPORT, f"{tmp}/base.duckdb", *paths])
        Path(f"{tmp}/base.duckdb").unlink()
        log(f"{executions:,}：shumao import")
        ours = store.with_suffix(".partial.duckdb")   # in the cache only once whole
        ours.unlink(missing_ok=True)
        try:
            row["import_seconds"], row["import_rss_mb"] = bench.run_process(
                [sys.executable, "-m", "shumao", "import", *paths, "--db", str(ours), "--json"])
        except RuntimeError as e:       # recorded, and the store built in parts for the report
            row["import_error"] = _reason(e)
            log(f"{executions:,}：一次导入失败（{row['import_error']}），改为分批导入建库")
            ours.unlink(missing_ok=True)
            row["import_parts_seconds"], row["import_parts"] = _import_in_parts(files, ours, Path(tmp))
        os.replace(ours, store)          # the same data as a cached one: the report's store now
        log(f"{executions:,}：手写 SQL 与 shumao report（各取 {repeat} 次最快）")
        row["report_baseline_seconds"], row["report_baseline_rss_mb"] = bench.best_of(
            [sys.executable, "-c", steps.BASELINE_REPORT, str(store)], repeat)
        own = Path(tmp) / "duckdb.json"
        row["report_seconds"], row["report_rss_mb"] = bench.best_of(
            [sys.executable, "-m", "shumao", "report", "--period", PERIOD, "--format", "json",
             "--db", str(store), "--out", str(own)], repeat)
        if spark:
            try:
                _spark(executions, store, own, Path(tmp), row, log)
            except RuntimeError as e:
                row["spark_error"] = _reason(e)
                log(f"{executions:,}：Spark 未完成（{row['spark_error']}）")
    for step in ("import", "report"):
        if f"{step}_seconds" in row:
            row[f"{step}_ratio"] = row[f"{step}_seconds"] / row[f"{step}_baseline_seconds"]
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()}


def _spark(executions: int, store: Path, own: Path, tmp: Path, row: dict,
           log: Callable[[str], None]) -> None:
    """Export the store to Parquet, then the report on Spark (local mode) from it, once."""
    lake = bench.cache_dir() / f"lake-{executions}"
    log(f"{executions:,}：shumao export（Parquet）与 shumao report --engine spark")
    row["export_seconds"], row["export_rss_mb"] = bench.run_process(
        [sys.executable, "-m", "shumao", "export", str(lake), "--format", "parquet",
         "--db", str(store), "--overwrite"])
    theirs = tmp / "spark.json"
    row["spark_seconds"], row["spark_rss_mb"] = bench.run_process(
        [sys.executable, "-m", "shumao", "report", "--period", PERIOD, "--format", "json",
         "--data", str(lake), "--engine", "spark", "--out", str(theirs)])
    row["spark_same_as_duckdb"] = theirs.read_bytes() == own.read_bytes()


def _scratch() -> str:
    """Where the curve's temporary files go: SHUMAO_TMPDIR, else beside the cache (at 10⁸
    they are gigabytes, more than a /tmp in memory may hold)."""
    from shumao import settings

    folder = settings.get("SHUMAO_TMPDIR") or str(bench.cache_dir())
    Path(folder).mkdir(parents=True, exist_ok=True)
    return folder


def spark_ready() -> None:
    """Before any work: the Spark extra and Java, or an EngineError saying what to install
    (or to use --no-spark)."""
    import importlib.util
    import shutil as sh

    from shumao.errors import EngineError

    if importlib.util.find_spec("pyspark") is None:
        raise EngineError("未安装 Spark 支持：pip install 'shumao[spark]'（或加{no_spark}不计时 Spark）",
                          field="no_spark")
    if not (os.environ.get("JAVA_HOME") or sh.which("java")):
        raise EngineError("Spark 需要 Java 17 或更高版本：sudo apt-get install default-jre-headless"
                          "（或加{no_spark}不计时 Spark）", field="no_spark")


def _reason(e: RuntimeError) -> str:
    """What the failing process said, without the command line and the hint about --debug."""
    text = str(e).replace("（加 --debug 查看详情）", "")
    text = text.split("）：", 1)[-1] if "失败（退出码" in text else text
    return " ".join(text.split())[-300:]


def _import_in_parts(files: dict[str, Path], store: Path, tmp: Path) -> tuple[float, int]:
    """The store built as a platform would feed it: enterprises and contracts, then the
    executions in parts of PART rows (file order), each part one ``shumao import``."""
    argv = [sys.executable, "-m", "shumao", "import", "--db", str(store), "--json"]
    seconds, _ = bench.run_process([*argv, str(files["enterprises"]), str(files["contracts"])])
    parts = 0
    with open(files["executions"], "rb") as src:
        header = src.readline()
        while True:
            part = tmp / f"part-{parts + 1:03d}" / "executions.csv"
            part.parent.mkdir()
            with open(part, "wb") as out:
                out.write(header)
                n = 0
                for line in src:
                    out.write(line)
                    n += 1
                    if n == PART:
                        break
            if n == 0:
                shutil.rmtree(part.parent)
                break
            took, _ = bench.run_process([*argv, str(part)])
            seconds += took
            parts += 1
            shutil.rmtree(part.parent)
    return round(seconds, 3), parts


def curve(sizes=DEFAULT_SIZES, out: str | Path = "bench-curve", repeat: int = bench.REPEAT,
          spark: bool = True, log: Callable[[str], None] = lambda m: None) -> dict:
    """Every size's row, then ``out``/curve.md, curve.png and curve.json."""
    if spark:
        spark_ready()
    started = dt.datetime.now().astimezone()
    rows = []
    for n in sizes:
        rows.append(point(n, repeat, spark, log))
        _write(Path(out), started, rows, repeat)       # what is done so far, should a size fail
    return _write(Path(out), started, rows, repeat)


def _write(out: Path, started: dt.datetime, rows: list[dict], repeat: int) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    result = {"step": "curve", "date": started.date().isoformat(), "machine": machine(),
              "repeat": repeat, "period": PERIOD, "rows": rows,
              "table": str(out / "curve.md"), "plot": str(out / "curve.png")}
    # each file whole or not at all: written beside, then renamed over the last one
    (out / ".curve.md").write_text(markdown(result), encoding="utf-8")
    plot(rows, out / ".curve.png")
    (out / ".curve.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n",
                                     encoding="utf-8")
    for name in ("curve.md", "curve.png", "curve.json"):
        os.replace(out / f".{name}", out / name)
    return result


def _s(x: float | None) -> str:
    return "—" if x is None else f"{x:,.1f}" if x >= 10 else f"{x:.2f}"


def markdown(result: dict) -> str:
    """The table for the README: one row per size."""
    spark = any("spark_seconds" in r or "spark_error" in r for r in result["rows"])
    head = ["执行记录", "导入 shumao 秒", "裸 read_csv 秒", "导入比值", "导入峰值内存 MB",
            "数据月报 shumao 秒", "手写 SQL 秒", "报告比值", "报告峰值内存 MB"]
    if spark:
        head += ["Spark 本机 秒", "Spark 峰值内存 MB", "Spark 与 DuckDB 一致"]
    lines = [f"`shumao bench curve`，{result['date']}，{result['machine']}；导入与报告各为独立进程，"
             f"与基线在同一次运行中计时（报告取 {result['repeat']} 次最快，时期 {result['period']}）。", "",
             "| " + " | ".join(head) + " |", "|" + " ---: |" * len(head)]
    notes: list[str] = []
    for r in result["rows"]:
        if "import_error" in r:
            notes.append(f"{len(notes) + 1}. {r['executions']:,} 条：`shumao import` 一次导入失败"
                         f"（{r['import_error']}）；数据月报与 Spark 所用的库改为分批导入建成（先一次导入企业与合同，"
                         f"再分 {r['import_parts']} 批导入执行记录，每批 {PART:,} 条），共 "
                         f"{_s(r['import_parts_seconds'])} 秒。")
            imported = [f"失败[{len(notes)}]", _s(r["import_baseline_seconds"]), "—", "—"]
        else:
            imported = [_s(r["import_seconds"]), _s(r["import_baseline_seconds"]),
                        f"{r['import_ratio']:.2f}×", f"{r['import_rss_mb']:,.0f}"]
        cells = [f"{r['executions']:,}", *imported,
                 _s(r["report_seconds"]), _s(r["report_baseline_seconds"]),
                 f"{r['report_ratio']:.2f}×", f"{r['report_rss_mb']:,.0f}"]
        if spark and "spark_error" in r:
            notes.append(f"{len(notes) + 1}. {r['executions']:,} 条：Spark 未完成（{r['spark_error']}）。")
            cells += [f"失败[{len(notes)}]", "—", "—"]
        elif spark:
            cells += [_s(r.get("spark_seconds")), f"{r['spark_rss_mb']:,.0f}" if "spark_rss_mb" in r else "—",
                      {True: "是", False: "否"}.get(r.get("spark_same_as_duckdb"), "—")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines + ([""] + notes if notes else [])) + "\n"


def plot(rows: list[dict], path: Path) -> None:
    """Seconds against executions, both axes logarithmic."""
    from shumao.report.fonts import matplotlib_ready

    matplotlib_ready()
    from matplotlib import pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5.5), dpi=120)
    x = [r["executions"] for r in rows]
    for key, label, style in (("import_seconds", "导入（shumao import）", "o-"),
                              ("import_baseline_seconds", "导入基线（DuckDB read_csv）", "o--"),
                              ("report_seconds", "数据月报（shumao report）", "s-"),
                              ("report_baseline_seconds", "报告基线（手写 SQL）", "s--"),
                              ("spark_seconds", "数据月报（Spark 本机模式）", "^-")):
        pts = [(n, r[key]) for n, r in zip(x, rows, strict=True) if key in r]
        if pts:
            ax.plot(*zip(*pts, strict=True), style, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("执行记录数")
    ax.set_ylabel("耗时（秒）")
    ax.set_title("shumao 的耗时随规模的增长（双对数坐标）")
    ax.grid(True, which="both", alpha=0.3)
    fig.legend(loc="lower center", ncol=3, fontsize=9, frameon=False)
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    fig.savefig(path)
    plt.close(fig)
