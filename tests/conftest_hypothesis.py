"""Hypothesis profiles for goalgraph's property and fuzz tests (imported by ``tests/conftest.py``).

* ``goalgraph`` (loaded by default): deterministic (``derandomize=True``), no per-example deadline,
  no example database writes, so the normal suite is repeatable and fast.
* ``fuzz`` (``pytest tests/fuzz --hypothesis-profile=fuzz``, i.e. ``make fuzz``): random, many
  examples; every fuzz target also stops after ``FUZZ_SECONDS`` (default 60) seconds of its own.

The pytest plugin of hypothesis loads the profile named by ``--hypothesis-profile`` after this
module is imported, so ``--hypothesis-profile=fuzz`` overrides the default loaded here.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "goalgraph",
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz",
    derandomize=False,
    deadline=None,
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "100000")),
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "goalgraph"))
