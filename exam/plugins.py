"""The one owner of the plugin manager: discovery, isolation of broken plugins, and the registry they fill.

Discovery, in order:

1. :mod:`exam.builtin` (the five question types and the csv/xlsx exporters);
2. entry points in the group ``exam`` (the built-in banks are declared there exactly like a third-party plugin);
3. ``*.py`` files and packages in the plugins directory (``--plugins-dir``, ``EXAM_PLUGINS_DIR`` or config).

``EXAM_LOAD_PLUGINS=a,b`` loads only those entry-point/directory plugins; ``EXAM_DISABLE_PLUGINS=a,b`` skips them.
Whatever goes wrong in a plugin (import error, misspelled hook, exception in a hook, invalid bank) is recorded as a
:class:`PluginFailure` and shown by ``exam plugins``; the other plugins keep working.
"""

from __future__ import annotations

import copy
import importlib.util
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from importlib.metadata import entry_points
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any, Generic, TypeVar

import pluggy

from exam import PROJECT_NAME, __version__, hookspecs
from exam.bankcache import default_cache
from exam.banks import load_bank_file
from exam.errors import BankFormatError, ExamError
from exam.exporters import Exporter
from exam.i18n import t
from exam.models import Bank
from exam.papers import PaperSpec, check_satisfiable, load_paper_file
from exam.qtypes import QuestionType
from exam.safetext import unsafe_characters, unsafe_fields
from exam.sources import SourceDocument, SourceLibrary

ENTRY_POINT_GROUP = PROJECT_NAME
CORE_PLUGIN = "exam.builtin"
T = TypeVar("T")


class Kind(StrEnum):
    """What a plugin can contribute; the value is the prefix ``exam plugins`` shows (``bank:speech``)."""

    TYPE = "type"
    SOURCE = "source"
    BANK = "bank"
    PAPER = "paper"
    EXPORTER = "exporter"


@dataclass(frozen=True)
class Registered(Generic[T]):
    """One contribution as the registry keeps it: the validated item and the plugin that supplied it."""

    item: T
    plugin: str


