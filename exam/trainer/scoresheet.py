"""Score sheets (成绩单) from stored attempts, laid out to be printed and sent upward.

Sheets, in workbook order: 成绩单 (one row per trainee, ranked or by 单位), 答题明细 (one row per trainee, one column
per drawn position 第1题…第N题: papers are drawn at random, so position, not question, is the column), 试题分析
(Moodle's item statistics), 单位统计 (per 单位: 应考、参考、在考、缺考、平均分、最高、最低、合格率, with a chart),
知识点掌握 (score rate per tag and per cited chapter, with a chart), 汇总 (head counts and the score distribution,
with a chart) and 明细数据 (one row per trainee × question, the long format a pivot table reads). Every sheet opens
with a title block: paper, period, head counts, when it was made.

The data is built here as a :class:`~exam.exporters.ScoreSheet`; an exporter (:mod:`exam.sheets`: csv, xlsx, or a
plugin's) writes it. The store is read once (:func:`read_attempts`), one whole attempt in memory at a time: what the
sheets need of it goes into summaries, running totals (:class:`~exam.trainer.analysis.PaperAnalysis`, per-question
tallies) and, for 答题明细 and 明细数据, an :class:`AnswerSpool` on disk read back row by row as the sheet is written
(issue 17: 10,000 attempts × 100 questions took gigabytes when every attempt was held).

One row per trainee: the best closed attempt (highest score, then the earliest), or every
closed attempt with ``all_attempts``. A trainee with an attempt under way and none closed is listed as 在考; roster
members (``exam roster import``) with neither are 缺考. Column names follow the language of the catalogue.
"""

from __future__ import annotations

import contextlib
import gc
import json
import marshal
import math
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from exam.attempts import Attempt, AttemptStatus
from exam.errors import NotFoundError
from exam.exporters import BarChart, LazyRows, ScoreSheet, SheetTable
from exam.i18n import t
from exam.models import Question
from exam.seals import SealCheck, SealedAnswersWriter
from exam.service import ExamService
from exam.sources import PREAMBLE, Citation, SourceLibrary
from exam.trainer.analysis import (
    DISTRACTOR_OVER_KEY,
    NEGATIVE_DISCRIMINATION,
    ItemStatistics,
    PaperAnalysis,
    PaperStatistics,
)

BANDS = ((0, 59), (60, 69), (70, 79), (80, 89), (90, 100))
"""Score bands in percent of full marks (by the whole percent below the score: 69.5 % is in 60–69 %)."""

Progress = Callable[[Sequence[Attempt]], Iterable[Attempt]]


@dataclass(frozen=True)
class Selection:
    """Which attempts a score sheet or an item analysis covers.

    Attributes:
        paper: Paper id.
        date_from: First day (inclusive) by the date the attempt started, in its own time zone.
        date_to: Last day (inclusive).
        unit: Only trainees of this 单位 (exact match after trimming spaces).
        all_attempts: Every closed attempt rather than each trainee's best.
    """

    paper: str
    date_from: date | None = None
    date_to: date | None = None
    unit: str | None = None
    all_attempts: bool = False

    def matches(self, summary: Attempt, include_open: bool = False) -> bool:
        """Whether a stored attempt (summary or full) is in the selection; one under way only with ``include_open``."""
        if summary.paper != self.paper or not (summary.closed or include_open):
            return False
        if self.unit is not None and summary.trainee.unit.strip() != self.unit.strip():
            return False
        day = summary.started_at.date()
        if self.date_from is not None and day < self.date_from:
            return False
        return not (self.date_to is not None and day > self.date_to)


PAPER_ENTRY = "paper"
"""The history action of an attempt sat on paper and entered by a trainer (``exam results enter``)."""

SORTS = ("rank", "unit")
"""How 成绩单 is ordered: by rank, or by 单位 (then rank within it)."""


