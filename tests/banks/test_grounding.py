"""Grounding of every question of the built-in banks in the text it cites (issue 3).

Each question is checked twice: by :func:`exam.grounding.check_question` (the rules trainers run on their own banks)
and by the independent checker in ``_support`` (its own normalisation, raw source files), so a bug in one cannot
silently pass a wrong key.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import yaml

from exam.grounding import check_bank, check_question, near_duplicate_stems
from exam.models import ShortAnswer
from exam.plugins import Registry
from exam.qtypes import GradingRules
from exam.sources import Citation
from exam.textnorm import contains, normalize_answer
from exam.yamlsafe import load_yaml
from tests._support import blank_key, choice_key
from tests.banks._support import (
    BANK_IDS,
    BANK_SOURCES,
    TYPES,
    answer_items,
    bank_path,
    bare,
    builtin_bank,
    fold,
    get_question,
    independent_problems,
    key_problems,
    library,
    occurs,
    question_params,
    raw_speech,
    raw_statute,
)

QUESTIONS = question_params()


@pytest.mark.parametrize(("bank_id", "local_id"), QUESTIONS)
def test_question_passes_exam_grounding(bank_id: str, local_id: str) -> None:
    """exam.grounding.check_question finds no problem: citation exists, quote verbatim, keys in quote, explanation
    names the article/section, judge explanations quote the decisive words, short keyword groups are grounded."""
    question = get_question(bank_id, local_id)
    assert check_question(question, library()) == []


@pytest.mark.parametrize(("bank_id", "local_id"), QUESTIONS)
def test_question_passes_independent_grounding(bank_id: str, local_id: str) -> None:
    """The same rules, decided from the raw source files with the tests' own normalisation, agree."""
    question = get_question(bank_id, local_id)
    assert independent_problems(question, bank_id) == []


@pytest.mark.parametrize(("bank_id", "local_id"), QUESTIONS)
def test_keyed_text_is_literally_in_quote_and_source(bank_id: str, local_id: str) -> None:
    """The rule that matters most, spelled out inline: each keyed option or blank answer is a substring of the quote,
    and the quote a substring of the cited paragraph, once width, white space, 〇/○ and curly quotes are folded."""
    question = get_question(bank_id, local_id)
    if question.type in ("single", "multiple") and not question.negated:
        keyed = [question.options["ABCDEFGH".index(letter)] for letter in choice_key(question)]
    elif question.type == "blank":  # each item of an order-free answer is keyed text of its own
        keyed = [item for accepted in blank_key(question) for text in accepted for item in answer_items(text)]
    else:
        keyed = []
    for text in keyed:
        assert fold(text) and fold(text) in fold(question.quote), f"“{text}” is not in the quote “{question.quote}”"
    src = question.citation
    if src.doc == "speech":
        assert fold(question.quote) in fold(raw_speech())
    else:
        statute = raw_statute(src.doc)
        paragraphs = statute.preamble if src.article is None else statute.articles[src.article]
        assert src.paragraph is not None
        assert fold(question.quote) in fold(paragraphs[src.paragraph - 1])


def test_negated_questions_have_their_key_outside_the_quote() -> None:
    """A negated (以下不属于…) question is keyed to the one option the quote does not state; the checker agrees on
    every negated question in the banks, and there is at least one, so the branch is exercised."""
    negated = [q for bank_id in BANK_IDS for q in builtin_bank(bank_id).questions if q.negated]
    assert negated
    for question in negated:
        letters = choice_key(question)
        for i, option in enumerate(question.options):
            assert occurs(option, question.quote) is ("ABCDEFGH"[i] not in letters), (question.id, option)
        assert key_problems(question) == []


@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_bank_passes_check_bank(bank_id: str) -> None:
    """check_bank (per-question rules plus near-duplicate stems) reports nothing for the whole bank."""
    assert [str(p) for p in check_bank(builtin_bank(bank_id), library())] == []


@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_no_two_stems_are_the_same_or_nearly_so(bank_id: str) -> None:
    """No two questions of a bank have equal stems once punctuation and white space are ignored, nor stems that
    near_duplicate_stems calls nearly equal."""
    questions = builtin_bank(bank_id).questions
    stems = Counter(bare(q.stem) for q in questions)
    assert [stem for stem, n in stems.items() if n > 1] == []
    assert [(a.id, b.id) for a, b in near_duplicate_stems(questions)] == []


@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_no_option_list_repeats_an_option(bank_id: str) -> None:
    """Within a question the options differ, even ignoring punctuation, width and white space."""
    for question in builtin_bank(bank_id).questions:
        normalised = [normalize_answer(o) for o in question.options]
        assert len(set(normalised)) == len(normalised), (question.id, question.options)


@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_bank_cites_only_its_own_sources(bank_id: str) -> None:
    """A bank declares exactly its source texts, and no question cites any other document."""
    bank = builtin_bank(bank_id)
    assert bank.sources == BANK_SOURCES[bank_id]
    assert {q.citation.doc for q in bank.questions} == set(BANK_SOURCES[bank_id])


def test_deputies_bank_cites_only_the_2025_numbering() -> None:
    """The Deputies Law has 65 articles since its 2025 renumbering: no question cites article 66 or later, and every
    question cites the 2025 text (so its quote was checked against the 2025 wording)."""
    assert max(raw_statute("deputies-law-2025").articles) == 65
    questions = builtin_bank("deputies-law-2025").questions
    assert {q.citation.doc for q in questions} == {"deputies-law-2025"}
    too_high = [(q.id, q.citation.article) for q in questions if q.citation.article is None or q.citation.article > 65]
    assert too_high == []


