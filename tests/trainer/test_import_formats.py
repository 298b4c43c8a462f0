"""Issue 14: bank files as trainers have them — GIFT with every Moodle kind, Moodle XML, numbered text (.txt in UTF-8
and GBK, Word .docx with list numbering). Every question of a file is imported or reported with its line, and the
round trips bank → format → bank keep every question the format can carry.

The fixtures are in tests/fixtures/ (the binary ones made by make_numbered_fixtures.py there).
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exam.banks import load_bank_file
from exam.cli import main
from exam.formats import gift, moodle_xml, numbered
from exam.formats.convert import import_bank, read_text, sniff_text_format
from exam.formats.document import ImportedBank, question_document, validate_document
from exam.models import Bank
from exam.plugins import Registry

FIXTURES = Path(__file__).parent.parent / "fixtures"
BUILTIN_BANKS = ("constitution-2018", "deputies-law-2025", "speech", "organic-law-2022", "election-law-2020")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def marked(path: Path, mark: re.Pattern[str], start: re.Pattern[str]) -> dict[str, list[int]]:
    """The fixture's own statement of each question's fate: ``{"imported": [line …], "skipped": [line …]}``, the line
    being that of the question after each mark (read from the file, independently of the importer)."""
    fates: dict[str, list[int]] = {"imported": [], "skipped": []}
    pending: str | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if match := mark.search(line):
            pending = match.group(1)
        elif pending and start.search(line):
            fates[pending].append(number)
            pending = None
    return fates


GIFT_MARK = re.compile(r"^// expect: (imported|skipped)")
GIFT_START = re.compile(r"^(?!//)(?!\$CATEGORY)\S")
XML_MARK = re.compile(r"<!-- expect: (imported|skipped) -->")
XML_START = re.compile(r"<question type=")


def assert_accounted(imported: ImportedBank, fates: dict[str, list[int]]) -> None:
    """Every question in the file is imported or reported: the counts match, and each report names its line."""
    assert len(imported.questions) + imported.reported == len(fates["imported"]) + len(fates["skipped"])
    assert [q.line for q in imported.questions] == fates["imported"]
    assert sorted(p.line or 0 for p in imported.skipped) == fates["skipped"]
    assert all(p.line is not None and p.message for p in imported.skipped)


# -- GIFT ------------------------------------------------------------------------------------------------------------


def test_gift_with_every_moodle_kind_imports_or_reports_each_question() -> None:
    """numerical (three forms), matching, description, a two-block question and an essay without a reference answer
    are skipped, one report line each with its line and title; everything else (single, weighted multiple, T/F, short
    answer, missing word, HTML, Markdown, escapes) is imported."""
    path = FIXTURES / "moodle-kinds.gift"
    imported = gift.parse_gift(read_text(path), str(path))
    assert imported.problems == []
    assert_accounted(imported, marked(path, GIFT_MARK, GIFT_START))
    assert [p.item for p in imported.skipped] == ["essay", "年份", "范围", "多个", "配对", "说明", "两处选择"]
    assert "参考答案" in imported.skipped[0].message
    assert "数值题" in imported.skipped[1].message and "匹配题" in imported.skipped[4].message


def test_gift_html_becomes_plain_text_in_stem_options_and_feedback() -> None:
    """[html] text loses its tags, decodes entities and breaks lines at <br> and paragraphs, in the stem, in every
    option and in the feedback (the answers follow the question's format)."""
    imported = gift.parse_gift(read_text(FIXTURES / "moodle-kinds.gift"), "kinds.gift")
    html = next(q for q in imported.questions if q.get("title") == "html")
    assert html["stem"] == "哪一项不是乡镇人大的职权？\n请选择。"
    assert html["options"][0] == "决定 本行政区域内的重大事项以外的事"
    assert html["explanation"] == "见地方组织法第十一条。\n第二行 & 更多。"
    assert not any("<" in text for text in [html["stem"], *html["options"], html["explanation"]])


def test_gift_titles_are_titles_and_ids_are_generated() -> None:
    """Moodle names (Chinese, spaces, slashes) become titles; ids are q001 … by position, stable across imports;
    categories become tags, [tag:…] comments add to them, the feedback is the explanation."""
    text = read_text(FIXTURES / "moodle-kinds.gift")
    first = gift.parse_gift(text, "kinds.gift").document("kinds", "K")["questions"]
    again = gift.parse_gift(text, "kinds.gift").document("kinds", "K")["questions"]
    assert [q["id"] for q in first] == [f"q{n:03d}" for n in range(1, 10)] == [q["id"] for q in again]
    assert [q.get("title") for q in first][:4] == ["任期", "直接选举", "主席团 T/F", "主持"]
    assert first[0]["tags"] == ["选举"] and first[1]["tags"] == ["选举", "代表"]
    assert first[0]["explanation"] == "宪法第九十八条。"
    assert first[1]["answer"] == ["A", "B"]  # weights above 0 are the keys
    assert first[3]["answer"] == [["主席团", "镇人大主席团"]]  # the 50% alternative is not an accepted answer
    escapes = next(q for q in first if q.get("title") == "escapes")
    assert escapes["stem"] == "花括号 { } 和冒号 : 及等号 = 波浪号 ~ 井号 # 在文中。____"


def test_a_gift_file_in_the_shapes_of_moodles_fixture_imports_and_loads(registry: Registry) -> None:
    """A file in the shapes of Moodle's own GIFT test fixture (written by the team; the original is Moodle's): the essay
    without a key, the matching and the numerical questions are reported, the other six converted, and the converted
    bank loads (unsourced: GIFT cannot say 出处 or 原文)."""
    path = FIXTURES / "moodle-questions.gift.txt"
    imported = gift.parse_gift(read_text(path), str(path))
    assert imported.problems == []
    assert (len(imported.questions), imported.reported) == (6, 3)
    assert [(p.line, p.item) for p in imported.skipped] == [(6, "Q8"), (9, "职权配对"), (35, "Q5")]
    bank = validate_document(imported.document("moodle", "Moodle"), str(path), registry.types, registry.sources)
    assert len(bank.questions) == 6 and all(q.source is None for q in bank.questions)


def test_import_command_prints_both_counts_and_strict_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """exam banks import lists each skipped question with its line and prints '16 questions, 9 importable,
    7 reported'; with --strict it refuses the file and writes nothing."""
    source = FIXTURES / "moodle-kinds.gift"
    output = tmp_path / "kinds.bank.yaml"
    code, out, err = run(capsys, "banks", "import", str(source), "-o", str(output), "--strict")
    assert code == 1 and not output.exists()
    assert "--strict" in err and "共 16 道题，可导入 9 道，报告 7 道" in err
    code, out, err = run(capsys, "banks", "import", str(source), "-o", str(output))
    assert code == 0  # GIFT has no 出处/原文: the bank is unsourced, and loads
    assert f"{source}:51 [年份]" in out and f"{source}:73 [两处选择]" in out
    assert "共 16 道题，可导入 9 道，报告 7 道" in out + err
    assert output.read_text(encoding="utf-8").count("\n  - id: ") == 9


# -- Moodle XML ------------------------------------------------------------------------------------------------------


def test_moodle_xml_export_imports_or_reports_each_question() -> None:
    """A Moodle XML export (categories, CDATA HTML, feedback, tags, grades, numerical/matching/description/cloze):
    each question is imported or skipped with its line."""
    path = FIXTURES / "moodle-export.xml"
    imported = moodle_xml.read_moodle_xml(path)
    assert imported.problems == []
    assert_accounted(imported, marked(path, XML_MARK, XML_START))
    kinds = ["numerical", "matching", "description", "cloze"]
    assert [kind in p.message for kind, p in zip(kinds, imported.skipped, strict=True)] == [True] * 4


def test_moodle_xml_fields_map_to_the_bank() -> None:
    """<name> → title, a valid <idnumber> → id (others generated), HTML → text, <generalfeedback> → explanation,
    <tags> (else the category) → tags, <defaultgrade> → points, the essay's <graderinfo> → reference answer."""
    document = moodle_xml.read_moodle_xml(FIXTURES / "moodle-export.xml").document("town", "T")
    one, two, three, four, five = document["questions"]
    assert (one["id"], one["title"], one["type"], one["answer"], one["points"]) == ("q001", "乡镇人大的任期", "single",
                                                                                   "B", 2)  # fmt: skip
    assert one["stem"] == "乡、民族乡、镇的人民代表大会每届任期（ ）。"
    assert one["options"] == ["三年", "五年", "四年"]
    assert one["explanation"] == "根据宪法第九十八条，每届任期五年。\n2018 年修正后未变。"
    assert one["tags"] == ["任期", "宪法"] and two["tags"] == ["乡镇人大"] and four["tags"] == ["填空与简答"]
    assert (two["id"], two["type"], two["answer"]) == ("direct-02", "multiple", ["A", "B"])
    assert (three["type"], three["answer"], three["explanation"]) == ("judge", True, "地方组织法第十七条。")
    assert (four["type"], four["stem"], four["answer"]) == ("blank", "乡镇人民代表大会会议由谁主持？____",
                                                             [["主席团", "大会主席团"]])  # fmt: skip
    assert (five["type"], five["answer"]["reference"]) == ("short", "联系代表，组织闭会期间的活动。")


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>'
        b"<quiz><question type='truefalse'><questiontext><text>&b;</text></questiontext></question></quiz>",
        b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]><quiz>&x;</quiz>',
        b"<quiz>\n<question type='truefalse'>\n<name><text>x</name>\n</question></quiz>",
        b"<html><body>not a quiz</body></html>",
        b"\xff\xfe\x00garbage",
    ],
    ids=["entity-expansion", "external-entity", "malformed", "not-quiz", "not-xml"],
)
def test_hostile_or_broken_xml_is_one_clear_problem(data: bytes) -> None:
    """Entity bombs and external entities are refused (defusedxml), malformed XML names its line, another document
    is named: one problem, no question, no crash."""
    imported = moodle_xml.parse_moodle_xml(data, "bad.xml")
    assert len(imported.problems) == 1 and imported.questions == []
    assert imported.problems[0].message