@dataclass
class ScoreReport:
    """The attempts of a selection, who is still sitting it or did not, the item statistics, and what the sheets
    need to print them."""

    selection: Selection
    paper_title: str
    attempts: list[Attempt]
    """The chosen closed attempts ranked best first, as *summaries* (no paper, responses, answers or history: the
    sheets take what they need of those from :attr:`facts`, :attr:`knowledge` and :attr:`spool`)."""
    absent: list[dict[str, str]]
    statistics: PaperStatistics
    questions: dict[str, Question] = field(default_factory=dict)
    type_labels: dict[str, str] = field(default_factory=dict)
    sitting: list[Attempt] = field(default_factory=list)
    """Trainees with an attempt under way and none closed in the selection (在考), one summary each."""
    chapters: dict[str, str] = field(default_factory=dict)
    """Question id → the cited document and chapter (``宪法 · 第三章 国家机构``), for 知识点掌握."""
    made_at: datetime | None = None
    """When the report was read from the store (shown in the title block)."""
    seal_line: str = ""
    """Whether the store verified (:meth:`exam.seals.VerifyReport.status_line`), shown in every title block and 汇总."""
    seal_notes: dict[str, str] = field(default_factory=dict)
    """attempt id → 备注 text for attempts that fail the tamper check or were imported unverified."""
    closed_count: int | None = None
    """Closed attempts in the selection, every one (``attempts`` holds each trainee's best unless ``all_attempts``)."""
    sort: str = "rank"
    facts: dict[str, AttemptFacts] = field(default_factory=dict)
    """attempt id → what 成绩单 needs of its answers and history."""
    knowledge: dict[str, QuestionTally] = field(default_factory=dict)
    """question id → points earned and possible over the chosen attempts (知识点掌握)."""
    spool: AnswerSpool | None = None
    """Each chosen attempt's answers, on disk, for 答题明细 and 明细数据; ``None``: those sheets are empty."""

    def to_sheet(self) -> ScoreSheet:
        """The workbook: 成绩单 first, then 答题明细, 试题分析, 单位统计, 知识点掌握, 汇总 and 明细数据.

        答题明细 and 明细数据 are produced row by row as the exporter writes them (read back from :attr:`spool`),
        so a sheet of 10,000 attempts × 100 questions is never in memory whole.
        """
        spool = self.spool or AnswerSpool()
        main = score_table(
            self.attempts, self.facts, self.absent, self.type_labels, self.sitting, self.sort, self.seal_notes
        )
        tables = (
            detail_table(self.attempts, spool),
            analysis_table(self.statistics, self.questions, self.type_labels),
            unit_table(self.attempts, self.absent, self.sitting),
            knowledge_table(self.knowledge, self.questions, self.chapters),
            summary_table(
                self.paper_title,
                self.attempts,
                self.absent,
                self.statistics,
                self.sitting,
                self.closed_count,
                self.seal_line,
            ),
            long_table(self.attempts, spool, self.questions, self.chapters, self.type_labels),
        )
        return ScoreSheet(
            main.title,
            main.headers,
            main.rows,
            tuple(replace(table, preamble=self.preamble(table.title, table.preamble)) for table in tables),
            preamble=self.preamble(main.title),
        )

    def preamble(self, sheet: str, notes: Sequence[str] = ()) -> tuple[str, ...]:
        """A sheet's title block: ``结业综合考试 · 成绩单``; the period, unit and head counts; when it was made; the
        store's verification (when checked) and the sheet's own notes."""
        days = sorted({a.started_at.date() for a in [*self.attempts, *self.sitting]})
        selection = self.selection
        start = selection.date_from or (days[0] if days else None)
        end = selection.date_to or (days[-1] if days else None)
        period = t("scores.period", start=start.isoformat(), end=end.isoformat()) if start and end else "-"
        trainees = {a.trainee.id for a in self.attempts}
        counts = t(
            "scores.counts",
            expected=len(trainees) + len(self.sitting) + len(self.absent),
            sat=len(trainees),
            sitting=len(self.sitting),
            absent=len(self.absent),
            attempts=self.closed_count if self.closed_count is not None else len(self.attempts),
        )
        unit = selection.unit.strip() if selection.unit else t("scores.all_units")
        made = _local(self.made_at).strftime("%Y-%m-%d %H:%M") if self.made_at else ""
        lines = [
            t("scores.heading", paper=self.paper_title or selection.paper, sheet=sheet),
            t("scores.facts", period=period, unit=unit, counts=counts, made=made),
        ]
        if self.seal_line:
            lines.append(self.seal_line)
        return (*lines, *notes)


# -- choosing the attempts ----------------------------------------------------------------------------------------


def best_per_trainee(attempts: Iterable[Attempt]) -> list[Attempt]:
    """Each trainee's highest-scoring attempt; between equal scores the earlier one."""
    best: dict[str, Attempt] = {}
    for attempt in attempts:
        trainee_id = attempt.trainee.id
        current = best.get(trainee_id)
        if current is None or (_score(attempt), current.started_at) > (_score(current), attempt.started_at):
            best[trainee_id] = attempt
    return list(best.values())


def absentees(roster: Mapping[str, Any], attempts: Iterable[Attempt], unit: str | None = None) -> list[dict[str, str]]:
    """Roster members (``store.all_records("roster")``) with no attempt among ``attempts``, in 考号 order."""
    sat = {a.trainee.id for a in attempts}
    absent = []
    for key, member in sorted(roster.items()):
        if not isinstance(member, Mapping):
            continue
        person = {f: str(member.get(f) or "") for f in ("name", "id", "unit", "position")}
        person["id"] = person["id"] or str(key)
        if person["id"] in sat:
            continue
        if unit is not None and person["unit"].strip() != unit.strip():
            continue
        absent.append(person)
    return absent


@dataclass(frozen=True, slots=True)
class AttemptFacts:
    """What 成绩单 needs of one attempt beyond its summary (a few hundred bytes; the whole attempt holds its paper).

    Attributes:
        type_points: Points per question type, types in the order the paper has them.
        note: 备注 from the answers and history (:func:`attempt_note`).
        on_paper: Sat on paper and entered by a trainer (:func:`is_paper_entry`).
    """

    type_points: tuple[tuple[str, float], ...]
    note: str
    on_paper: bool

    @classmethod
    def of(cls, attempt: Attempt) -> AttemptFacts:
        """The facts of a whole attempt."""
        by_type: dict[str, float] = {}
        for answer in attempt.answers:
            by_type[answer.type] = by_type.get(answer.type, 0.0) + answer.points
        return cls(tuple(by_type.items()), attempt_note(attempt), is_paper_entry(attempt))


@dataclass(slots=True)
class QuestionTally:
    """Points earned and possible on one question over the chosen attempts, and how many responses (answers with
    points possible) they come from: the running sums behind 知识点掌握."""

    earned: float = 0.0
    possible: float = 0.0
    responses: int = 0


SpooledAnswer = tuple[str, str, str, float, float]
"""One answer as 明细数据 needs it: question id, type, the response as text, points, points possible."""


