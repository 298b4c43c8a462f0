"""Where attempts live. The TUI, the CLI and ``exam serve`` open their store with :func:`open_store`, which returns
the embedded :class:`TinyDBAttemptStore` for a folder and a server backend for a URL; every backend implements
:class:`AttemptStore`.

Server backends are plugins in the ``exam.stores`` entry point group, named by URL scheme (the PostgreSQL backend,
``exam_store_postgres``, registers ``postgresql`` and ``postgres``): the core never imports a database driver, and a
third party adds a backend the same way.
"""

from __future__ import annotations

import os
from importlib.metadata import entry_points
from pathlib import Path

from exam.errors import StoreError
from exam.i18n import t
from exam.store.base import AttemptStore
from exam.store.tinydb_store import TinyDBAttemptStore

__all__ = ["AttemptStore", "TinyDBAttemptStore", "open_store", "redacted", "STORE_GROUP"]

STORE_GROUP = "exam.stores"
"""The entry point group of store backends: ``scheme = "module:factory"``, the factory taking the URL."""


def open_store(location: str | os.PathLike[str]) -> AttemptStore:
    """The store at ``location``: a folder path (the embedded TinyDB store, created if missing) or a URL whose
    scheme names a backend of the :data:`STORE_GROUP` entry point group (``postgresql://user@host/db``).

    Raises:
        StoreError: a URL whose scheme no installed backend serves (naming the installed ones and the extra to
            install), or the backend's own errors (server unreachable, …).
    """
    text = os.fspath(location)
    if "://" not in text:
        return TinyDBAttemptStore(Path(text))
    scheme = text.split("://", 1)[0].lower()
    backends = {ep.name: ep for ep in entry_points(group=STORE_GROUP)}
    if scheme not in backends:
        known = ", ".join(sorted(backends)) or "-"
        raise StoreError(t("store.no_backend", scheme=scheme, known=known))
    factory = backends[scheme].load()
    store = factory(text)
    if not isinstance(store, AttemptStore):
        raise StoreError(t("store.bad_backend", scheme=scheme, kind=type(store).__name__))
    return store


def redacted(location: str | os.PathLike[str]) -> str:
    """``location`` for messages and ``exam info``: a URL without its password (``postgresql://exam:***@host/db``)."""
    from urllib.parse import urlsplit, urlunsplit

    text = os.fspath(location)
    if "://" not in text:
        return text
    parts = urlsplit(text)
    if parts.password is None:
        return text
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)))