def test_moodle_xml_export_is_what_moodle_reads(registry: Registry) -> None:
    """The export has Moodle's shape: <quiz>, a category named after the bank, each question with name, questiontext,
    idnumber and answers with fractions Moodle accepts; a 2-key multiple question weighs 50/50."""
    import xml.etree.ElementTree as ET

    bank = registry.banks["speech"]
    data, skipped = moodle_xml.export_moodle_xml(bank)
    root = ET.fromstring(data)
    assert root.tag == "quiz" and root[0].get("type") == "category"
    assert root[0].findtext("category/text") == f"$course$/top/{bank.title}"
    questions = root.findall("question")[1:]
    assert len(questions) + len(skipped) == len(bank.questions)
    allowed = {"100", "50", "33.33333", "25", "20", "0", "-100"}
    for element in questions:
        assert element.findtext("name/text") and element.findtext("questiontext/text")
        assert {a.get("fraction") for a in element.findall("answer")} <= allowed


# -- numbered text and Word ------------------------------------------------------------------------------------------

NUMBERED = {
    # fixture: (question lines of the file, the lines reported)
    "numbered-utf8.txt": ([3, 10, 15, 19, 24, 31, 33, 36, 39, 44, 47], [44]),
    "numbered-gbk.txt": ([2, 6, 11, 13, 15], []),
    "numbered-list.docx": ([2, 7, 12, 17, 19], [19]),
}


