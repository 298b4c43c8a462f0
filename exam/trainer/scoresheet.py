"""Score sheets (成绩单) from stored attempts: 成绩单, 答题明细, 试题分析 and 汇总 with a score distribution chart.

The data is built here as a :class:`~exam.exporters.ScoreSheet`; an exporter (:mod:`exam.sheets`: csv, xlsx, or a
plugin's) writes it. One row per trainee: the best closed attempt (highest score, then the earliest), or every
closed attempt with ``all_attempts``. Roster members (``exam roster import``) without an attempt in the selection
are listed as 缺考. Column names follow the language of the catalogue (Chinese by default).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from exam.attempts import Attempt, AttemptStatus
from exam.exporters import BarChart, ScoreSheet, SheetTable
from exam.i18n import t
from exam.models import Question
from exam.service import ExamService
from exam.trainer.analysis import (
    DISTRACTOR_OVER_KEY,
    NEGATIVE_DISCRIMINATION,
    ItemStatistics,
    PaperStatistics,
    ScoredAttempt,
    analyse,
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

    def matches(self, summary: Attempt) -> bool:
        """Whether a stored attempt (summary or full) is in the selection."""
        if summary.paper != self.paper or not summary.closed:
            return False
        if self.unit is not None and summary.trainee.unit.strip() != self.unit.strip():
            return False
        day = summary.started_at.date()
        if self.date_from is not None and day < self.date_from:
            return False
        return not (self.date_to is not None and day > self.date_to)


@dataclass
class ScoreReport:
    """The attempts of a selection, the roster members who did not sit it, and the item statistics."""

    selection: Selection
    paper_title: str
    attempts: list[Attempt]
    absent: list[dict[str, str]]
    statistics: PaperStatistics
    questions: dict[str, Question] = field(default_factory=dict)
    type_labels: dict[str, str] = field(default_factory=dict)
    seal_line: str = ""
    """Whether the store verified (:meth:`exam.seals.VerifyReport.status_line`), shown in 汇总."""
    seal_notes: dict[str, str] = field(default_factory=dict)
    """attempt id → 备注 text for attempts that fail the tamper check or were imported unverified."""

    def to_sheet(self) -> ScoreSheet:
        """The workbook: 成绩单 first, then 答题明细, 试题分析 and 汇总."""
        main = score_table(self.attempts, self.absent, self.type_labels, self.seal_notes)
        return ScoreSheet(
            main.title,
            main.headers,
            main.rows,
            (
                detail_table(self.attempts, self.type_labels),
                analysis_table(self.statistics, self.questions, self.type_labels),
                summary_table(self.paper_title, self.attempts, self.absent, self.statistics, self.seal_line),
            ),
        )


# -- choosing the attempts ----------------------------------------------------------------------------------------


def collect_attempts(service: ExamService, selection: Selection, progress: Progress | None = None) -> list[Attempt]:
    """The full attempts of the selection (each trainee's best unless ``all_attempts``), ranked best first."""
    summaries = [s for s in service.attempts(paper=selection.paper) if selection.matches(s)]
    if not selection.all_attempts:
        summaries = best_per_trainee(summaries)
    loading = progress(summaries) if progress else summaries
    attempts = [service.attempt(s.attempt_id) for s in loading]
    return sorted(attempts, key=_rank_key)


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


def scored_attempts(attempts: Iterable[Attempt]) -> list[ScoredAttempt]:
    return [ScoredAttempt.from_attempt(a) for a in attempts]


def build_report(
    service: ExamService,
    selection: Selection,
    paper_title: str = "",
    find_question: Callable[[str], Question | None] | None = None,
    type_labels: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> ScoreReport:
    """Everything a score sheet and ``exam stats`` show, read from the store.

    Args:
        service: Where the attempts and the roster come from.
        selection: Which attempts.
        paper_title: Shown in 汇总.
        find_question: The current bank question by id (the key after a correction); the snapshot stored with an
            attempt is used for questions no bank has any more.
        type_labels: Display name of each question type (``单选题``).
        progress: Wraps the loading of attempts (a progress bar).
    """
    attempts = collect_attempts(service, selection, progress)
    absent = absentees(service.roster_records(), attempts, selection.unit)
    verification = service.verify_seals()
    seal_notes = {a: t("scores.note_unverified") for a in verification.unverified}
    for attempt_id, kind in verification.problems_by_attempt().items():
        seal_notes[attempt_id] = t("scores.note_tampered", kind=t(f"seal.kind_{kind}"))
    questions = snapshot_questions(attempts)
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
        statistics=analyse(scored_attempts(attempts), questions),
        questions=questions,
        type_labels=dict(type_labels or {}),
        seal_line=verification.status_line(),
        seal_notes=seal_notes,
    )


def snapshot_questions(attempts: Iterable[Attempt]) -> dict[str, Question]:
    """The questions as stored with the attempts (what the trainees saw), by id, in paper order."""
    questions: dict[str, Question] = {}
    for attempt in attempts:
        for drawn in attempt.drawn.questions if attempt.drawn else ():
            questions.setdefault(drawn.id, drawn.question)
    return questions


# -- the sheets ---------------------------------------------------------------------------------------------------


def score_table(
    attempts: Sequence[Attempt],
    absent: Sequence[Mapping[str, str]],
    type_labels: Mapping[str, str],
    seal_notes: Mapping[str, str] | None = None,
) -> SheetTable:
    """成绩单: one row per attempt (ranked), then one 缺考 row per absent roster member. ``seal_notes`` (attempt id →
    text) adds the tamper check's word on an attempt to its 备注."""
    seal_notes = seal_notes or {}
    types = question_types(attempts)
    headers = tuple(
        [t(f"scores.col_{c}") for c in ("seq", "name", "id", "unit", "position", "score", "max_score", "passed",
                                        "duration", "started", "submitted", "how", "rank")]
        + [t("scores.col_type_score", label=type_labels.get(name, name)) for name in types]
        + [t("scores.col_note")]
    )  # fmt: skip
    ranks = competition_ranks([_score(a) for a in attempts])
    rows: list[tuple[Any, ...]] = []
    for attempt, rank in zip(attempts, ranks, strict=True):
        trainee = attempt.trainee
        started = _local(attempt.started_at)
        submitted = _local(attempt.submitted_at) if attempt.submitted_at else None
        by_type = dict.fromkeys(types, 0.0)
        for answer in attempt.answers:
            by_type[answer.type] = by_type.get(answer.type, 0.0) + answer.points
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
                submitted - started if submitted else None,
                started,
                submitted,
                t("scores.how_auto") if attempt.status == AttemptStatus.AUTO_SUBMITTED else t("scores.how_self"),
                rank,
                *[number(round(by_type[name], 2)) for name in types],
                t("scores.note_sep").join(n for n in (seal_notes.get(attempt.attempt_id), attempt_note(attempt)) if n),
            )
        )
    for person in absent:
        rows.append(
            (len(rows) + 1, person["name"], person["id"], person["unit"], person["position"], None, None,
             t("scores.absent"), None, None, None, t("scores.absent"), None, *[None] * len(types), "")
        )  # fmt: skip
    return SheetTable(t("scores.sheet_scores"), headers, tuple(rows))


