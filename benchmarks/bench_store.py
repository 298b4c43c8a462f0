"""Benchmark of the results store: does saving an answer cost more as results pile up?

For 100, 1,000 and 10,000 stored (finalised) attempts it prints:

* the time of one durable answer save as the exam screen makes it (``ExamService.save_answer`` with the window's
  session: the response checked against the drawn paper, the lease and the stored deadline read under the
  journal lock, one line appended and fsynced; median of many) next to the floor — appending the same bytes to a
  file in the same folder with ``fsync`` — and their ratio (target: within 3 x, and flat as attempts pile up);
* the store's part of it alone (``TinyDBAttemptStore.save_answer``), for information;
* the time to submit (finalise) one attempt with ``ExamService.submit`` (grading, the attempt file, the index
  shard, the 错题本 record; target < 50 ms at 10,000) and with ``TinyDBAttemptStore.finalise`` alone;
* the time to start an attempt (for information: it scans the index for expired attempts and the trainee's
  attempts, so it does grow with the number of attempts);
* for contrast, stock TinyDB (one ``JSONStorage`` file holding every attempt): one answer save rewrites the whole
  file (skipped above 1,000 attempts, where it takes seconds per save).

The stored attempts are real finalised attempts (papers drawn from the built-in banks, graded answers), written
directly in the store's layout (``attempts/<xx>/<id>.json``, ``index/<xx>.json``, ``records/wrong_book/<xx>.json``)
because creating 10,000 of them through the durable API would take minutes; ``os.sync()`` runs before timing.

Run from the project root::

    .venv/bin/python benchmarks/bench_store.py               # 100, 1,000, 10,000 (about 1 GB of temp files)
    .venv/bin/python benchmarks/bench_store.py --sizes 100,1000 --dir /var/tmp

See benchmarks/README.md for the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import JSONStorage

from exam.attempts import Attempt, AttemptStatus, Response, to_iso
from exam.models import OPTION_LETTERS, Question, Trainee
from exam.papers import assemble_paper
from exam.plugins import Registry, load_registry
from exam.scoring import grade_paper, has_passed, total_score
from exam.service import ExamService
from exam.store import TinyDBAttemptStore

PAPERS = ("speech", "constitution", "deputies-law", "final")
ATTEMPTS_PER_TRAINEE = 4
TZ = timezone(timedelta(hours=8))


# -- data ----------------------------------------------------------------------------------------------------------


def response_for(question: Question, rng: random.Random) -> Any:
    """A plausible response: right about 70% of the time."""
    answer, qtype = question.answer, question.type
    right = rng.random() < 0.7
    if qtype == "single":
        return answer if right else rng.choice([c for c in OPTION_LETTERS[: len(question.options)] if c != answer])
    if qtype == "multiple":
        return list(answer) if right else sorted(answer[:-1])  # type: ignore[index]
    if qtype == "judge":
        return answer if right else not answer
    if qtype == "blank":
        return [str(group[0]) if right else "不知道" for group in answer]  # type: ignore[union-attr]
    return answer.reference[:60] if right else "记不清了"  # type: ignore[union-attr]


def closed_templates(registry: Registry, count: int, rng: random.Random) -> list[dict[str, Any]]:
    """``count`` finalised attempts (their stored JSON) with real drawn papers and graded responses, to be copied
    with new ids."""
    templates = []
    for i in range(count):
        spec = registry.papers[PAPERS[i % len(PAPERS)]]
        drawn = assemble_paper(spec, registry.banks, f"template-{i}")
        started = datetime(2026, 11, 26, 9, 0, tzinfo=TZ)
        responses = {q.id: response_for(q.question, rng) for q in drawn.questions}
        answers = grade_paper(drawn, responses, registry.types)
        score = total_score(a.points for a in answers)
        attempt = Attempt(
            attempt_id="0" * 32,
            trainee=Trainee("", ""),
            paper=spec.id,
            paper_title=spec.title,
            status=AttemptStatus.SUBMITTED,
            started_at=started,
            deadline=started + timedelta(minutes=spec.time_limit),
            max_score=drawn.max_score,
            origin="bench",
            submitted_at=started + timedelta(minutes=spec.time_limit - 3),
            score=score,
            passed=has_passed(score, drawn.pass_mark),
            drawn=drawn,
            responses={qid: Response(value, to_iso(started)) for qid, value in responses.items()},
            answers=answers,
        )
        templates.append(attempt.to_json())
    return templates


def write_json(path: Path, data: Any) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def populate(root: Path, n: int, templates: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    """Write ``n`` finalised attempts (and their trainees' 错题本) straight into the store's layout."""
    TinyDBAttemptStore(root)  # creates the folders
    shards: dict[str, list[dict[str, Any]]] = {}
    books: dict[str, dict[str, dict[str, Any]]] = {}
    written = []
    base = datetime(2025, 1, 1, 9, 0, tzinfo=TZ)
    for i in range(n):
        template = templates[i % len(templates)]
        trainee_id = f"{i // ATTEMPTS_PER_TRAINEE:06d}"
        started = base + timedelta(hours=i)
        attempt = dict(
            template,
            attempt_id=uuid.UUID(int=rng.getrandbits(128), version=4).hex,
            trainee={"name": f"学员{trainee_id}", "id": trainee_id, "unit": f"第{i % 37}镇", "position": "人大主席"},
            started_at=to_iso(started),
            submitted_at=to_iso(started + timedelta(minutes=20)),
            deadline=to_iso(started + timedelta(minutes=30)),
        )
        folder = root / "attempts" / attempt["attempt_id"][:2]
        folder.mkdir(exist_ok=True, mode=0o700)
        write_json(folder / f"{attempt['attempt_id']}.json", {"attempt": {"1": attempt}})
        summary = {k: v for k, v in attempt.items() if k not in ("drawn", "responses", "answers", "history")}
        shards.setdefault(attempt["attempt_id"][:2], []).append(summary)
        book = books.setdefault(trainee_id, {})
        for answer in attempt["answers"]:
            if answer["type"] != "short" and answer["points"] < answer["max_points"]:
                entry = book.setdefault(answer["question_id"], {"streak": 0, "wrong": 0})
                entry["wrong"] += 1
        written.append(attempt)
    for shard, rows in shards.items():
        write_json(root / "index" / f"{shard}.json", {"_default": {str(k): row for k, row in enumerate(rows, 1)}})
    import hashlib

    record_shards: dict[str, dict[str, Any]] = {}
    for trainee_id, book in books.items():
        shard = hashlib.sha1(trainee_id.encode()).hexdigest()[:2]
        records = record_shards.setdefault(shard, {})
        records[str(len(records) + 1)] = {"key": trainee_id, "value": book}
    (root / "records" / "wrong_book").mkdir(exist_ok=True, mode=0o700)
    for shard, records in record_shards.items():
        write_json(root / "records" / "wrong_book" / f"{shard}.json", {"_default": records})
    return written


# -- timing --------------------------------------------------------------------------------------------------------


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed(fn: Callable[..., Any], *args: Any) -> float:
    """Seconds one call of ``fn(*args)`` takes."""
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


def floor_append(path: Path, data: bytes) -> None:
    """The floor: append the same bytes to a file and fsync it (open, write, fsync, close)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def answer_line(question_id: str, response: Any, at: str) -> bytes:
    """The bytes ``save_answer`` appends (kept in step with TinyDBAttemptStore.save_answer)."""
    text = json.dumps({"q": question_id, "r": response, "t": at}, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8") + b"\n"


def measure(root: Path, n: int, registry: Registry, saves: int, submits: int, rng: random.Random) -> dict[str, float]:
    store = TinyDBAttemptStore(root)
    service = ExamService(registry, store)
    results: dict[str, float] = {}

    start_times, attempts = [], []
    for k in range(submits + 1):
        trainee = Trainee(f"计时{k}", f"T{n}-{k}", "计时镇")
        started = time.perf_counter()
        attempts.append(service.start_attempt("speech", trainee))
        start_times.append(time.perf_counter() - started)
    results["start"] = median_ms(start_times)

    # One durable answer save as the exam screen makes it, and the floor, alternating so both see the same disk
    # weather; then the store's part alone.
    attempt = attempts[0]
    session = service.open_attempt(attempt.attempt_id)
    questions = [q.question for q in attempt.paper_snapshot.questions]
    at = to_iso(datetime.now(TZ))
    floor_path = root / "attempts" / attempt.attempt_id[:2] / "floor.journal"
    service_samples, store_samples, floor_samples = [], [], []
    for k in range(saves):
        question = questions[k % len(questions)]
        response = response_for(question, rng)
        line = answer_line(question.id, response, at)
        service_samples.append(timed(service.save_answer, attempt.attempt_id, question.id, response, session))
        floor_samples.append(timed(floor_append, floor_path, line))
        store_samples.append(timed(store.save_answer, attempt.attempt_id, question.id, response, at))
    floor_path.unlink()
    results["save"] = median_ms(service_samples)
    results["floor"] = median_ms(floor_samples)
    results["ratio"] = results["save"] / results["floor"]
    results["store_save"] = median_ms(store_samples)

    # Submitting: the full service path on some attempts, the store's finalise alone on the others.
    def finish(current: Attempt) -> Attempt:
        responses = {q: r.value for q, r in current.responses.items()}
        answers = grade_paper(current.paper_snapshot, responses, registry.types)
        score = total_score(a.points for a in answers)
        closed = AttemptStatus.SUBMITTED
        return replace(current, answers=answers, score=score, status=closed, submitted_at=current.started_at)

    submit_samples, finalise_samples = [], []
    for k, open_attempt in enumerate(attempts[1:]):
        for question in [q.question for q in open_attempt.paper_snapshot.questions][:10]:
            service.save_answer(open_attempt.attempt_id, question.id, response_for(question, rng))
        if k % 2 == 0:
            submit_samples.append(timed(service.submit, open_attempt.attempt_id))
        else:
            finalise_samples.append(timed(store.finalise, open_attempt.attempt_id, finish))
    service.submit(attempt.attempt_id)
    results["submit"] = median_ms(submit_samples)
    results["finalise"] = median_ms(finalise_samples)
    return results


def measure_stock(folder: Path, attempts: list[dict[str, Any]], repeat: int, rng: random.Random) -> float:
    """Stock TinyDB: every attempt in one JSONStorage file; one answer save is one ``update`` (whole-file rewrite)."""
    path = folder / "stock.json"
    write_json(path, {"attempts": {str(k): a for k, a in enumerate(attempts, 1)}})
    os.sync()
    db = TinyDB(path, storage=JSONStorage)
    table = db.table("attempts")
    doc_id = rng.randint(1, len(attempts))
    question_id = next(iter(attempts[doc_id - 1]["responses"]))

    def setter(k: int) -> Callable[[Any], None]:
        def save(doc: Any) -> None:
            doc["responses"][question_id] = {"response": f"A{k}", "at": "now"}

        return save

    samples = [timed(table.update, setter(k), None, [doc_id]) for k in range(repeat)]
    db.close()
    path.unlink()
    return median_ms(samples)


# -- main ----------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="stored attempts to test (comma separated)")
    parser.add_argument("--dir", default=None, help="where to create the temporary stores (default: system temp)")
    parser.add_argument("--saves", type=int, default=200, help="answer saves timed per size (median reported)")
    parser.add_argument("--submits", type=int, default=20, help="submissions timed per size")
    parser.add_argument("--stock-max", type=int, default=1000, help="largest size to time stock TinyDB at (0: never)")
    parser.add_argument("--stock-repeat", type=int, default=5, help="stock TinyDB saves timed per size")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    rng = random.Random(20261126)

    registry = load_registry()
    if registry.failures:
        print("plugin problems:", registry.failures, file=sys.stderr)
    missing = [p for p in PAPERS if p not in registry.papers]
    if missing:
        print(f"missing built-in papers: {missing}", file=sys.stderr)
        return 1
    templates = closed_templates(registry, 40, rng)
    size_kb = statistics.mean(len(json.dumps(t, ensure_ascii=False).encode()) for t in templates) / 1024

    print(f"python {platform.python_version()} on {platform.system()} {platform.machine()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"stored attempts are real finalised attempts of the built-in papers, {size_kb:.0f} KB each on average")
    print(f"medians of {args.saves} saves and {args.submits} submissions per size; times in ms\n")
    header = (
        f"{'stored':>7} | {'save':>6} | {'floor':>6} | {'ratio':>5} | {'store':>7} | {'submit':>6} | "
        f"{'finalise':>8} | {'start':>6} | {'stock TinyDB save':>17} | generated in"
    )
    print(header)
    print("-" * len(header))
    for n in sizes:
        base = Path(tempfile.mkdtemp(prefix=f"bench-store-{n}-", dir=args.dir))
        try:
            began = time.perf_counter()
            stored = populate(base / "store", n, templates, rng)
            os.sync()
            generated = time.perf_counter() - began
            r = measure(base / "store", n, registry, args.saves, args.submits, rng)
            stock = "skipped"
            if 0 < n <= args.stock_max:
                stock = f"{measure_stock(base, stored, args.stock_repeat, rng):.1f}"
            del stored
            print(
                f"{n:>7} | {r['save']:>6.2f} | {r['floor']:>6.2f} | {r['ratio']:>5.2f} | {r['store_save']:>7.2f} | "
                f"{r['submit']:>6.2f} | {r['finalise']:>8.2f} | {r['start']:>6.1f} | {stock:>17} | {generated:.1f} s",
                flush=True,
            )
        finally:
            shutil.rmtree(base, ignore_errors=True)
    print(
        "\nsave: ExamService.save_answer with the window's session, as the exam screen calls it (checks the response,"
        "\n  reads lease and deadline under the journal lock, appends + fsync);"
        "\nfloor: the same bytes appended with fsync;"
        "\nstore: TinyDBAttemptStore.save_answer alone (no check of lease or deadline);"
        "\nsubmit: ExamService.submit (grade, finalise, seal, 错题本); finalise: TinyDBAttemptStore.finalise alone;"
        "\nstart: ExamService.start_attempt (scans the index); stock: one update of a stock TinyDB JSONStorage file."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
