"""Issue 17: bank files are parsed in one pass and, once validated, kept in a private cache keyed by their content.

A warm load gives exactly the banks a cold load gives, without parsing; an edited file, a changed source text or a
different question type is read again; a damaged, foreign or others-writable entry is never used; a cache folder
that cannot be written just means no cache.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import yaml

from exam import hookimpl
from exam.bankcache import ContentCache, default_cache
from exam.banks import load_bank_file
from exam.errors import BankFormatError
from exam.models import Bank
from exam.plugins import Registry, load_registry
from exam.sources import Article, SourceDocument, SourceLibrary, load_statute, parse_speech
from exam.textnorm import chinese_numeral
from exam.yamlsafe import MAX_BYTES, PARSES, load_yaml, unsafe_text_problems
from tests.core._support import PROJECT_ROOT

PLUGINS = PROJECT_ROOT / "plugins"
BANK_FILES = sorted(PLUGINS.glob("exam_bank_*/*.bank.yaml"))
CONSTITUTION_BANK = PLUGINS / "exam_bank_constitution" / "constitution-2018.bank.yaml"
SPEECH_BANK = PLUGINS / "exam_bank_speech" / "speech.bank.yaml"
POSIX = hasattr(os, "getuid")


def _load(path: Path, registry: Registry, cache: ContentCache | None) -> Bank:
    return load_bank_file(path, dict(registry.types), registry.sources, cache=cache)


def _parses_since(before: Counter[str]) -> dict[str, int]:
    return {name: count - before[name] for name, count in PARSES.items() if count != before[name]}


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("bank/*.json"))


def _same(a: Bank, b: Bank) -> None:
    """Equal banks, question by question, down to the types of the values (an order-free blank answer, a tuple, an
    int) and the lines errors name (not part of equality)."""
    assert a == b
    assert [repr(q) for q in a.questions] == [repr(q) for q in b.questions]


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_a_warm_load_is_the_cold_load_without_parsing(registry: Registry, cache_dir: Path) -> None:
    """Every built-in bank: the cold load parses each file once and stores it; a new cache object (as a new
    process) takes every bank from the cache, parses nothing, and gives banks equal to a load without cache."""
    before = PARSES.copy()
    cold_cache = ContentCache(cache_dir)
    cold = [_load(path, registry, cold_cache) for path in BANK_FILES]
    assert _parses_since(before) == {str(path): 1 for path in BANK_FILES}
    assert cold_cache.writes == len(BANK_FILES) == len(_entries(cache_dir))

    before = PARSES.copy()
    warm_cache = ContentCache(cache_dir)
    warm = [_load(path, registry, warm_cache) for path in BANK_FILES]
    assert _parses_since(before) == {}
    assert (warm_cache.hits, warm_cache.writes) == (len(BANK_FILES), 0)
    uncached = [_load(path, registry, None) for path in BANK_FILES]
    for cold_bank, warm_bank, plain in zip(cold, warm, uncached, strict=True):
        _same(warm_bank, cold_bank)
        _same(plain, cold_bank)
        assert warm_bank.path == str(next(p for p in BANK_FILES if str(p) == warm_bank.path))


def test_a_warm_registry_parses_no_bank_or_source_file(monkeypatch: pytest.MonkeyPatch, cache_dir: Path) -> None:
    """load_registry, as the app starts: the second start reads no bank and no statute file, and the registry it
    builds holds the same banks and sources."""
    monkeypatch.setenv("EXAM_CACHE_DIR", str(cache_dir))
    before = PARSES.copy()
    cold = load_registry()
    cold_parsed = _parses_since(before)
    banks_and_statutes = {name for name in cold_parsed if not name.endswith(".paper.yaml")}
    assert {Path(name).name for name in banks_and_statutes} >= {path.name for path in BANK_FILES}
    assert all(count == 1 for count in cold_parsed.values())

    before = PARSES.copy()
    warm = load_registry()
    assert not warm.failures
    assert {name for name in _parses_since(before) if not name.endswith(".paper.yaml")} == set()
    assert list(warm.banks) == list(cold.banks)
    for bank_id, bank in cold.banks.items():
        _same(warm.banks[bank_id], bank)
    for doc_id in cold.sources.ids():
        assert warm.sources[doc_id] == cold.sources[doc_id]


def test_an_edited_bank_file_is_read_again(registry: Registry, tmp_path: Path, cache_dir: Path) -> None:
    """Changing a file's bytes changes its key: the edit is seen (and an edit that breaks it is reported), never the
    cached bank of the old bytes."""
    path = tmp_path / "constitution-2018.bank.yaml"
    shutil.copy(CONSTITUTION_BANK, path)
    cache = ContentCache(cache_dir)
    assert _load(path, registry, cache).title == "宪法题库（2018年修正）"

    path.write_text(path.read_text(encoding="utf-8").replace("宪法题库（2018年修正）", "宪法题库（改）"), "utf-8")
    before = PARSES.copy()
    assert _load(path, registry, ContentCache(cache_dir)).title == "宪法题库（改）"
    assert _parses_since(before) == {str(path): 1}

    path.write_text(path.read_text(encoding="utf-8").replace("    answer: B\n", "    answer: Z\n", 1), "utf-8")
    with pytest.raises(BankFormatError) as info:
        _load(path, registry, ContentCache(cache_dir))
    assert str(path) in str(info.value)


def test_a_changed_source_text_or_type_invalidates_the_entry(registry: Registry, cache_dir: Path) -> None:
    """An entry records what its check read: when a cited text changes (or a built-in type is replaced by a plugin's),
    the bank is checked again, so a quote no longer in its source is reported."""
    _load(SPEECH_BANK, registry, ContentCache(cache_dir))
    speech = (PLUGINS / "exam_bank_speech" / "speech.txt").read_text(encoding="utf-8")
    changed = SourceLibrary({**{d: registry.sources[d] for d in registry.sources.ids()},
                             "speech": parse_speech(speech.replace("人大", "人民团体"))})  # fmt: skip
    with pytest.raises(BankFormatError):
        load_bank_file(SPEECH_BANK, dict(registry.types), changed, cache=ContentCache(cache_dir))

    types = dict(registry.types)
    types["single"] = replace(types["single"])  # equal, but not the built-in object: a plugin's own type
    before = PARSES.copy()
    cache = ContentCache(cache_dir)
    bank = load_bank_file(SPEECH_BANK, types, registry.sources, cache=cache)
    assert _parses_since(before) == {str(SPEECH_BANK): 1}
    assert cache.writes == 0  # the entry is not used, and a bank using a plugin's type is not stored at all
    _same(bank, _load(SPEECH_BANK, registry, None))


def _rewrite(entry: Path, payload: bytes, header_change: dict[str, object] | None = None) -> None:
    """Write ``payload`` into an entry with a header that matches it (a foreign writer that knows the format)."""
    import hashlib

    header = json.loads(entry.read_bytes().partition(b"\n")[0])
    header["sha256"] = hashlib.sha256(payload).hexdigest()
    header.update(header_change or {})
    entry.write_bytes(json.dumps(header).encode() + b"\n" + payload)


def _damage_truncated(entry: Path) -> None:
    entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])


def _damage_garbage(entry: Path) -> None:
    entry.write_bytes(b"\x80\x00 not json at all \xff")


def _damage_payload_without_digest(entry: Path) -> None:
    head, _, payload = entry.read_bytes().partition(b"\n")
    entry.write_bytes(head + b"\n" + payload.replace("人大".encode(), "人民".encode()))


def _damage_wrong_shape(entry: Path) -> None:
    data = json.loads(entry.read_bytes().partition(b"\n")[2])
    data["questions"][0][2] = 42  # a stem that is not text
    _rewrite(entry, json.dumps(data, ensure_ascii=False).encode())


def _damage_wrong_answer_shape(entry: Path) -> None:
    data = json.loads(entry.read_bytes().partition(b"\n")[2])
    row = next(row for row in data["questions"] if row[1] == "judge")
    row[3] = "yes"  # a judge key that is not a boolean
    _rewrite(entry, json.dumps(data, ensure_ascii=False).encode())


def _damage_other_version(entry: Path) -> None:
    _rewrite(entry, entry.read_bytes().partition(b"\n")[2], {"version": "0.0.1"})


def _damage_not_a_mapping(entry: Path) -> None:
    _rewrite(entry, b"[1, 2, 3]")


def _damage_nested_too_deep(entry: Path) -> None:
    _rewrite(entry, b"[" * 200_000 + b"]" * 200_000)  # json.loads gives up with RecursionError


@pytest.mark.parametrize(
    "damage",
    [_damage_truncated, _damage_garbage, _damage_payload_without_digest, _damage_wrong_shape,
     _damage_wrong_answer_shape, _damage_other_version, _damage_not_a_mapping, _damage_nested_too_deep],
)  # fmt: skip
def test_a_damaged_or_foreign_entry_is_ignored_and_rebuilt(registry: Registry, cache_dir: Path, damage: object) -> None:
    """Whatever is wrong with an entry, it is not trusted: the file is parsed again, the bank is the cold one, and
    the entry is written afresh (the next load is warm again)."""
    expected = _load(SPEECH_BANK, registry, ContentCache(cache_dir))
    (entry,) = _entries(cache_dir)
    damage(entry)  # type: ignore[operator]
    before = PARSES.copy()
    cache = ContentCache(cache_dir)
    _same(_load(SPEECH_BANK, registry, cache), expected)
    assert _parses_since(before) == {str(SPEECH_BANK): 1}
    assert cache.writes == 1
    again = ContentCache(cache_dir)
    _same(_load(SPEECH_BANK, registry, again), expected)
    assert again.hits == 1


@pytest.mark.skipif(not POSIX, reason="file modes and owners are POSIX")
def test_the_cache_is_private_and_entries_others_may_write_are_not_used(registry: Registry, cache_dir: Path) -> None:
    """The folders are 0700 and entries 0600, with no temporary file left; an entry or folder that group or others
    may write is not used (someone else could have put it there)."""
    _load(SPEECH_BANK, registry, ContentCache(cache_dir))
    (entry,) = _entries(cache_dir)
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(entry.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert [p.name for p in entry.parent.iterdir()] == [entry.name]

    for target, mode in ((entry, 0o666), (entry.parent, 0o777)):
        target.chmod(mode)
        cache = ContentCache(cache_dir)
        assert cache.get("bank", entry.stem) is None
        target.chmod(0o600 if target == entry else 0o700)
    assert ContentCache(cache_dir).get("bank", entry.stem) is not None


def test_an_unwritable_cache_folder_just_means_no_cache(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recwarn: pytest.WarningsRecorder
) -> None:
    """A cache folder that cannot be made (its parent is a file) costs nothing but the cache: banks load, the
    registry has no failure, nothing is written, nothing is warned."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("EXAM_CACHE_DIR", str(blocker / "cache"))
    cache = default_cache()
    _same(_load(SPEECH_BANK, registry, cache), _load(SPEECH_BANK, registry, None))
    assert cache.writes == 0
    built = load_registry()
    assert not built.failures and set(built.banks) == set(registry.banks)
    assert len(recwarn) == 0
    assert blocker.read_text(encoding="utf-8") == "x"


def test_an_empty_cache_setting_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """``EXAM_CACHE_DIR=`` (empty) means no cache; unset, the cache is in the user's cache folder."""
    monkeypatch.setenv("EXAM_CACHE_DIR", "")
    assert default_cache().folder is None
    monkeypatch.delenv("EXAM_CACHE_DIR")
    folder = default_cache().folder
    assert folder is not None and folder.name == "township-exam"


def test_a_statute_is_cached_like_a_bank(cache_dir: Path) -> None:
    """A statute file read twice is parsed once; the document read back is equal to the one read from the file."""
    path = PLUGINS / "exam_bank_organic" / "organic-law-2022.yaml"
    before = PARSES.copy()
    cold = load_statute(path, "organic-law-2022", "地方组织法", cache=ContentCache(cache_dir))
    warm = load_statute(path, "organic-law-2022", "地方组织法", cache=ContentCache(cache_dir))
    assert _parses_since(before) == {str(path): 1}
    assert warm == cold == load_statute(path, "organic-law-2022", "地方组织法", cache=None)
    assert isinstance(warm, SourceDocument) and warm.fingerprint() == cold.fingerprint()


def test_a_bank_file_is_parsed_in_one_pass(registry: Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading a bank runs the YAML parser once over the file (the guards and the line numbers come from the same
    event stream), and nothing composes or constructs it a second time."""
    calls: Counter[str] = Counter()
    for name in ("parse", "compose", "compose_all", "load", "load_all", "scan"):
        original = getattr(yaml, name)

        def counted(*args: object, _name: str = name, _original: object = original, **kwargs: object) -> object:
            calls[_name] += 1
            return _original(*args, **kwargs)  # type: ignore[operator]

        monkeypatch.setattr(yaml, name, counted)  # the module exam.yamlsafe calls
    _load(CONSTITUTION_BANK, registry, None)
    assert calls == Counter(parse=1)


def test_escapes_written_in_double_quotes_are_still_found() -> None:
    """The one pass checks the file's text once and each double-quoted scalar (the only place an escape can make
    a control character); a clean document needs no second walk, a dirty one is reported with its line."""
    clean = load_yaml("t.yaml", "a: 一\nb: '二'\nc: \"三\"\n")
    assert clean.text_is_safe and unsafe_text_problems(clean, "t.yaml") == []
    dirty = load_yaml("t.yaml", 'a: 一\nb: "闪\\e[5m烁"\n')
    assert not dirty.text_is_safe
    assert [(p.line, "U+001B" in p.message) for p in unsafe_text_problems(dirty, "t.yaml")] == [(2, True)]
    override = load_yaml("t.yaml", "a: 一\u202e二\n")  # a raw bidi override: the text check sends it to the walk
    assert not override.text_is_safe and unsafe_text_problems(override, "t.yaml")


# -- large banks -------------------------------------------------------------------------------------------------


def _big_bank(count: int, constitution: SourceDocument) -> str:
    """A bank of ``count`` questions in the built-in banks' style (every type, Chinese text, valid citations and
    quotes of the Constitution), about 700 bytes a question."""
    places = [(a.no, k, p.split("\n")[0]) for a in constitution.articles.values()
              for k, p in enumerate(a.paragraphs, 1) if len(p.split("\n")[0]) >= 20]  # fmt: skip
    lines = ["bank:", "  id: big", "  title: 大题库", '  version: "1.0"', "  sources: [constitution-2018]"]
    lines.append("questions:")
    for i in range(count):
        no, k, text = places[i % len(places)]
        quote = text[i % 3 : i % 3 + 18]
        where = f"宪法第{chinese_numeral(no)}条第{chinese_numeral(k)}款"
        kind = ("single", "multiple", "judge", "blank", "short")[i % 5]
        lines += [f"  - id: q{i:05d}", f"    type: {kind}"]
        if kind in ("single", "multiple"):
            lines += [f"    stem: 某镇人大主席组织代表学习{where}，下列表述符合该款规定的是（ ）。",
                      f"    options: [{quote[:6]}, {quote[6:12]}, 乡镇人民政府, 县级人大常委会]",
                      "    answer: A" if kind == "single" else "    answer: [A, B]"]  # fmt: skip
        elif kind == "judge":
            lines += [f"    stem: {where}规定，“{quote}”。", "    answer: true"]
        elif kind == "blank":
            lines += [f"    stem: {where}规定：{quote[:6]}____。", f"    answer: [[{quote[6:]}]]"]
        else:
            lines += [f"    stem: 请结合乡镇人大工作实际，简述{where}的主要内容及其对基层工作的要求。",
                      f"    answer: {{reference: {quote}, keywords: [[{quote[:4]}], [{quote[6:10]}]]}}"]  # fmt: skip
        lines += [
            f"    explanation: {where}规定“{quote}”，结合乡镇人大工作实际，应当依照该款规定办理，其他选项与该款不符。",
            f"    source: {{doc: constitution-2018, article: {no}, paragraph: {k}}}",
            f"    quote: {quote}",
            f"    difficulty: {1 + i % 3}",
            f"    tags: [宪法, 第{chinese_numeral(no)}条]",
        ]
    return "\n".join(lines) + "\n"


def test_a_20000_question_bank_fits_under_the_size_cap(registry: Registry) -> None:
    """The cap is what a 20,000-question bank of the built-in style needs, with room to spare."""
    size = len(_big_bank(20_000, registry.sources["constitution-2018"]).encode("utf-8"))
    assert size <= MAX_BYTES
    assert size > 5 * 1024 * 1024  # the old cap refused it


@pytest.mark.slow
def test_a_10000_question_bank_loads_and_is_then_warm(registry: Registry, tmp_path: Path, cache_dir: Path) -> None:
    """A bank larger than the old 5 MiB cap loads (every question), once parsed; the warm load parses nothing and
    gives the same bank."""
    path = tmp_path / "big.bank.yaml"
    path.write_text(_big_bank(10_000, registry.sources["constitution-2018"]), encoding="utf-8")
    assert path.stat().st_size > 5 * 1024 * 1024
    before = PARSES.copy()
    cold = _load(path, registry, ContentCache(cache_dir))
    assert len(cold.questions) == 10_000 and cold.count_by_type() == dict.fromkeys(
        ("single", "multiple", "judge", "blank", "short"), 2000
    )
    warm = _load(path, registry, ContentCache(cache_dir))
    assert _parses_since(before) == {str(path): 1}
    _same(warm, cold)


def test_a_bank_over_the_cap_is_refused_naming_file_and_limit(
    registry: Registry, tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One clear problem naming the file, its size and the limit, before anything is parsed; through a banks folder
    it is the folder plugin's one failure."""
    huge = tmp_path / "huge.bank.yaml"
    huge.write_bytes(b"#" * (MAX_BYTES + 1))
    before = PARSES.copy()
    with pytest.raises(BankFormatError) as info:
        _load(huge, registry, ContentCache(cache_dir))
    (problem,) = info.value.problems
    assert problem.path == str(huge) and str(MAX_BYTES) in problem.message and str(MAX_BYTES + 1) in problem.message
    assert _parses_since(before) == {}
    monkeypatch.setenv("EXAM_CACHE_DIR", str(cache_dir))
    failures = load_registry(banks_dirs=[tmp_path]).failures
    assert len(failures) == 1 and str(huge) in failures[0].reason and str(MAX_BYTES + 1) in failures[0].reason


