"""Bank files: validation reports every problem (file, line, question id, what is wrong), safely, without tracebacks."""

from __future__ import annotations

import re
import subprocess
import textwrap
from pathlib import Path

import pytest

from exam.banks import load_bank_file
from exam.cli import main
from exam.errors import BankFormatError
from exam.models import ShortAnswer
from exam.plugins import Registry
from tests.core._support import bank_yaml, clean_env, exam_script

# Ten different mistakes, each reported on the line marked "# M<n>".
TEN_MISTAKES = """\
bank:
  id: town-rules
  title: 本镇人大工作制度
  version: 1.10                                   # M1 version is a number, not text
questions:
  - id: q1
    type: single
    stem: 乡镇人民代表大会每届任期几年？
    options: [三年, 五年, 四年, 六年]
    answer: E                                     # M2 not one of the option letters
    explanation: 本镇制度第一条。
    source: {doc: town-doc, article: 1}
    quote: 每届任期五年
  - id: q2
    type: judge
    stem: 主席团在闭会期间办理日常工作。
    answer: no                                    # M3 YAML 1.1 "no" is not false here
    explanation: 本镇制度第二条。
    source: {doc: town-doc, article: 2}
    quote: 主席团闭会期间办理日常工作
  - id: q3                                        # M4 no explanation
    type: blank
    stem: 人大代表由选民____选举。
    answer: [[直接]]
    source: {doc: town-doc, article: 3}
    quote: 由选民直接选举
  - id: q4
    type: singel                                  # M5 misspelled type
    stem: 谁召集会议？
    answer: A
    explanation: 本镇制度第四条。
    source: {doc: town-doc, article: 4}
    quote: 主席团召集
  - id: q5
    type: blank
    stem: 会议每年至少举行____次，每次____天。
    answer: [[两, 二, "2"]]                        # M6 two blanks, one answer
    explanation: 本镇制度第五条。
    source: {doc: town-doc, article: 5}
    quote: 每年至少举行两次
  - id: q6
    type: multiple
    stem: 下列哪些属于代表的权利？
    options: [提出议案, 提出建议, 审议报告, 罢免法官]
    answer: [A, B, C]
    explanation: 本镇制度第六条。
    source: {doc: town-doc, article: 6}
    quote: 提出议案、建议，审议报告
    difficulty: 5                                 # M7 difficulty is 1, 2 or 3
  - id: q1                                        # M8 id used twice
    type: judge
    stem: 重复的题目。
    answer: true
    explanation: 本镇制度第一条。
    source: {doc: town-doc, article: 1}
    quote: 每届任期五年
  - id: q7
    type: single
    stem: 主席由谁选举？
    stem: 主席由谁产生？                            # M9 key written twice
    options: [本级人民代表大会, 上级人大常委会]
    answer: A
    explanation: 本镇制度第七条。
    source: {doc: town-doc, article: 7}
    quote: 由本级人民代表大会选举
  - id: q8
    type: single
    stem: 乡、民族乡、镇设立什么？
    options: [人民代表大会和人民政府, 人大常委会]
    answer: A
    explanation: 宪法。
    source: {doc: constitution-2018, article: 999, paragraph: 1}   # M10 the constitution has no article 999
    quote: 乡、民族乡、镇设立人民代表大会和人民政府
"""


def marker_lines(text: str) -> dict[int, int]:
    """``{mistake number: line}`` from the ``# M<n>`` markers."""
    lines = {}
    for number, line in enumerate(text.splitlines(), 1):
        if m := re.search(r"# M(\d+)\b", line):
            lines[int(m.group(1))] = number
    return lines


def check_ten_mistakes_output(path: Path, code: int, out: str, err: str) -> None:
    lines = marker_lines(TEN_MISTAKES)
    assert len(lines) == 10
    assert code != 0
    assert "Traceback" not in out + err
    reported = [line for line in out.splitlines() if line.startswith(f"{path}:")]
    assert len(reported) == 10, out
    reported_lines = sorted(int(line[len(str(path)) + 1 :].split(":")[0].split(" ")[0]) for line in reported)
    assert reported_lines == sorted(lines.values()), out
    # Question ids are named for the question-level mistakes.
    for qid in ("q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8"):
        assert f"[{qid}]" in out
    assert "10" in err


