"""The `exam` command: help in Chinese and English, the documented JSON of `banks dump` and `results`, and user
errors as one message without a traceback."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from exam.cli import main
from exam.errors import ExamError
from exam.models import Trainee
from exam.plugins import Kind, Registry
from exam.service import ExamService
from exam.store import TinyDBAttemptStore
from tests.conftest import FakeClock
from tests.core._support import PROJECT_ROOT, builtin_banks_present, clean_env, command_tree

CJK = re.compile(r"[\u4e00-\u9fff]")
DUMP_KEYS = {"id", "bank", "type", "stem", "options", "answer", "explanation", "source", "quote", "difficulty",
             "tags", "points"}  # fmt: skip
RESULT_KEYS = {"attempt_id", "trainee", "paper", "status", "started_at", "submitted_at", "deadline", "score",
               "max_score", "passed", "answers"}  # fmt: skip

HELP_PROBE = """
import contextlib, io, json, sys
import click
from exam import cli as c

def walk(cmd, path):
    yield path, cmd
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd)
        for name in cmd.list_commands(ctx):  # not cmd.commands: the CLI imports its subcommands lazily
            sub = cmd.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from walk(sub, path + [name])

out = {}
for path, cmd in walk(c.cli, []):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        code = c.main(path + ["--help"])
    out[" ".join(path)] = {"code": code, "help": buffer.getvalue(), "text": cmd.help or ""}
print(json.dumps(out, ensure_ascii=False))
"""


def help_pages(tmp_path: Path, lang: str) -> dict[str, dict[str, Any]]:
    """``--help`` of every command (walked from the live command tree), in a fresh process with EXAM_LANG."""
    result = subprocess.run(
        [sys.executable, "-c", HELP_PROBE],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=clean_env(tmp_path, EXAM_LANG=lang),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def helps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, dict[str, Any]]]:
    tmp = tmp_path_factory.mktemp("help")
    return {"zh": help_pages(tmp, "zh"), "en": help_pages(tmp, "en")}


def test_every_command_has_help_in_chinese(helps: dict[str, dict[str, dict[str, Any]]]) -> None:
    """`exam ... --help` works for every command and group, in Chinese by default (headings and description)."""
    pages = helps["zh"]
    assert {"", "banks", "banks list", "banks validate", "banks dump", "plugins", "results", "store repair"} <= set(
        pages
    )
    for path, page in pages.items():
        assert page["code"] == 0, path
        assert "用法：" in page["help"] and "选项" in page["help"], path
        assert page["text"] and CJK.search(page["text"]), f"exam {path} has no Chinese description"
        assert "Traceback" not in page["help"]


def test_every_command_has_help_in_english(helps: dict[str, dict[str, dict[str, Any]]]) -> None:
    """With EXAM_LANG=en every help page is in English: English headings and an English description."""
    zh, en = helps["zh"], helps["en"]
    assert set(en) == set(zh)
    for path, page in en.items():
        assert page["code"] == 0, path
        assert "Usage:" in page["help"] and "Options" in page["help"], path
        assert "用法" not in page["help"] and "选项" not in page["help"], path
        assert page["text"] != zh[path]["text"], f"exam {path}: the English help is the Chinese one"
        first_line = page["text"].strip().splitlines()[0]
        assert re.match(r"[A-Z][a-z]+", first_line) and not CJK.match(first_line), (path, first_line)


def test_every_command_is_in_docs_cli_md(helps: dict[str, dict[str, dict[str, Any]]]) -> None:
    """docs/cli.md names every command (``exam banks list`` ...)."""
    docs = (PROJECT_ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    missing = [path for path in helps["zh"] if path and f"exam {path}" not in docs]
    assert missing == []


# -- help and errors wholly in one language (i10text) -------------------------------------------------------------

ASCII_WORD = re.compile(r"[A-Za-z]{2,}")
PLACEHOLDER = re.compile(r"\{([a-z_]+)(?:![rs])?\}")


def _click_boilerplate() -> set[str]:
    """Click's own words: those of every message id we translate and of click's type names, with the placeholders
    of usage lines; minus the words our Chinese texts use themselves (``--help``, ``Enter``)."""
    import click

    from exam.cli.base import CLICK_MESSAGES, METAVARS
    from exam.messages import CATALOGUE

    types = [click.STRING, click.INT, click.FLOAT, click.BOOL, click.UUID, click.Path(), click.File(),
             click.IntRange(0), click.FloatRange(0), click.DateTime()]  # fmt: skip
    words = set(ASCII_WORD.findall(" ".join([*CLICK_MESSAGES, *METAVARS, *(kind.name.upper() for kind in types)])))
    ours = set(ASCII_WORD.findall(" ".join(PLACEHOLDER.sub("", zh) for zh, _ in CATALOGUE.values())))
    return words - ours - {"name", "value", "message"}


def test_chinese_help_has_no_click_english(helps: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Every Chinese help page is Chinese throughout: no word of click's own (Usage, Options, Commands, default,
    required, OPTIONS, TEXT, PATH ...) and a full-width colon after every Chinese heading (选项：, not 选项:)."""
    boilerplate = _click_boilerplate()
    assert {"Usage", "Options", "Commands", "default", "required", "OPTIONS", "TEXT", "PATH"} <= boilerplate
    for path, page in helps["zh"].items():
        text = re.sub(r"--?[\w-]+", "", page["help"])  # option names (--to, --from) are not words
        found = set(ASCII_WORD.findall(text)) & boilerplate
        assert not found, (path, found, page["help"])
        assert not re.search(r"[\u4e00-\u9fff][:]", page["help"]), (path, page["help"])


