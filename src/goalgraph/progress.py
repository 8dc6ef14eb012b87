"""Progress reporting for long steps (reading, converting, loading, validating), on stderr.

* stderr is a terminal and not ``quiet``: a live bar with count and rate (``tqdm`` when installed,
  else a one-line ``\\r`` counter);
* stderr is not a terminal (logs, CI) and not ``quiet``: one line per finished step,
  ``goalgraph build: converting: 280 documents, 4,074,004 triples in 12.3 s (22.8 documents/s)``;
* ``quiet``: nothing.

A step that fails prints nothing (the error line stays the only line on stderr).
"""

from __future__ import annotations

import sys
import time

try:  # optional: a nicer bar when available
    from tqdm import tqdm as _tqdm
except ImportError:  # pragma: no cover - depends on the environment
    _tqdm = None


def _fmt(n: float) -> str:
    return f"{int(n):,}" if float(n).is_integer() else f"{n:,.1f}"


class Step:
    """One step: ``with Step("reading", total=n, unit="documents") as s: ... s.update(1)``."""

    def __init__(self, name: str, total: int | None = None, unit: str = "items", quiet: bool = False,
                 prog: str = "goalgraph build", stream=None):
        self.name, self.total, self.unit, self.prog = name, total, unit, prog
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.live = not quiet and _isatty(self.stream)
        self.n = 0
        self.extra: dict[str, int] = {}  # other counts shown at the end ("triples": …)
        self._bar = None
        self._last = 0.0
        self.start = time.perf_counter()

    # -- context manager -----------------------------------------------------------------------
    def __enter__(self) -> "Step":
        self.start = time.perf_counter()
        if self.live and _tqdm is not None:
            self._bar = _tqdm(total=self.total, desc=self.name, unit=f" {self.unit}", file=self.stream,
                              dynamic_ncols=True, leave=True)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif self.live:
            self.stream.write("\r\033[K")
        if exc_type is None and not self.quiet:
            print(f"{self.prog}: {self.line()}", file=self.stream, flush=True)

    @classmethod
    def done_elsewhere(cls, name: str, n: int, unit: str, seconds: float, quiet: bool = False,
                       prog: str = "goalgraph build", stream=None, **extra: int) -> "Step":
        """The line of a step another process ran, which took ``seconds`` there."""
        step = cls(name, total=n, unit=unit, quiet=quiet, prog=prog, stream=stream)
        step.live = False
        step.n, step.extra = n, dict(extra)
        step.start = time.perf_counter() - seconds
        step.__exit__(None, None, None)
        return step

    # -- updates -------------------------------------------------------------------------------
    def update(self, n: int = 1, **extra: int) -> None:
        self.n += n
        for k, v in extra.items():
            self.extra[k] = self.extra.get(k, 0) + v
        if self._bar is not None:
            self._bar.update(n)
        elif self.live:
            now = time.perf_counter()
            if now - self._last >= 0.2:
                self._last = now
                total = f"/{self.total:,}" if self.total else ""
                self.stream.write(f"\r{self.name}: {self.n:,}{total} {self.unit} ({self.rate():,.1f}/s)")
                self.stream.flush()

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def rate(self) -> float:
        t = self.elapsed()
        return self.n / t if t > 0 else 0.0

    def line(self) -> str:
        t = self.elapsed()
        extra = "".join(f", {_fmt(v)} {k}" for k, v in self.extra.items())
        rate = f" ({self.rate():,.1f} {self.unit}/s)" if self.n and t > 0 else ""
        return f"{self.name}: {_fmt(self.n)} {self.unit}{extra} in {t:.1f} s{rate}"


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