def test_validate_lists_all_ten_mistakes_with_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`exam banks validate` on a bank with ten different mistakes lists all ten with their lines, exits 1."""
    path = tmp_path / "ten.bank.yaml"
    path.write_text(TEN_MISTAKES, encoding="utf-8")
    code = main(["banks", "validate", str(path)])
    captured = capsys.readouterr()
    check_ten_mistakes_output(path, code, captured.out, captured.err)


def test_installed_exam_command_lists_all_ten_mistakes(tmp_path: Path) -> None:
    """The installed `exam` command does the same as a separate process: ten problems, non-zero exit, no traceback."""
    path = tmp_path / "ten.bank.yaml"
    path.write_text(TEN_MISTAKES, encoding="utf-8")
    result = subprocess.run(
        [str(exam_script()), "banks", "validate", str(path)],
        capture_output=True,
        text=True,
        env=clean_env(tmp_path),
        cwd=tmp_path,
        timeout=120,
    )
    check_ten_mistakes_output(path, result.returncode, result.stdout, result.stderr)


def test_validate_good_bank_and_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A valid bank passes (exit 0); a folder is expanded to its *.bank.yaml files."""
    (tmp_path / "good.bank.yaml").write_text(bank_yaml(), encoding="utf-8")
    assert main(["banks", "validate", str(tmp_path / "good.bank.yaml")]) == 0
    assert main(["banks", "validate", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("没有发现问题") == 2


def test_validate_missing_file_is_one_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A path that does not exist is reported as a problem of that file, exit 1, no traceback."""
    code = main(["banks", "validate", str(tmp_path / "nope.bank.yaml")])
    captured = capsys.readouterr()
    assert code == 1
    assert "nope.bank.yaml" in captured.out and "Traceback" not in captured.out + captured.err


# -- the loader directly ---------------------------------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "t.bank.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_bank_loads_with_namespaced_ids_and_typed_answers(tmp_path: Path, registry: Registry) -> None:
    """Ids become ``bank:id``; answers take their documented shapes; default points come from the type."""
    bank = load_bank_file(write(tmp_path, bank_yaml()), registry.types, registry.sources)
    assert bank.id == "town-rules" and bank.version == "1.0"
    assert [q.id for q in bank.questions] == ["town-rules:q1", "town-rules:q2", "town-rules:q3"]
    single, judge, blank = bank.questions
    assert single.answer == "B" and judge.answer is True and blank.answer == (("直接",),)
    assert (single.points, judge.points, blank.points) == (2, 1, 2)
    assert bank.count_by_type() == {"single": 1, "judge": 1, "blank": 1}


def test_duplicate_question_ids_are_reported_with_the_first_line(tmp_path: Path, registry: Registry) -> None:
    """An id used twice is an error on the second use that names the first line."""
    text = bank_yaml()
    text += textwrap.indent(textwrap.dedent(text.split("questions:\n", 1)[1]).split("- id: q2")[0], "  ")
    with pytest.raises(BankFormatError) as info:
        load_bank_file(write(tmp_path, text), registry.types, registry.sources)
    (problem,) = info.value.problems
    assert problem.item == "q1" and "重复" in problem.message and "第 6 行" in problem.message
    assert problem.line is not None and problem.line > 6


def test_duplicate_key_is_reported_together_with_other_problems(tmp_path: Path, registry: Registry) -> None:
    """A key written twice does not hide the other problems of the file (all are listed, in line order)."""
    text = (
        bank_yaml()
        .replace("    difficulty", "    difficulty")
        .replace("    type: judge\n", "    type: judge\n    type: judge\n")
    )
    text = text.replace("answer: B", "answer: Z")
    with pytest.raises(BankFormatError) as info:
        load_bank_file(write(tmp_path, text), registry.types, registry.sources)
    messages = [p.message for p in info.value.problems]
    assert len(messages) == 2
    assert "答案“Z”" in messages[0] and "“type”重复" in messages[1]
    lines = [p.line or 0 for p in info.value.problems]
    assert lines == sorted(lines)


def test_yaml11_traps_in_a_bank_stay_text(tmp_path: Path, registry: Registry) -> None:
    """An option ``no`` and a blank answer ``1:30`` stay text; a judge answer ``no`` is an error, not False."""
    questions = """\
      - id: t1
        type: single
        stem: 选哪个？
        options: [yes, no, on, off]
        answer: B
        explanation: 说明。
        source: {doc: town-doc, article: 1}
        quote: 原文
      - id: t2
        type: blank
        stem: 会议在____开始。
        answer: [[1:30, "01:30"]]
        explanation: 说明。
        source: {doc: town-doc, article: 1}
        quote: 原文
    """
    bank = load_bank_file(write(tmp_path, bank_yaml(questions=questions)), registry.types, registry.sources)
    assert bank.questions[0].options == ("yes", "no", "on", "off")
    assert bank.questions[1].answer == (("1:30", "01:30"),)

    judge = """\
      - id: t3
        type: judge
        stem: 对吗？
        answer: no
        explanation: 说明。
        source: {doc: town-doc, article: 1}
        quote: 原文
    """
    with pytest.raises(BankFormatError) as info:
        load_bank_file(write(tmp_path, bank_yaml(questions=judge)), registry.types, registry.sources)
    (problem,) = info.value.problems
    assert problem.item == "t3" and "true" in problem.message and problem.line == 9


def test_short_answer_key_shape(tmp_path: Path, registry: Registry) -> None:
    """A short answer needs a reference and keyword groups; a bare keyword becomes a group of one."""
    questions = """\
      - id: s1
        type: short
        stem: 简述代表的权利。
        answer:
          reference: 代表有提出议案、建议的权利。
          keywords: [[提出议案, 议案], 建议]
        explanation: 说明。
        source: {doc: town-doc, article: 1}
        quote: 原文
    """
    bank = load_bank_file(write(tmp_path, bank_yaml(questions=questions)), registry.types, registry.sources)
    assert bank.questions[0].answer == ShortAnswer("代表有提出议案、建议的权利。", (("提出议案", "议案"), ("建议",)))
    assert bank.questions[0].points == 5


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("answer: [[直接]]", "answer: [[。]]"), "标点"),
        (("answer: [[直接]]", "answer: [[5]]"), "不是文字"),
        (("answer: B", "answer: [A, B]"), "只能有一个"),
        (("options: [三年, 五年, 四年, 六年]", "options: [三年, 三年]"), "重复"),
        (("options: [三年, 五年, 四年, 六年]", "options: [三年]"), "2 到 8"),
        (("quote: 每届任期五年\n", "quote: 每届任期五年\n    points: -1\n"), "分值"),
        (("quote: 每届任期五年\n", "quote: 每届任期五年\n    answr: B\n"), "未知的字段"),
        (("quote: 每届任期五年\n", "quote: 每届任期五年\n    tags: 标签\n"), "tags"),
        (("source: {doc: town-doc, article: 1, paragraph: 1}", "source: {doc: town-doc}"), "article"),
        (("id: town-rules", "id: Town Rules"), "题库编号"),
    ],
)
def test_each_mistake_is_one_clear_problem(
    tmp_path: Path, registry: Registry, change: tuple[str, str], words: str
) -> None:
    """Each kind of mistake is reported once, with a line and a message that says what to fix."""
    old, new = change
    text = bank_yaml()
    assert old in text
    with pytest.raises(BankFormatError) as info:
        load_bank_file(write(tmp_path, text.replace(old, new, 1)), registry.types, registry.sources)
    (problem,) = info.value.problems
    assert words in problem.message and problem.line is not None
    assert str(problem).startswith(f"{tmp_path / 't.bank.yaml'}:{problem.line}")


def test_quote_must_be_found_in_a_known_source(tmp_path: Path, registry: Registry) -> None:
    """A quote that is not in the cited article of a known source text is a problem of that question."""
    questions = """\
      - id: c1
        type: judge
        stem: 乡、民族乡、镇设立人民代表大会和人民政府。
        answer: true
        explanation: 宪法第九十五条第一款。
        source: {doc: constitution-2018, article: 95, paragraph: 1}
        quote: 乡镇设立人大常委会
    """
    with pytest.raises(BankFormatError) as info:
        load_bank_file(write(tmp_path, bank_yaml(questions=questions)), registry.types, registry.sources)
    (problem,) = info.value.problems
    assert problem.item == "c1" and "quote" in problem.message


def test_a_duplicate_id_does_not_hide_the_duplicate_questions_other_mistakes(
    tmp_path: Path, registry: Registry
) -> None:
    """The second question with a taken id is reported as a duplicate AND checked, so one run lists everything."""
    path = write(
        tmp_path,
        textwrap.dedent(
            """\
            bank: {id: dup, title: 重复, version: "1"}
            questions:
              - {id: q1, type: judge, stem: 甲, answer: true, explanation: 解, source: {doc: x, article: 1}, quote: 甲}
              - {id: q1, type: judge, stem: 乙, answer: maybe, explanation: 解析, source: {doc: x}, quote: 乙}
            """
        ),
    )
    with pytest.raises(BankFormatError) as info:
        load_bank_file(path, registry.types, registry.sources)
    lines = {(p.line, p.item) for p in info.value.problems}
    assert len(info.value.problems) == 3, [str(p) for p in info.value.problems]
    assert lines == {(4, "q1")}
