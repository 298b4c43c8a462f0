"""Crash-safe file primitives: atomic replace, durable append, bounded file locks, damaged-file handling.

A reader always sees either the old or the new complete file (``os.replace`` is atomic), and once a write
returns, it survives a crash (the file and its directory entry are fsynced; a failed fsync is an error).

Damaged files are handled one way everywhere (:func:`read_json`): the file is never changed; a copy is kept once
per distinct damage as ``NAME.corrupt-<hash>``; the error names the file and the way to recover. A file that
cannot be *opened* (a directory in its place, no permission) is reported as such and never set aside.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import secrets
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: no flock; appends are then not fenced against a concurrent finalise
    fcntl = None  # type: ignore[assignment]

import tinydb.storages

from exam.errors import StoreBusyError, StoreCorruptError, StoreError
from exam.i18n import t

TEMP_MARK = ".tmp-"
FILE_MODE = 0o600
DIR_MODE = 0o700
CORRUPT_MARK = ".corrupt-"
LOCK_POLL = 0.01
"""Seconds between tries for a busy lock."""
_UNSUPPORTED_DIR_FSYNC = {errno.EINVAL, errno.ENOTSUP, errno.EBADF}


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in ``path`` durable.

    Raises :class:`StoreError` when the directory cannot be synced (an I/O error, say). File systems that cannot
    sync directories at all (``EINVAL``) and Windows, where directories cannot be opened, are accepted.
    """
    if os.name == "nt":
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as exc:
        raise StoreError(os_message(exc, path)) from exc
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _UNSUPPORTED_DIR_FSYNC:
            raise StoreError(os_message(exc, path)) from exc
    finally:
        os.close(fd)


def make_private_dir(path: Path) -> None:
    """Create ``path`` (and parents) if missing; the folder itself gets mode 0700 (results are private)."""
    existed = path.is_dir()
    try:
        path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        if not existed:
            os.chmod(path, DIR_MODE)
    except OSError as exc:
        raise StoreError(t("store.cannot_create", path=path, error=exc.strerror or exc)) from exc


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
        raise StoreError(os_message(exc, path)) from exc
    fsync_dir(path.parent)


def write_new_files(files: Mapping[Path, bytes]) -> None:
    """Create many files atomically and durably at the cost of few disk flushes: every file is written to a temp
    file first, then each is fsynced (the first flush commits the others' data with it on journalling file systems,
    so the rest are cheap), then all are renamed into place and every folder touched is fsynced once. After a crash
    each file is either whole or absent. Made for immutable content-addressed files (an existing one is replaced by
    the same bytes)."""
    folders: set[Path] = set()
    pending: list[tuple[int, Path, Path]] = []
    try:
        for path, data in files.items():
            if not path.parent.is_dir():
                make_private_dir(path.parent)
                folders.add(path.parent.parent)  # the new folder's own entry
            tmp = path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            except OSError as exc:
                raise StoreError(os_message(exc, path)) from exc
            pending.append((fd, tmp, path))
            try:
                _write_all(fd, data)
            except OSError as exc:
                raise StoreError(os_message(exc, path)) from exc
        for fd, _tmp, path in pending:
            try:
                os.fsync(fd)
            except OSError as exc:
                raise StoreError(os_message(exc, path)) from exc
        while pending:
            fd, tmp, path = pending.pop(0)
            os.close(fd)
            try:
                os.replace(tmp, path)
            except OSError as exc:
                with contextlib.suppress(OSError):
                    tmp.unlink()
                raise StoreError(os_message(exc, path)) from exc
            folders.add(path.parent)
    finally:
        for fd, tmp, _path in pending:  # a failure part-way: no temp file is left behind
            with contextlib.suppress(OSError):
                os.close(fd)
            with contextlib.suppress(OSError):
                tmp.unlink()
    for folder in sorted(folders):
        fsync_dir(folder)