class AnswerSpool:
    """Each attempt's answers in an anonymous temporary file (removed when closed or collected), read back one
    attempt at a time in whatever order a sheet lists them.

    A score sheet reads the store once, oldest first, but lists the attempts best first; keeping the answers of
    10,000 attempts in memory until the ranking is known would take gigabytes, re-reading them from the store
    would take a second pass over it. Records are :mod:`marshal` data (plain tuples of text and numbers: nothing
    in them can run code when read back).
    """

    def __init__(self) -> None:
        self._file: Any = None
        self._where: dict[str, tuple[int, int, int]] = {}  # attempt id → (offset, bytes, answers)

    def add(self, attempt_id: str, marks: tuple[str, ...], answers: tuple[SpooledAnswer, ...]) -> None:
        """Keep one attempt's 答题明细 marks and its answers."""
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="exam-report-")  # noqa: SIM115  # lives as long as the report
        data = marshal.dumps((marks, answers))
        self._file.seek(0, os.SEEK_END)
        self._where[attempt_id] = (self._file.tell(), len(data), len(answers))
        self._file.write(data)

    def get(self, attempt_id: str) -> tuple[tuple[str, ...], tuple[SpooledAnswer, ...]]:
        """The marks and answers kept for ``attempt_id``; empty for one never added."""
        where = self._where.get(attempt_id)
        if where is None or self._file is None:
            return (), ()
        self._file.seek(where[0])
        marks, answers = marshal.loads(self._file.read(where[1]))  # marshal gives tuples back as tuples
        return marks, answers

    def answer_count(self, attempt_id: str) -> int:
        """How many answers are kept for ``attempt_id`` (without reading them)."""
        where = self._where.get(attempt_id)
        return where[2] if where is not None else 0

    def close(self) -> None:
        """Remove the file."""
        if self._file is not None:
            self._file.close()
            self._file = None
            self._where.clear()


class _Reading:
    """The running totals of a report, fed one whole attempt at a time (:meth:`take`)."""

    def __init__(self, places: Mapping[str, int], spool: AnswerSpool | None) -> None:
        self.places = places
        self.spool = spool
        self.analysis = PaperAnalysis()
        self.summaries: list[Attempt] = []
        self.facts: dict[str, AttemptFacts] = {}
        self.knowledge: dict[str, QuestionTally] = {}
        self.questions: dict[str, tuple[tuple[int, int], Question]] = {}

    def take(self, attempt: Attempt) -> None:
        place = self.places[attempt.attempt_id]
        self.summaries.append(attempt.summary())
        self.facts[attempt.attempt_id] = AttemptFacts.of(attempt)
        self.analysis.add(attempt.answers, order=place)
        for position, drawn in enumerate(attempt.drawn.questions if attempt.drawn else ()):
            known = self.questions.get(drawn.id)
            if known is None or (place, position) < known[0]:  # as the best-ranked attempt saw it
                self.questions[drawn.id] = ((place, position), drawn.question)
        for answer in attempt.answers:
            if answer.max_points:
                tally = self.knowledge.setdefault(answer.question_id, QuestionTally())
                tally.earned += answer.points
                tally.possible += answer.max_points
                tally.responses += 1
        if self.spool is not None:
            self.spool.add(
                attempt.attempt_id,
                tuple(response_mark(a.type, a.response, a.points, a.max_points) for a in attempt.answers),
                tuple(
                    (a.question_id, a.type, format_response(a.type, a.response), a.points, a.max_points)
                    for a in attempt.answers
                ),
            )


def read_attempts(
    service: ExamService,
    selection: Selection,
    progress: Progress | None = None,
    seal_check: SealCheck | None = None,
) -> tuple[list[Attempt], _Reading]:
    """Stream the selection's attempts from the store once (:meth:`ExamService.iter_attempts`), one whole attempt
    in memory at a time, into running totals.

    Which attempts (each trainee's best unless ``all_attempts``) and their rank are decided first from the
    summaries, so the statistics list questions in the ranked order and the spool can be read back best first.

    ``seal_check``: each attempt read is also compared with its seals there (so the tamper check reads nothing
    twice).

    Returns:
        ``(closed summaries in the selection, the totals)``.
    """
    matching = [s for s in service.attempts(paper=selection.paper) if selection.matches(s)]
    chosen = matching if selection.all_attempts else best_per_trainee(matching)
    places = {s.attempt_id: place for place, s in enumerate(sorted(chosen, key=_rank_key))}
    reading = _Reading(places, AnswerSpool())
    wanted = [s for s in matching if s.attempt_id in places]
    ticks = iter(progress(wanted)) if progress else None
    for attempt in service.iter_attempts(paper=selection.paper):
        if seal_check is not None:
            seal_check.check(attempt)
        if attempt.attempt_id not in places or attempt.attempt_id in reading.facts:
            continue
        reading.take(attempt)
        if ticks is not None:
            next(ticks, None)
    for _ in ticks or ():
        pass
    reading.summaries.sort(key=_rank_key)
    return matching, reading


def build_report(
    service: ExamService,
    selection: Selection,
    paper_title: str = "",
    find_question: Callable[[str], Question | None] | None = None,
    type_labels: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    sort: str = "rank",
) -> ScoreReport:
    """Everything a score sheet shows, read from the store in one pass (:func:`read_attempts`).

    Args:
        service: Where the attempts and the roster come from.
        selection: Which attempts.
        paper_title: Shown in 汇总.
        find_question: The current bank question by id (the key after a correction); the snapshot stored with an
            attempt is used for questions no bank has any more.
        type_labels: Display name of each question type (``单选题``).
        progress: Wraps the loading of attempts (a progress bar).
        sort: 成绩单 order, one of :data:`SORTS`.
    """
    check = service.seal_check()
    matching, reading = read_attempts(service, selection, progress, seal_check=check)
    attempts = reading.summaries
    sitting = sitting_attempts(service, selection, attempts)
    absent = absentees(service.roster_records(), [*attempts, *sitting], selection.unit)
    verification = check.finish(read_rest=False)
    seal_notes = {a: t("scores.note_unverified") for a in verification.unverified}
    for attempt_id, kind in verification.problems_by_attempt().items():
        seal_notes[attempt_id] = t("scores.note_tampered", kind=t(f"seal.kind_{kind}"))
    questions = {qid: question for qid, (_, question) in sorted(reading.questions.items(), key=lambda i: i[1][0])}
    if find_question is not None:
        for qid in list(questions):
            current = find_question(qid)
            if current is not None:
                questions[qid] = current
    return ScoreReport(
        selection=selection,
        paper_title=paper_title or (attempts[0].paper_title if attempts else selection.paper),
        attempts=attempts,
        absent=absent,
        statistics=reading.analysis.result(questions),
        questions=questions,
        type_labels=dict(type_labels or {}),
        sitting=sitting,
        chapters=chapter_labels(questions.values(), service.registry.sources),
        made_at=service.clock(),
        sort=sort,
        closed_count=len(matching),
        seal_line=verification.status_line(),
        seal_notes=seal_notes,
        facts=reading.facts,
        knowledge=reading.knowledge,
        spool=reading.spool,
    )


