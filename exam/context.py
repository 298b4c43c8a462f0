"""The application context: the settings in force and what they lead to, built lazily and shared.

The ``exam`` command (:mod:`exam.cli`) makes one per run and hands it to its subcommands and to the app
(:func:`exam.tui.app.run_app`). This module belongs to the core: it imports neither Textual nor the CLI.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from exam.config import Settings

if TYPE_CHECKING:
    from exam.plugins import Registry
    from exam.service import ExamService
    from exam.store import AttemptStore


class AppContext:
    """What every subcommand and the app need, each built on first use and then kept.

    Loading the plugins and opening the store take time and can fail; a command that needs neither (``exam info``,
    ``--help``) never pays for them, not even for importing their modules, and a failure surfaces in the command
    that needed the part.

    Attributes:
        settings: The settings of this run (command-line options over the environment over the config file).
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def registry(self) -> Registry:
        """The plugin registry: every plugin, question type, source, bank, paper and exporter.

        Loaded from the installed plugins, ``settings.plugins_dir`` and ``settings.banks_dirs`` on first use. A
        plugin that fails is recorded in :attr:`Registry.failures`, not raised.
        """
        from exam.plugins import load_registry  # here, not at the top: ``exam --help`` should not load it

        return load_registry(self.settings.plugins_dir, self.settings.banks_dirs)

    @cached_property
    def store(self) -> AttemptStore:
        """The results store at ``settings.db``: a folder (created, mode 0700, if missing) or a server URL; see
        :func:`exam.store.open_store`.

        Raises:
            StoreError: The store cannot be opened (the folder cannot be created or locked, it was written by a newer
                release, no backend for the URL's scheme, the server cannot be reached).
            StoreBusyError: Upgrading an older store waited too long for another process's lock.
        """
        from exam.store import open_store

        return open_store(self.settings.db)

    @cached_property
    def service(self) -> ExamService:
        """The exam service over :attr:`registry` and :attr:`store`, on the system clock."""
        from exam.service import ExamService

        return ExamService(self.registry, self.store)
