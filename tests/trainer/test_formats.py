"""Bank formats: YAML writer, Excel template, GIFT and Aiken (exam.formats) and the ``exam banks import/export``
commands."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.worksheet import Worksheet

from exam.banks import load_bank_file
from exam.cli import main
from exam.errors import BankFormatError
from exam.formats import aiken, gift, xlsx_bank
from exam.formats.citations import format_citation, parse_citation_text
from exam.formats.convert import import_bank
from exam.formats.document import QUESTION_ORDER, bank_document, validate_document
from exam.formats.yaml_writer import dump_bank, dump_document
from exam.models import AnyOrder, Bank
from exam.plugins import Registry
from exam.yamlsafe import load_yaml
from tests._support import short_key

BUILTIN_BANKS = ("constitution-2018", "deputies-law-2025", "speech", "organic-law-2022", "election-law-2020")
TEMPLATE = Path(__file__).resolve().parents[2] / "question_banks" / "templates" / "题库模板.xlsx"

SMALL_BANK = """\
bank:
  id: town-rules
  title: 镇人大工作制度
  version: "1.0"
  sources: [town-rules]
questions:
  - id: f1
    type: single
    stem: "=HYPERLINK(\\"http://x\\",\\"点我\\") 与 [/] 都只是文字（ ）"
    options: ["+1", "-1", "@a", "[bold]x[/bold]"]
    answer: B
    explanation: "解析 # 不是注释，{花括号} ~ = : 都是文字"
    source: {doc: town-rules, article: 1, paragraph: 1}
    quote: "原文：yes no on off 1:30"
    tags: ["yes", "1:30"]
  - id: f2
    type: blank
    stem: 第一空____，第二空____。
    answer: [[五, "5"], [三]]
    explanation: 两个空。
    source: {doc: town-rules, section: 一（二）}
    quote: 原文
  - id: f3
    type: short
    stem: 简述。
    answer: {reference: "参考\\n答案", keywords: [[遵守, 执行], [监督]]}
    explanation: "[html]不是格式标记"
    source: {doc: town-rules, section: 序言, paragraph: 2}
    quote: 原文
    negated: false
    points: 4.5
"""


def load_text(tmp_path: Path, registry: Registry, text: str, name: str = "small.bank.yaml") -> Bank:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_bank_file(path, registry.types, registry.sources)


def same_meta(a: Bank, b: Bank) -> bool:
    return (a.id, a.title, a.version, a.description, a.sources, a.equivalents) == (
        b.id, b.title, b.version, b.description, b.sources, b.equivalents
    )  # fmt: skip


# -- YAML writer -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bank_id", BUILTIN_BANKS)
def test_yaml_writer_round_trips_every_builtin_bank(tmp_path: Path, registry: Registry, bank_id: str) -> None:
    """Writing a built-in bank to YAML and loading it again gives the same bank, question for question."""
    bank = registry.banks[bank_id]
    again = load_text(tmp_path, registry, dump_bank(bank))
    assert again.questions == bank.questions
    assert same_meta(again, bank)


def test_yaml_writer_keeps_chinese_readable_and_keys_in_order(registry: Registry) -> None:
    """Chinese is written as is (no \\u escapes), and a question's keys follow the documented order."""
    text = dump_bank(registry.banks["speech"])
    assert "\\u" not in text and "动员讲话精神题库" in text
    first = text[text.index("  - id: s001") :].split("\n\n", 1)[0]
    keys = [line.strip().split(":", 1)[0] for line in first.splitlines() if line.startswith("    ") and ":" in line
            and not line.startswith("      ")]  # fmt: skip
    assert keys[:10] == ["type", "stem", "options", "answer", "explanation", "source", "quote", "difficulty", "tags",
                         "points"]  # fmt: skip
    assert keys == [key for key in QUESTION_ORDER if key in keys]  # group, application (when set) come last


RISKY = [
    "yes", "No", "ON", "off", "y", "N", "true", "False", "null", "~", "", " lead", "trail ", "1:30", "0o17",
    "0x1F", "1e3", ".inf", "-.5", "+1", "1_000", "2018-01-01", "=", "<<", "# c", "a: b", "a #b", "[x]", "{x}",
    "&a", "*a", "!tag", "- item", "? q", "'q'", '"q"', "%x", "@x", "`x", "|x", ">x", "多行\n文本", "tab\tx",
    "line\u2028sep", "\n", "尾随换行\n", "\n开头换行", "back\\slash", "全角：冒号", "普通文字",
]  # fmt: skip


