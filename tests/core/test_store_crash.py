"""SIGKILL a process that writes answers in a loop, 50 times: the store always opens, no file is unreadable, and no
acknowledged answer is ever lost."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from exam.attempts import Response
from exam.store import TinyDBAttemptStore
from exam.store.atomic import TEMP_MARK

WRITER = Path(__file__).with_name("_crash_writer.py")
ROUNDS = 50

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
]


def check_store(root: Path, acked: dict[tuple[str, str], Any]) -> None:
    """Everything on disk is readable and every acknowledged answer is there with its value."""
    for path in root.rglob("*"):
        if not path.is_file() or TEMP_MARK in path.name or path.suffix == ".lock":
            continue  # a temp file of an interrupted write is ignored (and cleaned up later) by design
        raw = path.read_bytes()
        if path.suffix in (".json", ".live"):
            json.loads(raw)
        elif path.suffix == ".journal":
            complete = raw.split(b"\n")[:-1]  # a torn last line (no newline) is allowed: it was never acknowledged
            for line in complete:
                assert json.loads(line)
        else:
            raise AssertionError(f"unexpected file in the store: {path}")
    store = TinyDBAttemptStore(root)
    listed = {a.attempt_id for a in store.list_attempts()}
    by_attempt: dict[str, Mapping[str, Response]] = {}
    for (attempt_id, question_id), response in acked.items():
        assert attempt_id in listed
        if attempt_id not in by_attempt:
            by_attempt[attempt_id] = store.get_attempt(attempt_id).responses
        assert by_attempt[attempt_id][question_id].value == response, (attempt_id, question_id)


def test_sigkill_never_loses_an_acknowledged_answer_or_leaves_an_unreadable_store(tmp_path: Path) -> None:
    """50 times: start the writer (resuming its attempt or starting new ones), kill it with SIGKILL at a random
    moment, then check the store opens, every file is readable and every acknowledged answer is present."""
    root = tmp_path / "store"
    rng = random.Random(20261126)
    acked: dict[tuple[str, str], Any] = {}
    next_n = 0
    attempt_id = "-"
    closed = 0
    for round_no in range(ROUNDS):
        resume = attempt_id if rng.random() < 0.7 else "-"
        proc = subprocess.Popen(
            [sys.executable, str(WRITER), str(root), str(next_n), resume, f"seed-{round_no}"],
            stdout=subprocess.PIPE,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"ready\n"
        # The kill moment: right away (inside create_attempt), after a few saves, or after many. Saves are counted
        # from the writer's acknowledgements rather than timed, so a busy machine (the suite runs in parallel) still
        # writes between kills; the short random sleep then lands the kill anywhere inside the next write.
        lines: list[bytes] = []
        acks_to_wait = rng.choice([0, rng.randint(1, 3), rng.randint(5, 30)])
        while acks_to_wait > 0 and (line := proc.stdout.readline()):
            lines.append(line)
            acks_to_wait -= line.startswith(b"ack ")
        time.sleep(rng.uniform(0, 0.005))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        output = b"".join(lines) + proc.stdout.read()
        proc.stdout.close()
        assert proc.returncode == -signal.SIGKILL
        for line in output.split(b"\n")[:-1]:  # only complete lines: a half-printed ack was not an acknowledgement
            kind, *rest = line.decode("utf-8").split(" ", 4)
            if kind == "attempt":
                attempt_id = rest[0]
            elif kind == "closed":
                closed += 1
            elif kind == "ack":
                n, attempt, question, response = rest
                acked[(attempt, question)] = json.loads(response)
                next_n = max(next_n, int(n) + 1)
        check_store(root, acked)
    assert len(acked) > ROUNDS  # the loop really wrote answers between kills
    assert closed > 0  # and finalised attempts, so kills could land there too
    report = TinyDBAttemptStore(root).repair()
    assert report.set_aside == ()
    check_store(root, acked)
