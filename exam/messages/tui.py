"""Messages of the exam app (TUI)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
}