def test_yaml_writer_quotes_what_yaml_readers_would_misread() -> None:
    """Strings that YAML 1.1 or 1.2 readers take for booleans, numbers, null or syntax come back as the same strings."""
    document = {
        "bank": {"id": "x", "title": "t", "version": "1.10", "description": "两个换行\n\n"},
        "questions": [{"id": "q", "stem": text, "options": RISKY, "tags": RISKY, "answer": [RISKY]} for text in RISKY],
    }
    text = dump_document(document)
    for data in (load_yaml("x.yaml", text=text), yaml.safe_load(text)):
        assert data["bank"]["version"] == "1.10" and data["bank"]["description"] == "两个换行\n\n"
        assert [q["stem"] for q in data["questions"]] == RISKY
        question = data["questions"][-1]
        assert question["options"] == RISKY and question["tags"] == RISKY and question["answer"] == [RISKY]


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.text(alphabet=st.characters(exclude_categories=["Cs"])), min_size=1, max_size=4))
def test_yaml_writer_round_trips_any_text(values: list[str]) -> None:
    """Any text (control characters, line breaks, indicators) reads back unchanged with our loader and PyYAML."""
    document = {
        "bank": {"id": "x", "title": values[0]},
        "questions": [{"id": "q", "stem": values[0], "options": values}],
    }
    text = dump_document(document)
    for data in (load_yaml("x.yaml", text=text), yaml.safe_load(text)):
        assert data["bank"]["title"] == values[0]
        assert data["questions"][0]["stem"] == values[0]
        assert data["questions"][0]["options"] == values


# -- 出处 text form ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("constitution-2018 第95条第1款", {"doc": "constitution-2018", "article": 95, "paragraph": 1}),
        ("宪法 第九十五条第一款", {"doc": "constitution-2018", "article": 95, "paragraph": 1}),
        ("《代表法》 第25条", {"doc": "deputies-law-2025", "article": 25}),
        ("constitution-2018 序言第7段", {"doc": "constitution-2018", "section": "序言", "paragraph": 7}),
        ("speech 一（二）", {"doc": "speech", "section": "一（二）"}),
        ("town-rules\u3000第 101 条", {"doc": "town-rules", "article": 101}),
    ],
)
def test_citation_text_forms_are_read(registry: Registry, text: str, expected: dict[str, object]) -> None:
    """The documented 出处 forms (ids or short titles, Arabic or Chinese numbers) become the bank's source mapping."""
    assert parse_citation_text(text, registry.sources) == expected


@pytest.mark.parametrize("text", ["第95条", "constitution-2018", "宪法 第九十九十条"])
def test_citation_text_without_place_or_number_is_refused(text: str) -> None:
    """A 出处 without a document, without a place, or with an unreadable number is an error naming the form."""
    with pytest.raises(ValueError, match="第95条第1款|条、款、段号"):
        parse_citation_text(text)


@pytest.mark.parametrize("bank_id", BUILTIN_BANKS)
def test_citation_text_round_trips_every_builtin_source(registry: Registry, bank_id: str) -> None:
    """Every citation of the built-in banks survives being written as 出处 text and read back."""
    for question in registry.banks[bank_id].questions:
        source = {k: v for k, v in question.citation.as_dict().items() if v is not None}
        assert parse_citation_text(format_citation(source)) == source, question.id


# -- Excel template ----------------------------------------------------------------------------------------------------


def xlsx_round_trip(bank: Bank, registry: Registry) -> Bank:
    imported = xlsx_bank.read_xlsx("bank.xlsx", registry.types, registry.sources, data=xlsx_bank.export_xlsx(bank))
    assert imported.problems == []
    return validate_document(imported.document(), "bank.xlsx", registry.types, registry.sources)


@pytest.mark.parametrize("bank_id", BUILTIN_BANKS)
def test_xlsx_round_trip_keeps_every_question(registry: Registry, bank_id: str) -> None:
    """bank → Excel template → bank gives back every question of a built-in bank, and its metadata."""
    bank = registry.banks[bank_id]
    again = xlsx_round_trip(bank, registry)
    assert again.questions == bank.questions
    assert same_meta(again, bank)


def test_xlsx_keeps_formula_like_text_as_text(tmp_path: Path, registry: Registry) -> None:
    """Text starting with = + - @ is stored as text cells (never formulas) and reads back unchanged."""
    bank = load_text(tmp_path, registry, SMALL_BANK)
    data = xlsx_bank.export_xlsx(bank)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["题库"]
    stem_cell = sheet.cell(row=2, column=xlsx_bank.HEADERS.index("题干") + 1)
    assert stem_cell.data_type == "s" and isinstance(stem_cell.value, str) and stem_cell.value.startswith("=HYPERLINK")
    assert sheet.cell(row=2, column=xlsx_bank.HEADERS.index("选项A") + 1).data_type == "s"
    again = xlsx_round_trip(bank, registry)
    assert again.questions == bank.questions