@dataclass(frozen=True)
class StatisticsReport:
    """What ``exam stats`` shows: the item analysis of a selection and the questions it is about."""

    paper_title: str
    statistics: PaperStatistics
    questions: dict[str, Question]
    """Question id → the current bank question, or the snapshot its best-ranked attempt saw when no bank has it."""
    read_whole: int = 0
    """Attempts read whole because they had no current sealed-answers record (:func:`exam.seals.sealed_answers`)."""


def build_statistics(
    service: ExamService,
    selection: Selection,
    paper_title: str = "",
    find_question: Callable[[str], Question | None] | None = None,
    progress: Progress | None = None,
) -> StatisticsReport:
    """The item analysis of ``selection`` (``exam stats``): the figures :func:`build_report` gives, without reading
    whole attempts.

    Each attempt's answers come from its sealed-answers record (:func:`exam.seals.sealed_answers`: four short JSON
    lists, used only while they match the attempt's latest seal); only an attempt without a current record (sealed
    before the records existed, a new seal still pending, a record that does not match) is read whole, and one
    that matches its latest seal then gets its record (:class:`~exam.seals.SealedAnswersWriter`), so the next run
    reads it. 10,000 attempts × 100 questions take about 1.6 s (issue 17).

    Raises:
        StoreError: The store, or an attempt that has to be read whole, cannot be read.
    """
    matching = [s for s in service.attempts(paper=selection.paper) if selection.matches(s)]
    ranked = sorted(matching if selection.all_attempts else best_per_trainee(matching), key=_rank_key)
    texts = service.sealed_answers(selection.paper)
    analysis = PaperAnalysis()
    snapshots: dict[str, tuple[int, Question]] = {}
    whole = 0
    writer: SealedAnswersWriter | None = None
    with gc_paused():  # a million small objects made and dropped, no cycle among them
        for place, summary in enumerate(progress(ranked) if progress else ranked):
            columns = _columns(texts.get(summary.attempt_id))
            if columns is not None:
                analysis.add_columns(*columns, order=place)
                continue
            try:
                attempt = service.attempt(summary.attempt_id)
            except NotFoundError:  # listed in the index, its file gone: left out, as a streamed read leaves it
                continue
            whole += 1
            if writer is None:
                writer = SealedAnswersWriter(service.store)
            writer.take(attempt)  # sealed before the records existed: next time its record is read
            analysis.add(attempt.answers, order=place)
            for drawn in attempt.drawn.questions if attempt.drawn else ():
                snapshots.setdefault(drawn.id, (place, drawn.question))  # ranked order: the best-ranked first
        questions: dict[str, Question] = {}
        missing: dict[int, list[str]] = {}
        for qid, (first, _) in analysis.first_seen().items():
            current = find_question(qid) if find_question is not None else None
            snapshot = snapshots.get(qid)
            if current is None and snapshot is not None and snapshot[0] == first:
                current = snapshot[1]
            if current is None:
                missing.setdefault(int(first), []).append(qid)
            else:
                questions[qid] = current
        for place, qids in sorted(missing.items()):  # no bank has them now: the snapshot their best attempt saw
            attempt = service.attempt(ranked[place].attempt_id)
            seen = {drawn.id: drawn.question for drawn in attempt.drawn.questions} if attempt.drawn else {}
            questions.update({qid: seen[qid] for qid in qids if qid in seen})
        statistics = analysis.result(questions)
    if writer is not None:
        writer.write()
    return StatisticsReport(
        paper_title=paper_title or (ranked[0].paper_title if ranked else selection.paper),
        statistics=statistics,
        questions=questions,
        read_whole=whole,
    )


def _columns(text: str | None) -> tuple[list[str], list[float], list[float], list[Any]] | None:
    """``(question ids, points, maxima, responses)`` of a sealed-answers text, ``None`` for none or a malformed one."""
    if text is None:
        return None
    try:
        data = json.loads(text)
        columns = (data["q"], data["p"], data["m"], data["r"])
    except (ValueError, TypeError, KeyError):
        return None
    if not all(type(c) is list for c in columns) or len({len(c) for c in columns}) != 1:
        return None
    return columns


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector (if it runs) for the block: reading 10,000 attempts makes millions of short-lived
    objects, each allocation a step towards a full collection of everything alive, and none of them forms a cycle."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def sitting_attempts(service: ExamService, selection: Selection, closed: Iterable[Attempt]) -> list[Attempt]:
    """One in-progress attempt (summary) per trainee in the selection's unit and dates who has none closed in it."""
    done = {a.trainee.id for a in closed}
    sitting: dict[str, Attempt] = {}
    for summary in service.attempts(paper=selection.paper, status=AttemptStatus.IN_PROGRESS):
        if summary.trainee.id in done or summary.trainee.id in sitting:
            continue
        if selection.matches(summary, include_open=True):
            sitting[summary.trainee.id] = summary
    return sorted(sitting.values(), key=lambda a: (a.trainee.unit, a.trainee.id))


def chapter_labels(questions: Iterable[Question], library: SourceLibrary) -> dict[str, str]:
    """Question id → ``宪法 · 第三章 国家机构`` (a statute's chapter), ``讲话 · 一`` (a speech's part), ``宪法 · 序言``,
    or the document alone when the chapter is unknown; 未注明出处 for a question citing nothing."""
    labels: dict[str, str] = {}
    for question in questions:
        labels[question.id] = chapter_label(question.source, library)
    return labels


