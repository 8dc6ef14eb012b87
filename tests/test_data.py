"""The raw inputs are an oracle: byte-identical to what was published, checked by hash."""

import hashlib
import re
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"


def recorded_hashes() -> dict[str, str]:
    rows = re.findall(r"\|\s*`(raw/[^`]+)`\s*\|.*\|\s*`([0-9a-f]{64})`\s*\|", (DATA / "README.md").read_text())
    return dict(rows)


def test_every_raw_file_has_a_recorded_hash():
    files = {str(p.relative_to(DATA)) for p in (DATA / "raw").iterdir() if p.is_file()}
    assert files, "data/raw is empty"
    assert files == set(recorded_hashes())


def test_raw_files_are_unchanged():
    for rel, expected in recorded_hashes().items():
        assert hashlib.sha256((DATA / rel).read_bytes()).hexdigest() == expected, rel
