"""Exam papers (试卷): specs read from YAML or contributed by plugins, and deterministic assembly from a seed.

A spec says what to draw; :func:`assemble_paper` draws it. The :class:`DrawnPaper` (question snapshots, option
order, points, rules) is stored with the attempt, so review and regrading show exactly what the trainee saw.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exam.errors import BankFormatError, PaperError, Problem
from exam.grading import BLANK_RULES, MULTIPLE_RULES
from exam.i18n import t
from exam.models import Bank, Question
from exam.qtypes import GradingRules
from exam.yamlsafe import LineDict, load_yaml, unsafe_text_problems

PAPER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True)
class SectionSpec:
    """One section of a paper: ``count`` questions of ``type``, ``points`` each, drawn from a filtered pool."""

    type: str
    count: int
    points: float
    title: str = ""
    banks: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    difficulty: tuple[int, ...] = ()
    articles: tuple[tuple[int, int], ...] = ()

    def matches(self, question: Question) -> bool:
        """Whether ``question`` may be drawn for this section: its type, and every filter that is set (banks, any
        one of the tags, difficulty, an article within one of the ``(first, last)`` ranges, inclusive)."""
        if question.type != self.type:
            return False
        if self.banks and question.bank not in self.banks:
            return False
        if self.tags and not set(self.tags) & set(question.tags):
            return False
        if self.difficulty and question.difficulty not in self.difficulty:
            return False
        if self.articles:
            article = question.source.article if question.source is not None else None
            if article is None or not any(lo <= article <= hi for lo, hi in self.articles):
                return False
        return True


@dataclass(frozen=True)
class PaperSpec:
    """What a paper draws and the rules it is sat and scored under."""

    id: str
    title: str
    time_limit: int
    pass_mark: float
    sections: tuple[SectionSpec, ...]
    description: str = ""
    shuffle_questions: bool = True
    shuffle_options: bool = True
    multiple_rule: str = "partial"
    blank_rule: str = "per_blank"
    attempts: int = 0
    show_answers: bool = True
    practice: bool = False

    @property
    def total_points(self) -> float:
        """The paper's full marks: the sum over sections of count × points."""
        return sum(s.count * s.points for s in self.sections)

    @property
    def question_count(self) -> int:
        """How many questions the paper draws."""
        return sum(s.count for s in self.sections)

    @property
    def rules(self) -> GradingRules:
        """The paper's partial-credit rules for multiple choice and blanks."""
        return GradingRules(self.multiple_rule, self.blank_rule)  # type: ignore[arg-type]