@dataclass(frozen=True)
class PluginInfo:
    """What ``exam plugins`` shows for one plugin.

    Attributes:
        name: The plugin's name (entry-point name, folder plugin name, ``exam.builtin`` or ``banks-dir:DIR``).
        version: The plugin's own version: its module's ``__version__``, else its distribution's; may be empty.
        origin: Where it came from (``township-exam (entry point)``, a folder, ``test``).
        hooks: Names of the hooks it implements, sorted.
        contributed: What it registered, as ``kind:id`` in registration order.
        errors: Why it failed, one reason per problem; empty when it works.
    """

    name: str
    version: str = ""
    origin: str = ""
    hooks: tuple[str, ...] = ()
    contributed: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing went wrong with this plugin."""
        return not self.errors


@dataclass(frozen=True)
class PluginFailure:
    """One problem of one plugin: ``plugin`` is its name, ``reason`` a sentence a trainer can act on."""

    plugin: str
    reason: str


_EMPTY: Mapping[str, Any] = MappingProxyType({})
_TAKEN = {
    Kind.TYPE: "plugin.type_taken",
    Kind.SOURCE: "plugin.source_taken",
    Kind.BANK: "plugin.bank_taken",
    Kind.PAPER: "plugin.paper_taken",
    Kind.EXPORTER: "plugin.exporter_taken",
}


@dataclass(frozen=True)
class Registry:
    """Everything the plugins contributed, validated, with who contributed it; read-only once built.

    Build one with :func:`load_registry`. The item views (``types``, ``sources``, ``banks``, ``papers``,
    ``exporters``) are read-only mappings from id to item, in registration order; :meth:`provider` says which
    plugin supplied an item. To change something (tests do), build a new registry with
    ``dataclasses.replace(registry, entries=...)``; the views are made again from ``entries``.

    Attributes:
        entries: Per kind, id -> :class:`Registered` item.
        plugins: Every plugin seen, by name, in discovery order.
        pm: The plugin manager the items came from (``None`` for a registry built by hand).
    """

    entries: Mapping[Kind, Mapping[str, Registered[Any]]] = field(default_factory=dict)
    plugins: Mapping[str, PluginInfo] = field(default_factory=dict)
    pm: pluggy.PluginManager | None = field(default=None, compare=False, repr=False)
    types: Mapping[str, QuestionType] = field(init=False, repr=False)
    sources: SourceLibrary = field(init=False, repr=False, compare=False)
    banks: Mapping[str, Bank] = field(init=False, repr=False)
    papers: Mapping[str, PaperSpec] = field(init=False, repr=False)
    exporters: Mapping[str, Exporter] = field(init=False, repr=False)
    # The one thing that grows after loading: failures of the exam_attempt_submitted event. A registry made by
    # dataclasses.replace starts with its own empty list, so nothing recorded on one registry shows on another.
    _event_failures: list[PluginFailure] = field(init=False, default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        frozen = {kind: MappingProxyType(dict(self.entries.get(kind, _EMPTY))) for kind in Kind}
        object.__setattr__(self, "entries", MappingProxyType(frozen))
        object.__setattr__(self, "plugins", MappingProxyType(dict(self.plugins)))
        for kind, name in ((Kind.TYPE, "types"), (Kind.BANK, "banks"), (Kind.PAPER, "papers")):
            object.__setattr__(self, name, self._items(kind))
        object.__setattr__(self, "exporters", self._items(Kind.EXPORTER))
        object.__setattr__(self, "sources", SourceLibrary(dict(self._items(Kind.SOURCE))))

    def _items(self, kind: Kind) -> Mapping[str, Any]:
        return MappingProxyType({item_id: entry.item for item_id, entry in self.entries[kind].items()})

    def provider(self, kind: Kind, item_id: str) -> str:
        """The name of the plugin that supplied item ``item_id`` of ``kind`` (e.g. ``provider(Kind.BANK, "speech")``).

        Raises:
            KeyError: No item of that kind has that id.
        """
        return self.entries[kind][item_id].plugin

    @property
    def failures(self) -> list[PluginFailure]:
        """Every plugin problem: those found while loading, plugin by plugin, then those of later events."""
        loading = [PluginFailure(p.name, reason) for p in self.plugins.values() for reason in p.errors]
        return loading + list(self._event_failures)

    def notify_submitted(self, attempt: dict[str, Any]) -> None:
        """Fire ``exam_attempt_submitted`` on every plugin, isolating failures.

        Args:
            attempt: The attempt's JSON shape; each plugin gets its own deep copy.

        An exception in a plugin is recorded (see :attr:`failures`) and never raised.
        """
        if self.pm is None:
            return
        for impl in self.pm.hook.exam_attempt_submitted.get_hookimpls():
            try:
                impl.function(attempt=copy.deepcopy(attempt))  # a plugin changing it must not affect the next
            except Exception as exc:  # a plugin must never stop a submission
                reason = f"exam_attempt_submitted: {type(exc).__name__}: {exc}"
                self._event_failures.append(PluginFailure(impl.plugin_name, reason))


@dataclass
class _PluginLog:
    """A plugin's record while loading; frozen into :class:`PluginInfo` at the end."""

    name: str
    version: str = ""
    origin: str = ""
    hooks: list[str] = field(default_factory=list)
    contributed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def freeze(self) -> PluginInfo:
        return PluginInfo(
            self.name, self.version, self.origin, tuple(self.hooks), tuple(self.contributed), tuple(self.errors)
        )


class _Loading:
    """The mutable state of one :func:`load_registry` run: plugin logs and the per-kind tables."""

    def __init__(self) -> None:
        self.plugins: dict[str, _PluginLog] = {}
        self.tables: dict[Kind, dict[str, Registered[Any]]] = {kind: {} for kind in Kind}

    def log(self, plugin: str, version: str = "", origin: str = "") -> _PluginLog:
        """The log of ``plugin``, made on first use (``version``/``origin`` only fill a new log)."""
        return self.plugins.setdefault(plugin, _PluginLog(plugin, version, origin))

    def fail(self, plugin: str, reason: str) -> None:
        self.log(plugin).errors.append(reason)

    def items(self, kind: Kind) -> dict[str, Any]:
        return {item_id: entry.item for item_id, entry in self.tables[kind].items()}

    def admit(self, kind: Kind, plugin: str, item_id: str, item: object) -> bool:
        """The one registration path: reject a duplicate id (naming its owner), else record ``item`` and its
        plugin. Returns whether it was admitted."""
        table = self.tables[kind]
        if item_id in table:
            self.fail(plugin, t(_TAKEN[kind], name=item_id, owner=table[item_id].plugin))
            return False
        table[item_id] = Registered(item, plugin)
        self.log(plugin).contributed.append(f"{kind}:{item_id}")
        return True

    def freeze(self, pm: pluggy.PluginManager | None) -> Registry:
        plugins = {name: log.freeze() for name, log in self.plugins.items()}
        return Registry(entries=self.tables, plugins=plugins, pm=pm)


