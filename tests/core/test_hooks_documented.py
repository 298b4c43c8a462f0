"""Meta-tests (every hook is documented and tested) and one behavioural test per hook, named after it."""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from exam import hookimpl, hookspecs
from exam.exporters import Exporter, ScoreSheet
from exam.models import Bank, Trainee
from exam.plugins import Kind, load_registry
from exam.qtypes import GradingRules, QuestionType
from exam.service import ExamService
from exam.sources import Article, SourceDocument
from exam.store import TinyDBAttemptStore
from tests.conftest import FakeClock
from tests.core._support import PROJECT_ROOT, bank_yaml, make_question

DOCS = PROJECT_ROOT / "docs" / "plugins.md"
HOOKS = sorted(name for name, fn in vars(hookspecs).items() if callable(fn) and hasattr(fn, "exam_spec"))
DOCUMENTED_KEYS = {"attempt_id", "trainee", "paper", "status", "started_at", "submitted_at", "deadline", "score",
                   "max_score", "passed", "answers"}  # fmt: skip


def test_there_are_hooks_for_every_kind_of_contribution() -> None:
    """Banks, papers, question types, exporters, sources and the submission event each have a hook."""
    assert sorted(
        [
            "exam_register_question_types", "exam_register_sources", "exam_register_banks", "exam_register_papers",
            "exam_register_exporters", "exam_attempt_submitted",
        ]
    ) == HOOKS  # fmt: skip


@pytest.mark.parametrize("hook", HOOKS)
def test_hookspec_is_prefixed_typed_and_documented_in_code(hook: str) -> None:
    """Each spec is prefixed ``exam_``, has typed parameters, and a docstring with purpose, Args, Returns and
    whether it is firstresult."""
    spec = getattr(hookspecs, hook)
    assert hook.startswith("exam_")
    signature = inspect.signature(spec)
    assert all(p.annotation is not inspect.Parameter.empty for p in signature.parameters.values())
    assert signature.return_annotation is not inspect.Signature.empty
    doc = inspect.getdoc(spec) or ""
    assert "Args:" in doc and "Returns:" in doc and "firstresult" in doc
    for name in signature.parameters:
        assert f"{name}:" in doc


def _doc_sections() -> dict[str, str]:
    text = DOCS.read_text(encoding="utf-8")
    sections: dict[str, str] = {}
    for match in re.finditer(r"^### `(exam_\w+)`\n(.*?)(?=^#{1,3} )", text, re.S | re.M):
        sections[match.group(1)] = match.group(2)
    return sections


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented_in_docs_plugins_md(hook: str) -> None:
    """docs/plugins.md has a section per hook giving its purpose, parameters, return contract and firstresult."""
    section = _doc_sections().get(hook)
    assert section is not None, f"docs/plugins.md has no '### `{hook}`' section"
    for words in ("*Purpose:*", "*Parameters:*", "*Return contract:*", "firstresult"):
        assert words in section
    for name in inspect.signature(getattr(hookspecs, hook)).parameters:
        assert f"`{name}" in section


def test_docs_plugins_md_documents_no_hook_that_does_not_exist() -> None:
    """Every hook section of docs/plugins.md is a real hook (no stale documentation)."""
    assert sorted(_doc_sections()) == HOOKS


def _test_names() -> set[str]:
    names: set[str] = set()
    for path in (PROJECT_ROOT / "tests").rglob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names.update(
            node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
        )
    return names


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test_naming_it(hook: str) -> None:
    """At least one test function's name mentions the hook."""
    assert any(hook in name for name in _test_names())


# -- one behavioural test per hook -----------------------------------------------------------------------------------


def _order_grade(question: Any, response: Any, points: float, rules: GradingRules) -> float:
    return float(points) if isinstance(response, str) and response.strip().upper() == question.answer else 0.0


def _parse_order(value: Any, n_options: int) -> str:
    from exam.qtypes import AnswerFormatError

    if not isinstance(value, str) or sorted(value) != sorted("ABCD"[: len(value)]):
        raise AnswerFormatError("排序题的答案应写作字母顺序，如 BADC")
    return value


ORDER_TYPE = QuestionType("order", ("排序题", "Ordering"), "text", _parse_order, _order_grade, False, 3)


class TypePlugin:
    @hookimpl
    def exam_register_question_types(self, register: Callable[[Any], None]) -> None:
        register(ORDER_TYPE)
        register(QuestionType("single", ("单选", "Single"), "choice", _parse_order, _order_grade))  # taken
        register("not a type")


