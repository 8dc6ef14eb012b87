"""The reader's round-trip property (``tests/test_properties.py``) as a fuzz target: ``make fuzz``
runs it on random documents for FUZZ_SECONDS, far beyond the normal suite's derandomized examples.
A failing document is saved under ``corpus/properties/`` for triage (reader bug or generator bug?)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings

import strategies as S
from fuzzkit import examples, fuzz_for, fuzzing, save_crash
from test_properties import assert_round_trip


@settings(max_examples=examples(5), deadline=None)
@given(spec=S.documents_with_layouts(max_projects=3))
def test_round_trip(spec):
    with tempfile.TemporaryDirectory() as d:
        try:
            assert_round_trip(Path(d), spec)
        except BaseException:
            save_crash("properties", S.render(spec).text, "txt")
            raise


@pytest.mark.skipif(not fuzzing(), reason="long random fuzzing runs only with --hypothesis-profile=fuzz (make fuzz)")
def test_timed_fuzz_round_trip():
    assert fuzz_for(test_round_trip) > 0
