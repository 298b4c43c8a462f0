"""Data for the benchmark suite (benchmarks/run.py): a 100-question paper, a 10,000-question bank and stores
holding N closed attempts, all made through the product's public API so that they keep working when the store's
layout or the bank loader's internals change.

* :func:`write_paper_dir` writes ``bench100.paper.yaml`` (100 objective questions drawn from the built-in banks:
  50 single, 20 multiple, 30 judge) into a folder given to the app as ``--banks-dir``/``EXAM_BANKS_DIRS``.
* :func:`write_big_bank` writes a bank of 10,000 questions in the built-in banks' format (about 7.5 MB): the
  built-in questions repeated under new ids, so the text is real Chinese and every citation and quote is valid
  against the built-in source documents (the loader checks each quote against the cited text).
* :func:`build_store` fills a store with N closed attempts of that paper, one per trainee, each drawn with
  ``assemble_paper``, graded with ``grade_paper`` and added with ``ExamService.import_attempts`` (which seals them),
  so the store writes its files in whatever layout it has.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

from exam.attempts import Attempt, AttemptStatus, Response, to_iso
from exam.models import OPTION_LETTERS, Question, Trainee
from exam.papers import assemble_paper
from exam.plugins import Registry
from exam.scoring import grade_paper, has_passed, total_score
from exam.service import ExamService
from exam.store import open_store

PAPER_ID = "bench100"
PAPER_FILE = f"{PAPER_ID}.paper.yaml"
PAPER_QUESTIONS = 100
PAPER_YAML = f"""\
# benchmarks/data.py: a 100-question paper of objective questions from the built-in banks.
paper:
  id: {PAPER_ID}
  title: 性能测试综合卷
  time_limit: 120
  pass_mark: 60
  attempts: 0
  show_answers: true
  sections:
    - {{title: 单项选择题, type: single, count: 50, points: 1}}
    - {{title: 多项选择题, type: multiple, count: 20, points: 1.5}}
    - {{title: 判断题, type: judge, count: 30, points: 1}}
"""
BIG_BANK_ID = "bench-10k"
BIG_BANK_FILE = f"{BIG_BANK_ID}.bank.yaml"
TZ = timezone(timedelta(hours=8))


def write_paper_dir(folder: Path) -> Path:
    """Write the 100-question paper into ``folder`` (created); returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / PAPER_FILE).write_text(PAPER_YAML, encoding="utf-8")
    return folder


def builtin_bank_files() -> list[Path]:
    """The YAML files the built-in bank plugins read (banks, papers and statute texts), for the C-parse floor."""
    import exam

    plugins = Path(exam.__file__).resolve().parent.parent / "plugins"
    found = sorted(plugins.glob("exam_bank_*/*.yaml")) + sorted(plugins.glob("exam_final_exam/*.yaml"))
    if not found:  # installed as a wheel: the plugin packages sit in site-packages
        import importlib.util

        for name in ("speech", "constitution", "deputies", "organic", "election"):
            spec = importlib.util.find_spec(f"exam_bank_{name}")
            if spec and spec.origin:
                found += sorted(Path(spec.origin).parent.glob("*.yaml"))
    return found


