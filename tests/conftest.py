"""Shared pytest setup: hypothesis profiles (see tests/conftest_hypothesis.py)."""

import conftest_hypothesis  # noqa: F401  (registers and loads the hypothesis profiles)
