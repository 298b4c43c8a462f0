"""Child process of ``test_store_crash.py``: saves answers in a loop until it is killed.

Usage: ``python _crash_writer.py STORE FIRST_N ATTEMPT_ID|- SEED``

Prints ``ready`` once the store is open, ``attempt <id>`` once a new attempt is created, ``ack <n> <attempt id>
<question id> <response as JSON>`` once ``save_answer`` has returned (the answer is acknowledged), and ``closed <id>``
once an attempt has been finalised. Now and then it finalises the attempt and starts a new one, so kills also land
inside ``create_attempt`` and ``finalise``.
"""

from __future__ import annotations

import json
import random
import sys
import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from exam.attempts import Attempt, AttemptStatus
from exam.errors import NotFoundError
from exam.models import Trainee
from exam.papers import DrawnPaper
from exam.qtypes import GradingRules
from exam.store import TinyDBAttemptStore

NOW = datetime.fromisoformat("2026-11-26T09:00:00+08:00")
PAPER = DrawnPaper("tiny", "小测验", "seed", 30, 0, GradingRules(), True)


def new_attempt(store: TinyDBAttemptStore) -> str:
    attempt_id = uuid.uuid4().hex
    store.create_attempt(
        Attempt(
            attempt_id=attempt_id,
            trainee=Trainee("崩溃测试", "k1"),
            paper="tiny",
            paper_title="小测验",
            status=AttemptStatus.IN_PROGRESS,
            started_at=NOW,
            deadline=NOW + timedelta(minutes=30),
            max_score=5,
            drawn=PAPER,
        )
    )
    print(f"attempt {attempt_id}", flush=True)
    return attempt_id


def close(attempt: Attempt) -> Attempt:
    return replace(attempt, status=AttemptStatus.SUBMITTED, submitted_at=NOW, score=0, passed=False)


def main() -> None:
    root, first_n, resume, seed = sys.argv[1:5]
    rng = random.Random(seed)
    store = TinyDBAttemptStore(root)
    print("ready", flush=True)
    current = None
    if resume != "-":
        try:
            if store.get_attempt(resume).status == "in_progress":
                current = resume
        except NotFoundError:
            pass
    if current is None:
        current = new_attempt(store)
    n = int(first_n)
    while True:
        response = [f"答{n}“引号”\\", n, rng.random() < 0.5]
        store.save_answer(current, f"q{n}", response, NOW.isoformat())
        print(f"ack {n} {current} q{n} {json.dumps(response, ensure_ascii=False)}", flush=True)
        n += 1
        if rng.random() < 0.1:
            store.finalise(current, close)
            print(f"closed {current}", flush=True)
            current = new_attempt(store)


if __name__ == "__main__":
    main()