def _split_env(name: str) -> set[str] | None:
    value = os.environ.get(name)
    if value is None:
        return None
    return {part.strip() for part in value.split(",") if part.strip()}


def _describe_exception(exc: BaseException) -> str:
    if isinstance(exc, SyntaxError):
        return f"SyntaxError: {exc.msg} ({exc.filename}, line {exc.lineno})"
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({frames[-1].filename}, line {frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def get_plugin_manager(
    plugins_dir: str | Path | None = None,
    extra_plugins: Iterable[tuple[str, object]] = (),
) -> tuple[pluggy.PluginManager, Mapping[str, PluginInfo]]:
    """Build a plugin manager with every plugin discovered and registered; failures are recorded, never raised.

    Args:
        plugins_dir: Folder of extra plugins; defaults to ``EXAM_PLUGINS_DIR``.
        extra_plugins: ``(name, module-or-object)`` pairs to register too (used by tests).

    Returns:
        The manager and, by plugin name in discovery order, what is known of each plugin so far (version, origin,
        hooks, and the reason it failed to load or register, if it did).
    """
    loading = _Loading()
    return _discover(loading, plugins_dir, extra_plugins), {n: log.freeze() for n, log in loading.plugins.items()}


def _plugin_version(plugin: object, dist_version: str = "") -> str:
    """A plugin's own version: its ``__version__``, else that of the distribution that declares it."""
    version = getattr(plugin, "__version__", None)
    return version if isinstance(version, str) and version else dist_version


def _discover(
    loading: _Loading, plugins_dir: str | Path | None, extra_plugins: Iterable[tuple[str, object]]
) -> pluggy.PluginManager:
    pm = pluggy.PluginManager(PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    only = _split_env("EXAM_LOAD_PLUGINS")
    disabled = _split_env("EXAM_DISABLE_PLUGINS") or set()

    def wanted(name: str) -> bool:
        return name not in disabled and (only is None or name in only)

    def add(name: str, plugin: object, version: str = "", origin: str = "") -> None:
        log = loading.log(name)
        log.version, log.origin = version, origin
        try:
            pm.register(plugin, name=name)
        except Exception as exc:  # pluggy.PluginValidationError, ValueError (duplicate name)
            loading.fail(name, _describe_exception(exc))
            return
        try:
            pm.check_pending()
        except pluggy.PluginValidationError as exc:
            pm.unregister(name=name)
            loading.fail(name, t("plugin.unknown_hook", error=exc))
            return
        log.hooks = sorted(_hook_names(pm, plugin))

    from exam import builtin

    add(CORE_PLUGIN, builtin, __version__, origin="exam")
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        if not wanted(ep.name):
            continue
        dist_version = ep.dist.version if ep.dist else ""
        origin = f"{ep.dist.name} (entry point)" if ep.dist else "entry point"
        try:
            plugin = ep.load()
        except BaseException as exc:  # ImportError, SyntaxError, anything a broken plugin raises, even SystemExit
            loading.log(ep.name, dist_version, origin)
            loading.fail(ep.name, _describe_exception(exc))
            continue
        add(ep.name, plugin, _plugin_version(plugin, dist_version), origin)
    folder = plugins_dir or os.environ.get("EXAM_PLUGINS_DIR")
    if folder:
        for name, module_or_error in _load_dir_plugins(Path(folder), wanted):
            if isinstance(module_or_error, BaseException):
                loading.log(name, origin=str(folder))
                loading.fail(name, _describe_exception(module_or_error))
            else:
                add(name, module_or_error, _plugin_version(module_or_error), str(folder))
    for name, plugin in extra_plugins:
        add(name, plugin, _plugin_version(plugin), "test")
    return pm


def _hook_names(pm: pluggy.PluginManager, plugin: object) -> list[str]:
    return [caller.name for caller in pm.get_hookcallers(plugin) or []]


def _load_dir_plugins(folder: Path, wanted: Callable[[str], bool]) -> list[tuple[str, ModuleType | BaseException]]:
    if not folder.is_dir():
        return [(str(folder), ExamError(t("plugin.no_plugins_dir", path=folder)))]
    found: list[tuple[str, ModuleType | BaseException]] = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(("_", ".")):
            continue
        if entry.suffix == ".py":
            name, target = entry.stem, entry
        elif entry.is_dir() and (entry / "__init__.py").exists():
            name, target = entry.name, entry / "__init__.py"
        else:
            continue
        if not wanted(name):
            continue
        module_name = f"exam_dir_plugin_{name}"
        try:
            spec = importlib.util.spec_from_file_location(
                module_name, target, submodule_search_locations=[str(entry)] if entry.is_dir() else None
            )
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            spec.loader.exec_module(module)
        except BaseException as exc:
            sys.modules.pop(module_name, None)
            found.append((name, exc))
            continue
        found.append((name, module))
    return found


@dataclass(frozen=True)
class _Contribution:
    """How one kind of contribution is checked: the class it must be, and how a file naming it is read."""

    kind: Kind
    cls: type
    wrong_kind: str  # message key, formatted with kind=<the class name of what was passed>
    ident: Callable[[Any], str]
    read: Callable[[str | Path], object] | None = None


def _accept(contribution: _Contribution, plugin: str, raw: object, loading: _Loading) -> tuple[str, Any] | None:
    """Validate one contributed ``raw`` item (reading it first when it is a path); record why it is refused."""
    try:
        if isinstance(raw, (str, Path)) and contribution.read is not None:
            item: object = contribution.read(raw)
        elif isinstance(raw, contribution.cls):
            item = raw
            unsafe = [] if _clean_source(item) else unsafe_fields(item)
            if unsafe:  # files were checked with their lines when read; an object is checked here, field by field
                path, chars = unsafe[0]
                raise ExamError(
                    t("plugin.unsafe_text", kind=type(raw).__name__, field=path, chars=", ".join(chars),
                      count=len(unsafe))
                )  # fmt: skip
        else:
            raise ExamError(t(contribution.wrong_kind, kind=type(raw).__name__))
    except ExamError as exc:
        loading.fail(plugin, str(exc))
        return None
    return contribution.ident(item), item


def _clean_source(item: object) -> bool:
    """Whether ``item`` is a source document none of whose texts holds an unsafe character: checked in one scan of
    all its text (the whole statute), as the walk of :func:`unsafe_fields` over every 款 costs a tenth of a warm
    start; anything else, or a document with such a character, goes through that walk, which names the field."""
    if type(item) is not SourceDocument:  # a subclass may hold more text than to_data() gives
        return False
    data = item.to_data()
    texts = [data["doc_id"], data["title"], data["short_title"], data["version"], *data["preamble"]]
    for _no, chapter, section, paragraphs in data["articles"]:
        texts += [chapter, section or "", *paragraphs]
    for name, body in data["sections"]:
        texts += [name, body]
    return all(isinstance(text, str) for text in texts) and not unsafe_characters("\n".join(texts))


def _register_all(
    pm: pluggy.PluginManager,
    loading: _Loading,
    hook_name: str,
    accept: Callable[[str, object], None],
) -> None:
    """Call one hook plugin by plugin, so an exception in one plugin cannot stop the others; each plugin's
    ``register`` is ``accept`` bound to its name."""
    caller = getattr(pm.hook, hook_name)
    for impl in caller.get_hookimpls():  # registration order
        plugin = impl.plugin_name
        try:
            impl.function(register=lambda raw, plugin=plugin: accept(plugin, raw))
        except Exception as exc:
            loading.fail(plugin, f"{hook_name}: {_describe_exception(exc)}")


def _read_bank(loading: _Loading) -> Callable[[str | Path], Bank]:
    cache = default_cache()  # a bank validated before from the same bytes is not parsed again (exam.bankcache)

    def read(path: str | Path) -> Bank:
        try:
            types, sources = loading.items(Kind.TYPE), SourceLibrary(loading.items(Kind.SOURCE))
            return load_bank_file(path, types, sources, cache=cache)
        except BankFormatError as exc:
            first = exc.problems[0]
            raise ExamError(t("plugin.bank_invalid", bank=path, count=len(exc.problems), first=first)) from None

    return read


def _read_paper(loading: _Loading) -> Callable[[str | Path], PaperSpec]:
    def read(path: str | Path) -> PaperSpec:
        try:
            return load_paper_file(path, list(loading.tables[Kind.TYPE]))
        except BankFormatError as exc:
            raise ExamError(t("plugin.paper_invalid", paper=path, first=exc.problems[0])) from None

    return read


def load_registry(
    plugins_dir: str | Path | None = None,
    banks_dirs: Iterable[str | Path] = (),
    extra_plugins: Iterable[tuple[str, object]] = (),
) -> Registry:
    """Discover plugins and collect every contribution, validated, into a read-only :class:`Registry`.

    Contributions are collected kind by kind: question types, sources, banks (hooks, then ``banks_dirs``), papers
    (hooks, then ``banks_dirs``; each checked against every bank), exporters. Every item goes through one path:
    validated for its kind, refused if its id is taken (the first keeps it), recorded with its plugin.

    Args:
        plugins_dir: Folder of extra plugins; defaults to ``EXAM_PLUGINS_DIR``.
        banks_dirs: Folders whose ``*.bank.yaml`` and ``*.paper.yaml`` files are read as the plugin
            ``banks-dir:FOLDER``.
        extra_plugins: ``(name, module-or-object)`` pairs to register too (used by tests).

    Never raises for a plugin's fault: every problem is in :attr:`Registry.failures`.
    """
    loading = _Loading()
    pm = _discover(loading, plugins_dir, extra_plugins)
    kinds = {
        Kind.TYPE: _Contribution(Kind.TYPE, QuestionType, "plugin.type_wrong_kind", lambda q: q.name),
        Kind.SOURCE: _Contribution(Kind.SOURCE, SourceDocument, "plugin.source_wrong_kind", lambda d: d.doc_id),
        Kind.BANK: _Contribution(Kind.BANK, Bank, "plugin.bank_wrong_kind", lambda b: b.id, _read_bank(loading)),
        Kind.PAPER: _Contribution(
            Kind.PAPER, PaperSpec, "plugin.paper_wrong_kind", lambda p: p.id, _read_paper(loading)
        ),
        Kind.EXPORTER: _Contribution(Kind.EXPORTER, Exporter, "plugin.exporter_wrong_kind", lambda e: e.name),
    }

    def register(kind: Kind) -> Callable[[str, object], None]:
        def accept(plugin: str, raw: object) -> None:
            accepted = _accept(kinds[kind], plugin, raw, loading)
            if accepted is not None:
                loading.admit(kind, plugin, *accepted)

        return accept

    # Papers are checked against every bank, so they wait until the banks folders are read too.
    pending_papers: list[tuple[str, str, PaperSpec]] = []

    def hold_paper(plugin: str, raw: object) -> None:
        accepted = _accept(kinds[Kind.PAPER], plugin, raw, loading)
        if accepted is not None:
            pending_papers.append((plugin, *accepted))

    _register_all(pm, loading, "exam_register_question_types", register(Kind.TYPE))
    _register_all(pm, loading, "exam_register_sources", register(Kind.SOURCE))
    _register_all(pm, loading, "exam_register_banks", register(Kind.BANK))
    folders = [(f"banks-dir:{folder}", Path(folder)) for folder in banks_dirs]
    for name, folder in folders:
        loading.log(name, origin=str(folder))
        if not folder.is_dir():
            loading.fail(name, t("plugin.no_banks_dir", path=folder))
        for path in sorted(folder.glob("*.bank.yaml")):
            register(Kind.BANK)(name, path)
    _register_all(pm, loading, "exam_register_papers", hold_paper)
    for name, folder in folders:
        for path in sorted(folder.glob("*.paper.yaml")):
            hold_paper(name, path)
    banks = loading.items(Kind.BANK)
    for plugin, paper_id, spec in pending_papers:
        if paper_id in loading.tables[Kind.PAPER]:
            loading.admit(Kind.PAPER, plugin, paper_id, spec)  # refused, naming the owner
            continue
        try:
            check_satisfiable(spec, banks)
        except ExamError as exc:
            loading.fail(plugin, str(exc))
            continue
        loading.admit(Kind.PAPER, plugin, paper_id, spec)
    _register_all(pm, loading, "exam_register_exporters", register(Kind.EXPORTER))
    return loading.freeze(pm)
