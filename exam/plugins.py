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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy

from exam import PROJECT_NAME, hookspecs
from exam.banks import load_bank_file
from exam.errors import BankFormatError, ExamError
from exam.exporters import Exporter
from exam.i18n import t
from exam.models import Bank
from exam.papers import PaperSpec, check_satisfiable, load_paper_file
from exam.qtypes import QuestionType
from exam.sources import SourceDocument, SourceLibrary

ENTRY_POINT_GROUP = PROJECT_NAME
CORE_PLUGIN = "exam.builtin"


@dataclass
class PluginInfo:
    """What ``exam plugins`` shows for one plugin."""

    name: str
    version: str = ""
    origin: str = ""
    hooks: list[str] = field(default_factory=list)
    contributed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class PluginFailure:
    plugin: str
    reason: str


@dataclass
class Registry:
    """Everything the plugins contributed, validated, with who contributed it."""

    types: dict[str, QuestionType] = field(default_factory=dict)
    sources: SourceLibrary = field(default_factory=SourceLibrary)
    banks: dict[str, Bank] = field(default_factory=dict)
    papers: dict[str, PaperSpec] = field(default_factory=dict)
    exporters: dict[str, Exporter] = field(default_factory=dict)
    owner: dict[str, str] = field(default_factory=dict)
    plugins: dict[str, PluginInfo] = field(default_factory=dict)
    pm: pluggy.PluginManager | None = None

    @property
    def failures(self) -> list[PluginFailure]:
        return [PluginFailure(p.name, reason) for p in self.plugins.values() for reason in p.errors]

    def fail(self, plugin: str, reason: str) -> None:
        self.plugins.setdefault(plugin, PluginInfo(plugin)).errors.append(reason)

    def notify_submitted(self, attempt: dict[str, Any]) -> None:
        """Fire ``exam_attempt_submitted`` on every plugin, isolating failures."""
        if self.pm is None:
            return
        for impl in self.pm.hook.exam_attempt_submitted.get_hookimpls():
            try:
                impl.function(attempt=copy.deepcopy(attempt))  # a plugin changing it must not affect the next
            except Exception as exc:  # a plugin must never stop a submission
                self.fail(impl.plugin_name, f"exam_attempt_submitted: {type(exc).__name__}: {exc}")


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
    registry: Registry | None = None,
) -> tuple[pluggy.PluginManager, Registry]:
    """Build a plugin manager with every plugin discovered and validated; failures are recorded, never raised.

    Args:
        plugins_dir: Folder of extra plugins; defaults to ``EXAM_PLUGINS_DIR``.
        extra_plugins: ``(name, module-or-object)`` pairs to register too (used by tests).
        registry: Where failures go; a new one by default.
    """
    registry = registry or Registry()
    pm = pluggy.PluginManager(PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    registry.pm = pm
    only = _split_env("EXAM_LOAD_PLUGINS")
    disabled = _split_env("EXAM_DISABLE_PLUGINS") or set()

    def wanted(name: str) -> bool:
        return name not in disabled and (only is None or name in only)

    def add(name: str, plugin: object, version: str = "", origin: str = "") -> None:
        info = registry.plugins.setdefault(name, PluginInfo(name))
        info.version, info.origin = version, origin
        try:
            pm.register(plugin, name=name)
        except Exception as exc:  # pluggy.PluginValidationError, ValueError (duplicate name)
            registry.fail(name, _describe_exception(exc))
            return
        try:
            pm.check_pending()
        except pluggy.PluginValidationError as exc:
            pm.unregister(name=name)
            registry.fail(name, t("plugin.unknown_hook", error=exc))
            return
        info.hooks = sorted(impl for impl in _hook_names(pm, plugin))

    from exam import builtin

    add(CORE_PLUGIN, builtin, origin="exam")
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        if not wanted(ep.name):
            continue
        version = ep.dist.version if ep.dist else ""
        origin = f"{ep.dist.name} (entry point)" if ep.dist else "entry point"
        try:
            plugin = ep.load()
        except BaseException as exc:  # ImportError, SyntaxError, anything a broken plugin raises, even SystemExit
            registry.plugins.setdefault(ep.name, PluginInfo(ep.name, version, origin))
            registry.fail(ep.name, _describe_exception(exc))
            continue
        add(ep.name, plugin, version, origin)
    folder = plugins_dir or os.environ.get("EXAM_PLUGINS_DIR")
    if folder:
        for name, module_or_error in _load_dir_plugins(Path(folder), wanted):
            if isinstance(module_or_error, BaseException):
                registry.plugins.setdefault(name, PluginInfo(name, origin=str(folder)))
                registry.fail(name, _describe_exception(module_or_error))
            else:
                add(name, module_or_error, getattr(module_or_error, "__version__", ""), str(folder))
    for name, plugin in extra_plugins:
        add(name, plugin, getattr(plugin, "__version__", ""), "test")
    return pm, registry


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


def _call_each(registry: Registry, hook_name: str, make_register: Callable[[str], Callable[[Any], None]]) -> None:
    """Call one hook plugin by plugin, so an exception in one plugin cannot stop the others."""
    assert registry.pm is not None
    caller = getattr(registry.pm.hook, hook_name)
    for impl in caller.get_hookimpls():  # registration order
        try:
            impl.function(register=make_register(impl.plugin_name))
        except Exception as exc:
            registry.fail(impl.plugin_name, f"{hook_name}: {_describe_exception(exc)}")


def load_registry(
    plugins_dir: str | Path | None = None,
    banks_dirs: Iterable[str | Path] = (),
    extra_plugins: Iterable[tuple[str, object]] = (),
) -> Registry:
    """Discover plugins and collect every contribution, validated. Never raises for a plugin's fault."""
    pm, registry = get_plugin_manager(plugins_dir, extra_plugins)

    def note(plugin: str, what: str) -> None:
        registry.plugins.setdefault(plugin, PluginInfo(plugin)).contributed.append(what)

    def type_register(plugin: str) -> Callable[[Any], None]:
        def register(qtype: Any) -> None:
            if not isinstance(qtype, QuestionType):
                registry.fail(plugin, t("plugin.type_wrong_kind", kind=type(qtype).__name__))
            elif qtype.name in registry.types:
                owner = registry.owner["type:" + qtype.name]
                registry.fail(plugin, t("plugin.type_taken", name=qtype.name, owner=owner))
            else:
                registry.types[qtype.name] = qtype
                registry.owner["type:" + qtype.name] = plugin
                note(plugin, f"type:{qtype.name}")

        return register

    def source_register(plugin: str) -> Callable[[Any], None]:
        def register(document: Any) -> None:
            if not isinstance(document, SourceDocument):
                registry.fail(plugin, t("plugin.source_wrong_kind", kind=type(document).__name__))
            elif document.doc_id in registry.sources:
                owner = registry.owner["source:" + document.doc_id]
                registry.fail(plugin, t("plugin.source_taken", name=document.doc_id, owner=owner))
            else:
                registry.sources.add(document)
                registry.owner["source:" + document.doc_id] = plugin
                note(plugin, f"source:{document.doc_id}")

        return register

    def bank_register(plugin: str) -> Callable[[Any], None]:
        def register(item: Any) -> None:
            try:
                if isinstance(item, (str, Path)):
                    bank = load_bank_file(item, registry.types, registry.sources)
                elif isinstance(item, Bank):
                    bank = item
                else:
                    raise ExamError(t("plugin.bank_wrong_kind", kind=type(item).__name__))
            except BankFormatError as exc:
                count = len(exc.problems)
                registry.fail(plugin, t("plugin.bank_invalid", bank=item, count=count, first=exc.problems[0]))
                return
            except ExamError as exc:
                registry.fail(plugin, str(exc))
                return
            if bank.id in registry.banks:
                registry.fail(plugin, t("plugin.bank_taken", name=bank.id, owner=registry.owner["bank:" + bank.id]))
                return
            registry.banks[bank.id] = bank
            registry.owner["bank:" + bank.id] = plugin
            note(plugin, f"bank:{bank.id}")

        return register

    pending_papers: list[tuple[str, PaperSpec]] = []

    def paper_register(plugin: str) -> Callable[[Any], None]:
        def register(item: Any) -> None:
            try:
                if isinstance(item, (str, Path)):
                    spec = load_paper_file(item, list(registry.types))
                elif isinstance(item, PaperSpec):
                    spec = item
                else:
                    raise ExamError(t("plugin.paper_wrong_kind", kind=type(item).__name__))
            except BankFormatError as exc:
                registry.fail(plugin, t("plugin.paper_invalid", paper=item, first=exc.problems[0]))
                return
            except ExamError as exc:
                registry.fail(plugin, str(exc))
                return
            pending_papers.append((plugin, spec))

        return register

    def exporter_register(plugin: str) -> Callable[[Any], None]:
        def register(exporter: Any) -> None:
            if not isinstance(exporter, Exporter):
                registry.fail(plugin, t("plugin.exporter_wrong_kind", kind=type(exporter).__name__))
            elif exporter.name in registry.exporters:
                registry.fail(plugin, t("plugin.exporter_taken", name=exporter.name))
            else:
                registry.exporters[exporter.name] = exporter
                registry.owner["exporter:" + exporter.name] = plugin
                note(plugin, f"exporter:{exporter.name}")

        return register

    _call_each(registry, "exam_register_question_types", type_register)
    _call_each(registry, "exam_register_sources", source_register)
    _call_each(registry, "exam_register_banks", bank_register)
    for folder in banks_dirs:
        name = f"banks-dir:{folder}"
        registry.plugins.setdefault(name, PluginInfo(name, origin=str(folder)))
        register = bank_register(name)
        paths = sorted(Path(folder).glob("*.bank.yaml"))
        if not Path(folder).is_dir():
            registry.fail(name, t("plugin.no_banks_dir", path=folder))
        for path in paths:
            register(path)
    _call_each(registry, "exam_register_papers", paper_register)
    for folder in banks_dirs:
        register = paper_register(f"banks-dir:{folder}")
        for path in sorted(Path(folder).glob("*.paper.yaml")):
            register(path)
    for plugin, spec in pending_papers:
        if spec.id in registry.papers:
            registry.fail(plugin, t("plugin.paper_taken", name=spec.id, owner=registry.owner["paper:" + spec.id]))
            continue
        try:
            check_satisfiable(spec, registry.banks)
        except ExamError as exc:
            registry.fail(plugin, str(exc))
            continue
        registry.papers[spec.id] = spec
        registry.owner["paper:" + spec.id] = plugin
        note(plugin, f"paper:{spec.id}")
    _call_each(registry, "exam_register_exporters", exporter_register)
    return registry
