"""Where the files that ship with the package live.

In an installed wheel the built-in banks and their source texts are inside the package
(``exam/question_banks``, mapped from the checkout's top-level ``question_banks/`` at build time).
In a source checkout (editable install, tests) they are read from ``question_banks/`` directly.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path


@cache
def builtin_banks_dir() -> Path:
    """The folder holding the built-in ``*.bank.yaml`` files, ``papers/`` and ``sources/``."""
    packaged = Path(str(resources.files("exam"))) / "question_banks"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "question_banks"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("the built-in question banks are missing from this installation")


def sources_dir() -> Path:
    """The folder of shipped source texts (statutes as YAML, the speech as text)."""
    return builtin_banks_dir() / "sources"
