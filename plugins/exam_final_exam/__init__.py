"""Built-in plugin: the 结业综合考试 paper, drawn from all five built-in banks.

The paper file is inside this package and read with :mod:`importlib.resources`; the banks come from the five bank
plugins, so this paper is refused (and reported) when one of them is left out.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

from exam import hookimpl

__version__ = "1.0.0"
PAPER_FILE = "final.paper.yaml"


@hookimpl
def exam_register_papers(register: Callable[[Path], None]) -> None:
    """Register the final exam paper."""
    with resources.as_file(resources.files(__name__) / PAPER_FILE) as path:
        register(path)
