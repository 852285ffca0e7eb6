"""Regenerate tests/weights.csv — the measured seconds of each test module and of each test —
from the JUnit XML of whole runs, so that the workers are handed the slowest work first
(tests/support/order.py):

    .venv/bin/python -m pytest -n 3 -m "not load and not scale" --junitxml=/tmp/main.xml
    .venv/bin/python -m pytest -n 3 -m "load or scale" --junitxml=/tmp/load.xml
    .venv/bin/python tools/test_weights.py /tmp/main.xml /tmp/load.xml

A run on a loaded machine is fine: only the order matters, not the seconds.
"""

import csv
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "weights.csv"


def main(runs: list[str]) -> None:
    seconds: Counter[str] = Counter()
    for junit in runs:
        for case in ET.parse(junit).iter("testcase"):
            module = case.get("classname", "").replace(".", "/") + ".py"
            took = float(case.get("time") or 0)
            seconds[module] += took
            seconds[f"{module}::{case.get('name')}"] += took
    rows = sorted(seconds.items(), key=lambda x: (-x[1], x[0]))
    with OUT.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["test", "seconds"])
        out.writerows((k, f"{s:.1f}") for k, s in rows)
    print(f"已写出 {OUT}：{len(rows)} 行")


if __name__ == "__main__":
    main(sys.argv[1:])
