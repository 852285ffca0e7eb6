"""The second core: the PDF drawn by WeasyPrint in a process of its own while the main
process draws the rest of the charts, the Word file, the web page, the e-mail and the
公众号 article (issue 23: WeasyPrint and matplotlib are CPU-bound Python, one GIL per
process, so threads would take turns).

One worker process (``python -m shumao.bulletin.side``), started on first use and kept for
the life of the process (the portal publishes many issues; a command publishes one and the
worker ends with it).  It is a fresh interpreter, never a fork — the portal publishes from a
thread, and a fork copies locks other threads hold — and not ``multiprocessing``'s spawn,
which would run the caller's own script again.  It imports WeasyPrint (pdf.py, nothing of
the store) while the main process computes the figures; then it runs the tasks it is sent
one after another (pickles over its stdin and stdout, each with its length).
Whatever fails in it comes back as a ``ShumaoError`` naming the output; a worker that died
is replaced on the next use.

    side = worker()                         # started, warming up
    done = pdf(side, html, path)            # → Future: the print page to the PDF
    outcome(side, done, " PDF ")            # None, or the ShumaoError naming the PDF
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import os
import pickle
import struct
import subprocess
import sys
import threading
from collections import deque
from pathlib import Path

from shumao.errors import ShumaoError

_lock = threading.Lock()
_worker: Side | None = None
_LEN = struct.Struct(">Q")


def _send(stream, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LEN.pack(len(data)) + data)
    stream.flush()


def _receive(stream):
    head = stream.read(_LEN.size)
    if len(head) < _LEN.size:
        raise EOFError
    size, = _LEN.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


class Side:
    """The worker process and the tasks sent to it, answered in the order sent."""

    def __init__(self) -> None:
        root = str(Path(__file__).resolve().parents[2])      # this shumao, not another one
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [root, *filter(None, [os.environ.get("PYTHONPATH")])])}
        self.proc = subprocess.Popen([sys.executable, "-m", "shumao.bulletin.side"], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.pending: deque[cf.Future] = deque()
        self.lock = threading.Lock()
        self.alive = True
        threading.Thread(target=self._read, name="bulletin-side", daemon=True).start()

    def submit(self, task: str, *args) -> cf.Future:
        future: cf.Future = cf.Future()
        with self.lock:
            if not self.alive:
                raise BrokenPipeError("the side process has ended")
            self.pending.append(future)
            try:
                _send(self.proc.stdin, (task, args))
            except OSError:
                self.pending.remove(future)
                self.alive = False
                raise
        return future

    def _read(self) -> None:
        while True:
            try:
                answer = _receive(self.proc.stdout)
            except (EOFError, OSError, pickle.UnpicklingError):
                break
            with self.lock:
                future = self.pending.popleft()
            future.set_result(answer)
        with self.lock:
            self.alive = False
            while self.pending:
                self.pending.popleft().set_exception(BrokenPipeError("the side process has ended"))


def worker() -> Side:
    """The side process (started, and warming up, on first use; again if it died)."""
    global _worker
    with _lock:
        if _worker is None or not _worker.alive:
            _worker = Side()
        return _worker


def _forget(side: Side) -> None:
    global _worker
    with _lock:
        if _worker is side:
            _worker = None
    side.alive = False
    side.proc.kill()


def pdf(side: Side, html: str, path: Path) -> cf.Future:
    """The PDF of the print page ``html`` written to ``path``."""
    return _submit(side, "pdf", html, str(path))


def _submit(side: Side, task: str, *args) -> cf.Future:
    try:
        return side.submit(task, *args)
    except OSError:
        future: cf.Future = cf.Future()
        future.set_exception(BrokenPipeError("the side process has ended"))
        return future


def outcome(side: Side, future: cf.Future, what: str):
    """The task's result, or a ShumaoError naming ``what`` failed (and why)."""
    try:
        ok, value = future.result()
    except Exception:               # the worker died (killed, out of memory): replaced next time
        _forget(side)
        raise ShumaoError(f"简报未生成：生成{what}的后台进程意外退出，没有写出任何文件；请重试") from None
    if not ok:
        raise ShumaoError(f"简报未生成：生成{what}时出错（{value}），没有写出任何文件")
    return value


# -- in the worker -------------------------------------------------------------------------------
def _warm() -> None:
    """Once: WeasyPrint, the fonts and the justification every PDF needs."""
    import weasyprint  # noqa: F401

    from shumao.bulletin.pdf import cjk_justification
    from shumao.report.fonts import cjk_files

    cjk_files()
    cjk_justification()


def _pdf(html: str, path: str) -> None:
    from shumao.bulletin.pdf import pdf_of

    pdf_of(html, Path(path))


TASKS = {"pdf": _pdf}


def main() -> None:
    """The worker's loop: each task's (ok, result or the reason in words), in order; ends
    when its caller closes the pipe."""
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)                   # a library's print must not corrupt the answers
    requests = sys.stdin.buffer
    with contextlib.suppress(Exception):        # each task says it again, in words
        _warm()
    while True:
        try:
            task, args = _receive(requests)
        except EOFError:
            return
        answer: tuple[bool, object]
        try:
            answer = (True, TASKS[task](*args))
        except Exception as e:      # noqa: BLE001  (said in the main process)
            answer = (False, str(e) or type(e).__name__)
        _send(answers, answer)


if __name__ == "__main__":
    main()
