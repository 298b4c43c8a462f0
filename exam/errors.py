"""The exception tree. Every error a user can cause is an :class:`ExamError` with a message they can act on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class ExamError(Exception):
    """Base of every error the CLI and the TUI show as one clear message."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a file: where it is and what is wrong."""

    path: str
    line: int | None
    item: str | None
    message: str

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
        if self.item:
            where += f" [{self.item}]"
        return f"{where}: {self.message}"


class BankFormatError(ExamError):
    """A bank or paper file has one or more problems; ``problems`` lists all of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, path: str | Path, line: int | None, item: str | None, message: str) -> BankFormatError:
        """The error for one problem at ``path`` (``line`` 1-based, ``item`` the question id, either may be None)."""
        return cls([Problem(str(path), line, item, message)])


class PaperError(ExamError):
    """A paper spec is invalid or cannot be satisfied by the loaded banks."""


class StoreError(ExamError):
    """The results store cannot be read or written."""


class StoreCorruptError(StoreError):
    """A store file is unreadable; it has been kept, never replaced."""


class StoreBusyError(StoreError):
    """Another process held the store lock for too long."""


class NotFoundError(ExamError):
    """A bank, paper, question or attempt that was asked for does not exist."""


class AttemptClosedError(ExamError):
    """An answer was given to an attempt that is already submitted."""


class LeaseHeldError(ExamError):
    """Another window is writing to this attempt; ``label`` says where (host and process)."""

    def __init__(self, message: str, label: str) -> None:
        super().__init__(message)
        self.label = label


class LeaseLostError(ExamError):
    """This window no longer holds the attempt: another window took it over."""
