"""The one catalogue of user-facing text: Chinese by default, English with ``EXAM_LANG=en`` or ``--lang en``.

Code refers to messages by key: ``t("cli.validate_bad", count=3)``. Each entry is ``(中文, English)``;
:data:`CATALOGUE` lives in :mod:`exam.messages` so this module stays small.
"""

from __future__ import annotations

import os

from exam.messages import CATALOGUE

_language = "zh"


def detect_language(explicit: str | None = None) -> str:
    """``explicit`` if given, else ``EXAM_LANG``, else Chinese."""
    value = (explicit or os.environ.get("EXAM_LANG") or "zh").lower()
    return "en" if value.startswith("en") else "zh"


def set_language(lang: str | None) -> str:
    """Switch the language of every later :func:`t` call; returns the language in force."""
    global _language
    _language = detect_language(lang)
    return _language


def current_language() -> str:
    """The language messages are given in now: ``"zh"`` or ``"en"``."""
    return _language


def t(key: str, /, **values: object) -> str:
    """The message ``key`` in the current language, formatted with ``values``.

    An unknown key returns the key itself, so a missing translation shows up in tests rather than crashing the UI.
    """
    entry = CATALOGUE.get(key)
    if entry is None:
        return key
    text = entry[0] if _language == "zh" else entry[1]
    return text.format(**values) if values else text


set_language(None)