def write_big_bank(folder: Path, count: int = 10_000) -> Path:
    """Write a bank of ``count`` questions (built-in questions under new ids, with valid citations); returns its
    path. Raises ``RuntimeError`` when the built-in bank files cannot be found."""
    raw_banks = []
    for path in builtin_bank_files():
        if path.name.endswith(".bank.yaml"):
            raw_banks.append(yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader))
    if not raw_banks:
        raise RuntimeError("the built-in bank files were not found")
    sources: list[str] = []
    equivalents: list[Any] = []
    pool: list[dict[str, Any]] = []
    for raw in raw_banks:
        meta = raw["bank"]
        sources += [s for s in meta.get("sources", []) if s not in sources]
        equivalents += [e for e in meta.get("equivalents", []) if e not in equivalents]
        pool += raw["questions"]
    questions = []
    for n in range(count):
        question = dict(pool[n % len(pool)])
        copy = n // len(pool)
        question["id"] = f"{question['id']}-{copy:03d}-{n:05d}"
        if question.get("group"):
            question["group"] = f"{question['group']}-{copy:03d}"
        questions.append(question)
    bank = {
        "bank": {
            "id": BIG_BANK_ID,
            "title": "性能测试大题库",
            "version": "1.0",
            "description": "benchmarks/data.py：内置题库的题目换用新编号重复，至一万题",
            "sources": sources,
            "equivalents": equivalents,
        },
        "questions": questions,
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / BIG_BANK_FILE
    text = yaml.dump(
        bank, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False, width=4096, default_flow_style=None
    )
    path.write_text("# benchmarks/data.py: a generated bank in the built-in banks' format.\n" + text, "utf-8")
    return path


class _PlainDumper(yaml.CSafeDumper):
    """Writes repeated values in full: the bank loader refuses YAML anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def response_for(question: Question, rng: random.Random) -> Any:
    """A plausible response to an objective question: right about 70 % of the time."""
    answer, qtype = question.answer, question.type
    right = rng.random() < 0.7
    if qtype == "single":
        letters = OPTION_LETTERS[: len(question.options)]
        return answer if right else rng.choice([c for c in letters if c != answer])
    if qtype == "multiple":
        chosen = list(answer)  # type: ignore[arg-type]
        return chosen if right or len(chosen) < 2 else chosen[:-1]
    if qtype == "judge":
        return answer if right else not answer
    return None


def closed_attempts(registry: Registry, count: int, start: int = 0, seed: int = 2026) -> Iterator[Attempt]:
    """``count`` closed attempts of the 100-question paper, trainee ``B{number:06d}`` each (numbers from
    ``start``), drawn and graded as the app does."""
    spec = registry.papers[PAPER_ID]
    rng = random.Random(seed + start)
    base = datetime(2026, 1, 5, 8, 0, tzinfo=TZ)
    for number in range(start, start + count):
        trainee = Trainee(f"学员{number:06d}", f"B{number:06d}", f"第{number % 97}镇", "人大主席")
        drawn = assemble_paper(spec, registry.banks, f"bench-{number}")
        started = base + timedelta(minutes=number)
        responses = {q.id: response_for(q.question, rng) for q in drawn.questions if rng.random() < 0.97}
        answers = grade_paper(drawn, responses, registry.types)
        score = total_score(a.points for a in answers)
        yield Attempt(
            attempt_id=uuid.UUID(int=rng.getrandbits(128), version=4).hex,
            trainee=trainee,
            paper=spec.id,
            paper_title=spec.title,
            status=AttemptStatus.SUBMITTED,
            started_at=started,
            deadline=started + timedelta(minutes=spec.time_limit),
            max_score=drawn.max_score,
            origin="bench",
            submitted_at=started + timedelta(minutes=spec.time_limit - 7),
            score=score,
            passed=has_passed(score, drawn.pass_mark),
            drawn=drawn,
            responses={qid: Response(value, to_iso(started)) for qid, value in responses.items()},
            answers=answers,
        )


def trainee(number: int) -> Trainee:
    """The trainee of stored attempt ``number`` (as :func:`closed_attempts` made it)."""
    return Trainee(f"学员{number:06d}", f"B{number:06d}", f"第{number % 97}镇", "人大主席")


def build_store(registry: Registry, location: Path, count: int, batch: int = 500) -> None:
    """Fill the (new) store at ``location`` with ``count`` closed, sealed attempts through
    ``ExamService.import_attempts``, ``batch`` at a time. Raises whatever the store raises."""
    service = ExamService(registry, open_store(location))
    done = 0
    while done < count:
        size = min(batch, count - done)
        added, skipped = service.import_attempts(list(closed_attempts(registry, size, start=done)))
        if added != size:
            raise RuntimeError(f"import added {added} of {size} attempts ({skipped} skipped)")
        done += size