def read_numbered(name: str, registry: Registry) -> ImportedBank:
    path = FIXTURES / name
    if name.endswith(".docx"):
        return numbered.read_docx(path, registry.types, registry.sources)
    return numbered.parse_numbered(read_text(path), str(path), registry.types, registry.sources)


@pytest.mark.parametrize("name", sorted(NUMBERED))
def test_numbered_fixtures_import_or_report_each_question(name: str, registry: Registry) -> None:
    """UTF-8 and GBK text and a Word file with list numbering: questions in the file = imported + reported, with
    the line (the paragraph, for Word) of each report."""
    lines, reported = NUMBERED[name]
    imported = read_numbered(name, registry)
    assert len(imported.questions) + imported.reported == len(lines)
    assert sorted([q.line for q in imported.questions] + [line or 0 for line in imported.left_out]) == lines
    assert [p.line for p in imported.problems] == reported == imported.left_out


def test_numbered_types_from_markers_sections_and_answers(registry: Registry) -> None:
    """【单选题】 markers, section headings (一、单项选择题) and the answer (one letter, several, √/×) give the type;
    options on one line split; 填空 （ ） becomes a blank; a reference answer's numbered points stay in the answer."""
    questions = read_numbered("numbered-utf8.txt", registry).document("t", "T")["questions"]
    assert [q["type"] for q in questions] == [
        "single", "single", "single", "multiple", "multiple", "judge", "judge", "blank", "short", "judge",
    ]  # fmt: skip
    assert questions[1]["options"] == ["三年", "四年", "五年", "六年"]
    assert questions[1]["explanation"] == "宪法第九十八条：\n乡、民族乡、镇的人民代表大会每届任期五年。"
    assert questions[2]["options"] == ["本级人民代表大会", "上级人大常委会"]
    assert questions[7]["stem"] == "乡、民族乡、镇的人民代表大会每届任期____年。"
    assert questions[8]["answer"] == {
        "reference": "1. 联系本级人大代表；\n2. 组织代表开展闭会期间的活动。", "keywords": [["联系代表"], ["闭会期间"]],
    }  # fmt: skip


