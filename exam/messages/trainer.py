"""Messages of the trainer tools (exports, statistics, regrading, imports, roster)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
}