def detail_table(attempts: Sequence[Attempt], type_labels: Mapping[str, str]) -> SheetTable:
    """答题明细: one row per attempt, a response column and a points column per question."""
    question_ids = paper_order(attempts)
    headers = [t("scores.col_name"), t("scores.col_id"), t("scores.col_unit"), t("scores.col_attempt")]
    for qid in question_ids:
        headers += [t("scores.col_response", question=qid), t("scores.col_points", question=qid)]
    rows = []
    for attempt in attempts:
        answers = {a.question_id: a for a in attempt.answers}
        row: list[Any] = [attempt.trainee.name, attempt.trainee.id, attempt.trainee.unit, attempt.attempt_id[:8]]
        for qid in question_ids:
            answer = answers.get(qid)
            if answer is None:
                row += [None, None]
            else:
                row += [format_response(answer.type, answer.response), number(answer.points)]
        rows.append(tuple(row))
    return SheetTable(t("scores.sheet_detail"), tuple(headers), tuple(rows))


def analysis_table(
    stats: PaperStatistics, questions: Mapping[str, Question], type_labels: Mapping[str, str]
) -> SheetTable:
    """试题分析: Moodle's statistics per question, then the statistics of the paper."""
    headers = tuple(
        t(f"stats.col_{c}")
        for c in ("seq", "question", "type", "stem", "key", "attempts", "facility", "sd", "discrimination",
                  "efficiency", "options", "unanswered", "flag")
    )  # fmt: skip
    rows: list[tuple[Any, ...]] = []
    for index, item in enumerate(stats.items, 1):
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
    return SheetTable(t("scores.sheet_analysis"), headers, tuple(rows))


def summary_table(
    paper_title: str,
    attempts: Sequence[Attempt],
    absent: Sequence[Mapping[str, str]],
    stats: PaperStatistics,
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
        (t("scores.sum_expected"), len(trainees) + len(absent)),
        (t("scores.sum_sat"), len(trainees)),
        (t("scores.sum_absent"), len(absent)),
        (t("scores.sum_attempts"), len(attempts)),
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


def question_types(attempts: Iterable[Attempt]) -> list[str]:
    """Question types in the order they first appear on the papers (sections come in paper order)."""
    types: list[str] = []
    for attempt in attempts:
        for answer in attempt.answers:
            if answer.type not in types:
                types.append(answer.type)
    return types


def paper_order(attempts: Iterable[Attempt]) -> list[str]:
    """Every question id drawn in ``attempts``, by section then id (each trainee's paper is its own draw)."""
    sections: dict[str, int] = {}
    keys: dict[str, tuple[int, str]] = {}
    for attempt in attempts:
        for drawn in attempt.drawn.questions if attempt.drawn else ():
            section = drawn.section or drawn.question.type
            order = sections.setdefault(section, len(sections))
            keys.setdefault(drawn.id, (order, drawn.id))
    return sorted(keys, key=lambda qid: keys[qid])


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
    if NEGATIVE_DISCRIMINATION in item.flags:
        reasons.append(t("stats.reason_negative"))
    if DISTRACTOR_OVER_KEY in item.flags:
        labels = [{"true": t("scores.true"), "false": t("scores.false")}.get(o, o) for o in item.over_key]
        reasons.append(t("stats.reason_distractor", options=t("stats.option_sep").join(labels)))
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


def attempt_note(attempt: Attempt) -> str:
    """备注: short answers still to be marked, and whether the attempt was regraded or marked by hand."""
    notes = []
    pending = sum(1 for a in attempt.answers if a.needs_review)
    if pending:
        notes.append(t("scores.note_review", count=pending))
    actions = {entry.action for entry in attempt.history}
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
