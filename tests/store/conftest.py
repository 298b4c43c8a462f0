"""The store contract tests run on every backend: the embedded TinyDB folder and PostgreSQL.

PostgreSQL comes from ``EXAM_TEST_POSTGRES``, the URL of a database on a server the tests may create databases on
(``.ci/run`` starts a throwaway cluster and sets it). Each test gets a database of its own, dropped afterwards.
Without the variable the PostgreSQL cases are skipped, except in CI, where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

BACKENDS = ("tinydb", "postgres")


def postgres_admin_url() -> str:
    url = os.environ.get("EXAM_TEST_POSTGRES")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("EXAM_TEST_POSTGRES is required in CI (.ci/run starts a throwaway PostgreSQL cluster)")
        pytest.skip("EXAM_TEST_POSTGRES is not set: no PostgreSQL server to test against")
    return url


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty database on the test server, dropped after the test."""
    import psycopg

    admin = postgres_admin_url()
    name = f"exam_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(admin, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a store lives, for each backend: a folder path or a ``postgresql://`` URL."""
    if request.param == "tinydb":
        return str(tmp_path / "store")
    url: str = request.getfixturevalue("postgres_url")
    return url
