"""Progress bars for the long stages of a run, drawn on a terminal only.

Library code marks its long loops with :func:`task`; nothing is drawn unless the
command line turned bars on with :func:`enable` (it does so unless ``-q``) *and* the stream
is a terminal, so imports, tests and logs piped to files stay clean.

Example
-------
>>> from lowalt import progress
>>> with progress.task("wind directions", total=3) as bar:
...     for _ in range(3):
...         bar.advance()
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

__all__ = ["Task", "enable", "task"]

_WIDTH = 24
_stream: list[TextIO | None] = [None]


def enable(stream: TextIO | None) -> None:
    """Draw bars on ``stream`` when it is a terminal (``None`` turns bars off)."""
    _stream[0] = stream


class Task:
    """One bar: ``advance`` after each step; ``total=None`` counts without a bar."""

    def __init__(self, label: str, total: int | None, stream: TextIO | None) -> None:
        self.label, self.total, self.done = label, total, 0
        self._stream = stream
        self._t0 = time.perf_counter()
        self._last = 0.0
        self._draw(force=True)

    def advance(self, steps: int = 1, note: str = "") -> None:
        """Count ``steps`` more steps done; ``note`` is shown after the bar."""
        self.done += steps
        self._draw(note=note)

    def _draw(self, note: str = "", *, force: bool = False, end: str = "") -> None:
        if self._stream is None:
            return
        now = time.perf_counter()
        if not force and not end and now - self._last < 0.1:
            return
        self._last = now
        el = now - self._t0
        if self.total:
            filled = min(_WIDTH, round(_WIDTH * self.done / self.total))
            bar = f"[{'#' * filled}{'.' * (_WIDTH - filled)}] {self.done}/{self.total}"
        else:
            bar = f"{self.done} done"
        text = f"\r{self.label} {bar} {el:5.1f} s {note}"[:160]
        self._stream.write(f"{text:<80}{end}")
        self._stream.flush()

    def close(self) -> None:
        """Finish the bar's line."""
        self._draw(end="\n")


@contextmanager
def task(label: str, total: int | None = None) -> Iterator[Task]:
    """Context manager yielding a :class:`Task`; draws only when enabled on a terminal."""
    stream = _stream[0]
    if stream is not None and not (hasattr(stream, "isatty") and stream.isatty()):
        stream = None
    bar = Task(label, total, stream)
    try:
        yield bar
    finally:
        bar.close()
