"""Crash-safe file primitives: atomic replace, durable append, stale temp clean-up, 0600 files.

A reader always sees either the old or the new complete file (``os.replace`` is atomic), and once a write
returns, it survives a crash (the file and its directory entry are fsynced).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: no flock; appends are then not fenced against a concurrent finalise
    fcntl = None  # type: ignore[assignment]

import tinydb.storages

from exam.errors import StoreCorruptError, StoreError
from exam.i18n import t

TEMP_MARK = ".tmp-"
FILE_MODE = 0o600


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in ``path`` durable (no-op where directories cannot be opened, e.g. Windows)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically and durably; the file is created with mode 0600."""
    tmp = path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise StoreError(_os_message(exc, path)) from exc
    fsync_dir(path.parent)


def _write_all(fd: int, data: bytes) -> None:
    """``os.write`` may write less than asked (e.g. when the disk fills up); a short write must not pass as done."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def append_durably(path: Path, line: bytes, create: bool = False) -> None:
    """Append one line and fsync it. Without ``create`` a missing file is an error (the attempt is closed).

    The append holds a shared lock on the file, and a file that was unlinked while we waited for it counts as
    missing: together with :func:`exclusive_file` this makes an append either seen by whoever closes the file, or
    fail, never acknowledged and then dropped.
    """
    flags = os.O_WRONLY | os.O_APPEND | (os.O_CREAT if create else 0)
    fd = os.open(path, flags, FILE_MODE)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_SH)
            if os.fstat(fd).st_nlink == 0:
                raise FileNotFoundError(errno.ENOENT, "closed while waiting", str(path))
        _write_all(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def exclusive_file(path: Path) -> Iterator[bool]:
    """Hold an exclusive lock on ``path`` (waiting for appends in flight); yields whether the file exists.

    Unlink the file inside the block to close it for good: an append that was waiting then fails.
    """
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        fd = -1
    if fd < 0:
        yield False
        return
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield True
    finally:
        os.close(fd)


def read_json(path: Path) -> Any:
    """Read a JSON file; a damaged one is copied aside (never replaced) and reported with how to recover."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(_os_message(exc, path)) from exc
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        kept = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        with contextlib.suppress(OSError):
            if not kept.exists():
                fd = os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)  # the results stay private
                with os.fdopen(fd, "wb") as copy:
                    copy.write(raw)
        raise StoreCorruptError(t("store.corrupt", path=path, error=exc, copy=kept.name)) from exc


def cleanup_stale_temps(folder: Path, older_than: float = 60.0) -> int:
    """Remove temp files left by a crashed writer; returns how many were removed."""
    removed = 0
    now = time.time()
    for path in folder.rglob(f"*{TEMP_MARK}*"):
        with contextlib.suppress(OSError):
            if now - path.stat().st_mtime > older_than:
                path.unlink()
                removed += 1
    return removed


def _os_message(exc: OSError, path: Path) -> str:
    import errno

    if exc.errno == errno.ENOSPC:
        return t("store.disk_full", path=path)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return t("store.no_permission", path=path)
    return t("store.cannot_write", path=path, error=exc.strerror)


class AtomicJSONStorage(tinydb.storages.Storage):
    """TinyDB storage that writes by atomic replace and refuses (rather than empties) a damaged file.

    Cross-process serialisation is the caller's job: :class:`~exam.store.tinydb_store.TinyDBAttemptStore` holds
    a file lock around every read-modify-write.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        return read_json(self.path)  # type: ignore[no-any-return]

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        atomic_write_bytes(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))

    def close(self) -> None:
        pass
