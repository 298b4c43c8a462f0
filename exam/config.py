"""Settings: command-line options override environment variables, which override the config file.

| setting      | option            | environment          | config file key |
|--------------|-------------------|----------------------|-----------------|
| store folder | ``--db``          | ``EXAM_DB``          | ``db``          |
| plugins dir  | ``--plugins-dir`` | ``EXAM_PLUGINS_DIR`` | ``plugins_dir`` |
| bank folders | ``--banks-dir``   | ``EXAM_BANKS_DIRS``  | ``banks_dirs``  |
| language     | ``--lang``        | ``EXAM_LANG``        | ``lang``        |

The config file is ``config.yaml`` in the platform's user config folder (``exam info`` prints where).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from exam.errors import ExamError
from exam.i18n import t

APP_NAME = "township-exam"


def config_file() -> Path:
    """The config file: ``EXAM_CONFIG``, else ``config.yaml`` in the user's config folder (it may not exist)."""
    return Path(os.environ.get("EXAM_CONFIG") or Path(platformdirs.user_config_dir(APP_NAME)) / "config.yaml")


def default_db() -> Path:
    """The store folder used when nothing else is set: ``store`` in the user's data folder."""
    return Path(platformdirs.user_data_dir(APP_NAME)) / "store"


@dataclass
class Settings:
    """Where the store, the plugins folder and the bank folders are, and the language (``None``: detect)."""

    db: Path | str = field(default_factory=default_db)
    """The results store: a folder (the embedded TinyDB store) or a server URL such as ``postgresql://…``
    (see :func:`exam.store.open_store`)."""
    plugins_dir: Path | None = None
    banks_dirs: list[Path] = field(default_factory=list)
    lang: str | None = None


def store_location(text: str) -> Path | str:
    """A ``--db``/``EXAM_DB`` value: a URL (``scheme://…``) is kept as text, anything else is a folder path."""
    return text if "://" in text else Path(text).expanduser()


def load_settings(
    db: str | None = None,
    plugins_dir: str | None = None,
    banks_dirs: tuple[str, ...] = (),
    lang: str | None = None,
) -> Settings:
    """The settings, each from the first that sets it: the arguments (command-line options), the environment
    (``EXAM_DB``, ``EXAM_PLUGINS_DIR``, ``EXAM_BANKS_DIRS`` separated by ``os.pathsep``, ``EXAM_LANG``), the config
    file (:func:`config_file`), the defaults.

    Raises:
        BankFormatError: The config file is not safe, well-formed YAML.
        ExamError: The config file is not a mapping.
    """
    settings = Settings()
    path = config_file()
    if path.exists():
        from exam.yamlsafe import load_yaml  # only with a config file: starting without one reads no YAML

        data = load_yaml(path)
        if not isinstance(data, dict):
            raise ExamError(t("config.bad_file", path=path))
        if data.get("db"):
            settings.db = store_location(str(data["db"]))
        if data.get("plugins_dir"):
            settings.plugins_dir = Path(str(data["plugins_dir"])).expanduser()
        settings.banks_dirs = [Path(str(p)).expanduser() for p in data.get("banks_dirs") or []]
        settings.lang = str(data["lang"]) if data.get("lang") else None
    if os.environ.get("EXAM_DB"):
        settings.db = store_location(os.environ["EXAM_DB"])
    if os.environ.get("EXAM_PLUGINS_DIR"):
        settings.plugins_dir = Path(os.environ["EXAM_PLUGINS_DIR"]).expanduser()
    if os.environ.get("EXAM_BANKS_DIRS"):
        settings.banks_dirs = [Path(p).expanduser() for p in os.environ["EXAM_BANKS_DIRS"].split(os.pathsep) if p]
    if os.environ.get("EXAM_LANG"):
        settings.lang = os.environ["EXAM_LANG"]
    if db:
        settings.db = store_location(db)
    if plugins_dir:
        settings.plugins_dir = Path(plugins_dir).expanduser()
    if banks_dirs:
        settings.banks_dirs = [Path(p).expanduser() for p in banks_dirs]
    if lang:
        settings.lang = lang
    return settings