def test_word_list_numbering_is_restored(registry: Registry) -> None:
    """Word's automatic numbers are not in the paragraphs' text: the reader restores them from w:numPr (a 'List
    Number' style numbers the questions, a letter list restarted per question the options); soft line breaks split
    a paragraph into lines of the same number."""
    data = (FIXTURES / "numbered-list.docx").read_bytes()
    texts = [paragraph.text for paragraph in docx.Document(str(FIXTURES / "numbered-list.docx")).paragraphs]
    assert not any(re.match(r"\d+、|[A-H]．", text) for text in texts)  # the numbers come from Word lists only
    lines = numbered.docx_lines(data)
    assert (2, "1、【单选题】根据宪法，乡、民族乡、镇设立（ ）。") in lines
    assert [text for _, text in lines if re.match(r"[A-H]．", text)][:5] == [
        "A．人民代表大会和人民政府", "B．人民代表大会常务委员会", "A．三年", "B．四年", "C．五年",
    ]  # fmt: skip
    assert (6, "（第二行，在同一段中换行）") in lines


def test_txt_format_is_recognised_by_content(registry: Registry) -> None:
    """A .txt bank needs no --format: ANSWER: lines are Aiken, 答案： lines numbered text, {…} blocks GIFT."""
    assert sniff_text_format(read_text(FIXTURES / "numbered-gbk.txt")) == "numbered"
    assert sniff_text_format(read_text(FIXTURES / "moodle-questions.gift.txt")) == "gift"
    assert sniff_text_format("题目\nA. 是\nB. 否\nANSWER: A\n") == "aiken"
    assert sniff_text_format("只是文字\n") is None


def test_gbk_numbered_text_through_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A GBK .txt saved by Notepad imports by content; the loader's problem (a key that is not an option) names the
    file's line, and the counts are printed."""
    output = tmp_path / "gbk.bank.yaml"
    source = FIXTURES / "numbered-gbk.txt"
    code, out, err = run(capsys, "banks", "import", str(source), "-o", str(output))
    assert code == 1 and output.exists()
    assert f"{source}:15" in out and "共 5 道题，可导入 5 道，报告 0 道" in err


