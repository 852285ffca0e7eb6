"""``shumao bench publish``: the sample issue (the demo's content folder on a store of the
demo's size) published in every channel, side by side (bulletin/side.py) and one thing after
another as before, in the same run, each in processes of its own, alternating; per stage
(figures, charts, the files) and in total, the first publication of a process (imports,
fonts: a ``shumao bulletin`` command, the portal's first) and the next ones (the portal
after that).  The bare baseline: WeasyPrint alone turning the finished print page into the
PDF, in the same process.  The outputs of the two ways are compared byte for byte (the PDF
by its text) so that a faster path is never a different one.

    r = bench_publish(executions=8000, repeat=2)     # → the figures ``shumao bench`` prints

Each timed process is ``python -m shumao.bench.publishing DB CONTENT OUT MODE RUNS``, which
publishes RUNS times and prints its timings as JSON.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from shumao.bench.harness import cached_store, generated

FORMATS = ("pdf", "docx", "html", "email", "wechat")
MODES = {"side": "并行（本版）", "sequential": "依次（原做法）"}
STAGES = {"data": "计算数字", "charts": "绘制图表", "files": "生成文件"}
TARGET = 1 / 3          # issue 23: under a third of the old time


def store(executions: int, log: Callable[[str], None]) -> Path:
    """A store of the demo's city (samples.demo.PLAN, its executions ``executions``), built
    once with ``shumao import`` and kept in the cache: the sample issue's members are its
    enterprises."""
    from shumao.samples.demo import PLAN

    plan = replace(PLAN, executions=executions)
    files = generated(f"publish-{executions}", plan, f"生成示例市数据：{executions:,} 条执行记录", log)
    return cached_store(f"publish-{executions}", files, log)


def _timed(db: Path, content: Path, out: Path, mode: str, runs: int) -> dict:
    """One process's publications (its JSON line)."""
    p = subprocess.run([sys.executable, "-m", "shumao.bench.publishing", str(db), str(content),
                        str(out), mode, str(runs)], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"计时进程失败（{mode}，退出码 {p.returncode}）：{p.stderr[-2000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def bench_publish(executions: int = 8000, repeat: int = 2,
                  log: Callable[[str], None] = lambda m: None, runs: int = 3) -> dict:
    """``repeat`` rounds, each way's process publishing ``runs`` times (the first and the
    fastest of the others kept)."""
    from shumao.samples.demo import CONTENT

    db = store(executions, log)
    with tempfile.TemporaryDirectory(prefix="shumao-bench-publish-") as tmp:
        content = Path(tmp) / "内容"
        shutil.copytree(str(CONTENT), content)
        got: dict[str, list[dict]] = {m: [] for m in MODES}
        for n in range(repeat):
            for mode in MODES:          # alternating: both ways see the same machine
                log(f"计时：第 {n + 1} 轮，{MODES[mode]}（独立进程，发布 {runs} 次）")
                got[mode].append(_timed(db, content, Path(tmp) / f"{mode}-{n}", mode, runs))
        same = identical(Path(tmp) / "side-0", Path(tmp) / "sequential-0")
    result: dict = {"step": "publish", "executions": executions, "formats": list(FORMATS),
                    "repeat": repeat, "same_output": same, "target": round(TARGET, 3)}
    for mode in MODES:
        first = min((r["runs"][0] for r in got[mode]), key=lambda r: r["total"])
        later = min((x for r in got[mode] for x in r["runs"][1:]), key=lambda r: r["total"])
        result[mode] = {"first": first, "next": later}
    result["baseline_seconds"] = min(r["pdf_alone"] for rs in got.values() for r in rs)
    result["baseline"] = "WeasyPrint 单独把同一份排好的打印页生成 PDF（同一进程，已预热）"
    for when in ("first", "next"):
        new, old = result["side"][when]["total"], result["sequential"][when]["total"]
        result[f"{when}_ratio"] = round(new / old, 2)                    # vs. the old way
    result["ratio"] = round(result["side"]["next"]["total"] / result["baseline_seconds"], 2)
    return result


def identical(a: Path, b: Path) -> list[str]:
    """The outputs of the two folders that differ (empty: identical): the HTML, the WeChat
    article and its images, byte for byte; the e-mail but its random Message-IDs and MIME
    boundaries; the PDF's text (pdftotext) and pages; the Word file's parts (XML, images) but its dates."""
    return [fmt for fmt in FORMATS if fingerprint(a, fmt) != fingerprint(b, fmt)]


def fingerprint(folder: Path, fmt: str):
    import re
    import zipfile

    (path,) = [p for p in folder.iterdir() if p.name.endswith(
        {"email": ".eml", "wechat": ".wechat"}.get(fmt, f".{fmt}"))]
    if fmt == "wechat":
        return {p.name: p.read_bytes() for p in sorted(path.iterdir())}
    if fmt == "email":          # each part decoded, the random chart ids by their number
        from email import message_from_bytes, policy

        msg = message_from_bytes(path.read_bytes(), policy=policy.default)
        ids = re.compile(r"[\d.]+\.(chart\d+)@shumao\.invalid")
        parts = [(part.get_content_type(), ids.sub(r"\1", str(part.get("Content-ID", ""))),
                  ids.sub(r"\1", c) if isinstance(c := part.get_content(), str) else c)
                 for part in msg.walk() if not part.is_multipart()]
        return [(k, str(v)) for k, v in msg.items() if k != "Content-Type"], parts
    if fmt == "pdf":
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True).stdout
        return text, text.count(b"\f")
    if fmt == "docx":
        with zipfile.ZipFile(path) as z:
            return {n: z.read(n) for n in sorted(z.namelist()) if n != "docProps/core.xml"}
    return path.read_bytes()


# -- the timed process ---------------------------------------------------------------------------
def main(argv: list[str]) -> None:
    db, content, out, mode, runs = argv[0], Path(argv[1]), Path(argv[2]), argv[3], int(argv[4])
    t0 = time.perf_counter()
    from shumao.bulletin.html import render_html
    from shumao.bulletin.pdf import pdf_of
    from shumao.bulletin.publish import publish
    from shumao.store import connect

    results = []
    with connect(db, read_only=True) as s:
        for n in range(runs):
            start = time.perf_counter() if n else t0          # the first pays the imports
            marks: list[tuple[str, float]] = []

            def mark(step: str, marks: list[tuple[str, float]] = marks) -> None:
                marks.append((step, time.perf_counter()))

            done = publish(content, s, out if n == 0 else out.with_name(f"{out.name}-{n}"),
                           FORMATS, allow_flagged=True, side_by_side=mode == "side", progress=mark)
            end = time.perf_counter()
            edges = [start] + [t for _, t in marks[1:]] + [end]
            run = {"total": round(end - start, 3)}
            run.update({step: round(b - a, 3) for (step, _), a, b in zip(marks, edges, edges[1:])})
            results.append(run)
        html = render_html(done.document, print_=True)
        alone = []
        for _ in range(2):
            t = time.perf_counter()
            pdf_of(html, out.with_name(f"{out.name}-alone.pdf"))
            alone.append(time.perf_counter() - t)
    print(json.dumps({"mode": mode, "runs": results, "pdf_alone": round(min(alone), 3)}))


if __name__ == "__main__":
    main(sys.argv[1:])