def chapter_label(citation: Citation | None, library: SourceLibrary) -> str:
    """See :func:`chapter_labels`."""
    if citation is None or not getattr(citation, "doc", None):
        return t("scores.unsourced")
    title = library.short_title(citation.doc) if citation.doc in library else citation.doc
    part = ""
    if citation.article is not None and citation.doc in library:
        article = library[citation.doc].articles.get(citation.article)
        part = article.chapter if article is not None else ""
    elif citation.section == PREAMBLE:
        part = t("scores.preamble")
    elif citation.section:
        part = citation.section.split("（")[0].split("(")[0]
    return t("scores.chapter", doc=title, chapter=part) if part else title


# -- the sheets ---------------------------------------------------------------------------------------------------


def score_table(
    attempts: Sequence[Attempt],
    facts: Mapping[str, AttemptFacts],
    absent: Sequence[Mapping[str, str]],
    type_labels: Mapping[str, str],
    sitting: Sequence[Attempt] = (),
    sort: str = "rank",
    seal_notes: Mapping[str, str] | None = None,
) -> SheetTable:
    """成绩单: one row per attempt (ranked best first, or by 单位 then rank), then one 在考 row per trainee still
    sitting the paper and one 缺考 row per absent roster member. ``attempts`` are summaries; ``facts`` (attempt id →
    :class:`AttemptFacts`) give the points per type and the 备注; ``seal_notes`` (attempt id → text) adds the tamper
    check's word on an attempt to its 备注."""
    seal_notes = seal_notes or {}
    nothing = AttemptFacts((), "", False)
    types = question_types(facts.get(a.attempt_id, nothing) for a in attempts)
    headers = tuple(
        [t(f"scores.col_{c}") for c in ("seq", "name", "id", "unit", "position", "score", "max_score", "passed",
                                        "duration", "started", "submitted", "how", "rank")]
        + [t("scores.col_type_score", label=type_labels.get(name, name)) for name in types]
        + [t("scores.col_note")]
    )  # fmt: skip
    ranks = competition_ranks([_score(a) for a in attempts])
    ranked = list(zip(attempts, ranks, strict=True))
    if sort == "unit":
        ranked.sort(key=lambda pair: (pair[0].trainee.unit.strip(), pair[1]))
    rows: list[tuple[Any, ...]] = []
    for attempt, rank in ranked:
        trainee = attempt.trainee
        started = _local(attempt.started_at)
        submitted = _local(attempt.submitted_at) if attempt.submitted_at else None
        fact = facts.get(attempt.attempt_id, nothing)
        by_type = dict.fromkeys(types, 0.0)
        by_type.update(fact.type_points)
        on_paper = fact.on_paper
        if on_paper:
            how = t("scores.how_paper")
        elif attempt.status == AttemptStatus.AUTO_SUBMITTED:
            how = t("scores.how_auto")
        else:
            how = t("scores.how_self")
        rows.append(
            (
                len(rows) + 1,
                trainee.name,
                trainee.id,
                trainee.unit,
                trainee.position,
                number(attempt.score),
                number(attempt.max_score),
                t("scores.passed") if attempt.passed else t("scores.failed"),
                submitted - started if submitted and not on_paper else None,
                started,
                submitted,
                how,
                rank,
                *[number(round(by_type[name], 2)) for name in types],
                t("scores.note_sep").join(n for n in (seal_notes.get(attempt.attempt_id), fact.note) if n),
            )
        )
    for attempt in sitting:
        trainee = attempt.trainee
        rows.append(
            (len(rows) + 1, trainee.name, trainee.id, trainee.unit, trainee.position, None, None,
             t("scores.sitting"), None, _local(attempt.started_at), None, t("scores.sitting"), None,
             *[None] * len(types), "")
        )  # fmt: skip
    for person in absent:
        rows.append(
            (len(rows) + 1, person["name"], person["id"], person["unit"], person["position"], None, None,
             t("scores.absent"), None, None, None, t("scores.absent"), None, *[None] * len(types), "")
        )  # fmt: skip
    return SheetTable(t("scores.sheet_scores"), headers, tuple(rows))


MARK_RIGHT, MARK_PARTIAL, MARK_WRONG, MARK_BLANK = "✓", "◐", "✗", "—"
"""How 答题明细 marks a response: full points, some points, none; and an unanswered question."""


def detail_table(attempts: Sequence[Attempt], spool: AnswerSpool) -> SheetTable:
    """答题明细: one row per attempt, one column per drawn position (第1题…第N题) holding the response and a mark
    (✓ ◐ ✗, — unanswered). Each trainee drew their own paper, so the question ids are in 明细数据. The columns are
    as many as the longest paper (not one per question drawn by anyone); the rows are read back from ``spool`` as
    the sheet is written."""
    length = max((spool.answer_count(a.attempt_id) for a in attempts), default=0)
    headers = [t("scores.col_name"), t("scores.col_id"), t("scores.col_unit"), t("scores.col_score")]
    headers += [t("scores.col_drawn", number=n) for n in range(1, length + 1)]

    def rows() -> Iterator[tuple[Any, ...]]:
        for attempt in attempts:
            marks = spool.get(attempt.attempt_id)[0]
            trainee = attempt.trainee
            yield (trainee.name, trainee.id, trainee.unit, number(attempt.score), *marks,
                   *[None] * (length - len(marks)))  # fmt: skip

    note = t("scores.detail_note", right=MARK_RIGHT, partial=MARK_PARTIAL, wrong=MARK_WRONG, blank=MARK_BLANK)
    return SheetTable(t("scores.sheet_detail"), tuple(headers), LazyRows(len(attempts), rows), preamble=(note,))


def response_mark(qtype: str, response: Any, points: float, max_points: float) -> str:
    """``B✓``, ``AC◐``, ``对✗`` or ``—``: a response in short with how it scored (see :data:`MARK_RIGHT`)."""
    text = format_response(qtype, response)
    if not text:
        return MARK_BLANK
    if len(text) > 12:
        text = text[:11] + "…"
    if max_points and math.isclose(points, max_points):
        return text + MARK_RIGHT
    return text + (MARK_PARTIAL if points > 0 else MARK_WRONG)


