"""Issue 16 thresholds that depend on the new question content: application questions, key positions, real
distractors, no ungrouped overlapping questions, and the weighting of the two new banks to a township chair's work.

These fail until the writers' banks are merged (the three older banks fall short on every figure; the two new
banks hold one starter question each). ``tests/banks/test_quality_rules.py`` shows on constructed banks that each
rule passes on content that meets it and fails on content that does not. The figures are printed by the tests and
in the terminal summary of a run that includes ``test_counts.py``.
"""

from __future__ import annotations

import pytest

from tests.banks._support import (
    BANK_IDS,
    MIN_APPLICATION_IN_OLDER_BANKS,
    NEW_BANKS,
    OLDER_BANKS,
    BankFigures,
    application_problems,
    bank_figures,
    builtin_bank,
    election_weighting_problems,
    figures_table,
    organic_weighting_problems,
    overlap_problems,
    single_key_problems,
    two_wrong_problems,
)


def _figures(bank_id: str) -> BankFigures:
    figures = bank_figures(builtin_bank(bank_id))
    print(figures_table(figures))
    return figures


@pytest.mark.parametrize("bank_id", NEW_BANKS)
def test_new_bank_is_at_least_35_percent_application_questions(bank_id: str) -> None:
    """At least 35 % of each new bank are application questions (``application: true``: a township situation,
    which organ, which threshold, which level)."""
    assert application_problems(_figures(bank_id)) == []


def test_older_banks_have_at_least_80_application_questions_together() -> None:
    """The speech, Constitution and Deputies Law banks together have at least 80 application questions."""
    figures = [_figures(bank_id) for bank_id in OLDER_BANKS]
    counts = {f.bank_id: f.application for f in figures}
    assert sum(counts.values()) >= MIN_APPLICATION_IN_OLDER_BANKS, counts


@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_no_letter_keys_more_than_35_percent_of_single_questions(bank_id: str) -> None:
    """Single-choice keys are spread over the positions: no letter is the key of more than 35 % of a bank's
    single-choice questions."""
    assert single_key_problems(_figures(bank_id)) == []


@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_most_multiple_questions_have_at_least_two_wrong_options(bank_id: str) -> None:
    """More than half of a bank's multiple-choice questions have at least two wrong options (not "spot the one
    distractor")."""
    assert two_wrong_problems(_figures(bank_id)) == []


@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_no_overlapping_questions_without_a_shared_group(bank_id: str) -> None:
    """Every pair of questions whose quotes overlap (a common run of at least 60 % of the shorter quote, punctuation
    and white space removed) shares a group, so no paper draws both (see exam.bankcheck)."""
    assert overlap_problems(_figures(bank_id)) == []


def test_organic_law_bank_is_weighted_to_the_township_congress() -> None:
    """At least half the Local Organic Law questions are on 第二章 (地方各级人民代表大会) or art. 59; 第二章 has more
    questions than any other chapter; the 街道 working committee (art. 59 款3) is asked about; and every township
    topic issue 16 names has a question (arts 12, 14, 18-19, 22, 31-32, 59)."""
    assert organic_weighting_problems(_figures("organic-law-2022")) == []


def test_election_law_bank_is_weighted_to_direct_elections_and_recall() -> None:
    """At most a fifth of the Election Law questions are on provisions for the NPC or indirect elections only (arts
    6, 16-18, 33, 39, 51); at least 15 % are on 第十章 (supervision, recall, resignation, by-elections); and every
    topic issue 16 names has a question (direct election, constituencies, candidates, recall by voters,
    by-elections)."""
    assert election_weighting_problems(_figures("election-law-2020")) == []


@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_bank_text_uses_full_width_punctuation_between_chinese_characters(bank_id: str) -> None:
    """Issue 10: no ``, ; : ? ! ( )`` next to Chinese characters in what a trainee reads (stem, options, typed
    answers, explanation, the bank's title and description), as ``exam banks validate`` reports them."""
    from exam.bankcheck import punctuation_warnings

    assert [str(problem) for problem in punctuation_warnings(builtin_bank(bank_id))] == []
