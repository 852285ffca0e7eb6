"""Where the tests' data are: the repository's own sample city and, beside the repository, the
shared examples (an extra check only)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
SAMPLE = DATA / "city"             # in the repository: see tests/data/city/README.md
CITY_FILES = ("enterprises.csv", "contracts.csv", "executions.csv")
SAMPLE_FILES = [SAMPLE / f for f in CITY_FILES]
# shared/examples/sample_city (beside the repository, or SHUMAO_SHARED): an extra check only;
# tests that use it skip when it is absent.
SHARED = Path(os.environ.get("SHUMAO_SHARED", REPO.parent / "shared"))
SHARED_SAMPLE = SHARED / "examples" / "sample_city"
SHARED_SAMPLE_FILES = [SHARED_SAMPLE / f for f in CITY_FILES]
