"""Benchmark: answer save and close latency with 1, 20 and 100 concurrent writers, TinyDB folder vs PostgreSQL.

Each writer is a process sitting its own attempt of the speech paper the way the app does: ``ExamService``
``start_attempt``, then ``save_answer`` for every question (each durable before it returns), then ``submit``. All
writers start together (a barrier). Printed per backend and writer count: the median and 95th percentile of one
answer save and of one close (submit: grading, the closed attempt, the 错题本), and the throughput of saves.

Run from the project root (PostgreSQL: the URL of a database the benchmark may create tables in; each run uses a
fresh database created next to it)::

    .venv/bin/python benchmarks/bench_store_backends.py --postgres postgresql://exam@127.0.0.1:5432/postgres
    .venv/bin/python benchmarks/bench_store_backends.py --quick      # 1 and 5 writers, 5 answers each (CI)

The figures of the last full run are in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exam.models import Trainee  # noqa: E402
from exam.plugins import Registry, load_registry  # noqa: E402
from exam.service import ExamService  # noqa: E402
from exam.store import open_store  # noqa: E402

PAPER = "speech"


def writer(registry: Registry, location: str, number: int, answers: int, barrier: Any, results: Any) -> None:
    """One trainee's exam: start, ``answers`` saves, submit; reports the timings (seconds) or the error."""
    try:
        service = ExamService(registry, open_store(location))
        trainee = Trainee(f"学员{number}", f"B{number:04d}", "城关镇")
        barrier.wait()
        attempt = service.start_attempt(PAPER, trainee)
        saves = []
        for drawn in attempt.paper_snapshot.questions[:answers]:
            question = drawn.question
            response: Any = question.answer
            if question.type == "blank":
                response = ["答案"] * len(question.answer)  # type: ignore[arg-type]
            elif question.type == "short":
                response = "答案"
            start = time.perf_counter()
            service.save_answer(attempt.attempt_id, question.id, response)
            saves.append(time.perf_counter() - start)
        start = time.perf_counter()
        service.submit(attempt.attempt_id)
        close = time.perf_counter() - start
        results.put((saves, close, None))
    except BaseException as exc:  # reported, not lost in a child's stderr
        results.put(([], 0.0, f"{type(exc).__name__}: {exc}"))


def run(registry: Registry, location: str, writers: int, answers: int) -> dict[str, Any]:
    open_store(location)  # create or migrate once, before the clock starts
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(writers), ctx.Queue()
    procs = [
        ctx.Process(target=writer, args=(registry, location, n, answers, barrier, results)) for n in range(writers)
    ]
    started = time.perf_counter()
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=900) for _ in procs]
    elapsed = time.perf_counter() - started
    for proc in procs:
        proc.join(timeout=60)
    errors = [error for _, _, error in outcomes if error]
    saves = sorted(s for batch, _, error in outcomes if not error for s in batch)
    closes = sorted(close for _, close, error in outcomes if not error)
    if not saves or not closes:
        return {"failed": len(errors), "error": errors[0]}
    return {
        "failed": len(errors),
        "error": errors[0] if errors else "",
        "save_median_ms": 1000 * statistics.median(saves),
        "save_p95_ms": 1000 * saves[int(0.95 * (len(saves) - 1))],
        "close_median_ms": 1000 * statistics.median(closes),
        "close_p95_ms": 1000 * closes[int(0.95 * (len(closes) - 1))],
        "saves_per_s": len(saves) / elapsed,
    }


def fresh_database(admin: str) -> str:
    import psycopg

    name = f"exam_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(admin)._replace(path=f"/{name}"))


def drop_database(url: str, admin: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--postgres", default=os.environ.get("EXAM_TEST_POSTGRES"), help="admin URL of a server")
    parser.add_argument("--writers", default="1,20,100")
    parser.add_argument("--answers", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="1 and 5 writers, 5 answers: only that it runs")
    args = parser.parse_args()
    counts = [1, 5] if args.quick else [int(n) for n in args.writers.split(",")]
    answers = 5 if args.quick else args.answers
    registry = load_registry()
    print(f"machine: {os.cpu_count()} CPUs; {answers} answers per writer; medians and 95th percentiles\n")
    print("| backend | writers | save median | save p95 | close median | close p95 | saves/s |")
    print("|---|---|---|---|---|---|---|")
    failures = 0
    for backend in ("tinydb", "postgres"):
        if backend == "postgres" and not args.postgres:
            print("| postgres | – | skipped: no --postgres URL | | | | |")
            continue
        for writers in counts:
            if backend == "tinydb":
                folder = tempfile.mkdtemp(prefix="exam-bench-")
                figures = run(registry, folder, writers, answers)
            else:
                url = fresh_database(args.postgres)
                try:
                    figures = run(registry, url, writers, answers)
                finally:
                    drop_database(url, args.postgres)
            failures += int(figures["failed"])
            failed = f" ({int(figures['failed'])} of {writers} failed: {figures['error']})" if figures["failed"] else ""
            if "save_median_ms" not in figures:
                print(f"| {backend} | {writers} | – | – | – | – | –{failed} |", flush=True)
                continue
            print(
                f"| {backend} | {writers} | {figures['save_median_ms']:.1f} ms | {figures['save_p95_ms']:.1f} ms | "
                f"{figures['close_median_ms']:.1f} ms | {figures['close_p95_ms']:.1f} ms | "
                f"{figures['saves_per_s']:.0f}{failed} |",
                flush=True,
            )
    if failures:  # a writer that failed is a fault of the store, not a slow figure (CI fails on it)
        print(f"\n{failures} writer(s) failed: see the rows above", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