def test_xlsx_export_reports_values_a_cell_cannot_hold(tmp_path: Path, registry: Registry) -> None:
    """A tag or blank answer containing the Excel list separators is reported (per question), not silently split."""
    text = SMALL_BANK.replace('tags: ["yes", "1:30"]', 'tags: ["甲；乙"]').replace(
        '[[五, "5"], [三]]', "[[五|5], [三]]"
    )
    bank = load_text(tmp_path, registry, text)
    with pytest.raises(BankFormatError) as caught:
        xlsx_bank.export_xlsx(bank)
    assert {(p.item, "知识点" in p.message or "答案" in p.message) for p in caught.value.problems} == {
        ("f1", True),
        ("f2", True),
    }


def trainer_workbook(rows: list[list[object]], title_row: bool = True) -> bytes:
    """A sheet as a trainer would fill it: a title line, the template headers plus a 备注 column."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    if title_row:
        sheet.append(["镇人大工作制度题库（2026年）"])
    sheet.append([*xlsx_bank.HEADERS, "备注"])
    for row in rows:
        sheet.append(row)
    info = workbook.create_sheet("题库信息")
    info.append(["项目", "内容"])
    info.append(["题库编号", "town-rules"])
    info.append(["名称", "镇人大工作制度"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(**cells: object) -> list[object]:
    values = dict.fromkeys(xlsx_bank.HEADERS)
    values.update(cells)
    return [values[h] for h in xlsx_bank.HEADERS] + [cells.get("备注")]


SAMPLE_ROWS = [
    row(编号="a095-1", 题型="单选题", 题干="根据宪法，乡、民族乡、镇设立（ ）。", 选项A="人民代表大会和人民政府",
        选项B="人民代表大会常务委员会", 选项C="人民法院", 答案="a", 解析="宪法第九十五条第一款。",
        难度="易", 知识点="国家机构；地方人大", 出处="宪法 第九十五条第一款",
        原文="乡、民族乡、镇设立人民代表大会和人民政府"),
    row(题型="多选", 题干="下列哪些属实？", 选项A="甲", 选项B="乙", 选项C="丙", 答案="A,C", 解析="见第1条。",
        出处="town-rules 第1条第1款", 原文="甲丙", 分值=4),
    row(题型="判断", 题干="这是对的。", 答案="√", 解析="见第2条。", 出处="town-rules 第2条", 原文="对"),
    row(题型="judge", 题干="这是错的。", 答案="错误", 解析="见第2条。", 出处="town-rules 第2条", 原文="错"),
    row(题型="填空", 题干="每届任期____年，每年至少开会____次。", 答案="五|5；一", 解析="见第3条。",
        出处="town-rules 第3条", 原文="五年", 难度=3),
    row(题型="简答", 题干="简述职权。", 答案="保证法律的遵守和执行。", 关键词="遵守|执行；监督", 解析="见第4条。",
        出处="town-rules 一（二）", 原文="保证", 分值=6),
    row(编号=17, 题型="单选", 题干="以下不属于的是（ ）。", 选项A="甲", 选项B="乙", 答案="（B）", 解析="见第5条。",
        出处="town-rules 第5条", 原文="甲", 否定题="是", 备注="请核对"),
]  # fmt: skip


def test_xlsx_import_of_a_trainers_sheet(tmp_path: Path, registry: Registry) -> None:
    """A trainer's sheet (title line, Chinese type names and answer forms, short titles, extra column) imports."""
    path = tmp_path / "题库.xlsx"
    path.write_bytes(trainer_workbook(SAMPLE_ROWS))
    outcome = import_bank(path, "xlsx", registry.types, registry.sources)
    assert outcome.problems == []
    bank = outcome.bank
    assert bank is not None and bank.id == "town-rules" and bank.title == "镇人大工作制度"
    by_id = {q.local_id: q for q in bank.questions}
    assert list(by_id) == ["a095-1", "q002", "q003", "q004", "q005", "q006", "17"]
    assert by_id["a095-1"].answer == "A" and by_id["a095-1"].difficulty == 1
    assert by_id["a095-1"].citation.doc == "constitution-2018" and by_id["a095-1"].tags == ("国家机构", "地方人大")
    assert by_id["q002"].answer == ("A", "C") and by_id["q002"].points == 4
    assert by_id["q003"].answer is True and by_id["q004"].answer is False
    assert by_id["q005"].answer == (("五", "5"), ("一",)) and by_id["q005"].difficulty == 3
    assert short_key(by_id["q006"]).keywords == (("遵守", "执行"), ("监督",))
    assert by_id["q006"].citation.section == "一（二）"
    assert by_id["17"].answer == "B" and by_id["17"].negated