@dataclass(frozen=True)
class DrawnQuestion:
    """A question as it appears on one trainee's paper."""

    question: Question
    points: float
    option_order: tuple[int, ...] = ()
    section: str = ""

    @property
    def id(self) -> str:
        """The question's full id (``bank:local``)."""
        return self.question.id

    def displayed_options(self) -> list[tuple[str, str]]:
        """``(canonical letter, text)`` in the order shown; the trainee sees them labelled A, B, C … in this order."""
        from exam.models import OPTION_LETTERS

        return [(OPTION_LETTERS[i], self.question.options[i]) for i in self.option_order]

    def shown_choices(self, canonical: str | Iterable[str]) -> list[tuple[str, str]]:
        """The options a key or response names (canonical letters, one or several, any order) as the trainee saw
        them: ``(displayed letter, text)`` in A–H order of the displayed letters, each once. A letter that names no
        option (a damaged record) is shown as it is, with no text, last."""
        from exam.models import OPTION_LETTERS, letters_in_order

        shown = {canon: OPTION_LETTERS[i] for i, (canon, _) in enumerate(self.displayed_options())}
        letters = [canonical] if isinstance(canonical, str) else list(canonical)
        displayed = letters_in_order(shown.get(c, c) for c in letters)
        text = {OPTION_LETTERS[i]: option for i, (_, option) in enumerate(self.displayed_options())}
        return [(letter, text.get(letter, "")) for letter in displayed]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape stored with an attempt: ``question`` (the bank record), ``points``, ``option_order``
        (canonical option indexes in the order shown) and ``section``."""
        return {
            "question": self.question.to_dict(),
            "points": self.points,
            "option_order": list(self.option_order),
            "section": self.section,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DrawnQuestion:
        """The reverse of :meth:`to_dict`.

        Raises:
            KeyError: ``question`` or ``points`` is missing.
        """
        return cls(
            question=Question.from_dict(data["question"]),
            points=data["points"],
            option_order=tuple(data.get("option_order") or ()),
            section=data.get("section", ""),
        )


@dataclass(frozen=True)
class DrawnPaper:
    """The paper one trainee actually got, stored with the attempt."""

    paper_id: str
    title: str
    seed: str
    time_limit: int
    pass_mark: float
    rules: GradingRules
    show_answers: bool
    questions: tuple[DrawnQuestion, ...] = field(default_factory=tuple)
    practice: bool = False

    @property
    def max_score(self) -> float:
        """Full marks of the drawn paper, rounded to 2 decimals."""
        return round(sum(q.points for q in self.questions), 2)

    def get(self, question_id: str) -> DrawnQuestion:
        """The drawn question with full id ``question_id``.

        Raises:
            KeyError: The paper has no such question.
        """
        for drawn in self.questions:
            if drawn.id == question_id:
                return drawn
        raise KeyError(question_id)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape stored with an attempt (``paper_snapshot``): the paper's rules and every drawn question,
        so the attempt is graded as drawn even if the bank or paper changes later."""
        return {**self.to_dict_without_questions(), "questions": [q.to_dict() for q in self.questions]}

    def to_dict_without_questions(self) -> dict[str, Any]:
        """:meth:`to_dict` without ``questions`` (for code that writes the questions itself, e.g. the seals)."""
        return {
            "paper_id": self.paper_id,
            "title": self.title,
            "seed": self.seed,
            "time_limit": self.time_limit,
            "pass_mark": self.pass_mark,
            "multiple_rule": self.rules.multiple_rule,
            "blank_rule": self.rules.blank_rule,
            "show_answers": self.show_answers,
            "practice": self.practice,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DrawnPaper:
        """The reverse of :meth:`to_dict`.

        Raises:
            KeyError: A required field is missing.
        """
        return cls(
            paper_id=data["paper_id"],
            title=data["title"],
            seed=data["seed"],
            time_limit=data["time_limit"],
            pass_mark=data["pass_mark"],
            rules=GradingRules(data["multiple_rule"], data["blank_rule"]),
            show_answers=data["show_answers"],
            questions=tuple(DrawnQuestion.from_dict(q) for q in data["questions"]),
            practice=data.get("practice", False),
        )


def default_seed(paper_id: str, trainee_id: str, attempt_no: int = 1) -> str:
    """The seed a paper is drawn with unless given: paper id + trainee id (+ attempt number, so a retake differs)."""
    return hashlib.sha256(f"{paper_id}|{trainee_id}|{attempt_no}".encode()).hexdigest()[:16]


def candidates(section: SectionSpec, banks: Mapping[str, Bank], exclude: set[str] | None = None) -> list[Question]:
    """The questions a section can draw from, in a stable order."""
    exclude = exclude or set()
    searched = [banks[b] for b in dict.fromkeys(section.banks) if b in banks] if section.banks else banks.values()
    pool = [q for bank in searched for q in bank.questions if section.matches(q) and q.id not in exclude]
    return sorted(pool, key=lambda q: q.id)


DrawUnit = tuple[str, ...]
"""What a paper draws at most once: ``("group", bank, group)`` for a grouped question, ``("question", id)``."""


def draw_unit(question: Question) -> DrawUnit:
    """The unit ``question`` is drawn as: questions of one bank that share a ``group`` are one unit, so a paper
    (or a practice set) holds at most one of them; an ungrouped question is a unit of its own."""
    if question.group:
        return ("group", question.bank, question.group)
    return ("question", question.id)


def units_of(pool: Sequence[Question]) -> dict[DrawUnit, list[Question]]:
    """The units of ``pool`` with their questions, both in pool order (first appearance)."""
    units: dict[DrawUnit, list[Question]] = {}
    for question in pool:
        units.setdefault(draw_unit(question), []).append(question)
    return units


def draw_one_per_unit(pool: Sequence[Question], count: int, rng: random.Random) -> list[Question]:
    """``count`` questions of ``pool`` (fewer if it has fewer units), never two of one unit.

    Units are sampled, then one question of each sampled unit is chosen. Without groups every unit is one
    question, and the draw is exactly ``rng.sample(pool, count)`` (the same questions for the same seed as before
    groups existed).
    """
    units = units_of(pool)
    chosen = rng.sample(list(units), min(count, len(units)))
    return [members[0] if len(members) == 1 else rng.choice(members) for members in (units[u] for u in chosen)]


def draw_practice_questions(pool: Sequence[Question], count: int, seed: str) -> list[Question]:
    """The questions of a practice set: ``count`` of ``pool`` (all if fewer), at most one per group, from ``seed``.

    For a pool without groups this is ``random.Random(seed).sample(pool, min(count, len(pool)))``.
    """
    return draw_one_per_unit(pool, count, random.Random(seed))


def allocate_sections(
    sections: Sequence[SectionSpec], banks: Mapping[str, Bank], rng: random.Random | None = None
) -> list[list[Question]]:
    """Give each section up to ``count`` questions of its pool, never one question to two sections.

    Sections may share questions (a section over all banks next to one over a single bank), so a greedy draw can
    starve a later section although the spec can be satisfied. This finds a maximum matching (augmenting paths)
    between sections and draw units (:func:`draw_unit`: a group of related questions counts once), so a section
    comes up short only when no draw at all could fill it, and no paper holds two questions of one group. With
    ``rng`` the pools are shuffled first (a random draw, reproducible from the seed); without it the result is the
    same on every run.
    """
    pools = [candidates(section, banks) for section in sections]
    if rng is not None:
        for pool in pools:
            rng.shuffle(pool)
    units = [list(units_of(pool)) for pool in pools]
    owner: dict[DrawUnit, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        """Find section ``i`` one more unit, moving others' units along an augmenting path if needed."""
        seen.add(i)
        for unit in units[i]:
            if unit not in owner:
                owner[unit] = i
                return True
        for unit in units[i]:
            holder = owner[unit]
            if holder not in seen and augment(holder, seen):
                owner[unit] = i  # ``holder`` found another unit, so this one is free for ``i``
                return True
        return False

    for i, section in enumerate(sections):
        for _ in range(section.count):
            if not augment(i, set()):
                break
    # Each owned unit gives its section the unit's first question in the (shuffled) pool that fits the section.
    return [
        [members[0] for unit, members in units_of(pool).items() if owner.get(unit) == i] for i, pool in enumerate(pools)
    ]


def check_satisfiable(spec: PaperSpec, banks: Mapping[str, Bank]) -> None:
    """Raise :class:`PaperError` naming each section that asks for more questions than it can get.

    A section can fall short because its pool is too small, because its pool holds fewer groups than it needs
    (a paper draws one question per group), or because the sections before it need the questions it shares with
    them.
    """
    missing = [b for s in spec.sections for b in s.banks if b not in banks]
    if missing:
        raise PaperError(t("paper.unknown_banks", paper=spec.id, banks=", ".join(sorted(set(missing)))))
    short: list[str] = []
    allocation = allocate_sections(spec.sections, banks)
    for i, (section, got) in enumerate(zip(spec.sections, allocation, strict=True), 1):
        pool = candidates(section, banks)
        units = len(units_of(pool))
        if len(pool) < section.count:
            short.append(
                t("paper.section_short", n=i, section=section.title or section.type, count=section.count,
                  pool=len(pool))
            )  # fmt: skip
        elif units < section.count:
            short.append(
                t("paper.section_short_groups", n=i, section=section.title or section.type, count=section.count,
                  pool=len(pool), units=units)
            )  # fmt: skip
        elif len(got) < section.count:
            short.append(
                t("paper.section_shared", n=i, section=section.title or section.type, count=section.count,
                  got=len(got))
            )  # fmt: skip
    if short:
        raise PaperError(t("paper.cannot_assemble_because", paper=spec.id, reasons=t("paper.reason_sep").join(short)))


def _draw_question(spec: PaperSpec, section: SectionSpec, question: Question, rng: random.Random) -> DrawnQuestion:
    order = list(range(len(question.options)))
    if spec.shuffle_options and order:
        rng.shuffle(order)
    return DrawnQuestion(question, section.points, tuple(order), section.title)


def assemble_paper(spec: PaperSpec, banks: Mapping[str, Bank], seed: str) -> DrawnPaper:
    """Draw a paper deterministically: the same spec, banks and seed always give the same paper.

    Sections are drawn one after another, at most one question per group (:func:`draw_unit`) over the whole
    paper; if an earlier section took questions a later one needs (they share a pool or a group), the whole paper
    is drawn again with :func:`allocate_sections`, still from the same seed.
    """
    check_satisfiable(spec, banks)
    rng = random.Random(seed)
    used: set[DrawUnit] = set()
    drawn: list[DrawnQuestion] = []
    for section in spec.sections:
        pool = [q for q in candidates(section, banks) if draw_unit(q) not in used]
        if len(units_of(pool)) < section.count:
            return _assemble_matched(spec, banks, seed)
        chosen = draw_one_per_unit(pool, section.count, rng)
        if not spec.shuffle_questions:
            chosen.sort(key=lambda q: q.id)
        for question in chosen:
            used.add(draw_unit(question))
            drawn.append(_draw_question(spec, section, question, rng))
    return _drawn_paper(spec, seed, drawn)


def _assemble_matched(spec: PaperSpec, banks: Mapping[str, Bank], seed: str) -> DrawnPaper:
    rng = random.Random(seed)
    allocation = allocate_sections(spec.sections, banks, rng)
    drawn: list[DrawnQuestion] = []
    for section, chosen in zip(spec.sections, allocation, strict=True):
        if len(chosen) < section.count:  # check_satisfiable() passed, so this cannot happen
            raise PaperError(t("paper.cannot_assemble", paper=spec.id))
        if not spec.shuffle_questions:
            chosen.sort(key=lambda q: q.id)
        drawn.extend(_draw_question(spec, section, question, rng) for question in chosen)
    return _drawn_paper(spec, seed, drawn)


def _drawn_paper(spec: PaperSpec, seed: str, drawn: list[DrawnQuestion]) -> DrawnPaper:
    return DrawnPaper(
        paper_id=spec.id,
        title=spec.title,
        seed=seed,
        time_limit=spec.time_limit,
        pass_mark=spec.pass_mark,
        rules=spec.rules,
        show_answers=spec.show_answers,
        questions=tuple(drawn),
        practice=spec.practice,
    )


def practice_paper(questions: Sequence[Question], title: str, seed: str) -> DrawnPaper:
    """A practice set: no time limit, no pass mark, answers shown after each question."""
    rng = random.Random(seed)
    drawn = []
    for question in questions:
        order = list(range(len(question.options)))
        rng.shuffle(order)
        drawn.append(DrawnQuestion(question, question.points, tuple(order), ""))
    return DrawnPaper("practice", title, seed, 0, 0, GradingRules("partial", "per_blank"), True, tuple(drawn), True)


# -- reading paper specs ---------------------------------------------------------------------------------------


def _parse_articles(value: Any) -> tuple[tuple[int, int], ...]:
    ranges = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, int) and not isinstance(item, bool):
            ranges.append((item, item))
        elif isinstance(item, str) and re.fullmatch(r"\d+\s*-\s*\d+", item):
            lo, hi = (int(x) for x in item.split("-"))
            ranges.append((lo, hi))
        else:
            raise ValueError(t("paper.bad_articles", item=repr(item)))
    return tuple(ranges)


def parse_paper(data: Any, path: str, known_types: Sequence[str]) -> PaperSpec:
    """Validate a paper document (``paper:`` mapping); raise :class:`BankFormatError` listing every problem."""
    problems: list[Problem] = []
    raw = data.get("paper") if isinstance(data, dict) else None
    if not isinstance(raw, LineDict):
        raise BankFormatError.single(path, 1, None, t("paper.not_paper"))
    pid: Any = raw.get("id")

    def bad(key: str | None, message: str, mapping: Any = raw) -> None:
        line: int | None
        if isinstance(mapping, LineDict) and key:
            line = mapping.key_lines.get(key, mapping.line)
        else:
            line = getattr(mapping, "line", None)
        problems.append(Problem(path, line, str(pid) if pid else None, message))

    allowed = {
        "id", "title", "description", "time_limit", "pass_mark", "sections", "shuffle_questions",
        "shuffle_options", "multiple_rule", "blank_rule", "attempts", "show_answers",
    }  # fmt: skip
    for key in sorted(set(raw) - allowed):
        bad(key, t("paper.unknown_field", key=key))
    if not isinstance(pid, str) or not PAPER_ID.match(pid):
        bad("id", t("paper.bad_id", id=pid))
    title: Any = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        bad("title", t("paper.title_missing"))
    time_limit: Any = raw.get("time_limit")
    if isinstance(time_limit, bool) or not isinstance(time_limit, int) or not 1 <= time_limit <= 600:
        bad("time_limit", t("paper.bad_time_limit"))
    pass_mark = raw.get("pass_mark", 0)
    if isinstance(pass_mark, bool) or not isinstance(pass_mark, (int, float)) or pass_mark < 0:
        bad("pass_mark", t("paper.bad_pass_mark"))
    for key, choices in (("multiple_rule", MULTIPLE_RULES), ("blank_rule", BLANK_RULES)):
        if raw.get(key, choices[-1] if key == "multiple_rule" else choices[0]) not in choices:
            bad(key, t("paper.bad_choice", key=key, choices=t("paper.or").join(choices)))
    for key in ("shuffle_questions", "shuffle_options", "show_answers"):
        if not isinstance(raw.get(key, True), bool):
            bad(key, t("paper.bad_flag", key=key))
    attempts = raw.get("attempts", 0)
    if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 0:
        bad("attempts", t("paper.bad_attempts"))

    sections: list[SectionSpec] = []
    raw_sections = raw.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        bad("sections", t("paper.sections_missing"))
        raw_sections = []
    for sec in raw_sections:
        if not isinstance(sec, LineDict):
            bad(None, t("paper.section_not_mapping"), sec)
            continue
        for key in sorted(set(sec) - {"title", "type", "count", "points", "banks", "tags", "difficulty", "articles"}):
            bad(key, t("paper.unknown_section_field", key=key), sec)
        qtype: Any = sec.get("type")
        if qtype not in known_types:
            bad("type", t("paper.unknown_type", type=qtype, known=", ".join(known_types)), sec)
        count: Any = sec.get("count")
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            bad("count", t("paper.bad_count"), sec)
        points: Any = sec.get("points")
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
            bad("points", t("paper.bad_points"), sec)
        lists = {}
        for key in ("banks", "tags"):
            value = sec.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                bad(key, t("paper.not_text_list", key=key), sec)
                value = []
            lists[key] = tuple(value)
        difficulty = sec.get("difficulty", [])
        if not isinstance(difficulty, list) or not all(d in (1, 2, 3) for d in difficulty):
            bad("difficulty", t("paper.bad_difficulty"), sec)
            difficulty = []
        try:
            articles = _parse_articles(sec["articles"]) if "articles" in sec else ()
        except ValueError as exc:
            bad("articles", str(exc), sec)
            articles = ()
        if not problems:
            sections.append(
                SectionSpec(
                    type=qtype,
                    count=count,
                    points=points,
                    title=sec.get("title") or "",
                    banks=lists["banks"],
                    tags=lists["tags"],
                    difficulty=tuple(difficulty),
                    articles=articles,
                )
            )
    if not problems and pass_mark > sum(s.count * s.points for s in sections):
        bad("pass_mark", t("paper.pass_mark_too_high"))
    if problems:
        raise BankFormatError(problems)
    return PaperSpec(
        id=pid,
        title=title.strip(),
        description=raw.get("description") or "",
        time_limit=time_limit,
        pass_mark=pass_mark,
        sections=tuple(sections),
        shuffle_questions=raw.get("shuffle_questions", True),
        shuffle_options=raw.get("shuffle_options", True),
        multiple_rule=raw.get("multiple_rule", "partial"),
        blank_rule=raw.get("blank_rule", "per_blank"),
        attempts=attempts,
        show_answers=raw.get("show_answers", True),
    )


def load_paper_file(path: str | Path, known_types: Sequence[str]) -> PaperSpec:
    """Read and validate one ``*.paper.yaml`` file; a :class:`BankFormatError` lists every problem, in line order."""
    found: list[Problem] = []
    data = load_yaml(path, collect=found)  # a key written twice must not hide the file's other problems
    found += unsafe_text_problems(data, path)
    try:
        spec = parse_paper(data, str(path), known_types)
    except BankFormatError as exc:
        found.extend(exc.problems)
    if found:
        raise BankFormatError(sorted(found, key=lambda p: p.line or 0))
    return spec