def long_table(
    attempts: Sequence[Attempt],
    spool: AnswerSpool,
    questions: Mapping[str, Question],
    chapters: Mapping[str, str],
    type_labels: Mapping[str, str],
) -> SheetTable:
    """明细数据: one row per trainee × drawn question with every field filled, the long format that a pivot table
    (数据透视表) reads: who, which position and question, its type, tags and chapter, the response and points.
    The rows are read back from ``spool`` one attempt at a time as the sheet is written."""
    headers = tuple(
        t(f"scores.col_{c}")
        for c in ("name", "id", "unit", "position", "attempt", "number", "question", "type", "tags", "chapter",
                  "answer", "earned", "possible", "right")
    )  # fmt: skip
    tags = {qid: "、".join(question.tags) for qid, question in questions.items()}

    def rows() -> Iterator[tuple[Any, ...]]:
        for attempt in attempts:
            trainee = attempt.trainee
            for index, (qid, qtype, text, points, possible) in enumerate(spool.get(attempt.attempt_id)[1], 1):
                yield (trainee.name, trainee.id, trainee.unit, trainee.position, attempt.attempt_id[:8], index, qid,
                       type_labels.get(qtype, qtype), tags.get(qid, ""), chapters.get(qid, ""), text, number(points),
                       number(possible), 1 if possible and math.isclose(points, possible) else 0)  # fmt: skip

    count = sum(spool.answer_count(a.attempt_id) for a in attempts)
    return SheetTable(t("scores.sheet_long"), headers, LazyRows(count, rows), preamble=(t("scores.long_note"),))


def unit_table(
    attempts: Sequence[Attempt], absent: Sequence[Mapping[str, str]], sitting: Sequence[Attempt]
) -> SheetTable:
    """单位统计: per 单位 (sorted) the head counts (应考、参考、在考、缺考), the average, highest and lowest of each
    trainee's best attempt, 合格人数 and 合格率; a 合计 row; a chart of the average per 单位."""
    best = best_per_trainee(attempts)
    units = sorted({a.trainee.unit.strip() for a in [*best, *sitting]} | {p["unit"].strip() for p in absent})
    headers = tuple(
        t(f"scores.unit_{c}")
        for c in ("unit", "expected", "sat", "sitting", "absent", "mean", "highest", "lowest", "passed", "pass_rate")
    )
    rows: list[tuple[Any, ...]] = []

    def figures(label: str, sat: list[Attempt], sitting_count: int, absent_count: int) -> tuple[Any, ...]:
        scores = [_score(a) for a in sat]
        passed = sum(1 for a in sat if a.passed)
        return (
            label or t("scores.no_unit"),
            len(sat) + sitting_count + absent_count,
            len(sat),
            sitting_count,
            absent_count,
            rounded(sum(scores) / len(scores)) if scores else None,
            number(max(scores)) if scores else None,
            number(min(scores)) if scores else None,
            passed,
            rounded(100 * passed / len(sat)) if sat else None,
        )

    for unit in units:
        rows.append(
            figures(
                unit,
                [a for a in best if a.trainee.unit.strip() == unit],
                sum(1 for a in sitting if a.trainee.unit.strip() == unit),
                sum(1 for p in absent if p["unit"].strip() == unit),
            )
        )
    last = len(rows) - 1
    rows.append(figures(t("scores.total"), list(best), len(sitting), len(absent)))
    charts = (
        (BarChart(t("scores.unit_chart"), 0, 5, 0, last, t("scores.unit_unit"), t("scores.unit_mean")),)
        if units
        else ()
    )
    return SheetTable(t("scores.sheet_units"), headers, tuple(rows), charts)


def knowledge_table(
    tallies: Mapping[str, QuestionTally], questions: Mapping[str, Question], chapters: Mapping[str, str]
) -> SheetTable:
    """知识点掌握: the score rate (得分率 = points earned / points possible, %) per cited chapter and per tag, with
    the number of questions and responses behind it, lowest rate first within each part; a chart of the chapters.
    ``tallies`` are the running sums per question (:class:`QuestionTally`)."""
    by_chapter: dict[str, list[float]] = {}
    by_tag: dict[str, list[float]] = {}
    seen_chapter: dict[str, set[str]] = {}
    seen_tag: dict[str, set[str]] = {}
    for qid, tally in tallies.items():
        if not tally.responses:
            continue
        chapter = chapters.get(qid, t("scores.unsourced"))
        _tally(by_chapter, seen_chapter, chapter, qid, tally)
        question = questions.get(qid)
        for tag in question.tags if question else ():
            _tally(by_tag, seen_tag, tag, qid, tally)
    headers = tuple(t(f"scores.know_{c}") for c in ("kind", "name", "questions", "responses", "rate"))
    rows: list[tuple[Any, ...]] = []
    least = listing_threshold((int(entry[2]) for entry in by_tag.values()), PRINTED_TAGS)
    shown_tags = {tag: entry for tag, entry in by_tag.items() if entry[2] >= least}
    chapter_rows = 0
    for kind, table, seen in (
        (t("scores.know_chapter"), by_chapter, seen_chapter),
        (t("scores.know_tag"), shown_tags, seen_tag),
    ):
        ordered = sorted(table.items(), key=lambda item: (item[1][0] / item[1][1], item[0]))
        for name, (earned, possible, responses) in ordered:
            rows.append((kind, name, len(seen[name]), int(responses), rounded(100 * earned / possible, 1)))
        if kind == t("scores.know_chapter"):
            chapter_rows = len(rows)
    notes: tuple[str, ...] = ()
    if len(shown_tags) < len(by_tag):
        notes = (t("scores.knowledge_note", total=len(by_tag), listed=len(shown_tags), least=least),)
    charts = (
        (BarChart(t("scores.know_chart"), 1, 4, 0, chapter_rows - 1, t("scores.know_chapter"), t("scores.know_rate")),)
        if by_chapter
        else ()
    )
    return SheetTable(t("scores.sheet_knowledge"), headers, tuple(rows), charts, preamble=notes)