def test_exam_register_question_types_adds_a_usable_type(tmp_path: Path) -> None:
    """A plugin type can be used in a bank file and is graded by its own function; a duplicate name and a
    non-type are rejected with reasons, the built-in type is kept."""
    banks = tmp_path / "banks"
    banks.mkdir()
    questions = """\
      - id: o1
        type: order
        stem: 按程序先后排列：A 提出议案 B 审议 C 表决 D 公布
        answer: ABCD
        explanation: 本镇制度第一条。
        source: {doc: town-doc, article: 1}
        quote: 原文
    """
    (banks / "order.bank.yaml").write_text(bank_yaml("ordering", questions), encoding="utf-8")
    registry = load_registry(banks_dirs=[banks], extra_plugins=[("types", TypePlugin())])
    assert registry.types["order"] is ORDER_TYPE and registry.provider(Kind.TYPE, "order") == "types"
    assert registry.provider(Kind.TYPE, "single") == "exam.builtin"
    reasons = [f.reason for f in registry.failures if f.plugin == "types"]
    assert len(reasons) == 2 and "single" in reasons[0] and "exam.builtin" in reasons[0] and "str" in reasons[1]
    (question,) = registry.banks["ordering"].questions
    assert question.points == 3
    assert ORDER_TYPE.grade(question, "abcd", 3, GradingRules()) == 3
    assert ORDER_TYPE.grade(question, "BACD", 3, GradingRules()) == 0


TOWN_DOC = SourceDocument(
    doc_id="town-doc",
    title="本镇人大工作制度",
    short_title="镇制度",
    articles={
        1: Article(1, "总则", None, ("镇人民代表大会每届任期五年。",)),
        2: Article(2, "总则", None, ("主席团闭会期间办理日常工作。",)),
        3: Article(3, "总则", None, ("代表由选民直接选举。",)),
    },
)


class SourcePlugin:
    def __init__(self, bank_file: Path) -> None:
        self.bank_file = bank_file

    @hookimpl
    def exam_register_sources(self, register: Callable[[Any], None]) -> None:
        register(TOWN_DOC)
        register(SourceDocument("speech", "又一篇讲话", "讲话"))  # taken by the built-in speech plugin

    @hookimpl
    def exam_register_banks(self, register: Callable[[Any], None]) -> None:
        register(self.bank_file)


def test_exam_register_sources_text_is_used_to_check_quotes_and_for_review(tmp_path: Path) -> None:
    """A plugin's source text is what its banks' quotes are checked against, and what the review shows; a
    duplicate doc id is rejected."""
    good = tmp_path / "good.bank.yaml"
    good.write_text(bank_yaml(), encoding="utf-8")
    registry = load_registry(extra_plugins=[("town", SourcePlugin(good))])
    assert "town-rules" in registry.banks and registry.provider(Kind.SOURCE, "town-doc") == "town"
    (reason,) = [f.reason for f in registry.failures if f.plugin == "town"]
    assert "speech" in reason
    service = ExamService(registry, TinyDBAttemptStore(tmp_path / "store"))
    question = registry.banks["town-rules"].questions[0]
    assert service.cited_text(question) == "镇人民代表大会每届任期五年。"
    assert service.citation_label(question) == "镇制度 第一条第一款"

    bad = tmp_path / "bad.bank.yaml"
    bad.write_text(bank_yaml().replace("quote: 每届任期五年", "quote: 每届任期三年"), encoding="utf-8")
    registry = load_registry(extra_plugins=[("town", SourcePlugin(bad))])
    assert "town-rules" not in registry.banks
    assert any(f.plugin == "town" and "quote" in f.reason for f in registry.failures)


class BankObjectPlugin:
    @hookimpl
    def exam_register_banks(self, register: Callable[[Any], None]) -> None:
        register(Bank("objects", "对象题库", "2", (make_question("x", bank="objects"),)))
        register(42)


def test_exam_register_banks_accepts_bank_objects_and_records_the_owner() -> None:
    """A ready Bank object is accepted like a file and attributed to its plugin; anything else is rejected."""
    registry = load_registry(extra_plugins=[("objects", BankObjectPlugin())])
    assert registry.banks["objects"].version == "2"
    assert registry.provider(Kind.BANK, "objects") == "objects"
    assert registry.plugins["objects"].contributed == ("bank:objects",)
    (reason,) = [f.reason for f in registry.failures if f.plugin == "objects"]
    assert "int" in reason


class PaperFilePlugin:
    def __init__(self, path: Path) -> None:
        self.path = path

    @hookimpl
    def exam_register_papers(self, register: Callable[[Any], None]) -> None:
        register(self.path)


def test_exam_register_papers_file_is_loaded_and_attributed(tmp_path: Path) -> None:
    """A valid paper file from a plugin is available to the service, owned by the plugin."""
    path = tmp_path / "quiz.paper.yaml"
    path.write_text(
        "paper:\n  id: quiz\n  title: 小测\n  time_limit: 5\n  pass_mark: 2\n"
        "  sections:\n    - {type: judge, count: 3, points: 1, banks: [speech]}\n",
        encoding="utf-8",
    )
    registry = load_registry(extra_plugins=[("quiz", PaperFilePlugin(path))])
    assert registry.papers["quiz"].question_count == 3 and registry.provider(Kind.PAPER, "quiz") == "quiz"


