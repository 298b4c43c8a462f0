"""Every hook a plugin can implement. A plugin needs only ``from exam import hookimpl``.

Contributions go through a ``register`` callback rather than a return value: the core's ``register`` validates each
item, rejects a duplicate id and records which plugin supplied it (shown by ``exam plugins``). A plugin that raises
inside a hook is recorded as failed; the other plugins keep working. See ``docs/plugins.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

from exam import PROJECT_NAME

if TYPE_CHECKING:
    from exam.exporters import Exporter
    from exam.models import Bank
    from exam.papers import PaperSpec
    from exam.qtypes import QuestionType
    from exam.sources import SourceDocument

hookspec = pluggy.HookspecMarker(PROJECT_NAME)


@hookspec
def exam_register_question_types(register: Callable[[QuestionType], None]) -> None:
    """Contribute question types.

    Args:
        register: Call once per :class:`exam.qtypes.QuestionType`. A type whose ``name`` is already registered is
            rejected and the plugin is marked as failed for it.

    Returns:
        Nothing; the return value is ignored. Not ``firstresult``: every plugin is called.
    """


@hookspec
def exam_register_sources(register: Callable[[SourceDocument], None]) -> None:
    """Contribute source texts that questions cite (a statute or a speech) and that the review screen shows.

    Args:
        register: Call once per :class:`exam.sources.SourceDocument`; its ``doc_id`` is what questions cite as
            ``source.doc``. A duplicate ``doc_id`` is rejected.

    Returns:
        Nothing. Not ``firstresult``.
    """


@hookspec
def exam_register_banks(register: Callable[[Bank | Path | str], None]) -> None:
    """Contribute question banks.

    Args:
        register: Call with a path to a ``*.bank.yaml`` file (the core reads and validates it, see
            ``docs/bank-format.md``) or with a ready :class:`exam.models.Bank`. A bank whose id is already
            registered, or that fails validation, is rejected and recorded against the plugin with the reason.

    Returns:
        Nothing. Not ``firstresult``. Called after every plugin's ``exam_register_sources``.
    """


@hookspec
def exam_register_papers(register: Callable[[PaperSpec | Path | str], None]) -> None:
    """Contribute exam papers (试卷).

    Args:
        register: Call with a path to a ``*.paper.yaml`` file or a :class:`exam.papers.PaperSpec`. A paper that
            cannot be assembled from the registered banks, or whose id is taken, is rejected with the reason.

    Returns:
        Nothing. Not ``firstresult``. Called after every plugin's ``exam_register_banks``.
    """


@hookspec
def exam_register_exporters(register: Callable[[Exporter], None]) -> None:
    """Contribute score-sheet exporters (``exam export scores --format NAME``).

    Args:
        register: Call once per :class:`exam.exporters.Exporter`. A duplicate ``name`` is rejected.

    Returns:
        Nothing. Not ``firstresult``.
    """


@hookspec
def exam_attempt_submitted(attempt: dict[str, Any]) -> None:
    """Event: an attempt was just finalised (by the trainee, or automatically at the deadline).

    Args:
        attempt: The attempt as documented for ``exam results --format jsonl`` (a copy; changing it has no effect).

    Returns:
        Nothing. Not ``firstresult``. An exception is recorded against the plugin and never stops the submission.
    """
