"""Shared helpers of the fuzz targets: the time budget, the allowed exceptions, crash capture.

* In the normal suite (``goalgraph`` hypothesis profile) each target runs a few derandomized
  examples — a smoke test that keeps the targets working.
* Under ``--hypothesis-profile=fuzz`` (``make fuzz``) each target module also has a
  ``test_timed_fuzz`` that feeds every target random choice sequences through hypothesis'
  ``fuzz_one_input`` until ``FUZZ_SECONDS`` (default 60) seconds per target have passed — a hard
  wall-clock bound, unlike ``max_examples``. In the normal suite it is skipped.
* Any exception other than :class:`goalgraph.errors.GoalgraphError` is a bug: the input is saved
  under ``tests/fuzz/corpus/<target>/crash-<sha>.<ext>`` (fuzz mode only) before it re-raises, so
  it joins the corpus that ``tests/test_fuzz_corpus.py`` replays.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from hypothesis import settings

CORPUS = Path(__file__).parent / "corpus"
SEED = Path(__file__).resolve().parents[2] / "data" / "raw" / "yantai-2022-performance-targets.txt"


def fuzzing() -> bool:
    """True under the ``fuzz`` profile, False in the normal suite."""
    return settings.default.max_examples >= 10_000


def examples(smoke: int) -> int:
    """max_examples of a target's own (derandomized) run: ``smoke`` in both modes; the long random
    run is :func:`fuzz_for`'s."""
    return smoke


def fuzz_seconds() -> float:
    return float(os.environ.get("FUZZ_SECONDS", "60"))


def fuzz_for(target, seconds: float | None = None, max_size: int = 16384) -> int:
    """Run the @given ``target`` on random inputs for ``seconds``; returns the number of inputs.
    A failing input raises (and the target has already saved it with :func:`save_crash`)."""
    import random

    seconds = fuzz_seconds() if seconds is None else seconds
    rng = random.Random()
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        target.hypothesis.fuzz_one_input(rng.randbytes(rng.randint(1, max_size)))
        n += 1
    return n


class Budget:
    """Kept for the targets' early-exit guard; the wall-clock bound is :func:`fuzz_for`'s."""

    @classmethod
    def expired(cls, target: str) -> bool:
        return False


def save_crash(target: str, data: bytes | str, ext: str = "bin") -> Path | None:
    """Keep an input that raised an unexpected exception (fuzz mode only; the normal suite never
    writes into the source tree)."""
    if not fuzzing():
        return None
    raw = data.encode("utf-8") if isinstance(data, str) else data
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"crash-{hashlib.sha256(raw).hexdigest()[:16]}.{ext}"
    path.write_bytes(raw)
    return path