def test_xlsx_import_reports_every_bad_row_with_its_number(tmp_path: Path, registry: Registry) -> None:
    """Each malformed row is reported with its Excel row number; every problem is listed, not just the first."""
    rows = [
        SAMPLE_ROWS[2],  # row 2 (the header is row 1): fine
        row(题型="单项", 题干="题型不对", 答案="A", 解析="x", 出处="town-rules 第1条", 原文="x"),  # row 3
        row(题型="判断", 题干="答案不对", 答案="也许", 解析="x", 出处="town-rules 第1条", 原文="x"),  # row 4
        row(题型="单选", 题干="选项有空", 选项A="甲", 选项C="丙", 答案="A", 解析="x", 出处="town-rules 第1条",
            原文="x"),  # row 5
        row(题型="单选", 题干="答案越界", 选项A="甲", 选项B="乙", 答案="E", 解析="x", 出处="town-rules 第1条",
            原文="x"),  # row 6
        row(题型="单选", 选项A="甲", 选项B="乙", 答案="A", 解析="x", 出处="第1条", 原文="x"),  # row 7
    ]  # fmt: skip
    path = tmp_path / "bad.xlsx"
    path.write_bytes(trainer_workbook(rows, title_row=False))
    outcome = import_bank(path, "xlsx", registry.types, registry.sources)
    assert outcome.bank is None
    lines = sorted({p.line or 0 for p in outcome.problems})  # a problem without a line shows as 0
    assert lines == [3, 4, 5, 6, 7]
    messages = " ".join(p.message for p in outcome.problems if p.line == 7)
    assert "stem" in messages and "出处" in messages
    assert all(p.path == str(path) for p in outcome.problems)