class _SourcePlugin:
    """Registers one source document, as a plugin that builds its text in code does."""

    def __init__(self, doc: SourceDocument) -> None:
        self.doc = doc

    @hookimpl
    def exam_register_sources(self, register: Callable[[SourceDocument], None]) -> None:
        register(self.doc)


def test_a_plugin_source_is_checked_in_one_scan_and_refused_naming_the_field() -> None:
    """A source document a plugin builds is admitted after one scan of its whole text; one with an escape sequence
    in a 款 is refused, naming the field, and a subclass always gets the field-by-field walk."""
    clean = SourceDocument("rules", "本镇制度", "制度", articles={1: Article(1, "第一章 总则", None, ("甲乙丙",))})
    dirty = SourceDocument("rules", "本镇制度", "制度", articles={1: Article(1, "第一章", None, ("甲\x1b[5m乙",))})

    @dataclass
    class Richer(SourceDocument):
        note: str = "\x1b]0;title\x07"  # a field to_data() does not know

    for doc, admitted in ((clean, True), (dirty, False), (Richer("rules", "本镇制度", "制度"), False)):
        built = load_registry(extra_plugins=[("rules-plugin", _SourcePlugin(doc))])
        assert ("rules" in built.sources) is admitted
        reasons = [f.reason for f in built.failures if f.plugin == "rules-plugin"]
        assert reasons == ([] if admitted else [reasons[0]])
        if doc is dirty:
            assert "articles[1].paragraphs[0]" in reasons[0] and "U+001B" in reasons[0]


def test_exam_info_names_the_cache_folder(
    monkeypatch: pytest.MonkeyPatch, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``exam info`` says where the bank cache is (a trainer may delete it), or that it is off."""
    from exam.cli import main

    monkeypatch.setenv("EXAM_CACHE_DIR", str(cache_dir))
    assert main(["info"]) == 0
    assert f"题库缓存目录（可随时删除）: {cache_dir}" in capsys.readouterr().out
    monkeypatch.setenv("EXAM_CACHE_DIR", "")
    assert main(["info"]) == 0
    assert "题库缓存目录（可随时删除）: 未启用" in capsys.readouterr().out
