"""The order the tests are handed to the workers: the slowest first.

``--dist loadscope`` (the main run) gives each worker whole modules in collection order — the
Makefile turns off xdist's own order by number of tests, which handed the few-test browser and
Spark modules out last and left one worker running them while the others stood idle;
``--dist load`` (the load tests) gives out single tests in collection order, two to each worker
to begin with and each worker's next one behind the one it runs.  Slowest first is the
classic longest-processing-time rule: the short ones fill in at the end, so the workers finish
together; for ``load`` the slowest are paired with the quickest (the longest, the shortest, the
second longest, the second shortest …) so that each worker starts on one of the long tests and
none waits behind another.  The seconds are measured (tests/weights.csv, written by
tools/test_weights.py from runs' JUnit XML): modules for the main run, single tests for the
load run; what was not measured yet counts ``UNMEASURED`` seconds a test.  Ties keep the
collection's order, and so do the tests of a module in the main run.
"""

from __future__ import annotations

import csv
from pathlib import Path

WEIGHTS = Path(__file__).resolve().parents[1] / "weights.csv"
UNMEASURED = 2.0


def weights() -> dict[str, float]:
    with WEIGHTS.open(encoding="utf-8") as f:
        return {row["test"]: float(row["seconds"]) for row in csv.DictReader(f)}


def slowest_first(items: list, by_module: bool) -> None:
    """Reorder ``items`` in place: by module (``by_module``) or by single test."""
    measured = weights()
    count: dict[str, int] = {}
    for item in items:
        module = item.nodeid.split("::")[0]
        count[module] = count.get(module, 0) + 1

    def seconds(item) -> float:
        module = item.nodeid.split("::")[0]
        if by_module:
            return measured.get(module, UNMEASURED * count[module])
        return measured.get(item.nodeid, UNMEASURED)

    items.sort(key=lambda item: -seconds(item))       # stable: ties keep the collection's order
    if not by_module:
        longest, shortest = items[:(len(items) + 1) // 2], items[(len(items) + 1) // 2:][::-1]
        items[:] = [t for pair in zip(longest, shortest + [None]) for t in pair if t is not None]
