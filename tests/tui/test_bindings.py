"""Key-binding labels: catalogue keys, shown in the language the app was started with."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets._footer import FooterKey  # not exported by textual.widgets; the footer is made of these

from exam.i18n import set_language
from exam.messages import CATALOGUE
from exam.service import ExamService
from exam.tui.app import ExamApp
from exam.tui.dialogs import confirm, lease, message, passphrase
from exam.tui.screens import exam, history, home, practice, result, review, signin, trainer
from exam.tui.screens.base import ExamDialog, ServiceScreen
from tests.tui.conftest import settle, sign_in, start_first_paper

MODULES = (confirm, lease, message, passphrase, exam, history, home, practice, result, review, signin, trainer)


@pytest.fixture(autouse=True)
def _chinese_afterwards() -> Iterator[None]:
    """The app sets the process-wide language; put it back for the tests that follow."""
    yield
    set_language("zh")


def _bound_classes() -> list[type[DOMNode]]:
    found: list[type[DOMNode]] = [ExamApp]
    for module in MODULES:
        found += [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, ServiceScreen | ExamDialog)
            and value.__module__ == module.__name__
        ]
    return found


def test_every_binding_description_is_a_catalogue_key() -> None:
    """A description is looked up when the footer renders, so a misspelt key would show raw: none is."""
    classes = _bound_classes()
    assert len(classes) >= 14
    for cls in classes:
        for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", [])):
            if binding.description:
                assert binding.description in CATALOGUE, (cls.__name__, binding.key, binding.description)


def _footer(app: ExamApp) -> list[str]:
    return [key.description for key in app.screen.query(FooterKey)]


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_footer_shows_key_labels_in_the_language_the_app_started_with(
    lang: str, mini_service: ExamService
) -> None:
    """Screen classes are defined (imported) before ``--lang`` is known; their footers still follow it."""
    column = 0 if lang == "zh" else 1
    app = ExamApp(service=mini_service, lang=lang)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        # Textual's own command-palette entry follows ours
        assert _footer(app)[:2] == [CATALOGUE["signin.trainer"][column], CATALOGUE["key.quit"][column]]
        await sign_in(pilot)
        await start_first_paper(pilot)
        labels = _footer(app)
        for key in ("key.flag", "key.submit", "key.quit"):
            assert CATALOGUE[key][column] in labels
        assert not any(label in CATALOGUE for label in labels)
