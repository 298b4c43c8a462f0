"""Helpers shared by every test package: a question's key as the type its question type gives it, a store's folder.

``Question.answer`` is a union over the question types; these narrow it once, checking the shape at run time, so a
test reads a multiple-choice key as letters rather than casting.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from exam.models import Question, ShortAnswer
from exam.service import ExamService
from exam.store import TinyDBAttemptStore


def choice_key(question: Question) -> tuple[str, ...]:
    """The keyed letters of a single- or multiple-choice question, e.g. ``("A", "C")``; a single key is one letter.

    Raises:
        TypeError: the question's key is not a letter or a tuple of letters.
    """
    key = question.answer
    if isinstance(key, str):
        return (key,)
    if isinstance(key, tuple) and all(isinstance(letter, str) for letter in key):
        return cast(tuple[str, ...], key)
    raise TypeError(f"{question.id} has no choice key: {key!r}")


def blank_key(question: Question) -> tuple[tuple[str, ...], ...]:
    """The accepted answers of a blank question, one tuple per blank (an order-free answer stays an ``AnyOrder``).

    Raises:
        TypeError: the question's key is not a tuple of tuples of text.
    """
    key = question.answer
    if isinstance(key, tuple) and all(isinstance(group, tuple) for group in key):
        return cast(tuple[tuple[str, ...], ...], key)
    raise TypeError(f"{question.id} has no blank key: {key!r}")


def short_key(question: Question) -> ShortAnswer:
    """The reference answer and keyword groups of a short-answer question.

    Raises:
        TypeError: the question's key is not a :class:`ShortAnswer`.
    """
    if isinstance(question.answer, ShortAnswer):
        return question.answer
    raise TypeError(f"{question.id} has no short-answer key: {question.answer!r}")


def store_root(service: ExamService) -> Path:
    """The folder of a service's store (the tests' services all keep a :class:`TinyDBAttemptStore`).

    Raises:
        TypeError: the service keeps another kind of store.
    """
    if isinstance(service.store, TinyDBAttemptStore):
        return service.store.root
    raise TypeError(f"not a folder store: {service.store!r}")
