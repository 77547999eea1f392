"""The heaviest-first order of test files (tests/conftest.py) names files that exist: a
renamed file would silently drop back to the end, where it runs alone on one core."""

from pathlib import Path

from tests.conftest import HEAVY_FIRST

ROOT = Path(__file__).resolve().parents[1]


def test_every_heavy_file_exists_once():
    assert len(HEAVY_FIRST) == len(set(HEAVY_FIRST))
    missing = [path for path in HEAVY_FIRST if not (ROOT / path).is_file()]
    assert not missing, missing
