"""Fixtures shared by every tier: the real registry (built by the same factory as the CLI), a temp store,
and a clock tests can move."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from exam.i18n import set_language
from exam.models import Trainee
from exam.plugins import Registry, load_registry
from exam.service import ExamService
from exam.store import TinyDBAttemptStore


class FakeClock:
    """A wall clock and a monotonic clock that only move when told to.

    ``advance`` moves both (time passes); ``jump`` moves only the wall clock (someone sets the computer's clock).
    Give ``clock`` and ``clock.monotonic`` to :class:`~exam.service.ExamService`.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 26, 9, 0, tzinfo=timezone(timedelta(hours=8)))
        self.elapsed = 1000.0

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.elapsed

    def advance(self, **kwargs: float) -> None:
        step = timedelta(**kwargs)
        self.now += step
        self.elapsed += step.total_seconds()

    def jump(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture(scope="session", autouse=True)
def _private_bank_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The validated-bank cache (exam.bankcache) of this test process: never the developer's own cache folder.

    One folder for the whole session (and per xdist worker), set before any registry is built, so the first load
    of the built-in banks fills it and later ones are warm, as on a trainer's machine.
    """
    folder = tmp_path_factory.mktemp("bank-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EXAM_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The built-in plugins, banks and papers, loaded once."""
    return load_registry()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def store(store_dir: Path) -> TinyDBAttemptStore:
    return TinyDBAttemptStore(store_dir)


@pytest.fixture
def service(registry: Registry, store: TinyDBAttemptStore, clock: FakeClock) -> ExamService:
    return ExamService(registry, store, clock, clock.monotonic)


@pytest.fixture
def trainee() -> Trainee:
    return Trainee(name="张三", id="320101", unit="城关镇", position="人大主席")


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test reads the developer's own config, store or plugin settings."""
    for name in ("EXAM_DB", "EXAM_PLUGINS_DIR", "EXAM_BANKS_DIRS", "EXAM_LOAD_PLUGINS", "EXAM_DISABLE_PLUGINS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EXAM_CONFIG", str(tmp_path / "no-config.yaml"))
    monkeypatch.setenv("EXAM_LANG", "zh")
    # The default store is in the user's data folder: a test that opens it (no --db) must get its own, never the
    # developer's (or another test's) — a command run here once upgraded the real store of the machine.
    for name in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(name, str(tmp_path / "xdg" / name.lower()))
    # The language in force is process-wide (exam.i18n): a test that switched to English (directly, or through
    # ``main([... "--lang", "en"])``) must not leave later tests in the same worker reading English messages.
    set_language("zh")
    yield
    set_language("zh")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In a pytest-xdist worker, collect garbage now and freeze what survives.

    After a worker reports that it has finished, execnet gives it 5 seconds to exit and then sends it SIGINT; pytest's
    own closing check for unraisable exceptions runs five full garbage collections in that window, which on a busy
    machine can take longer (the worker holds every bank, paper and app the suite built). The SIGINT then lands in
    hypothesis' gc callback and is printed as a PytestUnraisableExceptionWarning. Running the same collections here,
    before the worker reports, keeps the check (anything found is still reported by pytest), and freezing the
    survivors makes pytest's later collections cheap.
    """
    if not hasattr(session.config, "workerinput"):
        return
    for _ in range(5):
        gc.collect()
    gc.freeze()
