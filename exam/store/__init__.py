"""Where attempts live. The TUI and CLI use :class:`AttemptStore`; :class:`TinyDBAttemptStore` is the default."""

from __future__ import annotations

from exam.store.base import AttemptStore
from exam.store.tinydb_store import TinyDBAttemptStore

__all__ = ["AttemptStore", "TinyDBAttemptStore"]