def _write_json(sheet: ScoreSheet, path: Path) -> None:
    path.write_text(repr(sheet), encoding="utf-8")


class ExporterPlugin:
    @hookimpl
    def exam_register_exporters(self, register: Callable[[Any], None]) -> None:
        register(Exporter("repr", "Python repr", ".txt", _write_json))
        register(Exporter("csv", "another csv", ".csv", _write_json))  # taken by the core


def test_exam_register_exporters_adds_a_format_and_rejects_a_taken_name() -> None:
    """A plugin's exporter is registered under its name; a second ``csv`` is rejected and the core's kept."""
    registry = load_registry(extra_plugins=[("repr", ExporterPlugin())])
    assert registry.exporters["repr"].suffix == ".txt" and registry.provider(Kind.EXPORTER, "repr") == "repr"
    assert registry.provider(Kind.EXPORTER, "csv") == "exam.builtin"
    assert {"xlsx", "csv", "repr"} <= set(registry.exporters)
    assert any(f.plugin == "repr" and "csv" in f.reason for f in registry.failures)


class Recorder:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    @hookimpl
    def exam_attempt_submitted(self, attempt: dict[str, Any]) -> None:
        self.events.append(attempt)


class Meddler:
    @hookimpl
    def exam_attempt_submitted(self, attempt: dict[str, Any]) -> None:
        attempt["answers"].clear()
        attempt["trainee"]["name"] = "篡改"
        raise RuntimeError("通知服务不可用")


def _service(tmp_path: Path, clock: FakeClock, *plugins: tuple[str, object]) -> ExamService:
    registry = load_registry(extra_plugins=plugins)
    return ExamService(registry, TinyDBAttemptStore(tmp_path / "store"), clock, clock.monotonic)


def test_exam_attempt_submitted_receives_the_documented_attempt_once_per_submission(
    tmp_path: Path, clock: FakeClock, trainee: Trainee
) -> None:
    """The event fires once per submission (not again for a repeated submit), with the documented record; an
    automatic submission at the deadline fires it too, as auto_submitted."""
    recorder = Recorder()
    service = _service(tmp_path, clock, ("recorder", recorder))
    attempt = service.start_attempt("speech", trainee)
    first = attempt.paper_snapshot.questions[0].question
    service.save_answer(attempt.attempt_id, first.id, first.answer)
    service.submit(attempt.attempt_id)
    service.submit(attempt.attempt_id)
    assert len(recorder.events) == 1
    event = recorder.events[0]
    assert set(event) == DOCUMENTED_KEYS
    assert event["attempt_id"] == attempt.attempt_id and event["status"] == "submitted"
    assert event["trainee"] == {"name": trainee.name, "id": trainee.id, "unit": trainee.unit}
    assert len(event["answers"]) == 30
    assert all(set(a) == {"question_id", "response", "points", "max_points"} for a in event["answers"])
    assert event["answers"][0]["response"] == first.answer

    other = service.start_attempt("speech", Trainee("李四", "2"))
    clock.advance(minutes=25)
    service.finalise_expired()
    service.finalise_expired()
    assert [e["attempt_id"] for e in recorder.events] == [attempt.attempt_id, other.attempt_id]
    assert recorder.events[1]["status"] == "auto_submitted"
    assert recorder.events[1]["submitted_at"] == other.to_json()["deadline"]


def test_exam_attempt_submitted_exception_does_not_stop_the_submission(
    tmp_path: Path, clock: FakeClock, trainee: Trainee
) -> None:
    """A plugin raising in the event is recorded as (plugin, reason); the attempt is still submitted and stored,
    and the other plugins get an untouched copy (changes by one plugin never reach another)."""
    before, after = Recorder(), Recorder()
    service = _service(tmp_path, clock, ("before", before), ("meddler", Meddler()), ("after", after))
    attempt = service.start_attempt("speech", trainee)
    closed, closed_now = service.submit(attempt.attempt_id)
    assert closed_now and closed.status == "submitted"
    assert service.store.get_attempt(attempt.attempt_id).status == "submitted"
    assert service.store.list_attempts(status="submitted")
    (failure,) = [f for f in service.registry.failures if f.plugin == "meddler"]
    assert "exam_attempt_submitted" in failure.reason and "通知服务不可用" in failure.reason
    for recorder in (before, after):
        (event,) = recorder.events
        assert len(event["answers"]) == 30 and event["trainee"]["name"] == trainee.name
