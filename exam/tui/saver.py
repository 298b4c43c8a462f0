"""Store work (saving answers, submitting, recording practice) runs in order on one named thread worker.

It is the only way the TUI runs store work (screens reach it as :attr:`ServiceScreen.writer
<exam.tui.screens.base.ServiceScreen.writer>`), so nothing on the UI thread waits for a file. Order matters: two
quick changes to one answer must reach the disk in the order they were made, and a submission must come after every
answer before it. Results come back on the UI thread through callbacks; failures go to one
handler (:meth:`ExamApp.show_error`).
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.worker import get_current_worker

if TYPE_CHECKING:
    from exam.tui.app import ExamApp

Job = tuple[Callable[[], Any], Callable[[Any], None], Callable[[Exception], None] | None]


class StoreWriter:
    """A FIFO of store jobs served by the thread worker ``store-writer``."""

    def __init__(self, app: ExamApp) -> None:
        self.app = app
        self._jobs: queue.Queue[Job] = queue.Queue()
        self._pending = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def start(self) -> None:
        """Start serving the queue (the app does this once, when it mounts)."""
        self.app.run_worker(self._serve, thread=True, name="store-writer", group="store", exit_on_error=False)

    def run(
        self,
        job: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        """Queue ``job``; ``on_done(result)`` or ``on_error(exc)`` is then called on the UI thread."""
        self._pending += 1
        self._idle.clear()
        self._jobs.put((job, on_done, on_error))

    async def idle(self) -> None:
        """Wait until every queued job has finished and its callback has run."""
        await self._idle.wait()

    def _serve(self) -> None:
        worker = get_current_worker()
        while not worker.is_cancelled:
            try:
                job, on_done, on_error = self._jobs.get(timeout=0.1)
            except queue.Empty:
                continue
            try:
                result = job()
            except Exception as exc:  # reported on the UI thread, never lost
                self._call(self._finish, on_error or self.app.show_error, exc)
            else:
                self._call(self._finish, on_done, result)

    def _call(self, callback: Callable[..., None], *args: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the app is closing
            self.app.call_from_thread(callback, *args)

    def _finish(self, callback: Callable[[Any], None], value: Any) -> None:
        try:
            callback(value)
        finally:
            self._pending -= 1
            if self._pending == 0:
                self._idle.set()