def _tally(table: dict[str, list[float]], seen: dict[str, set[str]], key: str, qid: str, tally: QuestionTally) -> None:
    entry = table.setdefault(key, [0.0, 0.0, 0.0])
    entry[0] += tally.earned
    entry[1] += tally.possible
    entry[2] += tally.responses
    seen.setdefault(key, set()).add(qid)


PRINTED_QUESTIONS = 200
"""At most this many questions are listed in 试题分析 (about three printed pages); see :func:`listing_threshold`."""
PRINTED_TAGS = 60
"""At most this many tags are listed in 知识点掌握."""


def listing_threshold(counts: Iterable[int], limit: int) -> int:
    """The smallest number of responses ``k ≥ 1`` such that at most ``limit`` items have ``k`` or more.

    A paper drawn at random from a large pool touches many questions a few times each; a printed report lists those
    with the most responses (the only ones whose figures say something) and says how many it left out.
    """
    ordered = sorted(counts, reverse=True)
    if len(ordered) <= limit:
        return 1
    return ordered[limit] + 1


def analysis_table(
    stats: PaperStatistics, questions: Mapping[str, Question], type_labels: Mapping[str, str]
) -> SheetTable:
    """试题分析: Moodle's statistics per question (those with enough responses to print, see
    :data:`PRINTED_QUESTIONS`; ``exam stats`` and 明细数据 hold every one), then the statistics of the paper."""
    headers = tuple(
        t(f"stats.col_{c}")
        for c in ("seq", "question", "type", "stem", "key", "attempts", "facility", "sd", "discrimination",
                  "efficiency", "options", "unanswered", "flag")
    )  # fmt: skip
    rows: list[tuple[Any, ...]] = []
    least = listing_threshold((item.attempts for item in stats.items), PRINTED_QUESTIONS)
    listed = [item for item in stats.items if item.attempts >= least]
    notes: tuple[str, ...] = ()
    if len(listed) < len(stats.items):
        notes = (t("scores.analysis_note", total=len(stats.items), listed=len(listed), least=least),)
    for index, item in enumerate(listed, 1):
        question = questions.get(item.question_id)
        qtype = question.type if question else item.type
        rows.append(
            (
                index,
                item.question_id,
                type_labels.get(qtype, qtype),
                question.stem if question else "",
                format_key(question) if question else "",
                item.attempts,
                rounded(item.facility),
                rounded(item.sd),
                rounded(item.discrimination),
                rounded(item.efficiency),
                format_spread(item),
                item.unanswered,
                flag_text(item),
            )
        )
    rows.append(tuple([None] * len(headers)))
    rows.append((t("stats.paper_heading"), *[None] * (len(headers) - 1)))
    for label, value in paper_figures(stats):
        rows.append((label, value, *[None] * (len(headers) - 2)))
    return SheetTable(t("scores.sheet_analysis"), headers, tuple(rows), preamble=notes)


def summary_table(
    paper_title: str,
    attempts: Sequence[Attempt],
    absent: Sequence[Mapping[str, str]],
    stats: PaperStatistics,
    sitting: Sequence[Attempt] = (),
    closed_count: int | None = None,
    seal_line: str = "",
) -> SheetTable:
    """汇总: head counts, average, highest/lowest, pass rate and the score distribution with a bar chart; then the
    tamper check's line (``seal_line``), below the chart's rows so their positions stay put."""
    scores = [_score(a) for a in attempts]
    trainees = {a.trainee.id for a in attempts}
    passed = sum(1 for a in attempts if a.passed)
    max_score = max((a.max_score for a in attempts), default=0.0)
    rows: list[tuple[Any, ...]] = [
        (t("scores.sum_paper"), paper_title),
        (t("scores.sum_expected"), len(trainees) + len(sitting) + len(absent)),
        (t("scores.sum_sat"), len(trainees)),
        (t("scores.sum_sitting"), len(sitting)),
        (t("scores.sum_absent"), len(absent)),
        (t("scores.sum_attempts"), closed_count if closed_count is not None else len(attempts)),
        (t("scores.sum_max_score"), number(max_score) if attempts else None),
        (t("scores.sum_mean"), rounded(stats.mean)),
        (t("scores.sum_highest"), number(max(scores)) if scores else None),
        (t("scores.sum_lowest"), number(min(scores)) if scores else None),
        (t("scores.sum_median"), rounded(stats.median)),
        (t("scores.sum_sd"), rounded(stats.sd)),
        (t("scores.sum_passed"), passed),
        (t("scores.sum_pass_rate"), rounded(100 * passed / len(attempts)) if attempts else None),
        (None, None),
        (t("scores.band"), t("scores.band_count")),
    ]
    first = len(rows)
    for (low, high), count in zip(BANDS, band_counts(attempts), strict=True):
        rows.append((t("scores.band_label", low=low, high=high), count))
    chart = BarChart(t("scores.chart_title"), 0, 1, first, len(rows) - 1, t("scores.band"), t("scores.band_count"))
    if seal_line:
        rows += [(None, None), (t("scores.sum_verified"), seal_line)]
    return SheetTable(t("scores.sheet_summary"), (t("scores.sum_item"), t("scores.sum_value")), tuple(rows), (chart,))


# -- helpers ------------------------------------------------------------------------------------------------------


def question_types(facts: Iterable[AttemptFacts]) -> list[str]:
    """Question types in the order they first appear on the papers (sections come in paper order)."""
    types: list[str] = []
    for fact in facts:
        for name, _ in fact.type_points:
            if name not in types:
                types.append(name)
    return types


