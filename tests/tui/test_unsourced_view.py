"""Review and practice show 未注明出处 where the citation of an unsourced question (an imported bank) would be."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.screen import Screen
from textual.widgets import Static

from exam.banks import load_bank_file
from exam.models import Bank, Trainee
from exam.papers import PaperSpec, SectionSpec, practice_paper
from exam.plugins import Registry
from exam.service import ExamService
from exam.store import TinyDBAttemptStore
from exam.tui.screens.practice import PracticeScreen
from exam.tui.screens.review import ReviewScreen
from tests._support import choice_key
from tests.conftest import FakeClock
from tests.core._support import derive_registry
from tests.core.test_unsourced import UNSOURCED_BANK
from tests.tui.conftest import make_app, settle, sign_in

PAPER = PaperSpec(
    id="imported-paper",
    title="导入题库测验",
    time_limit=10,
    pass_mark=1,
    shuffle_questions=False,
    shuffle_options=False,
    multiple_rule="partial",
    sections=(SectionSpec(type="single", count=2, points=1, banks=("imported",)),),
)


def imported_service(
    tmp_path: Path, registry: Registry, store: TinyDBAttemptStore, clock: FakeClock
) -> tuple[ExamService, Bank]:
    path = tmp_path / "imported.bank.yaml"
    path.write_text(UNSOURCED_BANK, encoding="utf-8")
    bank = load_bank_file(path, registry.types, registry.sources)
    derived = derive_registry(registry, banks={bank.id: bank}, papers={PAPER.id: PAPER}, only_these_papers=True)
    return ExamService(derived, store, clock, clock.monotonic), bank


def texts(screen: Screen[Any]) -> list[str]:
    """The text of every Static on the screen."""
    return [str(widget.render()) for widget in screen.query(Static)]


async def test_practice_shows_unsourced_in_place_of_the_citation(
    tmp_path: Path, registry: Registry, store: TinyDBAttemptStore, clock: FakeClock
) -> None:
    """After checking an answer to an unsourced question, practice shows 出处：未注明出处 (and no empty 解析 line)."""
    service, bank = imported_service(tmp_path, registry, store, clock)
    question = bank.questions[0]
    assert question.unsourced
    app = make_app(service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        app.push_screen(PracticeScreen(practice_paper([question], "练习", seed="practice")))
        await settle(pilot)
        practice = app.screen
        assert isinstance(practice, PracticeScreen)
        shown = [c for c, _ in practice.paper.questions[0].displayed_options()]
        await pilot.press(str(shown.index(choice_key(question)[0]) + 1))
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        shown_text = texts(app.screen)
        assert "出处：未注明出处" in shown_text
        assert not any(text.startswith("解析：") for text in shown_text)


async def test_review_shows_unsourced_and_the_citation_of_a_sourced_question(
    tmp_path: Path, registry: Registry, store: TinyDBAttemptStore, clock: FakeClock
) -> None:
    """The review of a paper drawn from an imported bank marks the unsourced question and cites the sourced one."""
    service, _ = imported_service(tmp_path, registry, store, clock)
    attempt = service.start_attempt(PAPER.id, Trainee(name="孙八", id="k001"))
    attempt, _ = service.submit(attempt.attempt_id)
    app = make_app(service)
    async with app.run_test(size=(100, 40)) as pilot:
        await sign_in(pilot, name="孙八", trainee_id="k001")
        app.push_screen(ReviewScreen(attempt))
        await settle(pilot)
        shown_text = texts(app.screen)
        assert shown_text.count("出处：未注明出处") == 1
        assert any(text.startswith("出处：town-doc 第四条") for text in shown_text)
