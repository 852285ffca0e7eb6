"""A seam for the tests: a load killed at a chosen point, to show that a store is left either
as it was or with the whole batch (issue 7), deterministically rather than by a timed signal.

With ``SHUMAO_FAULT_KILL_AFTER_BATCHES=N`` set, the process kills itself (SIGKILL: no clean-up,
as a power cut) when the load inside its transaction is about to write record batch N + 1 — or,
when the load writes N batches or fewer, just before the transaction commits.  Unset, nothing
changes."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from typing import TYPE_CHECKING

from shumao import settings

if TYPE_CHECKING:
    import pyarrow as pa


class KillSwitch:
    def __init__(self) -> None:
        self.left: int | None = settings.get("SHUMAO_FAULT_KILL_AFTER_BATCHES")

    def counted(self, reader: pa.RecordBatchReader) -> pa.RecordBatchReader:
        """The same batches, each counted against the budget."""
        import pyarrow as pa

        if self.left is None:
            return reader

        def batches() -> Iterator[pa.RecordBatch]:
            for b in reader:
                self._spend()
                yield b

        return pa.RecordBatchReader.from_batches(reader.schema, batches())

    def before_commit(self) -> None:
        """Every batch written within the budget: killed before the commit."""
        if self.left is not None:
            os.kill(os.getpid(), signal.SIGKILL)

    def _spend(self) -> None:
        assert self.left is not None
        if self.left == 0:
            os.kill(os.getpid(), signal.SIGKILL)
        self.left -= 1
