"""The hooks of a bank plugin that carries its files inside its own package (every built-in bank plugin).

A plugin module binds the three hooks this returns to their hook names, so pluggy finds them on the module::

    exam_register_sources, exam_register_banks, exam_register_papers = packaged_bank_hooks(
        __name__, bank="organic-law-2022.bank.yaml", paper="organic.paper.yaml",
        source="organic-law-2022.yaml", read_source=lambda path: load_statute(path, "organic-law-2022", "地方组织法"),
    )

The files are read with :mod:`importlib.resources`, so they work from a wheel as from a checkout.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

from exam import hookimpl
from exam.sources import SourceDocument

RegisterSource = Callable[[SourceDocument], None]
RegisterPath = Callable[[Path], None]


def packaged_bank_hooks(
    package: str,
    *,
    bank: str,
    paper: str,
    source: str,
    read_source: Callable[[Path], SourceDocument],
) -> tuple[Callable[[RegisterSource], None], Callable[[RegisterPath], None], Callable[[RegisterPath], None]]:
    """``(exam_register_sources, exam_register_banks, exam_register_papers)`` for the files ``source``, ``bank`` and
    ``paper`` inside ``package`` (file names relative to it); ``read_source`` turns the source file into a
    :class:`SourceDocument` (``load_statute`` or ``parse_speech``)."""

    def file(name: str) -> resources.abc.Traversable:
        return resources.files(package) / name

    @hookimpl
    def exam_register_sources(register: RegisterSource) -> None:
        with resources.as_file(file(source)) as path:
            register(read_source(path))

    @hookimpl
    def exam_register_banks(register: RegisterPath) -> None:
        with resources.as_file(file(bank)) as path:
            register(path)

    @hookimpl
    def exam_register_papers(register: RegisterPath) -> None:
        with resources.as_file(file(paper)) as path:
            register(path)

    return exam_register_sources, exam_register_banks, exam_register_papers
