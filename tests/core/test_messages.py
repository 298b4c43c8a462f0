"""The message catalogue: every key the code uses exists, in both languages, with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import exam
from exam.i18n import set_language, t
from exam.messages import CATALOGUE, PARTS

SOURCE = Path(exam.__file__).parent
KEY_CALL = re.compile(r"""\bt\(\s*["']([a-z0-9_]+\.[a-z0-9_.]+)["']""")


def _used_keys() -> set[str]:
    keys: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        keys.update(KEY_CALL.findall(path.read_text(encoding="utf-8")))
    return keys


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_used_in_code_is_in_the_catalogue() -> None:
    """A t("…") call with a key missing from the catalogue would show the raw key to a trainee."""
    used = _used_keys()
    assert len(used) > 100
    missing = sorted(used - set(CATALOGUE))
    assert not missing, missing


def test_no_key_is_defined_in_two_catalogue_files() -> None:
    """The catalogue is split by area; a key defined twice would silently shadow the other."""
    seen: dict[str, int] = {}
    for index, part in enumerate(PARTS):
        for key in part:
            assert key not in seen, f"{key} is defined in part {seen[key]} and part {index}"
            seen[key] = index


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_both_languages_present_with_the_same_placeholders(key: str) -> None:
    """Chinese and English are both filled in and format with the same fields."""
    zh, en = CATALOGUE[key]
    assert zh.strip() and en.strip()
    assert _fields(zh) == _fields(en)


def test_language_switch() -> None:
    """EXAM_LANG / --lang switch every message; unknown keys come back unchanged instead of crashing."""
    try:
        set_language("en")
        assert t("result.passed") == "Passed"
        set_language("zh")
        assert t("result.passed") == "合格"
        assert t("no.such.key") == "no.such.key"
    finally:
        set_language("zh")


def test_question_types_are_named_by_the_catalogue_with_the_plugin_label_as_fallback() -> None:
    """A built-in type's name comes from ``qtype.name.<type>`` in the language in force (or the one asked for);
    a plugin's type the catalogue does not know shows the label the plugin supplied."""
    import dataclasses

    from exam.qtypes import BUILTIN_TYPES, type_label

    single = next(qtype for qtype in BUILTIN_TYPES if qtype.name == "single")
    relabelled = dataclasses.replace(single, label=("别的名字", "Another name"))
    essay = dataclasses.replace(single, name="essay", label=("作文题", "Essay"))
    try:
        set_language("en")
        assert type_label(relabelled) == "Single choice"
        assert type_label(essay) == "Essay"
        assert type_label(relabelled, "zh") == "单选题"
        set_language("zh")
        assert type_label(relabelled) == "单选题"
        assert type_label(essay) == "作文题"
        assert type_label(essay, "en") == "Essay"
    finally:
        set_language("zh")
    assert {qtype.name: qtype.label for qtype in BUILTIN_TYPES} == {
        name: CATALOGUE[f"qtype.name.{name}"] for name in ("single", "multiple", "judge", "blank", "short")
    }
