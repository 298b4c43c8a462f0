"""Nothing a plugin returns or a trainee types may crash the app: markup in every string is shown literally."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Collapsible, Select

from exam import hookimpl
from exam.papers import PaperSpec, SectionSpec
from exam.plugins import load_registry
from exam.service import ExamService
from exam.sources import SourceDocument
from exam.store import TinyDBAttemptStore
from exam.tui.screens.practice import PracticeSetupScreen
from exam.tui.screens.result import ResultScreen
from exam.tui.screens.review import ReviewScreen
from tests.conftest import FakeClock
from tests.core._support import derive_registry
from tests.tui.conftest import make_app, settle, sign_in, start_first_paper

MARKUP = "[@click=app.quit]点我[/] [b]粗[/b] [/]"

BANK = f"""\
bank:
  id: hostile
  title: "{MARKUP}题库"
  version: "1"
  sources: [rules]
questions:
  - id: q1
    type: single
    stem: "{MARKUP} 本镇规定（ ）"
    options: ["[red]甲", "乙[/]", "[@click=app.quit]丙"]
    answer: A
    explanation: "第一条规定 {MARKUP}"
    source: {{doc: rules, article: 1, paragraph: 1}}
    quote: "[red]甲"
    tags: ["[/]标签"]
  - id: q2
    type: judge
    stem: "{MARKUP} 判断"
    answer: true
    explanation: "第一条“[red]甲”"
    source: {{doc: rules, article: 1, paragraph: 1}}
    quote: "[red]甲"
    tags: ["[/]标签"]
"""


class HostilePlugin:
    """A plugin whose every string is Rich/Textual markup."""

    def __init__(self, bank_path: Path) -> None:
        self.bank_path = bank_path

    @hookimpl
    def exam_register_sources(self, register: object) -> None:
        from exam.sources import Article

        doc = SourceDocument(
            "rules", "[b]规定[/]", "[red]规定", articles={1: Article(1, "[/]", None, ("[red]甲乙丙",))}
        )
        register(doc)  # type: ignore[operator]

    @hookimpl
    def exam_register_banks(self, register: object) -> None:
        register(self.bank_path)  # type: ignore[operator]

    @hookimpl
    def exam_register_papers(self, register: object) -> None:
        sections = (
            SectionSpec(type="single", count=1, points=1, banks=("hostile",)),
            SectionSpec(type="judge", count=1, points=1, banks=("hostile",)),
        )
        register(PaperSpec(id="hostile", title=MARKUP, time_limit=5, pass_mark=1, sections=sections))  # type: ignore[operator]


async def test_markup_from_a_plugin_and_a_trainee_never_acts_or_crashes(tmp_path: Path, clock: FakeClock) -> None:
    """Bank, paper, option, tag and source titles full of markup: sign in, sit, review, practise - all literal."""
    bank = tmp_path / "hostile.bank.yaml"
    bank.write_text(BANK, encoding="utf-8")
    registry = load_registry(extra_plugins=[("hostile", HostilePlugin(bank))])
    assert "hostile" in registry.banks, registry.failures
    hostile = {"hostile": registry.papers["hostile"]}
    registry = derive_registry(registry, papers=hostile, only_these_papers=True, provider="hostile")
    service = ExamService(registry, TinyDBAttemptStore(tmp_path / "store"), clock, clock.monotonic)
    app = make_app(service)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, name=MARKUP, unit=MARKUP)
        await start_first_paper(pilot)
        screen = app.screen
        stems = [str(s.render()) for s in screen.query(".q-stem")]
        assert any(MARKUP in s for s in stems)
        await pilot.press("1", "right", "y")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.click("#confirm")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        for collapsible in app.screen.query(Collapsible):
            collapsible.collapsed = False
        await pilot.pause()
        titles = [str(title.render()) for title in app.screen.query("CollapsibleTitle")]
        assert titles and all("[red]规定" in title for title in titles), titles
        await pilot.press("escape", "escape")
        await settle(pilot)
        app.push_screen(PracticeSetupScreen())
        await settle(pilot)
        app.screen.query_one("#bank", Select).value = "hostile"
        await pilot.pause()
        shown = str(app.screen.query_one("#bank").query_one("SelectCurrent Static").render())
        assert f"{MARKUP}题库" in shown, shown
        await pilot.click("#start")
        await settle(pilot)
        assert app.is_running
