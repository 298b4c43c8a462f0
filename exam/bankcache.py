"""A cache on disk of validated banks and read source texts, keyed by the content of their files (issue 17).

Reading a bank means parsing its YAML and checking every question against its type and its cited text; for the
built-in banks that is most of the time before the first screen, and a 10,000-question bank takes seconds. The
result depends only on the file's bytes, the program's version and what the check consulted (the question types it
used and the source texts it cited), so it is kept here and used again until one of those changes.

* **Where.** ``EXAM_CACHE_DIR``, else ``township-exam`` in the user's cache folder (``platformdirs``, e.g.
  ``~/.cache/township-exam``); ``EXAM_CACHE_DIR=`` (empty) turns the cache off. Entries are ``<kind>/<key>.json``.
* **The key.** SHA-256 of the kind, :data:`CACHE_SCHEMA`, the program's version and the file's bytes: a changed
  file, a new version or a new cache layout reads the file again. What else the result depends on (the source texts
  a bank cites, by their fingerprint, and the types it uses) is stored in the entry and compared on every use.
* **Plain data only.** An entry is JSON, checked by a SHA-256 digest of its payload and by the shape of what it
  holds; anything unexpected (a damaged, truncated or foreign entry) is ignored and the file read again. Nothing in
  an entry is executed (no pickle, no marshal of code).
* **Private.** The folder is made ``0700`` and entries ``0600``, written to a temporary file and renamed into place
  (atomic: a reader sees a whole entry or none). On POSIX, an entry or folder that another user owns, or that others
  may write, is not used: the cache is trusted exactly as far as the user's own bank files (docs/security.md).
* **Never in the way.** A folder that cannot be made or written means no cache: no error, no warning, the files are
  read as without it.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from exam import __version__
from exam.config import APP_NAME

CACHE_SCHEMA = 1
"""The layout of the entries; raise it whenever what is stored, or how, changes (old entries are then not used)."""
ENV_VAR = "EXAM_CACHE_DIR"


def default_cache_dir() -> Path | None:
    """The cache folder: ``EXAM_CACHE_DIR`` (empty: no cache), else ``township-exam`` in the user's cache folder."""
    value = os.environ.get(ENV_VAR)
    if value is not None:
        return Path(value) if value.strip() else None
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME))


def _private(info: os.stat_result) -> bool:
    """Whether a file or folder is the current user's and nobody else may write it (always true off POSIX)."""
    if not hasattr(os, "getuid"):
        return True
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


class ContentCache:
    """Entries of plain JSON data by kind and content key, in one private folder.

    Args:
        folder: The cache folder (made on first write); ``None`` for no cache (every lookup misses, writes do nothing).

    Attributes:
        hits: Entries read back whole so far by this object (the caller may still find one stale).
        writes: Entries written so far by this object.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.hits = 0
        self.writes = 0
        self._writable = folder is not None

    def key(self, kind: str, content: bytes) -> str:
        """The key of the entry for a file of ``kind`` (``bank``, ``statute``) whose bytes are ``content``: hex
        SHA-256 of the kind, :data:`CACHE_SCHEMA`, the program's version and the bytes."""
        digest = hashlib.sha256(f"{kind}\0{CACHE_SCHEMA}\0{__version__}\0".encode())
        digest.update(content)
        return digest.hexdigest()

    def _path(self, kind: str, key: str) -> Path | None:
        if self.folder is None or not kind.isidentifier() or not all(c in "0123456789abcdef" for c in key):
            return None
        return self.folder / kind / f"{key}.json"

    def get(self, kind: str, key: str) -> Any | None:
        """The data stored for ``key``, or ``None`` when there is none or it cannot be trusted as plain data.

        Never raises: an unreadable, damaged, foreign or other user's entry is a miss.
        """
        path = self._path(kind, key)
        if path is None:
            return None
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
        try:
            with os.fdopen(fd, "rb") as handle:
                if not _private(os.fstat(handle.fileno())) or not _private(os.stat(path.parent)):
                    return None
                raw = handle.read()
            header, _, payload = raw.partition(b"\n")
            record = json.loads(header)
            if (
                not isinstance(record, dict)
                or record.get("schema") != CACHE_SCHEMA
                or record.get("version") != __version__
                or record.get("kind") != kind
                or record.get("key") != key
                or record.get("sha256") != hashlib.sha256(payload).hexdigest()
            ):
                return None
            data = json.loads(payload)
        except (OSError, ValueError, RecursionError):  # JSONDecodeError, UnicodeDecodeError; nesting too deep
            return None
        self.hits += 1
        return data

    def put(self, kind: str, key: str, data: Any) -> None:
        """Store ``data`` (JSON-serialisable plain data) for ``key``, atomically, readable by the user only.

        Never raises: when the folder cannot be made or written, nothing is stored (and no later write is tried).
        """
        path = self._path(kind, key)
        if path is None or not self._writable:
            return
        try:
            payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        except (TypeError, ValueError, RecursionError):  # not plain data: nothing is stored
            return
        header = {
            "schema": CACHE_SCHEMA,
            "version": __version__,
            "kind": kind,
            "key": key,
            "sha256": hashlib.sha256(payload).hexdigest(),
        }
        tmp_name = None
        try:
            assert self.folder is not None
            for folder in (self.folder, path.parent):
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                if not _private(os.stat(folder)):
                    self._writable = False
                    return
            fd, tmp_name = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)  # mode 0600
            with os.fdopen(fd, "wb") as handle:
                handle.write(json.dumps(header).encode("ascii") + b"\n" + payload)
            os.replace(tmp_name, path)
            tmp_name = None
            self.writes += 1
        except OSError:
            self._writable = False
        finally:
            if tmp_name is not None:
                with suppress(OSError):
                    os.unlink(tmp_name)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run the block without the cyclic garbage collector (restored afterwards, as it was).

    Reading a large bank makes hundreds of thousands of small containers, none of them in a cycle; each
    700 allocations the collector would walk all of them again, a third of the time of a warm 10,000-question load.
    Reference counting still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def default_cache() -> ContentCache:
    """A :class:`ContentCache` in :func:`default_cache_dir` (no cache when ``EXAM_CACHE_DIR`` is empty)."""
    return ContentCache(default_cache_dir())
