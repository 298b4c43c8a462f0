"""Where the program looks for its files when nothing is set."""

from __future__ import annotations

from pathlib import Path

from exam.config import default_db


def test_tests_never_reach_the_users_own_store(tmp_path: Path) -> None:
    """The default store of a test is inside its own temporary folder (tests/conftest.py), so no test can write to
    (or upgrade) the store of the machine it runs on."""
    assert default_db().is_relative_to(tmp_path)
