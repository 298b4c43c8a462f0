"""The Chinese UI shows no English word that is not ours to show.

Every screen and dialog a trainee or trainer meets is driven with Pilot and its rendered text read; each ASCII word of
two or more letters must be allowed. The allow-list is derived, not typed: the words in the Chinese column of the
catalogue (``Ctrl``, ``Enter``, ``Esc``, ``Tab`` ...) and the words of the data the app shows (bank and paper titles
and ids, question ids, stems, options, explanations, topics, cited text). Textual's own words (``palette``,
``Dismiss menu``, ``Press Ctrl+Q to quit``) are in neither, so they fail.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Select
from textual.widgets._toast import Toast  # private module: Toast is not exported

from exam.messages import CATALOGUE
from exam.models import Question, Trainee
from exam.papers import practice_paper
from exam.service import ExamService
from exam.tui.screens.base import exam_app
from exam.tui.screens.practice import PracticeScreen
from tests.tui._capture import screen_text
from tests.tui.conftest import make_app, settle, sign_in
from tests.tui.test_snapshots import SCREENS, at_exam, at_trainer

WORD = re.compile(r"[A-Za-z]{2,}")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def words(text: str) -> set[str]:
    """The ASCII words of two or more letters in ``text``, lower-cased."""
    return {word.lower() for word in WORD.findall(text)}


def catalogue_words() -> set[str]:
    """Every word of the Chinese column of the catalogue (placeholders such as ``{count}`` left out)."""
    return set().union(*(words(PLACEHOLDER.sub("", chinese)) for chinese, _ in CATALOGUE.values()))


def data_words(service: ExamService) -> set[str]:
    """Every word of what the app may show from its data: banks, papers, questions, topics, cited text."""
    texts: list[str] = []
    for bank in service.registry.banks.values():
        texts += [bank.id, bank.title]
        for question in bank.questions:
            texts += [question.id, question.stem, question.explanation, *question.tags, _options(question)]
            texts += [service.citation_label(question) or "", service.cited_text(question) or ""]
    for paper in service.registry.papers.values():
        texts += [paper.id, paper.title]
    return set().union(*(words(text) for text in texts))


def _options(question: Question) -> str:
    return " ".join(str(option) for option in question.options or ())


def foreign_words(capture: str, allowed: set[str]) -> set[str]:
    """The words of ``capture`` that are not in ``allowed`` (compared lower-cased)."""
    return words(capture) - allowed


def test_the_check_finds_textual_english_in_a_capture() -> None:
    """The check is not vacuous: Textual's footer item, menu hint and Ctrl+C hint are caught; ours are not."""
    allowed = catalogue_words()
    capture = " ^l 名单  ^q 退出  Enter 确定 · Esc 取消   ▏^p palette\n esc Dismiss menu\nPress ctrl+q to quit the app"
    assert foreign_words(capture, allowed) == {"palette", "dismiss", "menu", "press", "to", "quit", "the", "app"}
    assert foreign_words(" ^l 名单  ^q 退出  Enter 确定 · Esc 取消 · Ctrl+S 交卷 · Tab", allowed) == set()


async def at_open_roster(pilot: Pilot[None]) -> None:
    await pilot.press("ctrl+l", "down")
    await pilot.pause()
    assert pilot.app.screen.query_one("#roster", Select).expanded


async def at_open_topic_list(pilot: Pilot[None]) -> None:
    await sign_in(pilot)
    await pilot.press("p")
    await settle(pilot)
    await pilot.press("tab", "enter")
    await pilot.pause()
    assert pilot.app.screen.query_one("#topic", Select).expanded


async def at_practice_question(pilot: Pilot[None]) -> None:
    await sign_in(pilot)
    service = exam_app(pilot.app).exam
    questions = [q for q in service.registry.banks["constitution-2018"].questions if q.type == "multiple"][:2]
    pilot.app.push_screen(PracticeScreen(practice_paper(questions, "练习", seed="words")))
    await settle(pilot)


async def at_practice_done(pilot: Pilot[None]) -> None:
    await SCREENS["practice_feedback"](pilot)
    await pilot.press("right")
    await settle(pilot)


async def at_wrong_book(pilot: Pilot[None]) -> None:
    await at_practice_done(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("w")
    await settle(pilot)


async def at_quit_dialog(pilot: Pilot[None]) -> None:
    await at_exam(pilot)
    await pilot.press("ctrl+q")
    await pilot.pause()


async def at_ctrl_c_hint(pilot: Pilot[None]) -> None:
    await sign_in(pilot)
    await pilot.press("ctrl+c")
    await settle(pilot)
    await pilot.pause()
    assert pilot.app.screen.query(Toast)  # the hint is on the screen, not only raised


async def at_empty_name(pilot: Pilot[None]) -> None:
    await pilot.click("#signin")
    await settle(pilot)


async def at_trainer_passphrase_missing(pilot: Pilot[None]) -> None:
    await pilot.press("ctrl+t")
    await settle(pilot)


WALK: dict[str, Callable[[Pilot[None]], Awaitable[None]]] = {
    **SCREENS,
    "open_roster": at_open_roster,
    "open_topic_list": at_open_topic_list,
    "practice_question": at_practice_question,
    "practice_done": at_practice_done,
    "wrong_book": at_wrong_book,
    "quit_dialog": at_quit_dialog,
    "ctrl_c_hint": at_ctrl_c_hint,
    "empty_name": at_empty_name,
    "trainer_passphrase_missing": at_trainer_passphrase_missing,
    "trainer": at_trainer,
}


@pytest.mark.parametrize("screen", list(WALK))
async def test_no_english_word_outside_the_catalogue_and_the_data(mini_service: ExamService, screen: str) -> None:
    """Each screen and dialog, in Chinese at 80×24, shows only words of the catalogue's Chinese column or of the
    data it shows."""
    mini_service.store.put_record("roster", "A001", {"name": "王晓峰", "id": "A001", "unit": "东关镇", "position": ""})
    trainee = Trainee(name="李四", id="320102", unit="城关镇")
    attempt = mini_service.start_attempt("mini", trainee, seed="words")
    mini_service.submit(attempt.attempt_id)  # the trainer screen lists it
    allowed = catalogue_words() | data_words(mini_service)
    app = make_app(mini_service)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await WALK[screen](pilot)
        capture = screen_text(app)
    assert foreign_words(capture, allowed) == set(), capture
