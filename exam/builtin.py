"""The core's own plugin: the five question types and the csv/xlsx score-sheet exporters.

It is registered through the same hooks as any other plugin, so ``exam plugins`` lists it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from exam import hookimpl
from exam.exporters import Exporter, ScoreSheet
from exam.i18n import t
from exam.qtypes import BUILTIN_TYPES, QuestionType


@hookimpl
def exam_register_question_types(register: Callable[[QuestionType], None]) -> None:
    """Register the five built-in question types (single, multiple, judge, blank, short)."""
    for qtype in BUILTIN_TYPES:
        register(qtype)


def _write_xlsx(sheet: ScoreSheet, path: Path) -> None:
    from exam.sheets import write_xlsx

    write_xlsx(sheet, path)


def _write_csv(sheet: ScoreSheet, path: Path) -> None:
    from exam.sheets import write_csv

    write_csv(sheet, path)


@hookimpl
def exam_register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register the ``xlsx`` and ``csv`` score-sheet exporters (:mod:`exam.sheets`, imported when one writes: every
    start registers them, few write)."""
    register(Exporter("xlsx", t("exporter.xlsx"), ".xlsx", _write_xlsx))
    register(Exporter("csv", t("exporter.csv"), ".csv", _write_csv))
