"""Measure a step in a fresh process: wall time and peak RSS, so steps don't share caches or heaps."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Measurement:
    name: str
    seconds: float
    peak_mb: float
    result: dict

    def row(self) -> str:
        extra = ", ".join(f"{k}={v}" for k, v in self.result.items())
        return f"| {self.name} | {self.seconds:.2f} | {self.peak_mb:.0f} | {extra} |"


_RUNNER = r"""
import json, resource, sys, time, importlib
module, func, kwargs = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
fn = getattr(importlib.import_module(module), func)
t0 = time.perf_counter()
result = fn(**kwargs) or {}
elapsed = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("@@RESULT@@" + json.dumps({"seconds": elapsed, "peak_mb": peak, "result": result}, default=str))
"""


def measure(name: str, module: str, func: str, timeout: float = 3600, **kwargs) -> Measurement:
    """Run ``module.func(**kwargs)`` in a fresh Python process; it returns a dict of extra facts."""
    proc = subprocess.run([sys.executable, "-c", _RUNNER, module, func, json.dumps(kwargs, default=str)],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    line = next((l for l in proc.stdout.splitlines() if l.startswith("@@RESULT@@")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"{name} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    data = json.loads(line[len("@@RESULT@@"):])
    return Measurement(name, data["seconds"], data["peak_mb"], data["result"])


def machine() -> str:
    import pyoxigraph
    import pyshacl
    import rdflib

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.node() or 'host'}: {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}, "
            f"rdflib {rdflib.__version__}, pyoxigraph {pyoxigraph.__version__}, pyshacl {pyshacl.__version__}, "
            f"{time.strftime('%Y-%m-%d')}")
