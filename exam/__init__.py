"""Training-exam system for township people's congress chairs.

Plugins import only :data:`hookimpl` from here::

    from exam import hookimpl
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.2.0"

PROJECT_NAME = "exam"

if TYPE_CHECKING:
    import pluggy

    hookimpl: pluggy.HookimplMarker
    """Marker for plugin hook implementations (``@hookimpl``)."""


def __getattr__(name: str) -> object:
    """:data:`hookimpl`, made on first use (PEP 562): every ``exam`` command imports this package, and only those
    that load plugins need pluggy."""
    if name == "hookimpl":
        import pluggy

        marker = pluggy.HookimplMarker(PROJECT_NAME)
        globals()["hookimpl"] = marker
        return marker
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["PROJECT_NAME", "__version__", "hookimpl"]