def write_json(path: Path, data: Any) -> None:
    """:func:`atomic_write_bytes` of compact UTF-8 JSON."""
    atomic_write_bytes(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _write_all(fd: int, data: bytes) -> None:
    """``os.write`` may write less than asked (e.g. when the disk fills up); a short write must not pass as done."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _flock(fd: int, mode: int, path: Path, timeout: float) -> None:
    """Take an flock within ``timeout`` seconds, or raise :class:`StoreBusyError` naming the file."""
    if fcntl is None:
        return
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise StoreBusyError(t("store.file_busy", path=path, seconds=f"{timeout:g}")) from None
            time.sleep(LOCK_POLL)


def append_durably(path: Path, line: bytes, timeout: float, check: Callable[[], None] | None = None) -> None:
    """Append one line to an existing file and fsync it; a missing file raises ``FileNotFoundError``.

    The append holds a shared lock on the file (waiting at most ``timeout`` seconds), and a file unlinked while
    we waited counts as missing: together with :func:`exclusive_file` this makes an append either seen by whoever
    closes the file, or fail — never acknowledged and then dropped. ``check`` runs under that lock before the write
    and may raise to refuse it.
    """
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        if fcntl is not None:
            _flock(fd, fcntl.LOCK_SH, path, timeout)
            if os.fstat(fd).st_nlink == 0:
                raise FileNotFoundError(errno.ENOENT, "closed while waiting", str(path))
        if check is not None:
            check()
        _write_all(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def exclusive_file(path: Path, timeout: float) -> Iterator[bool]:
    """Hold an exclusive lock on ``path`` (waiting at most ``timeout`` s for appends in flight); yields whether the
    file exists. Unlink the file inside the block to close it for good: an append that was waiting then fails."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        yield False
        return
    except OSError as exc:
        raise StoreError(os_message(exc, path)) from exc
    try:
        if fcntl is not None:
            _flock(fd, fcntl.LOCK_EX, path, timeout)
        yield True
    finally:
        os.close(fd)


def read_bytes(path: Path) -> bytes | None:
    """The file's bytes, ``None`` when it does not exist; :class:`StoreError` naming it when it cannot be opened."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError as exc:
        raise StoreError(t("store.is_directory", path=path)) from exc
    except OSError as exc:
        raise StoreError(os_message(exc, path, reading=True)) from exc


def read_json(path: Path, valid: Callable[[Any], bool] | None = None) -> Any:
    """Read a JSON file written by :func:`write_json`; ``None`` when it does not exist.

    Empty, truncated, non-JSON or (by ``valid``) wrongly shaped content is damage: nothing is changed, a copy is
    kept once (see :func:`keep_copy`) and :class:`StoreCorruptError` names the file and the recovery.
    """
    raw = read_bytes(path)
    if raw is None:
        return None
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise corrupt(path, raw, str(exc)) from exc
    if valid is not None and not valid(data):
        raise corrupt(path, raw, t("store.wrong_shape"))
    return data


def corrupt(path: Path, raw: bytes, why: str) -> StoreCorruptError:
    """The error for a damaged file (after keeping a copy of it)."""
    copy = keep_copy(path, raw)
    return StoreCorruptError(t("store.corrupt", path=path, error=why or t("store.empty_file"), copy=copy.name))


def keep_copy(path: Path, raw: bytes) -> Path:
    """Keep the damaged bytes beside the file as ``NAME.corrupt-<sha256 prefix>``: once per distinct damage."""
    kept = path.with_name(f"{path.name}{CORRUPT_MARK}{hashlib.sha256(raw).hexdigest()[:12]}")
    with contextlib.suppress(OSError):
        if not kept.exists():
            fd = os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)  # the results stay private
            with os.fdopen(fd, "wb") as copy:
                copy.write(raw)
    return kept


def set_aside(path: Path) -> Path:
    """Move a damaged file out of the way (kept as ``NAME.corrupt-<hash>``, never deleted); returns the new path."""
    raw = read_bytes(path) or b""
    kept = path.with_name(f"{path.name}{CORRUPT_MARK}{hashlib.sha256(raw).hexdigest()[:12]}")
    try:
        if kept.exists():
            path.unlink()
        else:
            os.replace(path, kept)
    except OSError as exc:
        raise StoreError(os_message(exc, path)) from exc
    fsync_dir(path.parent)
    return kept


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


def os_message(exc: OSError, path: Path, reading: bool = False) -> str:
    """One message a trainer can act on for an ``OSError`` at ``path``."""
    if exc.errno == errno.ENOSPC:
        return t("store.disk_full", path=path)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return t("store.no_read_permission" if reading else "store.no_permission", path=path)
    if exc.errno == errno.EISDIR:
        return t("store.is_directory", path=path)
    return t("store.cannot_read" if reading else "store.cannot_write", path=path, error=exc.strerror or exc)


class AtomicJSONStorage(tinydb.storages.Storage):
    """TinyDB storage that writes by atomic replace and refuses (rather than empties) a damaged file.

    Cross-process serialisation is the caller's job: :class:`~exam.store.tinydb_store.TinyDBAttemptStore` holds
    a file lock around every read-modify-write.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        return read_json(self.path, _is_tinydb_document)  # type: ignore[no-any-return]

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        write_json(self.path, data)

    def close(self) -> None:
        pass


def _is_tinydb_document(data: Any) -> bool:
    """TinyDB's file layout: ``{table: {doc_id: document}}``."""
    return isinstance(data, dict) and all(
        isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values()) for table in data.values()
    )