def test_chinese_help_wraps_at_the_page_width(helps: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Chinese help lines fit the 80-column page (a Chinese character takes two columns, click counts one) and no
    line begins with closing punctuation (，。）)."""
    from rich.cells import cell_len

    for path, page in helps["zh"].items():
        for line in page["help"].splitlines():
            assert cell_len(line) <= 80, (path, line)
            assert not re.match(r"\s*[，。；：、！？）》”]", line), (path, line)


def test_english_help_has_no_chinese(helps: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Every English help page is English throughout: Chinese only where the English catalogue text itself names a
    Chinese column or file (姓名, 题库模板.xlsx), and no full-width punctuation."""
    from exam.messages import CATALOGUE

    allowed = set(re.findall(r"[\u4e00-\u9fff]+", " ".join(en for _, en in CATALOGUE.values())))
    allowed |= {"题库模板"}  # the default file name of ``exam banks template -o``
    for path, page in helps["en"].items():
        chinese = set(re.findall(r"[\u4e00-\u9fff]+", page["help"])) - allowed
        assert not chinese, (path, chinese, page["help"])
        assert not re.search(r"[：，。（）]", page["help"]), (path, page["help"])


@pytest.mark.parametrize(
    ("args", "chinese", "english"),
    [
        (["results", "--bogus"], "没有选项 '--bogus'", "No such option '--bogus'"),
        (["nosuch"], "没有子命令 'nosuch'", "No such command 'nosuch'"),
        (["mark", "a1", "q1", "many"], "'分数' 的值无效", "Invalid value for 'POINTS'"),
        (["--lang", "fr"], "不是可选的值", "is not one of"),
    ],
)
def test_usage_errors_are_in_the_language_in_force(
    capsys: pytest.CaptureFixture[str], args: list[str], chinese: str, english: str
) -> None:
    """A mistyped command line is answered in Chinese (用法：…, 错误：…, 运行“exam … --help”) or, with --lang en,
    wholly in English, with status 2."""
    from exam.i18n import set_language

    try:
        assert main(args) == 2
        zh = capsys.readouterr().err
        assert main(["--lang", "en", *args] if args[0] != "--lang" else ["--lang", "en", "--lang", "fr"]) == 2
        en = capsys.readouterr().err
    finally:
        set_language("zh")
    assert zh.startswith("用法：exam") and "错误：" in zh and chinese in zh and "运行“exam" in zh, zh
    assert not set(ASCII_WORD.findall(re.sub(r"--?[\w-]+", "", zh))) & _click_boilerplate(), zh
    assert en.startswith("Usage: exam") and "Error: " in en and english in en, en
    assert not CJK.search(en), en


def test_click_translations_keep_clicks_placeholders() -> None:
    """Each translated click message uses only the placeholders click fills in for it (else click would raise while
    reporting an error); the English reads as click's own but where click's own word would be untranslated
    (``File 'x'``, ``a valid integer``)."""
    from exam.cli.base import CLICK_MESSAGES
    from exam.messages import CATALOGUE

    for message, key in CLICK_MESSAGES.items():
        chinese, english = CATALOGUE[key]
        assert set(PLACEHOLDER.findall(chinese)) <= set(PLACEHOLDER.findall(message)), (message, chinese)
        assert set(PLACEHOLDER.findall(english)) <= set(PLACEHOLDER.findall(message)), (message, english)


def _help_text(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    """The help page ``exam ARGS`` prints, with white space folded (click wraps long lines)."""
    from exam.i18n import set_language

    try:
        assert main(args) == 0
    finally:
        set_language("zh")
    return " ".join(capsys.readouterr().out.split())


def test_help_follows_the_lang_option(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`exam --lang en banks --help` is English (click prints help while parsing, before the group's callback);
    `exam banks --help` is Chinese, the default."""
    from exam.messages import CATALOGUE

    monkeypatch.delenv("EXAM_LANG")
    english = _help_text(capsys, ["--lang", "en", "banks", "--help"])
    assert english.startswith("Usage:") and CATALOGUE["cli.banks_help"][1] in english
    assert CATALOGUE["formats.import_help"][1][:30] in english  # a subcommand's short help, from exam.formats
    # Chinese only where the English text names a file or a column of the Chinese Excel template
    assert not CJK.search(english.replace("题库模板.xlsx", "").replace("题型", "")), english
    assert CATALOGUE["cli.opt_db"][1] in _help_text(capsys, ["--lang=en", "--help"])  # an option's help
    chinese = _help_text(capsys, ["banks", "--help"])
    assert chinese.startswith("用法：") and CATALOGUE["cli.banks_help"][0] in chinese
    assert "Usage" not in chinese


def test_help_follows_the_config_file_and_exam_lang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`lang: en` in the config file makes --help English; EXAM_LANG overrides the file, and --lang overrides both."""
    config = tmp_path / "config.yaml"
    config.write_text("lang: en\n", encoding="utf-8")
    monkeypatch.setenv("EXAM_CONFIG", str(config))
    monkeypatch.delenv("EXAM_LANG")
    assert _help_text(capsys, ["results", "export", "--help"]).startswith("Usage:")
    monkeypatch.setenv("EXAM_LANG", "zh")
    assert _help_text(capsys, ["results", "export", "--help"]).startswith("用法：")
    assert _help_text(capsys, ["--lang", "en", "results", "export", "--help"]).startswith("Usage:")


def test_every_help_text_comes_from_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    """Every command's and option's help is a catalogue key that resolves in both languages (a misspelt key would
    show up as the raw key)."""
    import click

    from exam import cli as cli_module
    from exam.i18n import set_language

    key_like = re.compile(r"[a-z0-9_]+\.[a-z0-9_.]+")

    commands = [command for _, command in command_tree(cli_module.cli)]
    assert len(commands) > 20
    try:
        for lang in ("zh", "en"):
            set_language(lang)
            for command in commands:
                texts = [command.help, command.short_help]
                texts += [p.help for p in command.params if isinstance(p, click.Option)]
                for text in texts:
                    assert text is None or not key_like.fullmatch(text), (command.name, text)
                assert command.help, command.name
    finally:
        set_language("zh")


def test_version_option(capsys: pytest.CaptureFixture[str]) -> None:
    """`exam --version` prints the version and exits 0."""
    import exam

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"exam {exam.__version__}"


# -- banks dump ------------------------------------------------------------------------------------------------------


def dump(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    assert main(["banks", "dump", *args]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def check_answer_shape(record: dict[str, Any]) -> None:
    answer, qtype = record["answer"], record["type"]
    letters = "ABCDEFGH"[: len(record["options"])]
    if qtype == "single":
        assert isinstance(answer, str) and len(answer) == 1 and answer in letters
    elif qtype == "multiple":
        assert isinstance(answer, list) and len(answer) >= 2 and all(a in letters for a in answer)
        assert answer == sorted(set(answer))
    elif qtype == "judge":
        assert isinstance(answer, bool)
    elif qtype == "blank":
        assert isinstance(answer, list) and answer
        assert all(isinstance(group, list) and group and all(map(is_accepted_answer, group)) for group in answer)
        assert record["stem"].count("____") == len(answer)
    elif qtype == "short":
        assert set(answer) == {"reference", "keywords"} and isinstance(answer["reference"], str)
        assert all(isinstance(g, list) and all(isinstance(w, str) for w in g) for g in answer["keywords"])
    else:
        raise AssertionError(f"unknown type {qtype}")
    if qtype not in ("single", "multiple"):
        assert record["options"] == []


def is_accepted_answer(value: object) -> bool:
    """An accepted blank answer in the dump: a string, or ``{"any_order": [at least two strings]}``."""
    if isinstance(value, dict):
        items = value.get("any_order")
        return set(value) == {"any_order"} and isinstance(items, list) and len(items) >= 2
    return isinstance(value, str)


OPTIONAL_DUMP_KEYS = {"negated", "group", "application", "equivalents"}


def test_banks_dump_has_the_documented_keys_and_answer_shapes(
    capsys: pytest.CaptureFixture[str], registry: Registry
) -> None:
    """Every line of `exam banks dump --format jsonl` has the documented keys and the documented answer shape per
    type; ``source`` is {doc, article, paragraph, section} with the built-in doc ids; ``negated``, ``group``,
    ``application`` and ``equivalents`` only when set."""
    records = dump(capsys, "--format", "jsonl")
    assert len(records) == sum(len(b.questions) for b in registry.banks.values())
    assert len({r["id"] for r in records}) == len(records)
    assert {r["type"] for r in records} == {"single", "multiple", "judge", "blank", "short"}
    doc_ids = {bank: bank for bank in registry.banks}  # each built-in bank cites the text of its own name
    for record in records:
        assert DUMP_KEYS <= set(record) <= DUMP_KEYS | OPTIONAL_DUMP_KEYS
        assert record.get("application", True) is True
        assert isinstance(record.get("group", ""), str)
        assert all(isinstance(terms, list) and len(terms) >= 2 for terms in record.get("equivalents", []))
        assert record["id"].startswith(record["bank"] + ":")
        check_answer_shape(record)
        source = record["source"]
        assert set(source) == {"doc", "article", "paragraph", "section"}
        assert source["doc"] == doc_ids[record["bank"]]
        assert source["article"] is None or (isinstance(source["article"], int) and source["article"] > 0)
        assert source["paragraph"] is None or isinstance(source["paragraph"], int)
        assert source["section"] is None or isinstance(source["section"], str)
        assert (source["article"] is None) != (source["section"] is None)
        assert record.get("negated", True) is True
        assert record["difficulty"] in (1, 2, 3) and isinstance(record["tags"], list)
        assert isinstance(record["points"], (int, float)) and record["points"] > 0
    assert any(r.get("negated") for r in records)


def test_banks_dump_filters_by_bank(capsys: pytest.CaptureFixture[str]) -> None:
    """--bank limits the dump to the named banks (repeatable)."""
    records = dump(capsys, "--bank", "speech")
    assert records and {r["bank"] for r in records} == {"speech"}
    both = dump(capsys, "--bank", "speech", "--bank", "constitution-2018")
    assert {r["bank"] for r in both} == {"speech", "constitution-2018"}


def test_banks_list_shows_each_bank_with_counts_and_plugin(
    capsys: pytest.CaptureFixture[str], registry: Registry
) -> None:
    """`exam banks list` shows bank id, title, version, question count per type and the plugin."""
    assert main(["banks", "list"]) == 0
    out = capsys.readouterr().out
    for bank_id in builtin_banks_present():
        bank = registry.banks[bank_id]
        row = next(line for line in out.splitlines() if f" {bank_id} " in line)
        cells = [c.strip() for c in re.split(r"[│┃]", row) if c.strip()]
        assert cells[:4] == [bank.id, bank.title, bank.version, str(len(bank.questions))]
        assert cells[-1] == registry.provider(Kind.BANK, bank_id)
    assert "单选题" in out and "简答题" in out


# -- results -----------------------------------------------------------------------------------------------------------


@pytest.fixture
def results_store(registry: Registry, store_dir: Path, clock: FakeClock) -> tuple[Path, dict[str, str]]:
    """Three attempts at the speech paper: submitted, auto-submitted and in progress."""
    service = ExamService(registry, TinyDBAttemptStore(store_dir), clock, clock.monotonic)
    ids = {}
    submitted = service.start_attempt("speech", Trainee("张三", "320101", "城关镇"))
    for item in submitted.paper_snapshot.questions[:3]:
        service.save_answer(submitted.attempt_id, item.question.id, item.question.answer)
    service.submit(submitted.attempt_id)
    ids["submitted"] = submitted.attempt_id
    late = service.start_attempt("speech", Trainee("[/]李四", "320102", '=HYPERLINK("x")'))
    clock.advance(minutes=21)
    service.finalise_expired()
    ids["auto_submitted"] = late.attempt_id
    open_ = service.start_attempt("speech", Trainee("王五", "320103"))
    first = open_.paper_snapshot.questions[0].question
    service.save_answer(open_.attempt_id, first.id, first.answer)
    ids["in_progress"] = open_.attempt_id
    return store_dir, ids


def test_results_jsonl_has_the_documented_keys(
    results_store: tuple[Path, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    """`exam results --format jsonl` writes one attempt per line with exactly the documented keys and shapes."""
    store_dir, ids = results_store
    assert main(["--db", str(store_dir), "results", "--format", "jsonl"]) == 0
    records = {r["attempt_id"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert set(records) == set(ids.values())
    for status, attempt_id in ids.items():
        record = records[attempt_id]
        assert set(record) == RESULT_KEYS
        assert record["status"] == status and record["paper"] == "speech"
        assert set(record["trainee"]) == {"name", "id", "unit"}
        assert record["max_score"] == 100 and len(record["answers"]) == 30
        for answer in record["answers"]:
            assert set(answer) == {"question_id", "response", "points", "max_points"}
        if status == "in_progress":
            assert record["score"] is None and record["passed"] is None and record["submitted_at"] is None
            assert all(a["points"] is None for a in record["answers"])
            assert sum(a["response"] is not None for a in record["answers"]) == 1
        else:
            assert isinstance(record["score"], (int, float)) and isinstance(record["passed"], bool)
            assert record["submitted_at"] and all(isinstance(a["points"], (int, float)) for a in record["answers"])
    assert records[ids["submitted"]]["score"] > 0
    assert records[ids["auto_submitted"]]["submitted_at"] == records[ids["auto_submitted"]]["deadline"]
    assert records[ids["auto_submitted"]]["trainee"]["name"] == "[/]李四"


def test_results_filters_by_paper_and_prints_a_table(
    results_store: tuple[Path, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    """--paper filters; the table prints names with markup-like text literally."""
    store_dir, _ = results_store
    assert main(["--db", str(store_dir), "results", "--paper", "final", "--format", "jsonl"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["--db", str(store_dir), "results"]) == 0
    out = capsys.readouterr().out
    assert "[/]李四" in out and '=HYPERLINK("x")' in out and "张三" in out


# -- user errors -------------------------------------------------------------------------------------------------------


def one_error(capsys: pytest.CaptureFixture[str], args: list[str], code: int = 1) -> str:
    assert main(args) == code
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) == 1, captured.err
    return lines[0]


def test_unknown_bank_is_one_message(capsys: pytest.CaptureFixture[str]) -> None:
    """`exam banks dump --bank nope` names the unknown bank and the known ones; exit 1."""
    message = one_error(capsys, ["banks", "dump", "--bank", "nope"])
    assert "nope" in message and "speech" in message


def test_store_that_cannot_be_created_is_one_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--db pointing at a file is one message naming the path."""
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    message = one_error(capsys, ["--db", str(blocker / "store"), "results"])
    assert str(blocker) in message


def test_broken_config_file_is_one_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A config file with a YAML error is reported in one message naming the file and line."""
    config = tmp_path / "config.yaml"
    config.write_text("db: [unclosed\n", encoding="utf-8")
    monkeypatch.setenv("EXAM_CONFIG", str(config))
    message = one_error(capsys, ["banks", "list"])
    assert "config.yaml" in message


def test_unknown_command_and_option_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    """A typo in a command or option is a usage message and exit 2, no traceback."""
    assert main(["bankz"]) == 2
    assert main(["banks", "dump", "--format", "csv"]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "bankz" in captured.err and "csv" in captured.err


def test_english_error_messages(capsys: pytest.CaptureFixture[str]) -> None:
    """With --lang en the error prefix is English."""
    from exam.i18n import set_language

    try:
        message = one_error(capsys, ["--lang", "en", "banks", "dump", "--bank", "nope"])
    finally:
        set_language("zh")
    assert message.startswith("Error:")


def test_debug_shows_the_traceback() -> None:
    """--debug lets the exception through (for developers)."""
    with pytest.raises(ExamError):
        main(["--debug", "banks", "dump", "--bank", "nope"])