def test_xlsx_without_headers_is_reported(tmp_path: Path, registry: Registry) -> None:
    """A sheet without 题型/题干 headers says which headers it needs instead of importing nothing silently."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["姓名", "考号"])
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    imported = xlsx_bank.read_xlsx(path, registry.types)
    assert len(imported.problems) == 1 and "题型" in imported.problems[0].message


def test_xlsx_import_of_a_file_that_is_not_excel(tmp_path: Path, registry: Registry) -> None:
    """A damaged or non-Excel file is one clear problem, not a traceback."""
    path = tmp_path / "fake.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    imported = xlsx_bank.read_xlsx(path, registry.types)
    assert len(imported.problems) == 1 and ".xlsx" in imported.problems[0].message


def workbook_content(workbook: openpyxl.Workbook) -> list[object]:
    content: list[object] = []
    for sheet in workbook.worksheets:
        content.append(sheet.title)
        content.append([list(r) for r in sheet.iter_rows(values_only=True)])
        content.append(sheet.freeze_panes)
        content.append({k: d.width for k, d in sheet.column_dimensions.items()})
        content.append(sorted((str(v.sqref), v.formula1, v.errorStyle) for v in sheet.data_validations.dataValidation))
    return content


def test_shipped_template_matches_the_code() -> None:
    """question_banks/templates/题库模板.xlsx is what template_workbook() builds.

    If this fails, regenerate the file with ``exam banks template --force -o question_banks/templates/题库模板.xlsx``.
    """
    shipped = openpyxl.load_workbook(TEMPLATE)
    built = openpyxl.load_workbook(io.BytesIO(xlsx_bank.template_bytes()))
    assert workbook_content(shipped) == workbook_content(built)
    assert [c.value for c in shipped["题库"][1]] == list(xlsx_bank.HEADERS)


def test_template_imports_as_an_empty_bank_with_one_clear_problem(registry: Registry) -> None:
    """Importing the untouched template reports that it has no questions (and nothing else)."""
    imported = xlsx_bank.read_xlsx(TEMPLATE, registry.types)
    assert [p.message for p in imported.problems] == ["文件中没有题目"]


# -- GIFT --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bank_id", BUILTIN_BANKS)
def test_gift_round_trip_keeps_every_question(registry: Registry, bank_id: str) -> None:
    """bank → GIFT → bank gives back every question of a built-in bank (our fields ride in // exam: comments)."""
    bank = registry.banks[bank_id]
    imported = gift.parse_gift(gift.export_gift(bank), "bank.gift")
    assert imported.problems == []
    again = validate_document(imported.document(), "bank.gift", registry.types, registry.sources)
    assert again.questions == bank.questions
    assert same_meta(again, bank)


def test_gift_round_trip_of_special_characters(tmp_path: Path, registry: Registry) -> None:
    """GIFT's special characters, line breaks, format-marker look-alikes and fractional points survive."""
    bank = load_text(tmp_path, registry, SMALL_BANK)
    text = gift.export_gift(bank)
    assert "\\{花括号\\}" in text and "\\#" in text and "\\n答案" in text
    imported = gift.parse_gift(text, "small.gift")
    again = validate_document(imported.document(), "small.gift", registry.types, registry.sources)
    assert again.questions == bank.questions


GIFT_TEXT = (
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\r\ufdd0\ufdd1\ufdd2\ufdd3\ufdd4\ufdd5"))
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=150, deadline=None)
@given(GIFT_TEXT, GIFT_TEXT)
def test_gift_escaping_round_trips_any_text(stem: str, explanation: str) -> None:
    """Any stem and explanation (braces, ~ = # :, backslashes, line breaks) read back exactly from GIFT."""
    record = {"id": "q1", "type": "judge", "stem": stem, "answer": True, "explanation": explanation,
              "source": {"doc": "d", "article": 1}, "quote": "x"}  # fmt: skip
    imported = gift.parse_gift(gift.question_gift(record) + "\n", "x.gift")
    assert imported.problems == []
    question = imported.questions[0]
    assert (question["stem"], question["explanation"], question["answer"]) == (stem, explanation, True)


MOODLE_GIFT = """\
// Moodle 的示例：注释行
$CATEGORY: 镇人大/制度

::Q1:: 乡镇人大每届任期几年？{~三年 =五年#对 ~四年 ####宪法第98条}

// [id:m2] [tag:代表] [tag:选举]
下列哪些由选民直接选举？{
  ~%50%县级人大代表
  ~%50%乡级人大代表
  ~%-100%省级人大代表
}

乡镇人大代表由选民直接选举。{TRUE}

::Q4::乡、民族乡、镇的人民代表大会每届任期{=五 =5}年。

谁主持镇人代会？{=主席团 =镇人大主席团}

[html]<p>简述乡镇人大的&nbsp;职权。</p>{}

Grant is {~buried =entombed ~living} in Grant's tomb.

// exam: {"source": {"doc": "town-rules", "article": 1}, "quote": "原文", "difficulty": 3}
::full:: 完整的题\\: 含冒号。{F####解析}
"""


def test_gift_import_of_a_moodle_file(registry: Registry) -> None:
    """A Moodle GIFT file (names, comments, weights, T/F, short answer, missing word, HTML) converts: names become
    titles, ids come from [id:…] or are generated, the category becomes a tag; its essay, which has no reference
    answer, is reported and skipped; the bank loads, its questions unsourced."""
    imported = gift.parse_gift(MOODLE_GIFT, "moodle.gift")
    assert imported.problems == [] and [p.line for p in imported.skipped] == [19]
    questions = {q["id"]: q for q in imported.document()["questions"]}
    assert list(questions) == ["q001", "m2", "q003", "q004", "q005", "q006", "q007"]
    assert {q: questions[q]["title"] for q in questions if "title" in questions[q]} == {
        "q001": "Q1", "q004": "Q4", "q007": "full",
    }  # fmt: skip
    assert (questions["q001"]["type"], questions["q001"]["answer"]) == ("single", "B")
    assert questions["q001"]["options"] == ["三年", "五年", "四年"] and questions["q001"]["explanation"] == "宪法第98条"
    assert questions["q001"]["tags"] == ["制度"]
    assert (questions["m2"]["type"], questions["m2"]["answer"], questions["m2"]["tags"]) == (
        "multiple", ["A", "B"], ["制度", "代表", "选举"],
    )  # fmt: skip
    assert (questions["q003"]["type"], questions["q003"]["answer"]) == ("judge", True)
    assert questions["q004"]["stem"] == "乡、民族乡、镇的人民代表大会每届任期____年。"
    assert questions["q004"]["answer"] == [["五", "5"]]
    assert (questions["q005"]["stem"], questions["q005"]["answer"]) == (
        "谁主持镇人代会？____",
        [["主席团", "镇人大主席团"]],
    )
    assert questions["q006"]["stem"] == "Grant is （ ） in Grant's tomb." and questions["q006"]["answer"] == "B"
    assert questions["q007"]["stem"] == "完整的题: 含冒号。" and questions["q007"]["answer"] is False
    # Moodle files carry no 出处/原文: the bank declares no sources, so its questions load marked 未注明出处 (all but
    # the fully described one, whose source rides in its comment).
    bank = validate_document(imported.document("moodle", "M"), "moodle.gift", registry.types, registry.sources)
    assert [q.id for q in bank.questions if q.source is not None] == ["moodle:q007"]


MALFORMED_GIFT = """\
::ok:: 好的题。{T}

::braces:: 少了右括号 {=a ~b

::numeric:: 哪一年？{#1982:0}

// exam: {not json}
::json:: 注释坏了{T}

::match:: 配对 {=a -> 1 =b -> 2}

::two:: 两个等号 {=a =b ~c}

说明文字，没有答案。
"""


def test_gift_import_reports_every_malformed_question_with_its_line(tmp_path: Path, registry: Registry) -> None:
    """Unbalanced braces, bad JSON and two '=' are problems; numerical, matching and descriptions are skipped: each
    with its line, and every question of the file is either imported or reported."""
    imported = gift.parse_gift(MALFORMED_GIFT, "bad.gift")
    assert [q["title"] for q in imported.questions] == ["ok"]
    path = tmp_path / "bad.gift"
    path.write_text(MALFORMED_GIFT, encoding="utf-8")
    outcome = import_bank(path, "gift", registry.types, registry.sources, "bad", default_id="bad")
    assert outcome.bank is None
    assert {p.line for p in imported.problems} <= {p.line for p in outcome.problems}
    assert [(p.line, p.item) for p in imported.problems] == [(3, "braces"), (7, None), (12, "two")]
    assert [(p.line, p.item) for p in imported.skipped] == [(5, "numeric"), (10, "match"), (14, None)]
    assert (outcome.imported, outcome.reported) == (1, 6)


# -- Aiken -------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bank_id", BUILTIN_BANKS)
def test_aiken_round_trip_keeps_single_choice_and_reports_the_rest(registry: Registry, bank_id: str) -> None:
    """Aiken keeps every single-choice question's stem, options and key; every other question is reported skipped."""
    bank = registry.banks[bank_id]
    text, skipped = aiken.export_aiken(bank)
    skipped_ids = {p.item for p in skipped}
    assert skipped_ids == {q.local_id for q in bank.questions if q.type != "single"}
    imported = aiken.parse_aiken(text, "bank.txt")
    assert imported.problems == []
    kept = [q for q in bank.questions if q.type == "single"]
    assert [(q["stem"], list(q["options"]), q["answer"]) for q in imported.questions] == [
        (q.stem, list(q.options), q.answer) for q in kept
    ]


def test_aiken_skips_text_it_cannot_hold(tmp_path: Path, registry: Registry) -> None:
    """A stem with a line break, or one that reads like an option line, is skipped with the reason."""
    text = SMALL_BANK.replace('stem: "=HYPERLINK', 'stem: "A. 像选项 =HYPERLINK')
    bank = load_text(tmp_path, registry, text)
    _, skipped = aiken.export_aiken(bank)
    reasons = {p.item: p.message for p in skipped}
    assert "误读" in reasons["f1"] and "Aiken 只有单选题" in reasons["f2"]


AIKEN_SAMPLE = """\
根据宪法，乡、民族乡、镇设立（ ）。
A. 人民代表大会和人民政府
B) 人民代表大会常务委员会
C．人民法院
D、监察委员会
ANSWER: A

乡、民族乡、镇的人民代表大会每届任期
是几年？
A. 三年
B. 五年
ANSWER：b
"""


def test_aiken_import_of_a_sample_file(registry: Registry) -> None:
    """Aiken with Moodle's and Chinese option marks, a full-width colon and a two-line stem converts."""
    imported = aiken.parse_aiken(AIKEN_SAMPLE, "sample.txt")
    assert imported.problems == []
    first, second = imported.document()["questions"]
    assert first["options"] == ["人民代表大会和人民政府", "人民代表大会常务委员会", "人民法院", "监察委员会"]
    assert (first["id"], first["answer"]) == ("q001", "A")
    assert (second["stem"], second["answer"]) == ("乡、民族乡、镇的人民代表大会每届任期\n是几年？", "B")


MALFORMED_AIKEN = """\
第一题
A. 甲
B. 乙
ANSWER: C

第二题
A. 甲
C. 丙
ANSWER: A

第三题
A. 甲
B. 乙
ANSWER: AB

第四题
A. 甲
B. 乙
"""


def test_aiken_import_reports_every_malformed_question_with_its_line() -> None:
    """A key outside the options, options out of order, two keys and a missing ANSWER line: each with its line."""
    imported = aiken.parse_aiken(MALFORMED_AIKEN, "bad.txt")
    assert imported.questions == []
    assert [p.line for p in imported.problems] == [4, 8, 14, 16]


# -- commands ----------------------------------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_import_command_writes_a_bank_that_loads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """exam banks import guesses xlsx from the suffix, writes NAME.bank.yaml, and the bank loads from --banks-dir."""
    source = tmp_path / "题库.xlsx"
    source.write_bytes(trainer_workbook(SAMPLE_ROWS))
    banks_dir = tmp_path / "banks"
    banks_dir.mkdir()
    output = banks_dir / "town.bank.yaml"
    code, out, err = run(capsys, "banks", "import", str(source), "-o", str(output), "--bank-id", "town")
    assert code == 0, err
    assert "7" in out and output.exists()
    code, out, _ = run(capsys, "--banks-dir", str(banks_dir), "banks", "list")
    assert code == 0 and "town" in out and "镇人大工作制度" in out


def test_import_command_never_overwrites_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An existing output file is kept (exit 1, message names --force) unless --force is given."""
    source = tmp_path / "q.gift"
    source.write_text(
        '// exam: {"source": {"doc": "d", "article": 1}, "quote": "q"}\n::a:: 题。{T####解析}\n', encoding="utf-8"
    )
    output = tmp_path / "a.bank.yaml"
    output.write_text("keep me", encoding="utf-8")
    code, _, err = run(capsys, "banks", "import", str(source), "-o", str(output))
    assert code == 1 and "--force" in err and output.read_text(encoding="utf-8") == "keep me"
    code, _, err = run(capsys, "banks", "import", str(source), "-o", str(output), "--force")
    assert code == 0, err
    assert "id: a" in output.read_text(encoding="utf-8")


def test_import_command_refuses_ambiguous_or_wrong_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A .txt source that is neither Aiken, numbered text nor GIFT needs --format, and the output must be a
    *.bank.yaml file the loader would pick up."""
    source = tmp_path / "q.txt"
    source.write_text("只是一些文字。\n", encoding="utf-8")
    code, _, err = run(capsys, "banks", "import", str(source), "-o", str(tmp_path / "x.bank.yaml"))
    assert code == 1 and "--format" in err
    source.write_text(AIKEN_SAMPLE, encoding="utf-8")
    code, _, err = run(capsys, "banks", "import", str(source), "--format", "aiken", "-o", str(tmp_path / "x.yaml"))
    assert code == 1 and ".bank.yaml" in err


def test_import_command_reports_malformed_rows_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A malformed GIFT file is reported line by line (exit 1) and no bank file is written."""
    source = tmp_path / "bad.gift"
    source.write_text(MALFORMED_GIFT, encoding="utf-8")
    output = tmp_path / "bad.bank.yaml"
    code, out, _ = run(capsys, "banks", "import", str(source), "-o", str(output))
    assert code == 1 and not output.exists()
    assert f"{source}:3 [braces]" in out and f"{source}:14" in out


def test_import_command_writes_an_aiken_bank_that_loads_unsourced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An Aiken file (no 出处, 原文 or 解析) imports into a bank that loads, its questions marked unsourced (exit 0)."""
    source = tmp_path / "sample.aiken"
    source.write_text(AIKEN_SAMPLE, encoding="utf-8")
    banks_dir = tmp_path / "banks"
    banks_dir.mkdir()
    output = banks_dir / "sample.bank.yaml"
    code, _, err = run(capsys, "banks", "import", str(source), "-o", str(output))
    assert code == 0, err
    written = load_yaml(output)
    assert written["bank"]["id"] == "sample" and len(written["questions"]) == 2
    assert all(q["source"] is None for q in written["questions"])
    code, out, _ = run(capsys, "--banks-dir", str(banks_dir), "banks", "list")
    assert code == 0 and "sample" in out


def test_export_command_writes_each_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """exam banks export writes xlsx/gift from the suffix, reports Aiken's skipped questions, and never clobbers."""
    code, out, err = run(capsys, "banks", "export", "--bank", "speech", "-o", str(tmp_path / "s.xlsx"))
    assert code == 0, err
    assert openpyxl.load_workbook(tmp_path / "s.xlsx")["题库"].max_row == 76
    code, _, err = run(capsys, "banks", "export", "--bank", "speech", "-o", str(tmp_path / "s.gift"))
    assert code == 0, err
    code, out, err = run(
        capsys, "banks", "export", "--bank", "speech", "--format", "aiken", "-o", str(tmp_path / "s.txt")
    )
    assert code == 0 and "[s002]" in err and "Aiken" in err
    code, _, err = run(capsys, "banks", "export", "--bank", "speech", "-o", str(tmp_path / "s.gift"))
    assert code == 1 and "--force" in err
    code, _, err = run(capsys, "banks", "export", "--bank", "nope", "-o", str(tmp_path / "n.gift"))
    assert code == 1 and "speech" in err


def test_template_command_writes_the_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """exam banks template writes the same workbook as the shipped template."""
    output = tmp_path / "模板.xlsx"
    code, _, err = run(capsys, "banks", "template", "-o", str(output))
    assert code == 0, err
    assert workbook_content(openpyxl.load_workbook(output)) == workbook_content(openpyxl.load_workbook(TEMPLATE))


def test_document_of_a_bank_is_what_the_writer_writes(registry: Registry) -> None:
    """bank_document is the data dump_bank writes: loading the YAML with PyYAML gives the same mapping."""
    bank = registry.banks["deputies-law-2025"]
    assert yaml.safe_load(dump_bank(bank)) == bank_document(bank)


# -- issue 16 fields in every format -----------------------------------------------------------------------------------

ISSUE16_BANK = """\
bank:
  id: town-rules
  title: 镇人大工作制度
  version: "1.0"
  sources: [town-rules]
  equivalents: [[人大, 人民代表大会], [上级, 上一级]]
questions:
  - id: g1
    type: single
    stem: 本镇人大主席团在闭会期间（ ）。
    options: [办理日常工作, 解散, 停止工作, 由常委会代替]
    answer: A
    explanation: 本镇制度第一条。
    source: {doc: town-rules, article: 1, paragraph: 1}
    quote: 主席团闭会期间办理日常工作
    group: presidium
    application: true
  - id: g2
    type: blank
    stem: 主席团向____负责，充分发挥____。
    answer: [[本级人民代表大会], [{any_order: [主动性, 积极性]}, 两性]]
    explanation: 本镇制度第二条。
    source: {doc: town-rules, article: 2, paragraph: 1}
    quote: 向本级人民代表大会负责，发挥主动性、积极性
    group: presidium
"""


def _issue16_bank(tmp_path: Path, registry: Registry) -> Bank:
    bank = load_text(tmp_path, registry, ISSUE16_BANK)
    assert bank.equivalents and all(q.group == "presidium" for q in bank.questions)
    assert bank.questions[0].application and isinstance(bank.questions[1].answer[1][0], AnyOrder)  # type: ignore[index]
    return bank


def test_yaml_writer_keeps_groups_application_equivalents_and_any_order(tmp_path: Path, registry: Registry) -> None:
    """group, application, the bank's equivalents and an order-free answer are written to YAML and read back, the
    order-free answer on one line as a bank writer would write it."""
    bank = _issue16_bank(tmp_path, registry)
    text = dump_bank(bank)
    assert "- [{any_order: [主动性, 积极性]}, 两性]" in text
    assert "equivalents:\n    - [人大, 人民代表大会]" in text
    again = load_text(tmp_path, registry, text, "again.bank.yaml")
    assert again.questions == bank.questions and same_meta(again, bank)


def test_xlsx_keeps_groups_application_equivalents_and_any_order(tmp_path: Path, registry: Registry) -> None:
    """The Excel template has 题组 and 应用题 columns, a 同义词 row, and writes an order-free answer
    ``（不计顺序）主动性、积极性``; the round trip gives the same bank."""
    bank = _issue16_bank(tmp_path, registry)
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_bank.export_xlsx(bank)))
    sheet, info = workbook["题库"], workbook["题库信息"]
    answer = sheet.cell(row=3, column=xlsx_bank.HEADERS.index("答案") + 1).value
    assert answer == "本级人民代表大会；（不计顺序）主动性、积极性|两性"
    assert sheet.cell(row=2, column=xlsx_bank.HEADERS.index("题组") + 1).value == "presidium"
    assert sheet.cell(row=2, column=xlsx_bank.HEADERS.index("应用题") + 1).value == "是"
    assert ["同义词", "人大=人民代表大会；上级=上一级"] in [[c.value for c in row] for row in info.iter_rows()]
    again = xlsx_round_trip(bank, registry)
    assert again.questions == bank.questions and same_meta(again, bank)


def test_gift_keeps_groups_application_equivalents_and_any_order(tmp_path: Path, registry: Registry) -> None:
    """GIFT shows Moodle an order-free answer as its items joined by 、 and carries our key, group and application
    in the // exam: comment; the round trip gives the same bank."""
    bank = _issue16_bank(tmp_path, registry)
    text = gift.export_gift(bank)
    assert "{=主动性、积极性 =两性" in text
    imported = gift.parse_gift(text, "bank.gift")
    assert imported.problems == []
    again = validate_document(imported.document(), "bank.gift", registry.types, registry.sources)
    assert again.questions == bank.questions and same_meta(again, bank)