def test_word_bank_round_trip_through_the_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A trainer exports a bank to Word, (edits it,) and imports it again: the bank loads with every question."""
    exported = tmp_path / "讲话题库.docx"
    code, _, err = run(capsys, "banks", "export", "--bank", "speech", "-o", str(exported))
    assert code == 0, err
    banks_dir = tmp_path / "banks"
    banks_dir.mkdir()
    output = banks_dir / "speech-word.bank.yaml"
    code, out, err = run(capsys, "banks", "import", str(exported), "-o", str(output), "--bank-id", "speech-word")
    assert code == 0, out + err
    code, out, err = run(capsys, "--banks-dir", str(banks_dir), "banks", "list")
    assert code == 0 and "speech-word" in out


# -- round trips over the built-in banks -----------------------------------------------------------------------------


def round_trip(bank: Bank, fmt: str, registry: Registry) -> tuple[Bank, set[str]]:
    """bank → ``fmt`` → bank, and the ids of the questions the format reported as not carried."""
    if fmt == "moodle-xml":
        data, skipped = moodle_xml.export_moodle_xml(bank)
        imported = moodle_xml.parse_moodle_xml(data, "b.xml")
        left = {p.item or "" for p in skipped}
    elif fmt == "docx":
        data, skipped = numbered.export_docx(bank)
        imported = numbered.read_docx("b.docx", registry.types, registry.sources, data=data)
        left = {p.item or "" for p in skipped}
    else:
        imported = numbered.parse_numbered(numbered.export_numbered(bank), "b.txt", registry.types, registry.sources)
        left = set()
    assert imported.problems == [] and imported.skipped == []
    return validate_document(imported.document(), "b", registry.types, registry.sources), left


@pytest.mark.parametrize("fmt", ["moodle-xml", "numbered", "docx"])
@pytest.mark.parametrize("bank_id", BUILTIN_BANKS)
def test_round_trip_keeps_every_question_the_format_can_carry(registry: Registry, bank_id: str, fmt: str) -> None:
    """bank → Moodle XML / numbered text / Word → bank gives back every question with every field and the bank's
    metadata; Moodle XML reports (only) the fill-in questions with several blanks, which Moodle cannot hold."""
    bank = registry.banks[bank_id]
    again, left = round_trip(bank, fmt, registry)
    assert again.questions == tuple(q for q in bank.questions if q.local_id not in left)
    if fmt == "moodle-xml":
        assert all(q.type == "blank" and len(q.answer) > 1 for q in bank.questions if q.local_id in left)  # type: ignore[arg-type]
    else:
        assert left == set()
    assert (again.id, again.title, again.version, again.sources, again.equivalents) == (
        bank.id, bank.title, bank.version, bank.sources, bank.equivalents,
    )  # fmt: skip


TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"), min_size=1)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stem=TEXT.filter(str.strip), explanation=TEXT, title=TEXT)
def test_moodle_xml_round_trips_any_text(registry: Registry, stem: str, explanation: str, title: str) -> None:
    """Any stem, explanation and title (markup, entities, braces, CDATA ends) read back as written (trimmed)."""
    base = registry.banks["speech"].questions[0]
    record = {**question_document(base), "stem": stem, "explanation": explanation, "title": title.strip()}
    element, reason = moodle_xml._question_element(record)
    assert element is not None and reason is None
    import xml.etree.ElementTree as ET

    quiz = ET.Element("quiz")
    quiz.append(element)
    imported = moodle_xml.parse_moodle_xml(ET.tostring(quiz), "x.xml")
    assert imported.problems == []
    (question,) = imported.questions
    assert question["stem"] == stem.strip() and question["explanation"] == explanation.strip()
    assert question.get("title", "") == title.strip()


def test_imported_gift_bank_written_by_the_command_reloads(tmp_path: Path, registry: Registry) -> None:
    """A GIFT bank exported from a built-in bank and imported by the command is the same bank (titles included)."""
    bank = registry.banks["deputies-law-2025"]
    source = tmp_path / "b.gift"
    source.write_text(gift.export_gift(bank), encoding="utf-8")
    outcome = import_bank(source, "gift", registry.types, registry.sources)
    assert outcome.bank is not None and (outcome.imported, outcome.reported) == (len(bank.questions), 0)
    path = tmp_path / "b.bank.yaml"
    from exam.formats.yaml_writer import dump_bank

    path.write_text(dump_bank(outcome.bank), encoding="utf-8")
    assert load_bank_file(path, registry.types, registry.sources).questions == outcome.bank.questions


# -- every reader counts what it leaves out --------------------------------------------------------------------------


def test_aiken_and_excel_readers_count_the_questions_they_leave_out(tmp_path: Path, registry: Registry) -> None:
    """Aiken and Excel too: a question with a wrong key, without an ANSWER line, or of an unknown 题型 is reported
    and counted, so imported + reported is every question of the file."""
    import openpyxl

    from exam.formats import aiken, xlsx_bank

    text = "第一题\nA. 甲\nB. 乙\nANSWER: C\n\n第二题\nA. 甲\nB. 乙\nANSWER: A\n\n第三题\nA. 甲\nB. 乙\n"
    imported = aiken.parse_aiken(text, "a.txt")
    assert (len(imported.questions), imported.reported) == (1, 2)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["题型", "题干", "选项A", "选项B", "答案"])
    sheet.append(["单选", "好题", "甲", "乙", "A"])
    sheet.append(["连线", "没有这种题型", "甲", "乙", "A"])
    sheet.append(["判断", "答案不是对错", None, None, "也许"])
    path = tmp_path / "b.xlsx"
    workbook.save(path)
    imported = xlsx_bank.read_xlsx(path, registry.types, registry.sources)
    assert (len(imported.questions), imported.reported) == (1, 2)
    assert sorted({p.line or 0 for p in imported.problems}) == [3, 4]


PIECES = ["1、", "2.", "A．", "B、", "答案：", "解析：", "【单选题】", "一、单项选择题", "（ ）", "对", "AB", "\n",
          "____", "编号：", "难度：x", "出处：宪法"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30))
def test_numbered_reader_never_fails_on_any_text(registry: Registry, pieces: list[str]) -> None:
    """Whatever the text, the reader returns questions and problems, never an exception; every problem but "no
    questions" names its line, and no more questions are reported than the text has numbered lines."""
    text = "".join(pieces)
    imported = numbered.parse_numbered(text, "x.txt", registry.types, registry.sources)
    assert all(p.line is not None for p in imported.problems if p.message != "文件中没有题目")
    numbered_lines = len(re.findall(r"^\s*(?:【[^】]*】)?\s*\d+\s*[、.．]", text, re.MULTILINE))
    assert len(imported.questions) + imported.reported <= numbered_lines


def test_a_file_that_is_not_word_is_one_clear_problem(tmp_path: Path, registry: Registry) -> None:
    """A .docx that is not a Word document (an old .doc renamed, a text file) is one problem saying what to do."""
    path = tmp_path / "bank.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0 an old .doc file")
    imported = numbered.read_docx(path, registry.types, registry.sources)
    assert len(imported.problems) == 1 and ".docx" in imported.problems[0].message and imported.questions == []


def test_word_export_leaves_out_text_word_cannot_hold(tmp_path: Path, registry: Registry) -> None:
    """A question whose text has a control character (which a .docx cannot hold) is listed, the others written."""
    from dataclasses import replace

    bank = registry.banks["speech"]
    broken = replace(bank.questions[1], stem="控制字符\x01在题干中")
    data, skipped = numbered.export_docx(replace(bank, questions=(bank.questions[0], broken, *bank.questions[2:])))
    assert [p.item for p in skipped] == [broken.local_id]
    imported = numbered.read_docx("b.docx", registry.types, registry.sources, data=data)
    assert len(imported.questions) == len(bank.questions) - 1 and imported.problems == []