def competition_ranks(scores: Sequence[float]) -> list[int]:
    """Standard competition ranking (1, 2, 2, 4) of scores sorted best first (并列 shares a rank)."""
    ranks: list[int] = []
    for index, score in enumerate(scores):
        ranks.append(ranks[-1] if index and math.isclose(score, scores[index - 1]) else index + 1)
    return ranks


def band_counts(attempts: Iterable[Attempt]) -> list[int]:
    """How many attempts fall in each of :data:`BANDS` (percent of full marks)."""
    counts = [0] * len(BANDS)
    for attempt in attempts:
        maximum = attempt.max_score
        percent = math.floor(100 * _score(attempt) / maximum + 1e-9) if maximum else 0
        index = next(
            (i for i, (low, high) in enumerate(BANDS) if low <= percent <= high), len(BANDS) - 1 if percent > 100 else 0
        )
        counts[index] += 1
    return counts


def format_response(qtype: str, response: Any) -> str:
    """A stored response as a trainer reads it: ``B``, ``AC``, 对/错, blanks joined by ``；``, text as typed."""
    if response is None:
        return ""
    if isinstance(response, bool):
        return t("scores.true") if response else t("scores.false")
    if isinstance(response, (list, tuple)):
        if qtype == "multiple":
            return "".join(str(r) for r in response)
        return "；".join(str(r) for r in response)
    return str(response)


def format_key(question: Question) -> str:
    """The key of a question as a trainer reads it."""
    from exam.models import ShortAnswer

    key = question.answer
    if isinstance(key, ShortAnswer):
        return key.reference
    if isinstance(key, bool):
        return t("scores.true") if key else t("scores.false")
    if isinstance(key, str):
        return key
    if key and isinstance(key[0], tuple):
        return "；".join("/".join(group) for group in key)
    return "".join(key)  # type: ignore[arg-type]


def format_spread(item: ItemStatistics) -> str:
    """``A 3 · B 10✓ · C 1``: how many chose each option, the key marked ✓."""
    parts = []
    for option in item.options:
        label = {"true": t("scores.true"), "false": t("scores.false")}.get(option.option, option.option)
        parts.append(f"{label} {option.count}{'✓' if option.is_key else ''}")
    return " · ".join(parts)


def flag_text(item: ItemStatistics) -> str:
    """``请核对答案：区分度为负；干扰项 C 选的人比正确答案多`` or empty."""
    if not item.check_key:
        return ""
    reasons = []
    p_values = dict(item.p_values)
    if NEGATIVE_DISCRIMINATION in item.flags:
        reasons.append(
            t(
                "stats.reason_negative",
                discrimination=format_number(rounded(item.discrimination, 0)),
                responses=item.attempts,
                p=_p_text(p_values.get(NEGATIVE_DISCRIMINATION)),
            )
        )
    if DISTRACTOR_OVER_KEY in item.flags:
        labels = [{"true": t("scores.true"), "false": t("scores.false")}.get(o, o) for o in item.over_key]
        reasons.append(
            t(
                "stats.reason_distractor",
                options=t("stats.option_sep").join(labels),
                responses=item.attempts,
                p=_p_text(p_values.get(DISTRACTOR_OVER_KEY)),
            )
        )
    return t("stats.check_key", reasons=t("stats.reason_sep").join(reasons))


def paper_figures(stats: PaperStatistics) -> list[tuple[str, Any]]:
    """The paper's statistics as ``(label, value)`` rows."""
    return [
        (t("stats.attempts"), stats.attempts),
        (t("stats.mean"), rounded(stats.mean)),
        (t("stats.median"), rounded(stats.median)),
        (t("stats.sd"), rounded(stats.sd)),
        (t("stats.cic"), rounded(stats.cic)),
        (t("stats.error_ratio"), rounded(stats.error_ratio)),
        (t("stats.standard_error"), rounded(stats.standard_error)),
    ]


def is_paper_entry(attempt: Attempt) -> bool:
    """Whether the attempt was sat on paper and entered by a trainer (its times are those of the entry)."""
    return any(entry.action == PAPER_ENTRY for entry in attempt.history)


def attempt_note(attempt: Attempt) -> str:
    """备注: short answers still to be marked, and whether the attempt was regraded or marked by hand."""
    notes = []
    pending = sum(1 for a in attempt.answers if a.needs_review)
    if pending:
        notes.append(t("scores.note_review", count=pending))
    actions = {entry.action for entry in attempt.history}
    if PAPER_ENTRY in actions:
        code = next(e.detail.get("code", "") for e in attempt.history if e.action == PAPER_ENTRY)
        notes.append(t("scores.note_paper", code=code))
    if "regrade" in actions:
        notes.append(t("scores.note_regraded"))
    if "mark" in actions:
        notes.append(t("scores.note_marked"))
    return t("scores.note_sep").join(notes)


def number(value: Any) -> int | float | None:
    """A score as a spreadsheet number: ``86`` rather than ``86.0``."""
    if value is None:
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def rounded(value: float | None, digits: int = 2) -> float | int | None:
    return None if value is None else number(round(value, digits))


def format_number(value: float | int | None) -> str:
    """``86``, ``86.5`` or empty: a spreadsheet number as text."""
    return "" if value is None else str(value)


def _p_text(p: float | None) -> str:
    if p is None:
        return ""
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _score(attempt: Attempt) -> float:
    return attempt.score or 0.0


def _rank_key(attempt: Attempt) -> tuple[float, float, str, str]:
    submitted = attempt.submitted_at or attempt.started_at
    return (
        -_score(attempt),
        (submitted - attempt.started_at) / timedelta(seconds=1),
        attempt.trainee.id,
        attempt.attempt_id,
    )


def _local(moment: datetime) -> datetime:
    """The recorded wall time (Excel has no time zones)."""
    return moment.replace(tzinfo=None)