def test_registry_serves_the_banks_as_written(registry: Registry) -> None:
    """The built-in plugins load all three banks through the strict loader (quotes checked against the sources)
    without a failure, and they hold exactly the questions the files hold."""
    assert [f for f in registry.failures if f.plugin in (*BANK_IDS, "final-exam")] == []
    for bank_id in BANK_IDS:
        assert bank_id in registry.banks
        assert [q.id for q in registry.banks[bank_id].questions] == [q.id for q in builtin_bank(bank_id).questions]


# -- YAML traps --------------------------------------------------------------------------------------------------


def _text_fields(raw: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every value of a raw question that must be a string, labelled."""
    fields: list[tuple[str, Any]] = [(k, raw.get(k)) for k in ("id", "type", "stem", "explanation", "quote")]
    fields += [(f"options[{i}]", o) for i, o in enumerate(raw.get("options") or [])]
    fields += [(f"tags[{i}]", t) for i, t in enumerate(raw.get("tags") or [])]
    answer = raw.get("answer")
    if raw.get("type") == "single":
        fields.append(("answer", answer))
    elif raw.get("type") == "multiple":
        fields += [(f"answer[{i}]", a) for i, a in enumerate(answer if isinstance(answer, list) else [answer])]
    elif raw.get("type") == "blank":
        for i, accepted in enumerate(answer if isinstance(answer, list) else [answer]):
            for j, text in enumerate(accepted if isinstance(accepted, list) else [accepted]):
                if isinstance(text, dict) and set(text) == {"any_order"}:  # an order-free answer: its items
                    items = text["any_order"] if isinstance(text["any_order"], list) else [text["any_order"]]
                    fields += [(f"answer[{i}][{j}].any_order[{k}]", item) for k, item in enumerate(items)]
                else:
                    fields.append((f"answer[{i}][{j}]", text))
    elif raw.get("type") == "short" and isinstance(answer, dict):
        fields.append(("answer.reference", answer.get("reference")))
        for i, group in enumerate(answer.get("keywords") or []):
            for j, word in enumerate(group if isinstance(group, list) else [group]):
                fields.append((f"answer.keywords[{i}][{j}]", word))
    return fields


@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_no_yaml_scalar_turns_into_a_non_string(bank_id: str) -> None:
    """Every option, blank answer, keyword, tag and text is a string both under the project's YAML 1.2 loader and
    under plain YAML 1.1 (PyYAML safe_load), where a bare no/yes/on/off becomes a boolean and 1:30 a number: such a
    value must be quoted. Judge keys are real booleans, and the file means the same under both readings."""
    path = bank_path(bank_id)
    strict = load_yaml(path)
    yaml11 = yaml.safe_load(path.read_text(encoding="utf-8"))
    for loaded, reading in ((strict, "YAML 1.2"), (yaml11, "YAML 1.1")):
        assert isinstance(loaded["bank"]["version"], str), reading
        for raw in loaded["questions"]:
            wrong = [(name, value) for name, value in _text_fields(raw) if not isinstance(value, str)]
            assert wrong == [], f"{reading}: {raw.get('id')}: {wrong}"
            if raw["type"] == "judge":
                assert isinstance(raw["answer"], bool), f"{reading}: {raw['id']}: {raw['answer']!r}"
    assert yaml11 == strict


@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_short_reference_answer_covers_every_keyword_group(bank_id: str) -> None:
    """A trainee who writes a short question's own reference answer earns its full provisional score: every keyword
    group has a word that the reference answer contains (otherwise the key and the grader disagree)."""
    shorts = [q for q in builtin_bank(bank_id).questions if q.type == "short"]
    assert shorts
    for question in shorts:
        assert isinstance(question.answer, ShortAnswer)
        reference = bare(question.answer.reference)
        missing = [g for g in question.answer.keywords if not any(bare(w) and bare(w) in reference for w in g)]
        assert missing == [], question.id
        assert TYPES["short"].grade(question, question.answer.reference, 10, GradingRules()) == 10


@pytest.mark.parametrize(
    ("quote", "grounded"),
    [
        ("一八四〇年以后", True),  # as in the source (U+3007)
        ("一八四○年以后", True),  # WHITE CIRCLE look-alike
        ("一八四〇年以后,封建的中国", True),  # half-width comma for the source's full-width one
        ("一八四〇年 以后，\n封建的中国", True),  # white space and a line break
        ("一八四〇年以前，封建的中国", False),  # one character changed
        ("一八四〇年以后封建的中国", False),  # punctuation dropped: still has to match the source's
    ],
)
def test_quote_comparison_folds_only_width_white_space_and_zero_look_alikes(quote: str, grounded: bool) -> None:
    """Quotes are compared after folding punctuation width, white space and 〇/○, and nothing else, by both
    exam.textnorm (used by exam.grounding) and the tests' own fold."""
    paragraph = library().text(Citation("constitution-2018", section="序言", paragraph=2))
    assert "一八四〇年以后，封建的中国" in paragraph
    assert contains(paragraph, quote) is grounded
    assert occurs(quote, paragraph) is grounded
